"""Weekday and date joined as each locale writes them (CLDR), on the web home page and a packet's cover."""
from __future__ import annotations

import datetime as dt
import re
from html import escape
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from babel import Locale
from babel.dates import format_date, match_skeleton
from click.testing import CliRunner
from starlette.testclient import TestClient

from solidarity_print.cli import cli
from solidarity_print.inputs.config import load_campaign
from solidarity_print.render import i18n
from solidarity_print.web import WebSettings, create_app

CAMPAIGN = load_campaign()


def babel_weekday_date(date: dt.date, lang: str) -> str:
    """What Babel writes for the CLDR skeleton MMMMEEEEd: the locale's nearest pattern with its weekday
    field widened to the full name (CLDR's rule; Babel itself leaves it abbreviated), as a label."""
    locale = Locale.parse(lang.replace("-", "_"))
    pattern = str(locale.datetime_skeletons[match_skeleton("MMMMEEEEd", locale.datetime_skeletons)])
    assert "E" in pattern and "EEEE" not in pattern, pattern  # the abbreviated weekday Babel would print
    text = format_date(date, pattern.replace("EEEE", "E").replace("E", "EEEE"), locale=locale)
    return text[:1].upper() + text[1:]


def flat(text: str) -> str:
    """Whitespace collapsed, and the Arabic lam-alef ligatures read one way: PDFium gives a ligature
    glyph's letters in drawn order (alef, lam), so "الاثنين" comes back as "االثنين"."""
    return re.sub("\u0644([\u0622\u0623\u0625\u0627])", "\\1\u0644", " ".join(text.split()))


def test_each_locale_joins_weekday_and_date_its_own_way():
    monday = dt.date(2023, 11, 6)
    assert i18n.weekday_date(monday, "en") == "Monday, November 6"
    assert i18n.weekday_date(monday, "es") == "Lunes, 6 de noviembre"
    assert i18n.weekday_date(monday, "ar") == "الاثنين، 6 نوفمبر"  # the Arabic comma, not ", "
    assert i18n.weekday_date(monday, "zh-Hans") == "11月6日星期一"  # date first, full weekday, no comma
    assert i18n.weekday_date(monday, "fr") == "Lundi 6 novembre"
    for lang in CAMPAIGN.languages:
        for day in CAMPAIGN.days:
            assert i18n.weekday_date(day.date, lang) == babel_weekday_date(day.date, lang)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings = WebSettings(workers=1, warm_up=False, work_folder=tmp_path_factory.mktemp("web-dates"))
    with TestClient(create_app(settings=settings), raise_server_exceptions=False) as test_client:
        yield test_client


def test_home_page_writes_each_day_as_the_language_does(client):
    for lang in CAMPAIGN.languages:
        page = client.get(f"/?lang={lang}")
        assert page.status_code == 200
        shown = re.findall(r'<p class="day-date">(.*?)</p>', page.text)
        assert shown == [escape(babel_weekday_date(day.date, lang)) for day in CAMPAIGN.days], lang


@pytest.fixture(scope="module")
def covers(tmp_path_factory) -> Path:
    """One school's packets in every language of the built-in campaign (its Languages cell left empty)."""
    folder = tmp_path_factory.mktemp("dates")
    (folder / "schools.csv").write_text("Name,Slug\nRiverside High School,riverside\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--roster", str(folder / "schools.csv"), "--only", "packets",
                                      "--no-cache", "--out", str(folder / "out")])
    assert result.exit_code == 0, result.output
    return folder / "out" / "riverside"


def test_packet_cover_writes_each_day_as_the_language_does(covers):
    for lang in CAMPAIGN.languages:
        document = pdfium.PdfDocument(covers / lang / "packet.pdf")
        try:
            cover = flat(document[0].get_textpage().get_text_range())
        finally:
            document.close()
        for day in CAMPAIGN.days:
            assert flat(babel_weekday_date(day.date, lang)) in cover, (lang, cover)
        if lang == "ar":
            assert ", " not in cover


@pytest.mark.parametrize("lang", CAMPAIGN.languages)
def test_week_range_spells_the_month_as_the_locales_long_date_does(lang):
    # Chinese read "2023年十一月6日 – 10日": the range widened the month to the wide name, which a
    # Chinese date never uses ("2023年11月6日").
    locale = Locale.parse(lang.replace("-", "_"))
    month_field = re.search(r"M+|L+", str(locale.datetime_skeletons["yMMMMd"])).group(0)
    month = format_date(CAMPAIGN.start, month_field, locale=locale)
    text = i18n.date_range(CAMPAIGN.start, CAMPAIGN.end, lang)
    assert month in text and str(CAMPAIGN.start.day) in text and str(CAMPAIGN.end.day) in text, text
    assert "十一月" not in text
