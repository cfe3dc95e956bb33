"""Accessibility checks on the HTML before it is rendered: language, title and alt text."""
from __future__ import annotations

from html.parser import HTMLParser

from ..errors import RenderError


class _Audit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.title = ""
        self.in_title = False
        self.images_without_alt: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = (attributes.get("lang") or "").strip() or None
        elif tag == "title":
            self.in_title = True
        elif tag in ("img", "svg") or (tag == "object" and "data" in attributes):
            alt = attributes.get("alt") if tag == "img" else attributes.get("aria-label")
            if not (alt or "").strip():
                self.images_without_alt.append(attributes.get("src", tag)[:80])

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data


def check_html(html: str, template: str) -> None:
    """Fail before rendering if the page lacks a language, a title, or alt text on any image.

    PDF/UA needs all three, and a screen reader user has no other way to know what a logo or a
    QR code is."""
    audit = _Audit()
    audit.feed(html)
    problems = []
    if not audit.lang:
        problems.append("the <html> element has no lang attribute")
    if not audit.title.strip():
        problems.append("the page has no <title>")
    problems += [f"an image has no alt text: {src}" for src in audit.images_without_alt]
    if problems:
        raise RenderError(template, "; ".join(problems))
