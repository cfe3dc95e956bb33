"""The web page's review leftovers: room caps, a district job stopped mid-file, ZIP end records read before
zipfile, build failures answered as pages, and the roster's poster_paper and link columns on the form."""
from __future__ import annotations

import functools
import io
import re
import shutil
import struct
import time
import zipfile
from pathlib import Path

import pytest
from asgi_client import asgi_post
from pypdf import PdfReader
from starlette.testclient import TestClient

from solidarity_print.errors import InputError, OutputError, Problem, RenderError
from solidarity_print.inputs import roster
from solidarity_print.inputs.config import load_campaign
from solidarity_print.resources import DEFAULT_CAMPAIGN
from solidarity_print.web import WebSettings, create_app, zips


def web_of(app):
    """The app's shared state (every route is a partial bound to it)."""
    return next(route.endpoint.args[0] for route in app.routes if isinstance(getattr(route, "endpoint", None), functools.partial))



# Room caps -----------------------------------------------------------------------------------------------


def test_a_server_at_its_live_token_cap_refuses_new_kits_and_jobs_before_reading_them(tmp_path):
    settings = WebSettings(workers=1, warm_up=False, work_folder=tmp_path, live_tokens=1)
    with TestClient(create_app(settings=settings), raise_server_exceptions=False) as client:
        # A form with a problem and a logo keeps its token (the logo waits for the fixed form).
        kept = client.post("/school", data={"name": ""}, files={"logo": ("l.png", b"x", "image/png")})
        assert kept.status_code == 422
        refused = client.post("/school", data={"name": "Second School"})
        assert refused.status_code == 503 and refused.headers["retry-after"].isdigit()
        assert "no room for another kit" in refused.text and '<main id="main"' in refused.text
        chunks = [b'--b\r\nContent-Disposition: form-data; name="roster"; filename="s.csv"\r\n\r\nname\nA\n\r\n--b--\r\n']
        status, headers, read, _ = asgi_post(client.app, "/roster", chunks,
                                           [(b"content-type", b"multipart/form-data; boundary=b")])
        assert status == 503 and "retry-after" in headers and read == 0
        assert len(list((tmp_path / "tokens").iterdir())) == 1


def test_a_server_over_its_disk_cap_refuses_new_kits(tmp_path):
    settings = WebSettings(workers=1, warm_up=False, work_folder=tmp_path, data_bytes=1000)
    with TestClient(create_app(settings=settings), raise_server_exceptions=False) as client:
        (tmp_path / "cache").mkdir(exist_ok=True)
        (tmp_path / "cache" / "big").write_bytes(b"x" * 2000)
        refused = client.post("/school", data={"name": "Disk School"})
        assert refused.status_code == 503 and "retry-after" in refused.headers
        assert "no room for another kit" in refused.text
        assert not list((tmp_path / "tokens").glob("*"))


# Logo ZIPs -----------------------------------------------------------------------------------------------


def fake_zip(entries: int, directory: int, zip64: bool = False) -> bytes:
    """Junk followed by an end record announcing `entries` entries and a central directory of `directory` bytes."""
    junk = b"\0" * 4096
    if not zip64:
        return junk + b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, entries, entries, directory, 0, 0)
    record = b"PK\x06\x06" + struct.pack("<QHHIIQQQQ", 44, 45, 45, 0, 0, entries, entries, directory, 0)
    locator = b"PK\x06\x07" + struct.pack("<IQI", 0, len(junk), 1)
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return junk + record + locator + end


@pytest.mark.parametrize("archive, words", [
    (fake_zip(60_000, 60_000 * 46), "60,000 entries"),
    (fake_zip(3, 50_000_000), "list of files takes 50,000,000 bytes"),
    (fake_zip(10**9, 46 * 10**9, zip64=True), "1,000,000,000 entries"),
])
def test_a_logo_zip_is_refused_by_its_end_record_before_zipfile_reads_it(tmp_path, monkeypatch, archive, words):
    opened = []

    class Watched(zipfile.ZipFile):
        def __init__(self, *args, **kwargs):
            opened.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(zips.zipfile, "ZipFile", Watched)
    settings = WebSettings(workers=1, warm_up=False, work_folder=tmp_path, zip_entries=5000)
    with TestClient(create_app(settings=settings), raise_server_exceptions=False) as client:
        response = client.post("/roster", files={"roster": ("schools.csv", b"name,logo,logo_alt\nA,a.png,x\n", "text/csv"),
                                                 "logos": ("logos.zip", archive, "application/zip")})
    assert response.status_code == 422 and '<main id="main"' in response.text
    assert words in response.text
    assert opened == []  # refused from the end record alone


