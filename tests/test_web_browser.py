"""The web page in a real headless Chromium (Debian's, driven by Playwright) against the real server.

One server and one browser for the module. Each flow is done as a person would: the school form filled
in with a logo, the preview changing, the kit downloaded and its packet opened; the same with the
keyboard alone and with JavaScript off; a broken roster's problems and a district job. axe-core checks
every page in every state these flows reach. With SOLIDARITY_WEB_SCREENSHOTS=docs the README's
screenshots are written there.
"""
from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image
from web_server import running_server

CHROMIUM = Path("/usr/bin/chromium")
SCHOOL = "Escuela Secundaria José Martí & \"Los Álamos\" <Norte>"
# The first kit pays every shared render (about two minutes on a 2-core machine busy with other work):
# a bound on waiting, not a timing assertion.
TIMEOUT_MS = 300_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("web-server")) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium; missing, the tests fail (CI installs it with scripts/setup.sh --test)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium package "
                    "(scripts/setup.sh --test installs it, or apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(accept_downloads=True, base_url=server.url)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()


def assert_accessible(page, state: str) -> None:
    """axe-core's whole rule set on the page as it is now: no violation at all."""
    from axe_playwright_python.sync_playwright import Axe
    results = Axe().run(page)
    assert results.violations_count == 0, f"axe on {page.url} ({state}):\n{results.generate_report()}"


def screenshot(page, name: str) -> None:
    folder = os.environ.get("SOLIDARITY_WEB_SCREENSHOTS")
    if folder:
        page.evaluate("window.scrollTo(0, 0)")  # the sticky preview panel follows the scroll position
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def logo_png(folder: Path) -> Path:
    """A 600 px logo: sharp enough for the cover."""
    image = Image.new("RGB", (600, 600), "white")
    image.paste(Image.new("RGB", (400, 400), (0, 120, 80)), (100, 100))
    path = folder / "gsa-logo.png"
    image.save(path)
    return path


def fill_school(page, name: str, logo: Path | None) -> None:
    page.fill("#field-name", name)
    page.fill("#field-club", "Alianza Arcoíris")
    page.fill("#field-contact_name", "María López")
    page.fill("#field-contact_email", "mlopez@example.org")
    page.fill("#field-meeting", "Biblioteca, jueves 15:30")
    if logo:
        page.set_input_files("#field-logo", str(logo))
        page.fill("#field-logo_alt", "A green square, the club's logo")


def download_kit(page, link) -> zipfile.ZipFile:
    with page.expect_download() as info:
        link.click()
    return zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes()))


def packet_cover_texts(kit: zipfile.ZipFile) -> dict[str, str]:
    """The text on the first page of every packet PDF in the kit, by file name, with line breaks (a long
    name wraps on the cover) and runs of spaces as single spaces."""
    texts = {}
    for name in kit.namelist():
        if name.endswith(".pdf") and "packet" in Path(name).name:
            pdf = pypdfium2.PdfDocument(kit.read(name))
            texts[name] = " ".join(pdf[0].get_textpage().get_text_range().split())
            pdf.close()
    return texts


def preview_sources(page) -> list[str]:
    return page.locator("img[src*='/preview/']").evaluate_all("els => els.map(e => e.getAttribute('src'))")


def wait_for_previews_loaded(page) -> None:
    page.wait_for_function("""() => {
        const imgs = [...document.querySelectorAll("img[src*='/preview/']")];
        return imgs.length >= 3 && imgs.every(i => i.complete && i.naturalWidth > 0 && i.alt.trim());
    }""")


def test_home_page_in_each_language(page):
    page.goto("/")
    assert page.locator("main a[href^='/school']").count() and page.locator("main a[href^='/roster']").count()
    assert_accessible(page, "home")
    screenshot(page, "web-home.png")
    page.locator("a[hreflang='es'], a[lang='es']").first.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "es"
    assert_accessible(page, "home in Spanish")


def test_school_form_with_logo_previews_and_downloads_the_kit(page, tmp_path):
    page.goto("/school")
    assert_accessible(page, "empty school form")
    fill_school(page, "Lincoln High School", logo_png(tmp_path))
    wait_for_previews_loaded(page)
    first = preview_sources(page)
    page.fill("#field-name", SCHOOL)  # the debounced script asks for a new preview
    page.wait_for_function("old => { const now = [...document.querySelectorAll(\"img[src*='/preview/']\")]"
                           ".map(e => e.getAttribute('src')); return now.length && now.join() !== old.join(); }",
                           arg=first)
    wait_for_previews_loaded(page)
    assert_accessible(page, "school form with a preview")
    screenshot(page, "web-school.png")

    page.get_by_role("button", name="Make my kit").click()
    page.wait_for_load_state()
    link = page.get_by_role("link", name=re.compile(r"^Download\b"))
    assert_accessible(page, "school kit made")
    kit = download_kit(page, link.first)
    manifest = json.loads(kit.read(next(n for n in kit.namelist() if n.endswith("manifest.json"))))
    assert manifest
    covers = packet_cover_texts(kit)
    assert covers, f"no packet in the kit: {kit.namelist()}"
    for name, text in covers.items():
        assert SCHOOL in text, f"{name}'s cover does not carry the name as typed:\n{text}"
    assert any(n.endswith(".png") or n.endswith(".pdf") for n in kit.namelist())


