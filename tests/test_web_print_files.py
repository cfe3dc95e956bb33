"""The school form's print choices: black-and-white copies, tiled posters, hand-out sheets and print-shop files in the kit."""
from __future__ import annotations

import io
import json
import re
import time
import zipfile

import pikepdf
import pytest
from starlette.testclient import TestClient

from solidarity_print.web import WebSettings, create_app

CHOICES = ("black", "tiles", "handouts", "print_shop")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings = WebSettings(workers=1, warm_up=False, work_folder=tmp_path_factory.mktemp("web-print"))
    with TestClient(create_app(settings=settings), raise_server_exceptions=False) as test_client:
        yield test_client


def kit_manifest(client, page: str) -> tuple[list[dict], zipfile.ZipFile]:
    url = re.search(r'href="(/school/kit/[^/"]+/download)"', page).group(1)
    archive = zipfile.ZipFile(io.BytesIO(client.get(url).content))
    return json.loads(archive.read("manifest.json"))["files"], archive


def test_the_form_offers_each_print_choice_with_a_label_and_keeps_it_ticked(client):
    page = client.get("/school").text
    for choice in CHOICES:
        box = re.search(rf'<input id="field-printing-{choice}" name="printing" type="checkbox" value="{choice}">', page)
        assert box and f'<label for="field-printing-{choice}">' in page
    assert '<fieldset class="checkboxes" aria-describedby="hint-printing">' in page
    # Sent back with a problem, the page keeps what was ticked.
    again = client.post("/school", data={"name": "", "printing": ["black", "handouts"]})
    assert again.status_code == 422
    ticked = re.findall(r'id="field-printing-(\w+)" name="printing" type="checkbox" value="\w+" checked', again.text)
    assert ticked == ["black", "handouts"]


def test_a_kit_with_every_print_choice_has_the_print_files_beside_the_screen_ones(client, tmp_path):
    page = client.post("/school", data={"name": "Harbor View High", "languages": ["en"], "paper": "letter",
                                        "printing": list(CHOICES) + ["nonsense"]})
    assert page.status_code == 200, page.text[:2000]
    files, archive = kit_manifest(client, page.text)
    printed = [f for f in files if f["purpose"] == "print"]
    kinds = {f["kind"] for f in printed}
    assert {"tiled-poster", "handout", "print-shop"} <= kinds, kinds
    assert any(f["path"].endswith("-black.pdf") for f in printed)  # the black-ink twins
    # The school's own under its folder; the day's hand-outs (the same for every school) at the top.
    assert all(f["path"].startswith("harbor-view-high/print/" if f["kind"] != "handout" else "print/")
               for f in printed)
    # The job ticket, for the print shop to quote from: a row per print-shop file of the school.
    ticket = archive.read("print/job-ticket.csv").decode("utf-8")
    shop = [f for f in printed if f["kind"] == "print-shop"]
    assert shop and all(f["path"] in ticket for f in shop)
    screen = [f for f in files if f["purpose"] == "screen"]
    assert any(f["kind"] == "packet" for f in screen) and any(f["kind"] == "poster" for f in screen)
    # A tile of a tabloid poster is a letter sheet, as the school's paper is.
    tile = next(f for f in printed if f["kind"] == "tiled-poster")
    (tmp_path / "tile.pdf").write_bytes(archive.read(tile["path"]))
    with pikepdf.open(tmp_path / "tile.pdf") as pdf:
        assert [round(float(v)) for v in pdf.pages[0].MediaBox][2:] == [612, 792]
    # The preview on the page is the screen packet's, not a print file's.
    assert re.search(r'<figure class="preview-cover">', page.text)


def test_a_kit_without_print_choices_has_no_print_folder(client):
    page = client.post("/school", data={"name": "Plain Kit School", "languages": ["en"]})
    files, _ = kit_manifest(client, page.text)
    assert files and all(f["purpose"] == "screen" and "/print/" not in f["path"] for f in files)


def test_tiles_are_skipped_when_the_posters_already_fit_the_paper(client):
    page = client.post("/school", data={"name": "Small Poster School", "languages": ["en"], "poster_paper": "letter",
                                        "printing": ["tiles"]})
    assert page.status_code == 200, page.text[:2000]
    files, _ = kit_manifest(client, page.text)
    assert not any(f["kind"] == "tiled-poster" for f in files)


def test_a_district_job_with_print_choices_tiles_on_the_rosters_paper_and_brings_the_job_ticket(client):
    roster = "name,paper,poster_copies\nEast Ridge Middle,a4,3\nWest Lake High,a4,\nNorth Shore Academy,letter,\n"
    page = client.post("/roster", files={"roster": ("schools.csv", roster.encode(), "text/csv")},
                       data={"printing": ["tiles", "print_shop"]}, follow_redirects=False)
    assert page.status_code == 303, page.text[:2000]
    job = page.headers["location"].split("?")[0]
    for _ in range(600):
        status = client.get(f"{job}/status").json()
        if status["state"] in ("done", "failed"):
            break
        time.sleep(0.5)
    assert status["state"] == "done", status
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{job}/download").content))
    files = json.loads(archive.read("manifest.json"))["files"]
    tiles = [f for f in files if f["kind"] == "tiled-poster"]
    # Two of the three schools print on A4: the tiles are A4 sheets, for every school.
    assert {f["path"].split("/")[0] for f in tiles} == {"east-ridge-middle", "west-lake-high", "north-shore-academy"}
    assert {f["paper"] for f in tiles} == {"a4"}
    ticket = archive.read("print/job-ticket.csv").decode("utf-8")
    assert "east-ridge-middle/print/shop/" in ticket and not any(f["path"].endswith("-black.pdf") for f in files)


def test_the_roster_page_keeps_the_ticked_print_choices_when_the_roster_has_problems(client):
    page = client.post("/roster", files={"roster": ("schools.csv", b"name,paper\nA School,legal\n", "text/csv")},
                       data={"printing": ["print_shop"]})
    assert page.status_code == 422
    assert re.findall(r'id="field-printing-(\w+)" name="printing" type="checkbox" value="\w+" checked', page.text) \
        == ["print_shop"]
