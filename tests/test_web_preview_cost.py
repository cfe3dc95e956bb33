"""What a web preview costs: it writes nothing to disk, and a page whose inputs did not change is not drawn again."""
from __future__ import annotations

import io

import pypdfium2
from PIL import Image, ImageChops, ImageStat
from starlette.testclient import TestClient

from solidarity_print.web import WebSettings, create_app

FORM = {"name": "Marigold Falls High", "club": "Rainbow Alliance", "contact_name": "Sam Ortiz",
        "contact_email": "sam@example.org", "meeting": "Room 12, Fridays", "languages": ["en"]}


def files_under(folder) -> set:
    return {path for path in folder.rglob("*") if path.is_file()}


def test_unchanged_pages_are_not_drawn_again_and_nothing_is_written(tmp_path):
    settings = WebSettings(workers=1, warm_up=False, work_folder=tmp_path)
    with TestClient(create_app(settings=settings), raise_server_exceptions=False) as client:
        first = client.post("/school/preview", data=FORM).json()
        before = files_under(tmp_path)
        contact = client.post("/school/preview", data=dict(FORM, contact_name="Robin Ortiz")).json()
        renamed = client.post("/school/preview", data=dict(FORM, name="Marigold Falls Middle")).json()
        after = files_under(tmp_path)
        urls = [{image["name"]: image["url"] for image in data["images"]} for data in (first, contact, renamed)]
        # Only the cover shows the contact: the poster and flyer are the same images, the cover a new one.
        assert urls[1]["poster"] == urls[0]["poster"] and urls[1]["flyer"] == urls[0]["flyer"]
        assert urls[1]["cover"] != urls[0]["cover"]
        # Every page shows the name (cover, club line, footers): all three are drawn again.
        assert all(urls[2][name] != urls[0][name] for name in ("cover", "poster", "flyer"))
        # The images are what they claim: the cover with the new contact, the renamed school's footer.
        cover = client.get(urls[1]["cover"])
        assert cover.headers["content-type"] == "image/jpeg" and Image.open(io.BytesIO(cover.content)).width == 320
        assert client.get(urls[0]["cover"]).content != cover.content
        assert {image["alt"] for image in renamed["images"]} >= {"Preview of the packet cover for Marigold Falls Middle"}
    # The shared renders were made by the first preview; later previews added no file at all.
    assert after == before


def test_a_preview_shows_the_same_cover_as_the_kit_it_previews(tmp_path):
    """The preview's cover is the kit's packet cover, rasterised (not some other page or school)."""
    settings = WebSettings(workers=1, warm_up=False, work_folder=tmp_path)
    with TestClient(create_app(settings=settings), raise_server_exceptions=False) as client:
        preview = client.post("/school/preview", data=FORM).json()
        cover_url = next(image["url"] for image in preview["images"] if image["name"] == "cover")
        shown = Image.open(io.BytesIO(client.get(cover_url).content)).convert("L")
        kit = client.post("/school", data=FORM)
        packet = next(line.split('"')[1] for line in kit.text.split("href=") if line.startswith('"/school/kit/')
                      and line.split('"')[1].endswith("en/packet.pdf"))
        document = pypdfium2.PdfDocument(client.get(packet).content)
        page = document[0]
        assert "Marigold Falls High" in page.get_textpage().get_text_range()
        made = page.render(scale=320 / page.get_width()).to_pil().convert("L")
        document.close()
    assert made.size == shown.size
    difference = ImageStat.Stat(ImageChops.difference(made, shown)).mean[0]
    assert difference < 4  # JPEG's small error per pixel, not another page (a different page differs by tens)
