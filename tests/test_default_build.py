"""The built-in campaign, built from an empty folder with no arguments: files, sizes, text, manifest."""
from __future__ import annotations

import hashlib

import pytest
from conftest import pdf_text
from pypdf import PdfReader

from solidarity_print.inputs.config import load_campaign

DAYS = ["black-lgbtq", "disability-justice", "intersex-youth", "native-indigenous", "immigrant-youth"]
TABLOID, LETTER = (792, 1224), (612, 792)


def expected_paths() -> set[str]:
    paths = set()
    for lang in ("en", "es", "fr", "vi", "ar", "zh-Hans"):
        paths.add(f"{lang}/posters/week-at-a-glance.pdf")
        paths |= {f"{lang}/posters/{d}.pdf" for d in DAYS} | {f"{lang}/flyers/{d}.pdf" for d in DAYS}
        paths |= {f"{lang}/guides/student-guide.pdf", f"{lang}/guides/educator-guide.pdf"}
    return paths


def test_every_expected_file_is_written_and_listed(default_build, manifest):
    written = {p.relative_to(default_build).as_posix() for p in default_build.rglob("*.pdf")}
    assert written == expected_paths()
    assert {e["path"] for e in manifest} == written


def test_manifest_entries_match_the_files(default_build, manifest):
    for entry in manifest:
        data = (default_build / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["pages"] == len(PdfReader(default_build / entry["path"]).pages)
        assert entry["school"] is None
        assert entry["lang"] == entry["path"].split("/")[0]
        assert entry["kind"] in ("poster", "flyer", "guide")
        day = entry["path"].rsplit("/", 1)[1][:-4]
        assert entry["focus_day"] == (day if day in DAYS else None)


@pytest.mark.parametrize("kind,size,paper", [("poster", TABLOID, "tabloid"), ("flyer", LETTER, "letter"), ("guide", LETTER, "letter")])
def test_page_sizes_are_print_sizes(default_build, manifest, kind, size, paper):
    entries = [e for e in manifest if e["kind"] == kind]
    assert entries
    for entry in entries:
        assert entry["paper"] == paper
        for page in PdfReader(default_build / entry["path"]).pages:
            box = page.trimbox
            assert (round(float(box.width)), round(float(box.height))) == size, entry["path"]
            assert page.mediabox == page.trimbox


def test_posters_and_flyers_are_one_page(manifest):
    for entry in manifest:
        if entry["kind"] in ("poster", "flyer"):
            assert entry["pages"] == 1, entry["path"]


@pytest.mark.parametrize("lang,day,title,date", [
    ("en", "black-lgbtq", "Black LGBTQ+ Focus Day", "Monday, November 6, 2023"),
    ("es", "black-lgbtq", "personas negras LGBTQ+", "lunes, 6 de noviembre de 2023"),
    ("en", "immigrant-youth", "LGBTQ+ Immigrant Youth Focus Day", "Friday, November 10, 2023"),
    ("es", "immigrant-youth", "jóvenes inmigrantes", "viernes, 10 de noviembre de 2023"),
    ("en", "native-indigenous", "LGBT2SQ+ Native American and Indigenous Focus Day", "Thursday, November 9, 2023"),
    ("fr", "black-lgbtq", "Journée des personnes noires LGBTQ+", "lundi 6 novembre 2023"),
    ("fr", "intersex-youth", "Journée des jeunes intersexes", "mercredi 8 novembre 2023"),
    ("vi", "disability-justice", "Công lý cho người khuyết tật LGBTQ+", "Thứ Ba, 7 tháng 11, 2023"),
    ("vi", "immigrant-youth", "Người trẻ nhập cư LGBTQ+", "Thứ Sáu, 10 tháng 11, 2023"),
])
def test_flyer_names_its_day_and_date_as_the_locale_writes_it(default_build, lang, day, title, date):
    text = " ".join(pdf_text(default_build / lang / "flyers" / f"{day}.pdf").split())
    assert title in text
    assert date in text


def test_week_poster_lists_every_day_in_order(default_build):
    text = " ".join(pdf_text(default_build / "en/posters/week-at-a-glance.pdf").split())
    positions = [text.index(w) for w in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")]
    assert positions == sorted(positions)
    assert "November 6 – 10, 2023" in text.replace("\u2009", " ")
    es = " ".join(pdf_text(default_build / "es/posters/week-at-a-glance.pdf").split())
    assert "6–10 de noviembre de 2023" in es and "Miércoles" in es


def outline_titles(path) -> list[tuple[int, str]]:
    """(depth, title) of every bookmark, depth-first."""
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title))
    walk(PdfReader(path).outline, 0)
    return found


@pytest.mark.parametrize("lang", ["en", "es", "fr", "vi", "ar", "zh-Hans"])
@pytest.mark.parametrize("audience", ["student", "educator"])
def test_guide_bookmarks_are_its_sections_with_their_headings_nested(default_build, lang, audience):
    campaign = load_campaign()
    mine = [s.title.replace('{lang="en"}', "").replace("[", "").replace("]", "") for s in campaign.guide_for(audience, lang)]
    others = {s.title for s in campaign.guide if s.lang == lang} - {s.title for s in campaign.guide_for(audience, lang)}
    outline = outline_titles(default_build / lang / "guides" / f"{audience}-guide.pdf")
    assert [title for depth, title in outline if depth == 0] == mine
    assert any(depth == 1 for depth, _ in outline), "sub-headings are nested under their section"
    assert not others & {title for _, title in outline}


@pytest.mark.parametrize("lang, line", [("en", "Ideas and resources: www.glsen.org"),
                                        ("fr", "Idées et ressources\u00a0: www.glsen.org"),
                                        ("zh-Hans", "活动创意和资源：www.glsen.org")])
def test_a_guide_writes_its_label_and_colon_as_its_language_does(default_build, lang, line):
    import pypdfium2
    document = pypdfium2.PdfDocument(default_build / lang / "guides" / "student-guide.pdf")
    assert line in document[0].get_textpage().get_text_range()
