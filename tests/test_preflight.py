"""Preflight: the default build passes clean, and each check catches a defect made on purpose."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from PIL import Image

from solidarity_print.build import BuildOptions, build
from solidarity_print.cli import cli
from solidarity_print.preflight import preflight

POSTER_OVERRIDE = """{% extends "!default/poster.html" %}
{% block label %}<p class="label">{{ t.focus_day }}</p><img src="logo.png" alt="Our club's logo" style="width: 1.5in; height: 1.5in">{% endblock %}
{% block qr_footer %}{% set link = campaign.resources_url %}
<footer class="qr-footer" data-reserved>
  <img class="qr" src="{{ qr_data_uri('https://example.org/elsewhere') }}" alt="{{ t.qr_alt.format(url=link) }}">
  <div class="qr-text"><p class="scan">{{ t.scan_label }}</p><p class="url"><a href="{{ link }}">{{ link | web_address }}</a></p></div>
</footer>{% endblock %}
"""
# A light grey for the flyer's paragraph, a QR code a third of an inch wide, the band's text at the page edge.
EXTRA_CSS = """.flyer .why { color: #A8A8A8; }
.flyer .qr-footer .qr { width: 0.3in; height: 0.3in; }
.flyer .band { padding-left: 4pt; }
"""


@pytest.fixture(scope="module")
def defects(tmp_path_factory) -> tuple[Path, object]:
    """A campaign whose overrides make one defect per check, built with --preflight: (out, CLI result)."""
    folder = tmp_path_factory.mktemp("defects")
    runner = CliRunner()
    assert runner.invoke(cli, ["new", str(folder / "campaign")]).exit_code == 0
    overrides = folder / "campaign" / "overrides"
    (overrides / "assets" / "css").mkdir(parents=True, exist_ok=True)
    (overrides / "templates").mkdir(parents=True, exist_ok=True)
    (overrides / "assets" / "css" / "extra.css").write_text(EXTRA_CSS, encoding="utf-8")
    (overrides / "templates" / "poster.html").write_text(POSTER_OVERRIDE, encoding="utf-8")
    Image.new("RGB", (40, 40), "#0F6B5C").save(overrides / "assets" / "logo.png")  # 27 ppi at 1.5 in
    out = folder / "dist"
    result = runner.invoke(cli, ["build", "--campaign", str(folder / "campaign"), "--lang", "en", "--only", "posters,flyers",
                                 "--out", str(out), "--no-cache", "--preflight"])
    return out, result


def test_default_build_passes_clean(default_build):
    report = preflight(default_build)
    assert report.files == 78 and report.pages >= 140
    assert [str(f) for f in report.findings] == []
    result = CliRunner().invoke(cli, ["preflight", str(default_build), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["errors"] == 0


@pytest.mark.parametrize("file, says", [
    ("en/flyers/intersex-youth.pdf: page 1: contrast: text #A8A8A8 on #FFFFFF has a contrast of 2.3:1 (WCAG AA needs 4.5:1)", "make the text darker"),
    ("en/flyers/intersex-youth.pdf: page 1: qr: the QR code for https://www.glsen.org/solidarity-week does not decode at its printed size", "0.75 in wide"),
    ("en/posters/intersex-youth.pdf: page 1: qr: the QR code decodes to https://example.org/elsewhere, not to the page's link https://www.glsen.org/solidarity-week", "make the code from"),
    ("en/posters/intersex-youth.pdf: page 1: image resolution: an image has only 27 ppi (40×40 pixels printed 1.50×1.50 in)", "225×225 pixels"),
    ("en/flyers/intersex-youth.pdf: page 1: warning: margin: text ('SOLIDARITY WEEK 2023'", "0.25 in from every edge"),
])
def test_build_preflight_names_file_page_and_fix(defects, file, says):
    out, result = defects
    assert result.exit_code == 1, result.output
    line = next((l for l in result.output.splitlines() if file in l), None)
    assert line is not None, result.output
    assert says in line


def test_json_lists_every_finding_with_its_severity(defects):
    out, _ = defects
    result = CliRunner().invoke(cli, ["preflight", str(out), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    checks = {(f["check"], f["severity"]) for f in data["findings"]}
    assert checks == {("contrast", "error"), ("qr", "error"), ("image resolution", "error"), ("margin", "warning")}
    assert data["errors"] == 5 * 2 + 5 * 2 and data["warnings"] == 5
    assert all(f["page"] == 1 and f["fix"] for f in data["findings"])


def _one_file_build(folder: Path, name: str, pdf: pikepdf.Pdf | bytes, kind: str = "flyer") -> Path:
    """A build folder holding one file and a manifest listing it."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(pdf, bytes):
        target.write_bytes(pdf)
    else:
        pdf.save(target)
    entry = {"path": name, "kind": kind, "lang": "en", "paper": "letter", "pages": 1}
    (folder / "manifest.json").write_text(json.dumps({"files": [entry]}), encoding="utf-8")
    return folder


def test_missing_lang_and_title(default_build, tmp_path):
    with pikepdf.open(default_build / "en/flyers/black-lgbtq.pdf") as pdf:
        del pdf.Root.Lang
        del pdf.docinfo["/Title"]
        folder = _one_file_build(tmp_path / "out", "flyer.pdf", pdf)
    found = [str(f) for f in preflight(folder).findings]
    assert "flyer.pdf: whole file: accessibility: the file has no /Lang, so screen readers guess its language; " \
           "set lang on the HTML element (the built-in templates do)" in found
    assert any(f.startswith("flyer.pdf: whole file: accessibility: the file has no title") for f in found)


def test_page_merged_without_its_tags(default_build, tmp_path):
    # pikepdf's pages.extend keeps only the first file's structure tree: the added page is untagged.
    with pikepdf.open(default_build / "en/flyers/black-lgbtq.pdf") as pdf, \
            pikepdf.open(default_build / "en/flyers/intersex-youth.pdf") as other:
        pdf.pages.extend(other.pages)
        folder = _one_file_build(tmp_path / "out", "merged.pdf", pdf)
    found = [str(f) for f in preflight(folder).findings if f.check == "accessibility"]
    assert found == ["merged.pdf: page 2: accessibility: no element of the structure tree reaches this page: "
                     "screen readers skip it; make the file in one WeasyPrint write, or keep the structure tree when merging"]


def _weasyprint(html: str) -> bytes:
    from weasyprint import HTML
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def test_glyph_no_font_has_is_drawn_as_tofu(tmp_path):
    html = ('<html lang="en"><title>Tofu</title><style>@page{size:letter;margin:1in} body{font-family:"Noto Sans"}</style>'
            '<p>Plain words, then two characters no font has: \U000F0000\U000F0001.</p></html>')
    folder = _one_file_build(tmp_path / "out", "tofu.pdf", _weasyprint(html))
    found = [f for f in preflight(folder).findings if f.check == "missing glyph"]
    assert len(found) == 1 and found[0].page == 1 and not found[0].warning
    assert found[0].message.startswith("2 characters are drawn as an empty box (.notdef) in font ")


def test_reading_order_against_visual_order(tmp_path):
    lines = "".join(f"<p>Paragraph number {n} of the page, one under the other.</p>" for n in range(1, 5))
    style = "@page{size:letter;margin:1in} body{font-family:'Noto Sans'}"
    good = f'<html lang="en"><title>Order</title><style>{style}</style><div style="margin-top:2in">{lines}</div></html>'
    # Written last, moved to the top of the page: printed first, read last.
    moved = good.replace("</div>", '<p style="position:absolute; top:0">A note written last.</p></div>')
    folder = _one_file_build(tmp_path / "good", "order.pdf", _weasyprint(good))
    assert [str(f) for f in preflight(folder).findings] == []
    folder = _one_file_build(tmp_path / "bad", "order.pdf", _weasyprint(moved))
    assert [str(f) for f in preflight(folder).findings] == [
        "order.pdf: page 1: reading order: 'A note written last.' is printed above 'Paragraph number 4 of the page, one "
        "und…' but read after it; keep the HTML in the order the page is read (do not move blocks with absolute "
        "positioning or order:)"]


def test_no_manifest_is_an_input_error(tmp_path):
    result = CliRunner().invoke(cli, ["preflight", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path / 'manifest.json'}: not found" in result.output


def test_text_printed_over_text_and_off_the_page(tmp_path):
    style = "@page{size:letter;margin:1in} body{font-family:'Noto Sans'}"
    html = (f'<html lang="en"><title>Overflow</title><style>{style} p{{margin:0}}</style><p>The first line of the page.</p>'
            '<p style="margin-top:-0.8em">A second line set on it.</p></html>')
    folder = _one_file_build(tmp_path / "over", "over.pdf", _weasyprint(html))
    assert [str(f) for f in preflight(folder).findings if f.check == "overflow"] == [
        "over.pdf: page 1: overflow: text is printed over other text: 'The first line of the page.' and 'A second line "
        "set on it.'; shorten the text, or give the box more room, so nothing runs into the next"]
    html = f'<html lang="en"><title>Off</title><style>{style}</style><p style="margin-left:6in; white-space:nowrap">Off the edge of the page</p></html>'
    folder = _one_file_build(tmp_path / "off", "off.pdf", _weasyprint(html))
    assert [str(f) for f in preflight(folder).findings if f.check == "overflow"] == [
        "off.pdf: page 1: overflow: text runs off the page: 'Off the edge of the page'; shorten the text or make it smaller so it "
        "fits its box"]


def test_print_shop_files_want_300_ppi(tmp_path):
    import base64
    import io
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), "#0F6B5C").save(buffer, "PNG")
    logo = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    html = (f'<html lang="en"><title>Logo</title><style>@page{{size:letter;margin:1in}}</style>'
            f'<img src="{logo}" alt="Our logo" style="width:1in;height:1in"></html>')
    folder = _one_file_build(tmp_path / "out", "logo.pdf", _weasyprint(html))
    assert preflight(folder).findings == []  # 200 ppi is enough for an office printer
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"][0]["purpose"] = "print-shop"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert [str(f) for f in preflight(folder).findings] == [
        "logo.pdf: page 1: warning: image resolution: an image has 200 ppi (200×200 pixels printed 1.00×1.00 in); "
        "print shops ask for 300 ppi; use an image of at least 300×300 pixels"]