def test_school_form_problems_are_shown_at_once_and_values_kept(page):
    page.goto("/school")
    page.fill("#field-name", "")
    page.fill("#field-club", "GSA <script>alert(1)</script>")
    page.fill("#field-contact_email", "not-an-email")
    page.get_by_role("button", name="Make my kit").click()
    page.wait_for_load_state()
    summary = page.locator("[role=alert], .error-summary, #problems").first
    assert "every school needs a name" in summary.inner_text()
    assert "'not-an-email' is not an email address" in summary.inner_text()
    email_error = page.locator("#field-contact_email").get_attribute("aria-describedby") or ""
    described = " ".join(page.locator(f"#{i}").inner_text() for i in email_error.split())
    assert "not an email address" in described
    assert page.input_value("#field-club") == "GSA <script>alert(1)</script>"
    assert page.input_value("#field-contact_email") == "not-an-email"
    assert_accessible(page, "school form with errors")


def press_tab_to(page, selector: str, limit: int = 80) -> None:
    """Tab (only) until the element matching `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with Tab")


def test_whole_school_flow_with_the_keyboard_alone(page, tmp_path):
    # Listening from the start makes Playwright intercept file dialogs before any key is pressed
    # (enabled only by expect_file_chooser, the interception can come after the key press opened one).
    page.on("filechooser", lambda chooser: None)
    page.goto("/school")
    for field, text in (("name", "Keyboard High"), ("club", "Pride Club"), ("contact_email", "k@example.org")):
        press_tab_to(page, f"#field-{field}")
        page.keyboard.type(text)
    press_tab_to(page, "#field-logo")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    chooser.value.set_files(str(logo_png(tmp_path)))
    press_tab_to(page, "#field-logo_alt")
    page.keyboard.type("A green square")
    press_tab_to(page, "input[name=languages][value=es]")
    page.keyboard.press("Space")  # Spanish too
    assert page.is_checked("input[name=languages][value=es]")
    press_tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    press_tab_to(page, "a[href$='/download']")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    kit = zipfile.ZipFile(info.value.path())
    covers = packet_cover_texts(kit)
    assert any("-es" in n or "/es/" in n for n in covers), kit.namelist()
    assert all("Keyboard High" in text for text in covers.values())


def test_without_javascript_the_form_still_gives_a_kit(browser, server, tmp_path):
    context = browser.new_context(java_script_enabled=False, accept_downloads=True, base_url=server.url)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto("/school")
        fill_school(page, "No Script Middle School", logo_png(tmp_path))
        page.check("input[name=languages][value=en]")
        page.get_by_role("button", name="Make my kit").click()
        page.wait_for_load_state()
        assert page.locator("img[src*='/preview/']").count() >= 1
        kit = download_kit(page, page.get_by_role("link", name=re.compile(r"^Download\b")).first)
        assert all("No Script Middle School" in t for t in packet_cover_texts(kit).values())
        assert packet_cover_texts(kit)
    finally:
        context.close()


BROKEN_ROSTER = """name,club,contact_email,languages,paper
Lincoln High School,GSA,arivera@example.org,en,letter
,Pride Club,,en,letter
Central High,GSA,not-an-email,fr,tabloid
"""


def test_broken_roster_shows_each_problem_by_row_and_column(page, tmp_path):
    from solidarity_print.errors import InputError
    from solidarity_print.inputs.config import load_campaign
    from solidarity_print.inputs.roster import load_roster

    roster = tmp_path / "schools.csv"
    roster.write_text(BROKEN_ROSTER, encoding="utf-8")
    with pytest.raises(InputError) as expected:
        load_roster(roster, load_campaign())
    page.goto("/roster")
    assert_accessible(page, "empty roster form")
    page.set_input_files("input[name=roster]", str(roster))
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    rows = [[cell.strip() for cell in row] for row in page.locator("table tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.innerText))")]
    for problem in (p for p in expected.value.problems if not p.warning):
        number, column = re.match(r"row (\d+), column (.+)", problem.where).groups()
        assert [number, column, problem.message] in rows, f"{problem} not in the table {rows}"
    assert_accessible(page, "roster problems")
    screenshot(page, "web-roster.png")


def test_spreadsheet_roster_job_progress_and_district_zip(page, tmp_path):
    """The coordinator uploads the spreadsheet itself (.xlsx), follows the job by reloading, downloads the ZIP."""
    import openpyxl
    book = openpyxl.Workbook()
    for row in (["name", "languages"], ["Lincoln High School", "en"], ["Roosevelt Middle School", "en"]):
        book.active.append(row)
    roster = tmp_path / "schools.xlsx"
    book.save(roster)
    page.goto("/roster")
    page.set_input_files("input[name=roster]", str(roster))
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/roster/jobs/[^/]+$"))
    assert_accessible(page, "job progress")
    job = page.url
    for _ in range(TIMEOUT_MS // 1000):  # a plain refresh must show the progress, as without JavaScript
        if page.get_by_role("link", name=re.compile(r"^Download\b")).count():
            break
        page.wait_for_timeout(1000)
        page.goto(job)
    link = page.get_by_role("link", name=re.compile(r"^Download\b")).first
    assert_accessible(page, "job done")
    district = download_kit(page, link)
    names = district.namelist()
    assert any(n.endswith("manifest.json") for n in names)
    folders = {Path(n).parts[0] for n in names if len(Path(n).parts) > 1}
    assert folders == {"lincoln-high-school", "roosevelt-middle-school"}, names
    covers = packet_cover_texts(district)
    assert "Lincoln High School" in covers["lincoln-high-school/en/packet.pdf"]
    assert "Roosevelt Middle School" in covers["roosevelt-middle-school/en/packet.pdf"]
