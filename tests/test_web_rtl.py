"""The web page in a right-to-left language is laid out right to left: dir on <html>, logical CSS sides."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from solidarity_print.inputs.config import load_campaign
from solidarity_print.render.i18n import text_direction
from solidarity_print.web import WebSettings, create_app

WEB_CSS = Path(__file__).resolve().parents[1] / "solidarity_print" / "web" / "static" / "web.css"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings = WebSettings(work_folder=tmp_path_factory.mktemp("web-rtl"), warm_up=False, workers=1)
    with TestClient(create_app(settings=settings), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/", "/school", "/roster"])
def test_every_page_carries_its_languages_direction(client, path):
    # The Arabic pages were laid out left to right: the day cards ran Monday first from the left.
    for lang in load_campaign().languages:
        page = client.get(path, params={"lang": lang})
        assert page.status_code == 200
        assert re.search(rf'<html lang="{re.escape(lang)}" dir="{text_direction(lang)}">', page.text), (lang, page.text[:200])
    assert text_direction("ar") == "rtl"


def test_the_stylesheet_names_no_physical_side():
    # left/right in the page's own CSS would not mirror under dir="rtl"; inline-start/end do.
    css = WEB_CSS.read_text(encoding="utf-8")
    assert not re.findall(r"(?<![-\w])(?:margin|padding|border)-(?:left|right)\b|(?<![-\w])(?:left|right)\s*:|text-align:\s*(?:left|right)", css)
