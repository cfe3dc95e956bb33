"""Print production: files for office printers, print shops and the hand-out table."""
