"""Printed web addresses are links on screen: tagged Link elements with a description, as PDF/UA asks."""
from __future__ import annotations

import page as page_validation
import pikepdf
import pytest
from conftest import pdf_text

RESOURCES, ORGANIZER = "https://www.glsen.org/solidarity-week", "https://www.glsen.org"


def links(path) -> list[dict]:
    """Every link annotation of a PDF: its page, target, /Contents, and the structure element that holds it."""
    found = []
    with pikepdf.open(path) as pdf:
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        for number, page in enumerate(pdf.pages):
            for annotation in page.obj.get("/Annots", []):
                if annotation.get("/Subtype") != "/Link":
                    continue
                element = parents.get(int(annotation.StructParent)) if "/StructParent" in annotation else None
                kids = element.K if element is not None and isinstance(element.K, pikepdf.Array) else []
                found.append(dict(page=number, uri=str(annotation.A.URI), contents=str(annotation.get("/Contents", "")),
                                  role=str(element.S) if element is not None else None,
                                  objr=any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"
                                           and k.Obj.objgen == annotation.objgen for k in kids)))
    return found


@pytest.mark.parametrize("name, expected", [
    ("en/posters/black-lgbtq.pdf", {RESOURCES: "Solidarity Week 2023: ideas and resources", ORGANIZER: "GLSEN website"}),
    ("es/posters/week-at-a-glance.pdf", {RESOURCES: "Semana de la Solidaridad 2023: ideas y recursos",
                                         ORGANIZER: "Sitio web de GLSEN"}),
    ("en/flyers/intersex-youth.pdf", {RESOURCES: "Solidarity Week 2023: ideas and resources", ORGANIZER: "GLSEN website"}),
    ("es/guides/educator-guide.pdf", {RESOURCES: "Semana de la Solidaridad 2023: ideas y recursos",
                                      ORGANIZER: "Sitio web de GLSEN"}),
])
def test_addresses_are_tagged_described_links(default_build, name, expected):
    found = [link for link in links(default_build / name) if link["page"] == 0]
    assert {link["uri"]: link["contents"] for link in found} == expected
    assert all(link["role"] == "/Link" and link["objr"] for link in found)
    assert page_validation.validate_pdf(str(default_build / name), profile="ua1").is_compliant


@pytest.mark.parametrize("name, line", [
    ("en/posters/week-at-a-glance.pdf", "Organized with GLSEN · www.glsen.org"),
    ("es/guides/student-guide.pdf", "En colaboración con GLSEN · www.glsen.org"),
])
def test_organizer_address_is_printed(default_build, name, line):
    assert line in " ".join(pdf_text(default_build / name).split())


def test_guide_text_links_the_address_it_names(default_build):
    assert any(link["uri"] == RESOURCES and link["page"] > 0 for link in links(default_build / "en/guides/student-guide.pdf"))
