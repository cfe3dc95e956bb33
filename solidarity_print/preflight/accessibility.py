"""Accessibility of a finished file: title, /Lang, every page tagged, alt text, reading order."""
from __future__ import annotations

import pikepdf

from .findings import Finding
from .page import PageView
from .structure import Structure

LINE_SLACK = 0.5  # of a line's height: a run this much above the one read before it is read out of order


def check_file(pdf: pikepdf.Pdf, structure: Structure, file: str, entry: dict | None = None) -> list[Finding]:
    """Findings about the whole file (title, language, tags) and about pages no tag reaches. What the
    manifest `entry` declares untagged is not an error: a print file (purpose print) has its tagged
    original beside it, and pages of a user's own PDF (`untagged_pages`) are a warning."""
    entry = entry or {}
    declared = set(entry.get("untagged_pages") or [])
    if entry.get("purpose") == "print" and entry.get("tagged") is False:
        return []  # made for the press or the office printer, never read on screen
    findings = []
    title = pdf.docinfo.get("/Title") if pdf.trailer.get("/Info") is not None else None
    if not (title is not None and str(title).strip()):
        findings.append(Finding(file, None, "accessibility", "the file has no title",
                                "give the HTML a <title> (the built-in templates do)"))
    elif not bool(pdf.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
        findings.append(Finding(file, None, "accessibility", "viewers show the file name instead of the title",
                                "set /ViewerPreferences /DisplayDocTitle true (WeasyPrint's pdf/ua-1 does)"))
    lang = pdf.Root.get("/Lang")
    if not (lang is not None and str(lang).strip()):
        findings.append(Finding(file, None, "accessibility", "the file has no /Lang, so screen readers guess its language",
                                "set lang on the HTML element (the built-in templates do)"))
    if not structure.tagged:
        findings.append(Finding(file, None, "accessibility", "the file is not tagged (no structure tree)",
                                "render it with pdf_variant pdf/ua-1, and copy pages with WeasyPrint, not pypdf or qpdf"))
        return findings
    for index, page in enumerate(pdf.pages):
        if index not in structure.reached and _has_content(page) and index + 1 in declared:
            findings.append(Finding(file, index + 1, "accessibility",
                                    "a page of your own PDF, kept untagged (the manifest lists it in untagged_pages): "
                                    "screen readers skip it", "give the packet a tagged PDF to excerpt, or leave "
                                    "the excerpt out of the screen version", warning=True))
        elif index not in structure.reached and _has_content(page):
            findings.append(Finding(file, index + 1, "accessibility",
                                    "no element of the structure tree reaches this page: screen readers skip it",
                                    "make the file in one WeasyPrint write, or keep the structure tree when merging"))
    for index, alts in sorted(structure.figures.items()):
        missing = sum(alt is None for alt in alts)
        if missing:
            findings.append(Finding(file, index + 1, "accessibility",
                                    f"{missing} figure{'s have' if missing > 1 else ' has'} no alt text",
                                    "give every image an alt attribute saying what it shows"))
    return findings


def check_order(view: PageView, structure: Structure, file: str) -> list[Finding]:
    """On a one-column page, the structure tree must read the text top to bottom as it is printed."""
    order = structure.order.get(view.index)
    if not order or not _one_column(view):
        return []
    tops: dict[int, tuple[float, float, str]] = {}
    for run in view.runs:
        if run.mcid >= 0:
            top, height, text = tops.get(run.mcid, (run.top, 0.0, run.text))
            tops[run.mcid] = (max(top, run.top), max(height, run.top - run.bottom), text)
    previous = None
    for mcid in order:
        if mcid not in tops:
            continue
        top, height, text = tops[mcid]
        if previous is not None and top > previous[0] + max(height, previous[1]) * (1 + LINE_SLACK):
            return [Finding(file, view.number, "reading order",
                            f"{_short(text)!r} is printed above {_short(previous[2])!r} but read after it",
                            "keep the HTML in the order the page is read (do not move blocks with absolute "
                            "positioning or order:)")]
        previous = (top, height, text)
    return []


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _one_column(view: PageView) -> bool:
    """True when no two lines of text stand side by side (their heights overlap, their widths do not)."""
    runs = sorted((r for r in view.runs if r.mcid >= 0), key=lambda r: r.left)
    for i, first in enumerate(runs):
        for second in runs[i + 1:]:
            if second.left > first.right + (first.top - first.bottom) * 2 and \
                    min(first.top, second.top) - max(first.bottom, second.bottom) > 0:
                return False
    return True


def _has_content(page: pikepdf.Page) -> bool:
    contents = page.obj.get("/Contents")
    if contents is None:
        return False
    streams = contents if isinstance(contents, pikepdf.Array) else [contents]
    return any(len(stream.read_bytes().strip()) for stream in streams)
