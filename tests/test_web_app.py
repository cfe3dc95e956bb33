"""The web application through Starlette's TestClient: every route, the roster's validation on the form,
the limits, the tokens, and every bad input of the issue answered with a page, never a 500."""
from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import re
import zipfile
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest
from asgi_client import asgi_post
from conftest import pdf_text
from PIL import Image
from starlette.testclient import TestClient

from solidarity_print.errors import InputError
from solidarity_print.inputs import roster
from solidarity_print.inputs.config import load_campaign
from solidarity_print.render import i18n
from solidarity_print.web import WebSettings, create_app
from solidarity_print.web.jobs import Queue, Tokens
from solidarity_print.web.security import CONTENT_SECURITY_POLICY

FIELDS = ("name", "club", "contact_name", "contact_email", "meeting", "logo", "logo_alt", "languages", "paper",
          "audience", "grade_band", "poster_paper", "link")
LABELS = ("School name", "Club", "Contact name", "Contact email", "Meeting", "Logo", "Logo description", "Languages",
          "Paper", "Audience", "Grade band", "Poster paper", "Your link")
MARKUP = '<script>alert("x")</script><b>&amp;'


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("web-work")


@pytest.fixture(scope="module")
def client(work):
    settings = WebSettings(workers=1, warm_up=False, work_folder=work)
    with TestClient(create_app(settings=settings), raise_server_exceptions=False) as test_client:
        yield test_client


def png(size=(400, 400)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (91, 42, 134)).save(buffer, format="PNG")
    return buffer.getvalue()


def page_ids(html: str) -> dict[str, dict[str, str]]:
    """Every element with an id, and its attributes."""
    found = {}

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if "id" in attrs:
                found[attrs["id"]] = dict(attrs, tag=tag)

    Parser().feed(html)
    return found


def assert_page(response, status: int) -> None:
    """A whole page of ours with the status, the security headers and no server error."""
    assert response.status_code == status, response.text[:2000]
    assert response.headers["content-type"].startswith("text/html")
    assert "<main id=\"main\"" in response.text
    assert_headers(response)


def assert_headers(response) -> None:
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"


# Pages ---------------------------------------------------------------------------------------------------


def test_home_shows_the_campaign_in_each_language(client):
    english, spanish = client.get("/"), client.get("/?lang=es")
    assert_page(english, 200)
    assert_page(spanish, 200)
    assert '<html lang="en" dir="ltr">' in english.text and '<html lang="es" dir="ltr">' in spanish.text
    campaign = load_campaign()
    assert "Solidarity Week 2023" in english.text and "Semana de la Solidaridad 2023" in spanish.text
    assert escape(i18n.date_range(campaign.start, campaign.end, "en")) in english.text
    assert escape(i18n.date_range(campaign.start, campaign.end, "es")) in spanish.text
    for day in campaign.days:
        assert day.text["en"].title in english.text and day.text["es"].title in spanish.text
        assert f"day-{day.slug}" in english.text
    assert 'href="/?lang=es"' in english.text and 'href="/school?lang=es"' in spanish.text
    assert "Lunes, 6 de noviembre" in spanish.text and "Monday, November 6" in english.text
    css = client.get("/campaign.css")
    assert css.status_code == 200 and all(day.color in css.text for day in campaign.days)


def test_every_page_has_security_headers(client):
    for url in ("/", "/school", "/roster", "/healthz", "/static/web.css", "/static/app.js", "/nothing-here",
                "/fonts/AtkinsonHyperlegibleNext-Regular.ttf"):
        assert_headers(client.get(url))
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert client.get("/healthz").json()["status"] == "ok"


def test_pages_carry_no_inline_script_or_style(client):
    for url in ("/", "/school", "/roster", "/?lang=es"):
        html = client.get(url).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html) and " style=" not in html and "<style" not in html


def test_school_form_fields_are_the_roster_columns_with_plain_labels(client):
    response = client.get("/school")
    assert_page(response, 200)
    ids = page_ids(response.text)
    for field, label in zip(FIELDS, LABELS):
        assert field in roster.COLUMNS
        assert f"field-{field}" in ids, field
        assert ids[f"field-{field}"]["name"] == field
        assert re.search(rf'<label for="field-{field}"[^>]*>{re.escape(label)}<', response.text) or field == "languages"
    assert ">Languages</legend>" in response.text
    assert ">Make my kit</button>" in response.text
    spanish = client.get("/school?lang=es").text
    assert "Nombre de la escuela" in spanish and "Crear mi kit" in spanish


