"""Every built PDF is tagged PDF/UA-1: structure tree over every page, language, title, embedded fonts."""
from __future__ import annotations

import shutil
import subprocess

import page as page_validation
import pikepdf
import pytest
from conftest import struct_langs, struct_pages

from solidarity_print.inputs.config import load_campaign


def all_pdfs(default_build):
    return sorted(default_build.rglob("*.pdf"))


def test_every_pdf_passes_page_validation_ua1(default_build):
    failures = {}
    for path in all_pdfs(default_build):
        report = page_validation.validate_pdf(str(path), profile="ua1")
        if not report.is_compliant:
            failures[path.name] = [(f.rule_id, f.message) for f in report.failures][:3]
    assert not failures


def test_every_pdf_passes_qpdf_check(default_build):
    qpdf = shutil.which("qpdf")
    assert qpdf, "qpdf is not installed: run the README's test command, which installs it"
    for path in all_pdfs(default_build):
        result = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0 and "No syntax or stream encoding errors" in result.stdout, (path, result.stdout)


def test_every_page_is_reachable_from_the_structure_tree(default_build):
    for path in all_pdfs(default_build):
        with pikepdf.open(path) as pdf:
            assert pdf.Root.MarkInfo.Marked is True
            reached = struct_pages(pdf)
            for number, page in enumerate(pdf.pages, 1):
                assert page.obj.objgen in reached, f"{path} page {number} is untagged"
                assert "/StructParents" in page.obj


def test_language_and_title_are_set(default_build, manifest):
    names = load_campaign().name
    for entry in manifest:
        with pikepdf.open(default_build / entry["path"]) as pdf:
            assert str(pdf.Root.Lang) == entry["lang"]
            assert str(pdf.docinfo.Title) == entry["title"]
            assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
            assert names[entry["lang"]] in entry["title"]  # "Semaine de la solidarité 2023" in French


def test_english_terms_in_spanish_text_are_marked_english(default_build):
    with pikepdf.open(default_build / "es/guides/student-guide.pdf") as pdf:
        assert "en" in struct_langs(pdf)


def test_every_font_is_embedded(default_build):
    for path in all_pdfs(default_build):
        with pikepdf.open(path) as pdf:
            for page in pdf.pages:
                for name, font in page.Resources.get("/Font", {}).items():
                    descendants = font.get("/DescendantFonts", [font])
                    for d in descendants:
                        descriptor = d.FontDescriptor
                        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), (path, name)


@pytest.mark.parametrize("name", ["en/posters/black-lgbtq.pdf", "en/flyers/black-lgbtq.pdf"])
def test_qr_code_image_has_alt_text(default_build, name):
    with pikepdf.open(default_build / name) as pdf:
        alts, stack = [], [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(node)
            elif isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/Figure":
                    alts.append(str(node.get("/Alt", "")))
                if "/K" in node:
                    stack.append(node.K)
    assert alts and all("glsen.org/solidarity-week" in alt for alt in alts)
