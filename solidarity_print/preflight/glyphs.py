"""Tofu: a character drawn as glyph 0 (.notdef, the empty box) of an embedded font."""
from __future__ import annotations

import re

import pikepdf

from .findings import Finding

SHOW_TEXT = {"Tj", "TJ", "'", '"'}


def check_page(pdf: pikepdf.Pdf, index: int, file: str) -> list[Finding]:
    """One finding per font of the page that draws .notdef, with how many times."""
    counts: dict[str, int] = {}
    _walk(pdf.pages[index].obj, counts, set())
    return [Finding(file, index + 1, "missing glyph",
                    f"{count} character{'s are' if count > 1 else ' is'} drawn as an empty box (.notdef) in font "
                    f"{font.split('+')[-1]}",
                    "use a font that has those characters (check with `solidarity-print check`), or change the text")
            for font, count in sorted(counts.items())]


def _walk(container: pikepdf.Object, counts: dict[str, int], seen: set) -> None:
    """Count glyph 0 in `container`'s content stream and in the forms it draws (each form once)."""
    resources = container.get("/Resources", pikepdf.Dictionary())
    fonts = resources.get("/Font", pikepdf.Dictionary())
    xobjects = resources.get("/XObject", pikepdf.Dictionary())
    font = None
    try:
        operations = pikepdf.parse_content_stream(container)
    except pikepdf.PdfError:
        return
    for operands, operator in operations:
        name = str(operator)
        if name == "Tf" and operands:
            font = fonts.get(operands[0])
        elif name in SHOW_TEXT and font is not None:
            strings = operands[-1] if name != "TJ" else [item for item in operands[0] if isinstance(item, pikepdf.String)]
            zeros = sum(_notdefs(font, bytes(s)) for s in (strings if name == "TJ" else [strings]))
            if zeros:
                key = str(font.get("/BaseFont", "unnamed font"))[1:]
                counts[key] = counts.get(key, 0) + zeros
        elif name == "Do" and operands:
            xobject = xobjects.get(operands[0])
            if xobject is not None and xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                _walk(xobject, counts, seen)


def _notdefs(font: pikepdf.Dictionary, data: bytes) -> int:
    """How many codes of `data` select glyph 0. Composite fonts (Type0: what WeasyPrint and our
    overlays write) use two-byte codes, mapped to CIDs by Identity-H or by an embedded CMap (WeasyPrint
    writes one, sending each missing character to CID 0), then to glyphs by /CIDToGIDMap; simple
    fonts are not checked."""
    if font.get("/Subtype") != "/Type0":
        return 0
    encoding = font.get("/Encoding")
    cids = _cmap(encoding) if isinstance(encoding, pikepdf.Stream) else None
    if cids is None and str(encoding) not in ("/Identity-H", "/Identity-V"):
        return 0
    mapping = font.DescendantFonts[0].get("/CIDToGIDMap")
    table = mapping.read_bytes() if isinstance(mapping, pikepdf.Stream) else None
    zeros = 0
    for i in range(0, len(data) - 1, 2):
        code = data[i] << 8 | data[i + 1]
        cid = code if cids is None else cids.get(code, code)
        glyph = (table[2 * cid] << 8 | table[2 * cid + 1]) if table is not None and 2 * cid + 1 < len(table) else cid
        zeros += glyph == 0
    return zeros


CIDCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s+(\d+)")
CIDRANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s+(\d+)")
BLOCK = re.compile(rb"begincid(char|range)(.*?)endcid\1", re.S)


def _cmap(stream: pikepdf.Stream) -> dict[int, int]:
    """Code to CID of an embedded CMap's cidchar and cidrange entries."""
    cids: dict[int, int] = {}
    for kind, body in BLOCK.findall(stream.read_bytes()):
        if kind == b"char":
            cids.update((int(code, 16), int(cid)) for code, cid in CIDCHAR.findall(body))
        else:
            for low, high, cid in CIDRANGE.findall(body):
                cids.update((code, int(cid) + code - int(low, 16)) for code in range(int(low, 16), int(high, 16) + 1))
    return cids