def test_a_bad_form_shows_every_problem_by_its_field_and_keeps_the_values(client):
    response = client.post("/school", data={"name": "", "contact_email": "not-an-email", "paper": "legal",
                                            "club": MARKUP, "languages": ["xx"]})
    assert_page(response, 422)
    html = response.text
    ids = page_ids(html)
    for field in ("name", "contact_email", "paper", "languages"):
        assert f"error-{field}" in ids, field
        assert f'<a href="#field-{field}">' in html
    assert "error-" + "name" in ids["field-name"]["aria-describedby"]
    assert ids["field-contact_email"]["aria-invalid"] == "true"
    # The roster's own words, next to the field and in the summary.
    assert "is empty: every school needs a name" in html
    assert "&#39;not-an-email&#39; is not an email address" in html
    assert "must be one of: letter, a4" in html
    assert ids["field-contact_email"]["value"] == "not-an-email"
    # Markup typed into a field comes back escaped, never as markup.
    assert MARKUP not in html and ids["field-club"]["value"] == MARKUP


def test_a_truncated_or_fake_logo_is_a_problem_on_the_logo_field(client):
    for data in (png()[:120], b"GIF89a but not really an image", b"%PDF-1.7\n"):
        response = client.post("/school", data={"name": "Logo School", "logo_alt": "Our logo"},
                               files={"logo": ("logo.png", data, "image/png")})
        assert_page(response, 422)
        assert "is not a readable image" in response.text
        assert 'id="error-logo"' in response.text


def test_a_logo_without_a_description_is_the_roster_rule(client):
    response = client.post("/school", data={"name": "Logo School"}, files={"logo": ("logo.png", png(), "image/png")})
    assert_page(response, 422)
    assert "a logo needs alt text describing it for screen readers" in response.text
    assert 'id="error-logo_alt"' in response.text
    # The logo is kept for the next try, through a token of its own.
    token = re.search(r'name="upload" value="([^"]+)"', response.text).group(1)
    retry = client.post("/school", data={"name": "", "upload": token})
    assert 'id="error-logo_alt"' in retry.text


def test_file_names_with_dot_dot_or_nul_never_become_paths(client, work):
    before = set(work.rglob("*"))
    for name in ("../../escape.png", "a\0b.png", "..\\..\\escape.png"):
        response = client.post("/school", data={"name": "", "logo_alt": "x"},
                               files={"logo": (name, b"not an image", "image/png")})
        assert_page(response, 422)
    after = set(work.rglob("*")) - before
    assert after and all(path.is_relative_to(work / "tokens") for path in after)
    assert not any("escape" in path.name for path in after)  # the uploaded name is never used
    assert not any((folder / "escape.png").exists() for folder in (work, work.parent, work.parent.parent))


def test_a_malformed_multipart_body_is_a_page_not_a_500(client):
    response = client.post("/school", content=b"--nope\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx",
                           headers={"content-type": "multipart/form-data; boundary=xyz"})
    assert response.status_code in (400, 422)
    assert_page(response, response.status_code)
    response = client.post("/roster", content=b"garbage", headers={"content-type": "multipart/form-data"})
    assert_page(response, response.status_code)
    assert response.status_code in (400, 422)


# Building a kit ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kit(client):
    """One school's whole kit made through the form, with markup and a spreadsheet formula typed in."""
    response = client.post("/school", data={"name": "Riverside <High> & Co", "club": "=HYPERLINK(\"http://x\")",
                                            "contact_email": "gsa@example.org", "languages": ["en"],
                                            "logo_alt": "A rainbow"},
                           files={"logo": ("my logo.png", png(), "image/png")})
    assert_page(response, 200)
    return response


def test_a_good_form_shows_the_preview_and_the_download(client, kit):
    html = kit.text
    download = re.search(r'href="(/school/kit/([^/"]+)/download)">Download</a>', html)
    assert download
    images = re.findall(r'<figure class="preview-(cover|poster|flyer)"><img src="(/school/preview/[0-9a-f]{64}\.jpg)" '
                        r'alt="([^"]+)"', html)
    assert [name for name, _, _ in images] == ["cover", "poster", "flyer"]
    assert all("Riverside &lt;High&gt; &amp; Co" in alt for _, _, alt in images)
    for _, url, _ in images:
        image = client.get(url)
        assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
        assert Image.open(io.BytesIO(image.content)).width == 320