def test_a_real_logo_zip_still_unpacks(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("logos/a.png", b"png bytes")
    (tmp_path / "logos.zip").write_bytes(buffer.getvalue())
    assert zips.unpack_logos(tmp_path / "logos.zip", tmp_path / "out", 5, 10_000) == ["logos/a.png"]


# Build failures ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings = WebSettings(workers=1, warm_up=False, work_folder=tmp_path_factory.mktemp("web-review"))
    with TestClient(create_app(settings=settings), raise_server_exceptions=False) as test_client:
        yield test_client


FAILURES = [
    (InputError([Problem("/srv/web/tokens/x/input/schools.csv", "row 2", "broken on purpose")]), 422,
     "broken on purpose"),
    (OutputError("cannot write to /srv/web/tokens/x/out: No space left on device"), 503, "try again in a few minutes"),
    (RenderError("packet", "the cover broke on purpose"), 500, "the cover broke on purpose"),
]


@pytest.mark.parametrize("error, status, words", FAILURES)
def test_a_kit_whose_build_fails_is_a_page_with_its_status(client, monkeypatch, error, status, words):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(web_of(client.app).builder, "_run", fail)
    response = client.post("/school", data={"name": "Failing School", "languages": ["en"]})
    assert response.status_code == status
    assert '<main id="main"' in response.text and words in response.text
    assert "/srv/web" not in response.text and "Traceback" not in response.text
    if status == 503:
        assert response.headers["retry-after"].isdigit()


@pytest.mark.parametrize("error, status, words", FAILURES)
def test_a_preview_whose_drawing_fails_says_why_with_its_status(client, monkeypatch, error, status, words):
    async def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(web_of(client.app).builder, "_in_worker", fail)
    response = client.post("/school/preview", data={"name": "Failing Preview School", "languages": ["en"]})
    assert response.status_code == status
    data = response.json()
    assert data["ok"] is False and words in data["problems"][0]["message"]
    assert "/srv/web" not in response.text


# District time limit -------------------------------------------------------------------------------------


def test_a_district_job_past_its_time_is_stopped_while_a_file_renders(tmp_path):
    """A flyer template that would take hours (a loop of 10^10 steps): the job stops at its limit, not
    when the file ends, its workers are ended and its folder removed."""
    campaign = tmp_path / "campaign"
    shutil.copytree(DEFAULT_CAMPAIGN, campaign)
    (campaign / "overrides" / "templates").mkdir(parents=True)
    (campaign / "overrides" / "templates" / "flyer.html").write_text(
        '{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}'
        '{% extends "!default/flyer.html" %}', encoding="utf-8")
    settings = WebSettings(workers=1, warm_up=False, work_folder=tmp_path / "work", job_seconds=3)
    with TestClient(create_app(campaign / "campaign.toml", settings=settings), raise_server_exceptions=False) as client:
        response = client.post("/roster", files={"roster": ("schools.csv", b"name,languages\nSlow School,en\n", "text/csv")},
                               follow_redirects=False)
        assert response.status_code == 303, response.text
        job = response.headers["location"].split("?")[0]
        status = {}
        for _ in range(240):  # the file alone would take hours; the job must end long before this gives up
            status = client.get(job + "/status").json()
            if status["state"] not in ("queued", "running"):
                break
            time.sleep(0.5)
        assert status["state"] == "failed", status
        assert "took longer than 3 s" in status["message"]
        page = client.get(job)
        assert page.status_code == 200 and "took longer than 3 s" in page.text
        token = job.rsplit("/", 1)[1]
        assert not (tmp_path / "work" / "tokens" / token).exists()


# The form's poster_paper and link ------------------------------------------------------------------------


def roster_messages(tmp_path: Path, column: str, value: str) -> list[str]:
    """The roster loader's own messages for one school whose `column` is `value`."""
    (tmp_path / "one.csv").write_text(f"name,{column}\nA School,{value}\n", encoding="utf-8")
    try:
        roster.load_roster(tmp_path / "one.csv", load_campaign(None))
    except InputError as exc:
        return [p.message for p in exc.problems]
    return []


@pytest.mark.parametrize("lang, labels", [("en", ("Poster paper", "Your link", "Tabloid (11 × 17 in)")),
                                          ("es", ("Papel de los carteles", "Tu enlace", "Tabloide (11 × 17 in)"))])
def test_the_school_form_has_the_rosters_poster_paper_and_link(client, lang, labels):
    html = client.get(f"/school?lang={lang}").text
    for label in labels:
        assert label in html
    assert re.search(r'<label for="field-poster_paper">[^<]+</label>', html)
    assert re.search(r'<select id="field-poster_paper" name="poster_paper"', html)
    assert all(f'<option value="{paper}"' in html for paper in roster.POSTER_PAPERS)
    assert re.search(r'<label for="field-link">[^<]+</label>', html)
    assert re.search(r'<input id="field-link" name="link" type="url"', html)


def test_poster_paper_and_link_are_checked_with_the_rosters_words(client, tmp_path):
    response = client.post("/school", data={"name": "Paper School", "poster_paper": "b5", "link": "http://example.org/gsa"})
    assert response.status_code == 422
    for column, value in (("poster_paper", "b5"), ("link", "http://example.org/gsa")):
        expected = roster_messages(tmp_path, column, value)
        assert expected
        error = re.search(rf'<p class="field-error" id="error-{column}">(.*?)</p>', response.text, re.S)
        assert error and all(message in error.group(1).replace("&#39;", "'").replace("&#34;", '"') for message in expected)
    assert 'value="http://example.org/gsa"' in response.text  # kept as typed


def test_a_kit_with_poster_paper_and_link_prints_them(client, tmp_path):
    response = client.post("/school", data={"name": "Harbor View High", "languages": ["en"], "paper": "letter",
                                            "poster_paper": "letter", "link": "https://harborview.example.org/gsa"})
    assert response.status_code == 200, response.text[:3000]
    files = re.findall(r'href="(/school/kit/[^/"]+/file/([^"]+))"', response.text)
    posters = [url for url, path in files if "/posters/" in path]
    assert posters
    (tmp_path / "poster.pdf").write_bytes(client.get(posters[0]).content)
    page = PdfReader(tmp_path / "poster.pdf").pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)  # letter, not tabloid
    assert "harborview.example.org/gsa" in page.extract_text()
