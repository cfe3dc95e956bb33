"""Shared fixtures: one real build of the built-in campaign, made once per test session via the CLI."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from solidarity_print.cli import cli


def pytest_configure(config):
    """Each test session gets its own empty cache, so no test is served a file from another run
    (removed when the session ends); on CI, hypothesis replays the same examples every time, so a red
    run can be reproduced."""
    import tempfile

    from hypothesis import settings
    config._session_cache = tempfile.mkdtemp(prefix="solidarity-print-test-cache-")
    os.environ["XDG_CACHE_HOME"] = config._session_cache
    settings.register_profile("ci", derandomize=True, print_blob=True)
    if os.environ.get("CI"):
        settings.load_profile("ci")


def pytest_unconfigure(config):
    """The session's cache goes with the session."""
    import shutil

    shutil.rmtree(getattr(config, "_session_cache", ""), ignore_errors=True)


@pytest.fixture(scope="session")
def default_build(tmp_path_factory) -> Path:
    """`solidarity-print build` with no arguments, run from an empty folder; returns that folder's dist/."""
    folder = tmp_path_factory.mktemp("empty")
    previous = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(cli, ["build"], catch_exceptions=False)
    finally:
        os.chdir(previous)
    assert result.exit_code == 0, result.output
    return folder / "dist"


@pytest.fixture(scope="session")
def manifest(default_build) -> list[dict]:
    """The build's manifest entries."""
    return json.loads((default_build / "manifest.json").read_text(encoding="utf-8"))["files"]


def pdf_text(path: Path) -> str:
    """All text of a PDF as pypdf extracts it, pages joined by newlines."""
    from pypdf import PdfReader
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def struct_pages(pdf: pikepdf.Pdf) -> set[tuple[int, int]]:
    """The pages (object ids) that the structure tree reaches through /Pg entries."""
    reached, stack, seen = set(), [pdf.Root.StructTreeRoot], set()
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
            continue
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        if "/Pg" in node:
            reached.add(node.Pg.objgen)
        if "/K" in node:
            stack.append(node.K)
    return reached


def struct_langs(pdf: pikepdf.Pdf) -> set[str]:
    """Every /Lang set on a structure element."""
    langs, stack = set(), [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary):
            if "/Lang" in node:
                langs.add(str(node.Lang))
            if "/K" in node:
                stack.append(node.K)
    return langs
