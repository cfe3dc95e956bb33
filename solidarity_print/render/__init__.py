"""Turning the campaign into tagged PDFs: theme, templates, fonts and WeasyPrint."""