def test_the_kit_zip_has_the_packet_with_the_name_exactly_as_typed(client, kit, tmp_path):
    url = re.search(r'href="(/school/kit/[^/"]+/download)"', kit.text).group(1)
    response = client.get(url)
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert "manifest.json" in names
    manifest = json.loads(archive.read("manifest.json"))["files"]
    assert sorted(entry["path"] for entry in manifest) == sorted(n for n in names if n != "manifest.json")
    packet = next(n for n in names if n.endswith("en/packet.pdf"))
    assert any("/posters/" in n for n in names) and any("/flyers/" in n for n in names)
    (tmp_path / "packet.pdf").write_bytes(archive.read(packet))
    text = pdf_text(tmp_path / "packet.pdf")
    assert "Riverside <High> & Co" in text
    assert '=HYPERLINK("http://x")' in text  # a formula is printed as the text it is


def test_the_logo_stays_when_the_made_kit_is_sent_again_with_a_fix(client, kit, tmp_path):
    """Browsers never send a file field again: the kit page carries the logo on, as the error page does."""
    token = re.search(r'name="upload" value="([^"]+)"', kit.text).group(1)
    again = client.post("/school", data={"name": "Riverside High", "languages": ["en"], "logo_alt": "A rainbow",
                                         "upload": token})
    assert_page(again, 200)
    url = re.search(r'href="(/school/kit/[^/"]+/file/[^"]*en/packet\.pdf)"', again.text).group(1)
    (tmp_path / "packet.pdf").write_bytes(client.get(url).content)
    with pikepdf.open(tmp_path / "packet.pdf") as pdf:
        xobjects = pdf.pages[0].Resources.XObject
        # The logo itself, not the 1-pixel placeholder every shared cover carries.
        assert any(x.get("/Subtype") == "/Image" and int(x.get("/Width", 0)) > 1 for x in xobjects.values())


def test_single_files_only_by_their_manifest_path(client, kit):
    token = re.search(r"/school/kit/([^/\"]+)/download", kit.text).group(1)
    files = re.findall(rf'href="/school/kit/{token}/file/([^"]+)"', kit.text)
    assert "manifest.json" in files and any(f.endswith("packet.pdf") for f in files)
    one = client.get(f"/school/kit/{token}/file/{files[0]}")
    assert one.status_code == 200 and one.content[:5] in (b"%PDF-", b'{"fil')
    for path in ("../../../../etc/passwd", "%2e%2e/%2e%2e/etc/passwd", "../input/schools.csv", "input/schools.csv",
                 "preview/cover.png"):
        assert_page(client.get(f"/school/kit/{token}/file/{path}"), 404)


def test_tokens_are_unguessable_and_not_cross_readable(client, kit, work):
    token = re.search(r"/school/kit/([^/\"]+)/download", kit.text).group(1)
    assert len(token) == 32 and re.fullmatch(r"[A-Za-z0-9_-]+", token)
    other = token[:-1] + ("A" if token[-1] != "A" else "B")
    image = re.search(r'src="/school/preview/([0-9a-f]{64})\.jpg"', kit.text).group(1)
    other_image = image[:-1] + ("0" if image[-1] != "0" else "1")
    for url in (f"/school/kit/{other}/download", f"/school/preview/{other_image}.jpg", "/school/preview/cover.jpg",
                f"/roster/jobs/{token}", f"/roster/jobs/{token}/download", f"/roster/jobs/{token}/status",
                "/school/kit/../download", "/school/kit/short/download"):
        response = client.get(url)
        assert response.status_code == 404, url
    assert_page(client.get(f"/roster/jobs/{token}"), 404)
    tokens = Tokens(work / "other-tokens", 3600)
    made = {tokens.new("kit").token for _ in range(50)}
    assert len(made) == 50


