"""QR codes: each one a page promises decodes, at its printed size, to the link the page prints."""
from __future__ import annotations

import re

import zxingcpp

from .findings import Finding
from .page import INCH, RENDER_DPI, PageView

# A phone held at arm's length reads a code whose modules are about 0.4 mm or more; the page is
# rendered at RENDER_DPI (72 dpi: a module must be at least ~1.5 pixels, 0.5 mm) and a code that
# does not decode there is too small or too damaged to scan. 0.75 in is the usual smallest code to print.
SMALLEST = 0.75 * INCH  # points across
URL_RE = re.compile(r"https?://\S+")


def check(view: PageView, file: str, promised: list[str]) -> list[Finding]:
    """Findings for the QR codes of a page. `promised` are the links named in the alt text of the
    page's figures ("QR code linking to https://…"): the page says it has a code for each."""
    codes = zxingcpp.read_barcodes(view.image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    decoded = {code.text for code in codes}
    findings = []
    for link in dict.fromkeys(promised):
        if link in decoded:
            continue
        elsewhere = sorted(decoded - set(promised))
        if elsewhere:
            findings.append(Finding(file, view.number, "qr",
                                    f"the QR code decodes to {', '.join(elsewhere)}, not to the page's link {link}",
                                    f"make the code from {link}"))
        else:
            findings.append(Finding(file, view.number, "qr",
                                    f"the QR code for {link} does not decode at its printed size",
                                    f"print it at least {SMALLEST / INCH:g} in wide with its quiet zone of white around it, "
                                    "dark on light"))
    for code in codes:
        if code.text not in promised:
            continue
        corners = (code.position.top_left, code.position.top_right, code.position.bottom_left, code.position.bottom_right)
        across = (max(p.x for p in corners) - min(p.x for p in corners)) * INCH / RENDER_DPI
        if across < SMALLEST * 0.98:
            findings.append(Finding(file, view.number, "qr",
                                    f"the QR code for {code.text} is {across / INCH:.2f} in wide; phones read "
                                    f"codes from about {SMALLEST / INCH:g} in", f"print it at least {SMALLEST / INCH:g} in wide"))
    return findings


def promised_links(alt_texts: list[str]) -> list[str]:
    """The links named in a page's figure alt texts: a QR code's alt text says where it leads."""
    return [match.group(0).rstrip(".,;)") for alt in alt_texts for match in URL_RE.finditer(alt)]
