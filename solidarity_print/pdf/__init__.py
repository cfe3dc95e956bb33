"""Working on finished PDFs: personalising shared renders and composing packets."""