def test_preview_json_gives_the_pictures_or_the_problems(client, work):
    for name in ("Quintana Jr Academy", "Wexford Zylo Vocational"):
        response = client.post("/school/preview", data={"name": name, "languages": ["en"]})
        assert response.status_code == 200, response.text
        data = response.json()
        assert data["ok"] and [image["name"] for image in data["images"]] == ["cover", "poster", "flyer"]
        assert all(name in image["alt"] for image in data["images"])
        assert client.get(data["images"][0]["url"]).headers["content-type"] == "image/jpeg"
        # What was typed is not kept: a preview leaves no folder behind, only pictures in memory.
        assert not list((work / "forms").iterdir())
        assert not any(name in path.read_bytes().decode("latin-1") for path in (work / "tokens").rglob("*.csv"))
    bad = client.post("/school/preview", data={"name": "", "contact_email": "nope"})
    assert bad.status_code == 422
    problems = bad.json()["problems"]
    assert {p["id"] for p in problems} >= {"field-name", "field-contact_email"}


def test_a_long_lived_pool_draws_new_letters_onto_the_shared_render(tmp_path):
    """The server's warm pool builds one school after another: a school with letters the last one
    lacked is still drawn onto the shared render (before the fix, its packet was rendered whole)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from solidarity_print.build import BuildOptions, build
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        for number, name in enumerate(("Quintana Jr Academy", "Wexford Zylo Vocational")):
            csv_file = tmp_path / f"{number}.csv"
            csv_file.write_text(f"name,languages\n{name},en\n", encoding="utf-8")
            result = build(None, tmp_path / f"out{number}", BuildOptions(roster=csv_file, only=("packets",),
                                                                          cache=tmp_path / "cache"), executor=pool)
            assert [entry.extra["shared_render"] for entry in result.entries] == [True], name


def test_no_field_values_or_emails_in_the_logs(client, caplog):
    with caplog.at_level(logging.DEBUG):
        client.post("/school", data={"name": "Secret Name School", "contact_email": "secret@example.org",
                                     "paper": "legal"})
    assert "secret@example.org" not in caplog.text and "Secret Name School" not in caplog.text


# Limits --------------------------------------------------------------------------------------------------


@pytest.fixture
def small(tmp_path):
    settings = WebSettings(workers=1, warm_up=False, work_folder=tmp_path, logo_bytes=1000, roster_bytes=2000, logo_zip_bytes=4000,
                           form_overhead=2000, zip_entries=5, zip_unpacked_bytes=10_000, schools_per_job=2)
    with TestClient(create_app(settings=settings), raise_server_exceptions=False) as test_client:
        yield test_client



def test_a_body_over_the_limit_is_refused_before_it_is_read_whole(small):
    multipart = [(b"content-type", b"multipart/form-data; boundary=b")]
    chunks = [b'--b\r\nContent-Disposition: form-data; name="logo"; filename="l.png"\r\n'
              b"Content-Type: image/png\r\n\r\n"] + [b"x" * 1000] * 100
    status, _, read, page = asgi_post(small.app, "/school", chunks, multipart + [(b"content-length", b"100000")])
    assert status == 413 and read == 0 and b"at most" in page  # refused by its declared length, unread
    status, _, read, page = asgi_post(small.app, "/school", chunks, multipart)  # no length: counted as it comes
    assert status == 413 and read < 10 and b"at most" in page
    assert_headers(small.post("/school", content=b"x" * 10, headers={"content-length": "100000000"}))


def test_each_file_has_its_own_limit(small):
    response = small.post("/school", data={"name": "x", "logo_alt": "x"}, files={"logo": ("l.png", b"x" * 1500, "image/png")})
    assert_page(response, 413)
    assert "logo" in response.text
    response = small.post("/roster", files={"roster": ("schools.csv", b"name\n" + b"a\n" * 1500, "text/csv")})
    assert_page(response, 413)
    assert "roster" in response.text


def logo_zip(entries: dict[str, bytes], symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (0o120777 << 16)
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


@pytest.mark.parametrize("archive, words", [
    (logo_zip({"../../evil.png": b"x"}), "leaves its folder"),
    (logo_zip({"/abs/evil.png": b"x"}), "leaves its folder"),
    (logo_zip({}, symlink="link.png"), "symbolic link"),
    (logo_zip({f"{i}.png": b"x" for i in range(6)}), "entries"),
    (logo_zip({"bomb.png": b"\0" * 200_000}), "unpacks to more than"),
    (b"PK\x03\x04 not a zip at all", "not a ZIP"),
    (logo_zip({"a.png": b"x", "a.png/b.png": b"x"}), "cannot be unpacked"),  # a file where a folder must go
    (logo_zip({"x" * 300 + ".png": b"x"}), "cannot be unpacked"),  # a name longer than the file system allows
])
def test_bad_logo_zips_are_refused_with_a_message(small, tmp_path, archive, words):
    response = small.post("/roster", files={"roster": ("schools.csv", b"name,logo,logo_alt\nA,evil.png,x\n", "text/csv"),
                                            "logos": ("logos.zip", archive, "application/zip")})
    assert_page(response, 422)
    assert words in response.text
    assert not (tmp_path.parent / "evil.png").exists() and not list(tmp_path.rglob("evil.png"))


def test_too_many_schools_for_one_job(small):
    response = small.post("/roster", files={"roster": ("schools.csv", b"name\nA\nB\nC\n", "text/csv")})
    assert_page(response, 422)
    assert "3 schools" in response.text


# Rosters -------------------------------------------------------------------------------------------------


def test_roster_problems_are_the_loaders_own_in_a_table(client, tmp_path):
    text = "name,contact_email,paper,colour\nA High,bad,letter,x\n,x@y.org,legal,\nA High,,,\n"
    path = tmp_path / "schools.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        roster.load_roster(path, load_campaign())
    response = client.post("/roster", files={"roster": ("../../schools.csv", text.encode(), "text/csv")})
    assert_page(response, 422)
    for heading in ("Row", "Column", "Message"):
        assert f'<th scope="col">{heading}</th>' in response.text
    rows = re.findall(r"<tr(?: class=\"warning\")?><td>(.*?)</td><td><span dir=\"ltr\">(.*?)</span></td>"
                      r"<td>(.*?)</td></tr>", response.text)
    assert len(rows) == len(raised.value.problems)
    for (row, column, message), problem in zip(rows, raised.value.problems):
        assert problem.where.startswith(f"row {row}")
        assert unescape(column) in problem.where or (column == "—" and "column" not in problem.where)
        # The library's English message, isolated so that a right-to-left page does not reorder it.
        isolated = re.search(r'<span lang="en" dir="ltr">(.*)</span>$', message)
        assert isolated and unescape(isolated.group(1)).endswith(problem.message), message
    assert str(tmp_path) not in response.text


@pytest.mark.parametrize("encoded", [
    "name,club,languages\nEscuela José Martí,Club Arcoíris,es\n".encode("cp1252"),
    "\ufeffname,club,languages\nEscuela José Martí,Club Arcoíris,es\n".encode("utf-8"),
])
def test_a_windows_1252_or_bom_roster_is_accepted_and_built(client, encoded):
    response = client.post("/roster", files={"roster": ("schools.csv", encoded, "text/csv")}, follow_redirects=False)
    assert response.status_code == 303
    job = response.headers["location"].split("?")[0]
    status = client.get(job + "/status").json()
    assert status["schools"] == 1 and status["state"] in ("queued", "running", "done")
    page = client.get(job)
    assert_page(page, 200)
    if f'href="{job}/download">Download</a>' not in page.text:  # the job may finish between the two requests
        assert page.headers["refresh"] == "5"
    for _ in range(600):  # the job runs on its own thread; wait for it (no timing is asserted)
        status = client.get(job + "/status").json()
        if status["state"] in ("done", "failed"):
            break
        asyncio.run(asyncio.sleep(0.5))
    assert status["state"] == "done", status
    assert status["schools_done"] == 1 and status["files_done"] == status["files_total"] > 0
    page = client.get(job)
    assert "refresh" not in page.headers and f'href="{job}/download">Download</a>' in page.text
    archive = zipfile.ZipFile(io.BytesIO(client.get(job + "/download").content))
    assert "manifest.json" in archive.namelist()
    assert any(name.startswith("escuela-jose-marti/es/") and name.endswith("packet.pdf") for name in archive.namelist())


def test_the_roster_page_without_a_file_says_so(client):
    response = client.post("/roster", data={"x": "y"}, files={"logos": ("", b"", "application/octet-stream")})
    assert_page(response, 422)
    assert "Choose your roster file first." in response.text


# Jobs, tokens, downloads ---------------------------------------------------------------------------------


def test_the_queue_runs_a_bounded_number_and_reports_positions(tmp_path):
    import threading
    release = threading.Event()
    queue = Queue(at_once=1, waiting=2)
    tokens = Tokens(tmp_path, 3600)
    first, second, third, fourth = (tokens.new("job") for _ in range(4))
    assert queue.submit(first, lambda e: release.wait(60))
    assert queue.submit(second, lambda e: None) and queue.submit(third, lambda e: None)
    for _ in range(200):
        if first.state == "running":
            break
        release.wait(0.05)
    assert first.state == "running" and queue.position(first) == 0
    assert (queue.position(second), queue.position(third)) == (1, 2)
    assert not queue.submit(fourth, lambda e: None)  # the queue is full: the page says the server is busy
    release.set()
    queue.close()


def test_expired_tokens_and_shutdown_delete_their_folders(tmp_path):
    tokens = Tokens(tmp_path, lifetime=0)
    entry = tokens.new("kit")
    (entry.folder / "x.pdf").write_bytes(b"x")
    assert tokens.sweep() == 1 and not entry.folder.exists() and tokens.get(entry.token, "kit") is None
    settings = WebSettings(workers=1, warm_up=False, work_folder=tmp_path / "server")
    with TestClient(create_app(settings=settings)) as test_client:
        test_client.post("/school", data={"name": "", "logo_alt": "x"}, files={"logo": ("l.png", b"x", "image/png")})
        assert any((tmp_path / "server" / "tokens").iterdir())
    assert not any((tmp_path / "server" / "tokens").iterdir())


def test_a_client_that_disconnects_mid_download_ends_the_stream_quietly(client, kit, work):
    url = re.search(r'href="(/school/kit/[^/"]+/download)"', kit.text).group(1)
    app = client.app
    sent = []

    async def run():
        asked = 0

        async def receive():
            nonlocal asked
            asked += 1
            if asked == 1:
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.sleep(0.01)
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)
            if message["type"] == "http.response.body" and len(sent) > 2:
                raise OSError("client went away")

        scope = {"type": "http", "method": "GET", "path": url, "raw_path": url.encode(), "query_string": b"",
                 "headers": [], "scheme": "http", "server": ("test", 80), "client": ("test", 1), "root_path": "",
                 "http_version": "1.1", "app": app}
        try:
            await app.router(scope, receive, send)
        except OSError:
            pass

    asyncio.run(run())
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 200
    # Cleaned up: the ZIP's generator closed the file it was reading (nothing of the kit is held open).
    kit_folder = str(work / "tokens" / url.split("/")[3])
    held = [os.readlink(fd) for fd in Path("/proc/self/fd").iterdir() if os.path.exists(fd)]
    assert not [target for target in held if target.startswith(kit_folder)]
    assert client.get("/healthz").status_code == 200  # the server goes on
    again = client.get(url)
    assert again.status_code == 200 and zipfile.ZipFile(io.BytesIO(again.content)).testzip() is None
    # It stopped when the client went: most of the ZIP was never made.
    assert sum(len(m.get("body", b"")) for m in sent[1:]) < len(again.content) / 2


def test_create_app_reports_a_broken_campaign(tmp_path):
    (tmp_path / "campaign.toml").write_text("this is not toml [", encoding="utf-8")
    with pytest.raises(InputError):
        create_app(tmp_path / "campaign.toml")


def test_serve_warns_when_listening_beyond_this_computer(monkeypatch):
    import uvicorn
    from click.testing import CliRunner

    from solidarity_print.cli import cli
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append(kwargs))
    quiet = CliRunner().invoke(cli, ["serve", "--port", "8123"])
    loud = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert quiet.exit_code == 0 and loud.exit_code == 0, quiet.output + loud.output
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8123 and "warning" not in quiet.output
    assert calls[1]["host"] == "0.0.0.0" and "warning: listening on 0.0.0.0" in loud.output


def test_a_spreadsheet_roster_gets_the_same_row_and_column_problems(client, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "contact_email"])
    sheet.append(["Oak High", "not-an-email"])
    book.save(tmp_path / "schools.xlsx")
    data = (tmp_path / "schools.xlsx").read_bytes()
    response = client.post("/roster", files={"roster": ("District List.xlsx", data, "application/octet-stream")})
    assert_page(response, 422)
    assert ('<td>2</td><td><span dir="ltr">B (contact_email)</span></td><td><span lang="en" dir="ltr">&#39;not-an-email&#39; '
            'is not an email address</span></td>') in response.text
