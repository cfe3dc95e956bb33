"""Tofu: a character drawn as glyph 0 (.notdef, the empty box) of an embedded font."""
from __future__ import annotations

import re

import pikepdf

from .findings import Finding

SHOW_TEXT = {"Tj", "TJ", "'", '"'}


def check_page(pdf: pikepdf.Pdf, index: int, file: str) -> list[Finding]:
    """One finding per font of the page that draws .notdef, with how many times."""
    counts: dict[str, int] = {}
    _walk(pdf.pages[index].obj, counts, set(), {})
    return [Finding(file, index + 1, "missing glyph",
                    f"{count} character{'s are' if count > 1 else ' is'} drawn as an empty box (.notdef) in font "
                    f"{font.split('+')[-1]}",
                    "use a font that has those characters (check with `solidarity-print check`), or change the text")
            for font, count in sorted(counts.items())]


def _walk(container: pikepdf.Object, counts: dict[str, int], seen: set, zeros: dict) -> None:
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
            key = font.objgen if font.is_indirect else id(font)
            if key not in zeros:  # worked out once per font: most fonts have no code for glyph 0 at all
                zeros[key] = _notdef_codes(font)
            if not zeros[key]:
                continue
            strings = [item for item in operands[0] if isinstance(item, pikepdf.String)] if name == "TJ" else [operands[-1]]
            found = sum(_count(bytes(s), zeros[key]) for s in strings)
            if found:
                label = str(font.get("/BaseFont", "unnamed font"))[1:]
                counts[label] = counts.get(label, 0) + found
        elif name == "Do" and operands:
            xobject = xobjects.get(operands[0])
            if xobject is not None and xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                _walk(xobject, counts, seen, zeros)


def _notdef_codes(font: pikepdf.Dictionary) -> frozenset[int]:
    """The two-byte codes that select glyph 0 in a composite font (Type0: what WeasyPrint and our
    overlays write). Codes map to CIDs by Identity-H or by an embedded CMap (WeasyPrint writes one,
    sending each missing character to CID 0), then to glyphs by /CIDToGIDMap. Simple fonts are not checked."""
    if font.get("/Subtype") != "/Type0":
        return frozenset()
    encoding = font.get("/Encoding")
    cids = _cmap(encoding) if isinstance(encoding, pikepdf.Stream) else None
    if cids is None and str(encoding) not in ("/Identity-H", "/Identity-V"):
        return frozenset()
    mapping = font.DescendantFonts[0].get("/CIDToGIDMap")
    table = mapping.read_bytes() if isinstance(mapping, pikepdf.Stream) else None
    zero_cids = {0} if table is None else {cid for cid in range(len(table) // 2)
                                           if table[2 * cid] == 0 and table[2 * cid + 1] == 0}
    if cids is None:
        return frozenset(zero_cids)
    return frozenset(code for code, cid in cids.items() if cid in zero_cids) | \
        frozenset(cid for cid in zero_cids if cid not in cids)


def _count(data: bytes, codes: frozenset[int]) -> int:
    """How many two-byte codes of `data` are among `codes`."""
    if len(codes) > 64:  # a sparse glyph map: look at each code
        return sum((data[i] << 8 | data[i + 1]) in codes for i in range(0, len(data) - 1, 2))
    found = 0
    for code in codes:
        pattern, at = code.to_bytes(2, "big"), data.find(code.to_bytes(2, "big"))
        while at != -1:
            found += at % 2 == 0
            at = data.find(pattern, at + 1)
    return found


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