def test_pages_drawn_inside_other_pages_are_checked_where_they_print(default_build, tmp_path):
    # A flyer drawn at half size as a form, pushed 20 pt past the left edge: its kicker prints 5 pt from
    # the edge, though inside the form it sits 50 pt in.
    with pikepdf.open(default_build / "en/flyers/black-lgbtq.pdf") as source:
        pdf = pikepdf.new()
        pdf.add_blank_page(page_size=(612, 792))
        pdf.pages[0].add_overlay(pdf.copy_foreign(source.pages[0].as_form_xobject()), pikepdf.Rectangle(-20, 0, 286, 396))
        folder = _one_file_build(tmp_path / "out", "nested.pdf", pdf)
    found = [str(f) for f in preflight(folder).findings if f.check == "margin"]
    assert len(found) == 1 and found[0].startswith("nested.pdf: page 1: warning: margin: text ('SOLIDARITY WEEK 2023'")


def test_what_the_manifest_declares_untagged_is_not_an_accessibility_error(tmp_path):
    """A packet's pages from the user's own PDF (untagged_pages) are a warning; an untagged print
    file beside its tagged original is not checked for tags; an unlisted untagged page stays an error."""
    out = tmp_path / "dist"
    build(None, out, BuildOptions(languages=("en",), only=("guides",)))
    guide = out / "en/guides/student-guide.pdf"
    with pikepdf.open(guide) as pdf:  # the guide with a page no tag reaches, as an excerpt leaves it
        pdf.pages.append(pikepdf.Page(pdf.pages[0].obj.copy()))
        pdf.pages[-1].obj.StructParents = 999
        pdf.save(out / "with-excerpt.pdf")
    last = len(pikepdf.open(out / "with-excerpt.pdf").pages)
    shutil.copy(out / "with-excerpt.pdf", out / "unlisted.pdf")
    with pikepdf.open(guide) as pdf:
        del pdf.Root["/StructTreeRoot"]
        pdf.save(out / "booklet.pdf")
    (out / "manifest.json").write_text(json.dumps({"files": [
        {"path": "with-excerpt.pdf", "kind": "packet", "tagged": False, "untagged_pages": [last]},
        {"path": "unlisted.pdf", "kind": "packet", "tagged": True},
        {"path": "booklet.pdf", "kind": "booklet", "tagged": False, "purpose": "print"}]}), encoding="utf-8")
    report = preflight(out)
    tags = [f for f in report.findings if f.check == "accessibility"]
    assert sorted((f.file, f.page, f.warning) for f in tags) == [("unlisted.pdf", last, False),
                                                                 ("with-excerpt.pdf", last, True)]
