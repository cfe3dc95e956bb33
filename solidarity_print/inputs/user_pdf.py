"""The organizer's own PDFs: page ranges checked against the file, and pages extracted safely (pikepdf)."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf

from ..errors import ProblemCollector
from ..model import Excerpt

RANGE_RE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


def parse_pages(spec: str) -> tuple[int, ...] | None:
    """'3-5,8' -> (3, 4, 5, 8); None when the spec is malformed or runs backwards."""
    pages: list[int] = []
    for part in spec.split(","):
        match = RANGE_RE.match(part)
        if not match:
            return None
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if first < 1 or last < first:
            return None
        pages += range(first, last + 1)
    return tuple(pages)


def check_excerpt(folder: Path, source: str, spec: str, problems: ProblemCollector, path: str) -> tuple[int, ...] | None:
    """The pages of an [[excerpts]] entry, validated against its PDF; records problems and returns None."""
    try:
        pdf_path = (folder / source).resolve()
        exists = pdf_path.is_file()
    except (ValueError, OSError):  # a NUL byte, a name longer than the file system allows
        problems.add(f"{path}.source", f"{source[:80]!r} is not a usable file name")
        return None
    if not pdf_path.is_relative_to(folder.resolve()):
        problems.add(f"{path}.source", f"{source!r} is outside the campaign folder {folder}")
        return None
    if not exists:
        problems.add(f"{path}.source", f"{source!r} does not exist (looked for {pdf_path})")
        return None
    pages = parse_pages(spec)
    if pages is None:
        problems.add(f"{path}.pages", f"{spec!r} is not a page range like \"3-5\" or \"1,4-6\"")
        return None
    try:
        with open_user_pdf(pdf_path) as pdf:
            count = len(pdf.pages)
            for number in (p for p in pages if p <= count):
                _read_page_streams(pdf, pdf.pages[number - 1])
    except pikepdf.PasswordError:
        problems.add(f"{path}.source", f"{source!r} is encrypted or protected by its author; use an unprotected copy")
        return None
    except (pikepdf.PdfError, OSError, RecursionError, ValueError) as exc:
        problems.add(f"{path}.source", f"{source!r} is damaged or not a PDF ({_first_line(exc)})")
        return None
    outside = sorted({p for p in pages if p > count})
    if outside:
        problems.add(f"{path}.pages", f"{spec!r} asks for page {outside[0]} but {source!r} has {count} pages")
        return None
    return pages


MAX_PDF_BYTES = 200 * 1024 * 1024


def open_user_pdf(path: Path) -> pikepdf.Pdf:
    """Open a user's PDF strictly: a damaged file (truncated, a lying /Length, a broken cross-reference
    table) is an error to report, not something to repair silently and print half of."""
    if path.stat().st_size > MAX_PDF_BYTES:
        raise ValueError(f"larger than {MAX_PDF_BYTES // 1024 // 1024} MB")
    pdf = pikepdf.open(path, attempt_recovery=False, suppress_warnings=True)
    warnings = pdf.get_warnings()
    if warnings:
        pdf.close()
        raise ValueError(f"damaged: {warnings[0]}")
    if pdf.is_encrypted:
        pdf.close()
        raise pikepdf.PasswordError("protected by its author")
    return pdf


def _read_page_streams(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    """Read a page's content streams as stored (not decompressed, so a flate bomb costs nothing):
    a stream whose /Length lies shows up here, as a qpdf warning, instead of as a blank page later."""
    contents = page.obj.get("/Contents")
    for stream in (contents if isinstance(contents, pikepdf.Array) else [contents] if contents is not None else []):
        if isinstance(stream, pikepdf.Stream):
            stream.read_raw_bytes()
        elif stream is None or isinstance(stream, pikepdf.Object) and stream.is_null:
            raise ValueError("damaged: a page's content is missing")
    warnings = pdf.get_warnings()  # each call hands the warnings over once
    if warnings:
        raise ValueError(f"damaged: {warnings[-1]}")


def strip_actions(page: pikepdf.Page) -> None:
    """Keep a copied page printable and inert: no page actions, and of its annotations only plain
    web and email links (no JavaScript, launch actions, attached files, media or form fields)."""
    if "/AA" in page.obj:
        del page.obj["/AA"]
    kept = pikepdf.Array()
    for annot in page.obj.get("/Annots", []):
        action = annot.get("/A")
        uri = str(action.get("/URI", "")) if isinstance(action, pikepdf.Dictionary) else ""
        if annot.get("/Subtype") == "/Link" and action is not None and action.get("/S") == "/URI" \
                and uri.startswith(("https:", "http:", "mailto:")) and "/AA" not in annot:
            if "/Next" in action:  # a chained action runs after the link's: JavaScript can hide there
                del action["/Next"]
            kept.append(annot)
    if "/Annots" in page.obj:
        page.obj.Annots = kept


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else exc.__class__.__name__


def extract(excerpt: Excerpt, title: str) -> bytes:
    """The excerpt's pages as a new PDF with title and language set.

    Pages copied out of another file lose that file's structure tree, so an excerpt is only as
    accessible as its source was not: the manifest marks it untagged. Page and link actions are
    dropped because excerpts are print material, not programs."""
    with open_user_pdf(excerpt.source) as source, pikepdf.new() as out:
        for number in excerpt.pages:
            _read_page_streams(source, source.pages[number - 1])
            out.pages.append(source.pages[number - 1])
        for page in out.pages:
            strip_actions(page)
        out.Root.Lang = pikepdf.String(excerpt.lang)
        out.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
        out.docinfo["/Title"] = pikepdf.String(title)
        buffer = io.BytesIO()
        out.save(buffer, deterministic_id=True)
    return buffer.getvalue()
