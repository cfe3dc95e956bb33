"""Preflight of a build folder: read manifest.json, check every file it lists, page by page, in parallel."""
from __future__ import annotations

import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pikepdf
import pypdfium2

from ..errors import InputError, OutputError, Problem
from ..pipeline.output import MANIFEST, safe_join
from . import accessibility, contrast, glyphs, images, margins, overflow, qr, structure
from .findings import Finding, Report
from .page import PageView

SMALL = 8  # files: fewer than this are checked in this process, a pool costs more than it saves


def preflight(folder: Path, workers: int | None = None) -> Report:
    """Check every file DIR/manifest.json lists and report what to change, file by file and page by page."""
    started = time.monotonic()
    entries = _entries(folder)
    report = Report(str(folder), files=len(entries))
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(entries) < SMALL:
        results = [check_file(folder, entry) for entry in entries]
    else:
        # Big files first, so one long packet does not finish alone at the end.
        order = sorted(entries, key=lambda e: -int(e.get("pages", 1) or 1))
        with ProcessPoolExecutor(max_workers=min(workers, len(entries))) as pool:
            results = list(pool.map(check_file, [folder] * len(order), order, chunksize=2))
    for pages, findings in results:
        report.pages += pages
        report.findings += findings
    report.findings.sort(key=lambda f: (f.file, f.page or 0, f.warning, f.check))
    report.seconds = time.monotonic() - started
    return report


def check_file(folder: Path, entry: dict) -> tuple[int, list[Finding]]:
    """The number of pages of one manifest entry's file and every finding about it."""
    name = str(entry.get("path", ""))
    try:
        path = safe_join(folder, name)
    except OutputError as exc:  # a manifest pointing outside its folder is not ours to open
        return 0, [Finding(name, None, "file", str(exc), "rebuild into this folder")]
    if not path.is_file():
        return 0, [Finding(name, None, "file", "is listed in manifest.json but missing", "build again")]
    findings: list[Finding] = []
    with pikepdf.open(path) as pdf:
        tags = structure.read(pdf)
        findings += accessibility.check_file(pdf, tags, name, entry)
        for index in range(len(pdf.pages)):
            findings += glyphs.check_page(pdf, index, name)
        pages = len(pdf.pages)
    document = pypdfium2.PdfDocument(str(path))
    try:
        for index in range(len(document)):
            view = PageView(document, index)
            promised = qr.promised_links([alt for alt in tags.figures.get(index, []) if alt])
            findings += contrast.check(view, name)
            findings += qr.check(view, name, promised) if promised else []
            findings += images.check(view, name, entry)
            findings += margins.check(view, name)
            findings += overflow.check(view, name)
            findings += accessibility.check_order(view, tags, name)
    finally:
        document.close()
    return pages, findings


def _entries(folder: Path) -> list[dict]:
    """The manifest's file entries, or an InputError naming manifest.json and what is wrong with it."""
    path = folder / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError([Problem(str(path), "", "not found: preflight checks a build folder (run build first, "
                                                 "or give the folder its --out named)")]) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError([Problem(str(path), "", f"cannot be read as a manifest: {exc}")]) from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list) or not all(isinstance(f, dict) and isinstance(f.get("path"), str) for f in files):
        raise InputError([Problem(str(path), "files", "must be a list of objects with a path")])
    return files
