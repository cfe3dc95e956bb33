"""Reading print files back for the press tests: tagged text in structure order, marks, and pixels."""
from __future__ import annotations

from pathlib import Path

import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_c


def mcid_texts(path: Path) -> list[dict[int, str]]:
    """For each page, the text drawn inside each marked-content id (what a screen reader gets for it)."""
    document = pypdfium2.PdfDocument(path)
    pages = []
    for page in document:
        text_page = page.get_textpage()
        texts: dict[int, str] = {}
        for item in page.get_objects(max_depth=1):
            mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(item.raw)
            if mcid >= 0 and item.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
                texts[mcid] = texts.get(mcid, "") + _text_of(item, text_page)
        pages.append(texts)
    document.close()
    return pages


def _text_of(item, text_page) -> str:
    size = pdfium_c.FPDFTextObj_GetText(item.raw, text_page.raw, None, 0)
    buffer = (pdfium_c.c_ushort * size)()
    pdfium_c.FPDFTextObj_GetText(item.raw, text_page.raw, buffer, size)
    return bytes(buffer).decode("utf-16-le").rstrip("\x00")


def artifact_and_tagged_text_objects(path: Path) -> list[tuple[int, int, int]]:
    """Per page: (text objects tagged with an MCID, text objects in an /Artifact, text objects in neither)."""
    document = pypdfium2.PdfDocument(path)
    counts = []
    for page in document:
        tagged = artifacts = loose = 0
        for item in page.get_objects(max_depth=1):
            if item.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                continue
            names = set()
            for index in range(pdfium_c.FPDFPageObj_CountMarks(item.raw)):
                mark = pdfium_c.FPDFPageObj_GetMark(item.raw, index)
                length = pdfium_c.c_ulong()
                buffer = (pdfium_c.c_ushort * 128)()
                pdfium_c.FPDFPageObjMark_GetName(mark, buffer, 256, length)
                names.add(bytes(buffer)[:max(length.value - 2, 0)].decode("utf-16-le"))
            if pdfium_c.FPDFPageObj_GetMarkedContentID(item.raw) >= 0:
                tagged += 1
            elif "Artifact" in names:
                artifacts += 1
            else:
                loose += 1
        counts.append((tagged, artifacts, loose))
    document.close()
    return counts


def structure_reading(path: Path) -> list[tuple[int, int]]:
    """The (page index, MCID) of every marked-content reference in the structure tree, in reading order."""
    with pikepdf.open(path) as pdf:
        index_of = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
        found: list[tuple[int, int]] = []

        def walk(node, page):
            if isinstance(node, int):
                found.append((index_of[page.objgen], node))
                return
            if isinstance(node, pikepdf.Array):
                for kid in node:
                    walk(kid, page)
                return
            if not isinstance(node, pikepdf.Dictionary):
                return
            if node.get("/Type") == pikepdf.Name.MCR:
                found.append((index_of[node.Pg.objgen], int(node.MCID)))
                return
            if node.get("/Type") == pikepdf.Name.OBJR:
                return
            if "/K" in node:
                walk(node.K, node.get("/Pg", page))

        walk(pdf.Root.StructTreeRoot.K, None)
        return found


def read_in_order(path: Path) -> list[str]:
    """The document's tagged text as a screen reader reads it: each reference's text, in structure order."""
    texts = mcid_texts(path)
    return [texts[page].get(mcid, "") for page, mcid in structure_reading(path)]


def render(path: Path, page: int, scale: float):
    """One page as an RGB PIL image, `scale` pixels per point."""
    document = pypdfium2.PdfDocument(path)
    try:
        return document[page].render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()
