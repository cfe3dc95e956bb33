"""A renderer parses each stylesheet file once and reuses it: same bytes out, same errors, same cascade."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import tinycss2

from solidarity_print.errors import RenderError
from solidarity_print.inputs.config import load_campaign
from solidarity_print.pipeline.plan import plan_campaign
from solidarity_print.render.documents import DocumentMaker
from solidarity_print.render.render import Renderer
from solidarity_print.resources import ASSETS

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGN = load_campaign(None)
JOBS = {job.path: job for job in plan_campaign(CAMPAIGN, languages=("en", "ar"), only=("posters", "flyers"))}
FLYERS = sorted(path for path in JOBS if "/flyers/" in path)
FLYER, POSTER = FLYERS[1], sorted(path for path in JOBS if path.startswith("ar/posters/"))[0]
# One job made in a fresh process: nothing parsed before it.
FRESH = """
import sys
from solidarity_print.inputs.config import load_campaign
from solidarity_print.pipeline.plan import plan_campaign
from solidarity_print.render.documents import DocumentMaker
campaign = load_campaign(None)
jobs = plan_campaign(campaign, languages=("en", "ar"), only=("posters", "flyers"))
job = {job.path: job for job in jobs}[sys.argv[1]]
sys.stdout.buffer.write(DocumentMaker(campaign).make(job)[0])
"""


@pytest.fixture
def file_parses(monkeypatch) -> list[str]:
    """Every stylesheet file tinycss2 tokenises (WeasyPrint parses fetched files from bytes)."""
    parsed, parse = [], tinycss2.parse_stylesheet_bytes

    def counting(css, *args, **kwargs):
        parsed.append(css)
        return parse(css, *args, **kwargs)
    monkeypatch.setattr(tinycss2, "parse_stylesheet_bytes", counting)
    return parsed


def test_each_file_parsed_once_and_bytes_as_in_a_fresh_process(file_parses):
    maker = DocumentMaker(CAMPAIGN)
    maker.make(JOBS[FLYERS[0]])
    flyer, poster = maker.make(JOBS[FLYER])[0], maker.make(JOBS[POSTER])[0]
    css = ASSETS / "css"
    # WeasyPrint alone parses base.css and flyer.css for each flyer, base.css and poster.css again.
    assert sorted(file_parses) == sorted((css / name).read_bytes() for name in ("base.css", "flyer.css", "poster.css"))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for path, data in ((FLYER, flyer), (POSTER, poster)):
        fresh = subprocess.run([sys.executable, "-c", FRESH, path], capture_output=True, env=env, check=True, cwd=ROOT)
        assert fresh.stdout == data, path


PAGE = """<!DOCTYPE html><html lang="en"><head><title>t</title><link rel="stylesheet" href="css/base.css">
<style>@page {{ size: 100px 100px; }} p {{ --w: {width}; }}</style>
<link rel="stylesheet" href="css/extra.css"></head><body><p>Hello</p></body></html>"""


def _campaign(tmp_path: Path, extra: str) -> Path:
    css = tmp_path / "overrides" / "assets" / "css"
    css.mkdir(parents=True, exist_ok=True)
    (css / "extra.css").write_text(extra, encoding="utf-8")
    return css / "extra.css"


def _size(renderer: Renderer, width: str = "10px") -> tuple[float, float]:
    page = renderer.layout(PAGE.format(width=width), template="t.html").document.pages[0]
    return page.width, page.height


def test_reused_page_rules_keep_their_place_and_a_changed_file_is_parsed_again(tmp_path, file_parses):
    extra = _campaign(tmp_path, "@page { size: 200px 300px; }")
    renderer = Renderer(tmp_path)
    # extra.css comes after the <style>: its page size wins, also when it is reused.
    assert _size(renderer) == _size(renderer) == (200, 300)
    assert len(file_parses) == 2
    extra.write_text("@page { size: 300px 400px; }", encoding="utf-8")
    assert _size(renderer) == (300, 400)
    assert len(file_parses) == 3
    extra.unlink()  # the fetcher is still asked every time
    with pytest.raises(RenderError, match="not found"):
        _size(renderer)


def test_a_sheet_that_warns_fails_every_render(tmp_path):
    _campaign(tmp_path, "p { color: nonsense; }")
    renderer = Renderer(tmp_path)
    for _ in range(2):
        with pytest.raises(RenderError, match="nonsense"):
            _size(renderer)


def test_a_bad_var_value_is_reported_in_every_render(tmp_path):
    # The value is only checked when var() is substituted, and WeasyPrint reports each declaration
    # once: a reused sheet must report it again in the next render.
    _campaign(tmp_path, "p { width: var(--w); }")
    renderer = Renderer(tmp_path)
    assert _size(renderer, "10px") == (100, 100)
    for _ in range(2):
        with pytest.raises(RenderError, match="width"):
            _size(renderer, "red")
    assert _size(renderer, "10px") == (100, 100)


def test_a_sheet_with_import_is_parsed_every_time(tmp_path, file_parses):
    _campaign(tmp_path, '@import "more.css";')
    (tmp_path / "overrides" / "assets" / "css" / "more.css").write_text("@page { size: 200px 300px; }")
    renderer = Renderer(tmp_path)
    assert _size(renderer) == _size(renderer) == (200, 300)
    assert len(file_parses) == 1 + 2 * 2  # base.css once; extra.css and more.css in each render
