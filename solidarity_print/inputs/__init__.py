"""Reading what users give us: the campaign, the roster, guides, logos and their own PDFs."""
