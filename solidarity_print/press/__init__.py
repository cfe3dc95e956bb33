"""Print production: tiled posters and booklets made from the accessible files for office printers and presses."""
