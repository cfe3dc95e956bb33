"""The CLI's promises and the renderer's guard rails, on real builds."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import pdf_text
from pypdf import PdfReader

from solidarity_print.build import BuildOptions, build
from solidarity_print.cli import cli
from solidarity_print.errors import RenderError
from solidarity_print.render.render import Renderer
from solidarity_print.resources import DEFAULT_CAMPAIGN


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def campaign_copy(tmp_path) -> Path:
    """An editable copy of the built-in campaign file (the built-in guide is used)."""
    target = tmp_path / "campaign" / "campaign.toml"
    target.parent.mkdir()
    target.write_text((DEFAULT_CAMPAIGN / "campaign.toml").read_text(encoding="utf-8"), encoding="utf-8")
    return target


def test_rebuild_is_byte_identical(default_build, tmp_path):
    result = run("build", "--out", str(tmp_path / "again"), "--lang", "en", "--only", "posters,flyers")
    assert result.exit_code == 0, result.output
    again = json.loads((tmp_path / "again" / "manifest.json").read_text())["files"]
    assert len(again) == 11
    for entry in again:
        first = (default_build / entry["path"]).read_bytes()
        assert hashlib.sha256(first).hexdigest() == entry["sha256"], entry["path"]


def test_friday_dated_2022_fails_loudly_and_writes_nothing(campaign_copy, tmp_path):
    text = campaign_copy.read_text(encoding="utf-8")
    assert "date = 2023-11-10" in text
    campaign_copy.write_text(text.replace("date = 2023-11-10", "date = 2022-11-10"), encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", "--campaign", str(campaign_copy), "--out", str(out))
    assert result.exit_code == 1
    assert "2022-11-10" in result.output and "2023-11-06 to 2023-11-10" in result.output
    assert "days[4] (immigrant-youth).date" in result.output and str(campaign_copy) in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_check_lists_every_problem_at_once(campaign_copy):
    text = campaign_copy.read_text(encoding="utf-8")
    text = text.replace('color = "#', 'color = "nope', 1).replace("date = 2023-11-07", "date = 2023-11-06")
    campaign_copy.write_text("surprise = 1\n" + text, encoding="utf-8")
    result = run("check", "--campaign", str(campaign_copy))
    assert result.exit_code == 1
    for where in ("days[0] (black-lgbtq).color", "days[1] (disability-justice).date", "surprise"):
        assert where in result.output


def test_usage_errors_exit_2():
    assert run("build", "--only", "stickers").exit_code == 2
    assert run("build", "--paper", "legal").exit_code == 2


def test_unknown_language_is_a_usage_mistake(tmp_path):
    result = run("build", "--lang", "de", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "de is not a language" in result.output and not (tmp_path / "o").exists()


def test_a4_posters_and_flyers(tmp_path):
    result = build(None, tmp_path, BuildOptions(languages=("es",), only=("posters", "flyers"), paper="a4"))
    sizes = {(e.kind, e.paper) for e in result.entries}
    assert sizes == {("poster", "a4"), ("flyer", "a4")}
    page = PdfReader(tmp_path / "es/posters/intersex-youth.pdf").pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_new_scaffolds_a_campaign_that_checks_and_overrides_one_block(tmp_path):
    folder = tmp_path / "my-campaign"
    assert run("new", str(folder)).exit_code == 0
    for name in ("campaign.toml", "schools.csv", "guide/en/01-what-is-solidarity.md", "overrides/README.txt"):
        assert (folder / name).is_file()
    assert run("check", "--campaign", str(folder / "campaign.toml")).exit_code == 0
    (folder / "overrides/templates/poster.html").write_text(
        '{% extends "!default/poster.html" %}{% block headline %}Our GSA Stands With You{% endblock %}', encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", "--campaign", str(folder / "campaign.toml"), "--out", str(out), "--lang", "en", "--only", "posters")
    assert result.exit_code == 0, result.output
    assert "Our GSA Stands With You" in " ".join(pdf_text(out / "en/posters/black-lgbtq.pdf").split())
    assert "Our GSA Stands With You" not in pdf_text(out / "en/posters/week-at-a-glance.pdf")
    assert run("new", str(folder)).exit_code == 1  # never overwrites


def page_html(body: str, lang: str = "en") -> str:
    return f'<!DOCTYPE html><html lang="{lang}"><head><title>t</title><link rel="stylesheet" href="css/base.css"></head><body>{body}</body></html>'


@pytest.mark.parametrize("url", ["file:///etc/passwd", "../../../../etc/passwd", "http://127.0.0.1:9/x.png", "https://example.org/x.png"])
def test_renderer_refuses_files_outside_its_folders_and_the_network(tmp_path, url):
    with pytest.raises(RenderError) as caught:
        Renderer(tmp_path).render(page_html(f'<img src="{url}" alt="x">'), template="evil.html", created=__import__("datetime").date(2023, 11, 6))
    assert caught.value.template == "evil.html"
    assert caught.value.url and caught.value.url.endswith(url.rsplit("/", 1)[-1])


def test_missing_asset_fails_naming_the_url(tmp_path):
    with pytest.raises(RenderError, match="file not found"):
        Renderer(tmp_path).render(page_html('<img src="images/nothing.png" alt="x">'), template="t.html",
                                  created=__import__("datetime").date(2023, 11, 6))


def test_vietnamese_renders_with_the_bundled_noto_font(tmp_path):
    import pikepdf
    html = page_html('<p lang="vi">Trường Trung học Lê Lợi</p><p>Escuela Secundaria José Martí</p>')
    result = Renderer(tmp_path).render(html, template="t.html", created=__import__("datetime").date(2023, 11, 6))
    path = tmp_path / "vi.pdf"
    path.write_bytes(result.data)
    assert "Trường Trung học Lê Lợi" in " ".join(pdf_text(path).split())
    with pikepdf.open(path) as pdf:
        fonts = {str(f.BaseFont) for f in pdf.pages[0].Resources.Font.values()}
    assert any("NotoSans" in f.replace(" ", "").replace("-", "") or "Noto" in f for f in fonts)


def test_user_pdf_excerpt_is_built_and_marked_untagged(campaign_copy, tmp_path):
    import pikepdf
    guide = campaign_copy.parent / "guides" / "educator-guide.pdf"
    guide.parent.mkdir()
    with pikepdf.new() as pdf:
        for _ in range(6):
            pdf.add_blank_page(page_size=(612, 792))
        pdf.pages[3].obj["/AA"] = pikepdf.Dictionary(O=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)"))
        pdf.save(guide)
    with campaign_copy.open("a", encoding="utf-8") as handle:
        handle.write('\n[[excerpts]]\nsource = "guides/educator-guide.pdf"\npages = "3-5"\n'
                     'title = "Responding to harassment"\naudience = "educator"\n')
    out = tmp_path / "out"
    result = run("build", "--campaign", str(campaign_copy), "--out", str(out), "--only", "excerpts")
    assert result.exit_code == 0, result.output
    entry, = json.loads((out / "manifest.json").read_text())["files"]
    assert entry["kind"] == "excerpt" and entry["pages"] == 3 and entry["tagged"] is False
    assert entry["path"] == "excerpts/responding-to-harassment.pdf"
    with pikepdf.open(out / entry["path"]) as pdf:
        assert len(pdf.pages) == 3 and str(pdf.Root.Lang) == "en"
        assert str(pdf.docinfo.Title) == "Responding to harassment"
        assert all("/AA" not in page.obj for page in pdf.pages)


def test_asset_override_replaces_the_builtin_stylesheet(campaign_copy, tmp_path):
    css = campaign_copy.parent / "overrides" / "assets" / "css"
    css.mkdir(parents=True)
    builtin = (Path(__file__).resolve().parent.parent / "assets" / "css" / "poster.css").read_text(encoding="utf-8")
    (css / "poster.css").write_text(builtin + "\n.poster .kicker { text-transform: none; }\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run("build", "--campaign", str(campaign_copy), "--out", str(out), "--lang", "en", "--only", "posters").exit_code == 0
    text = pdf_text(out / "en/posters/black-lgbtq.pdf")
    assert "Solidarity Week 2023" in text and "SOLIDARITY WEEK 2023" not in text


def test_image_without_alt_text_fails_the_build(campaign_copy, tmp_path):
    templates = campaign_copy.parent / "overrides" / "templates"
    templates.mkdir(parents=True)
    (templates / "poster.html").write_text(
        '{% extends "!default/poster.html" %}{% block headline %}<img src="fonts/NotoSans-OFL.txt">{% endblock %}',
        encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", "--campaign", str(campaign_copy), "--out", str(out), "--lang", "en", "--only", "posters")
    assert result.exit_code == 1 and "poster.html" in result.output and "alt text" in result.output
    assert not out.exists()
