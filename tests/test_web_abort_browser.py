"""In a real Chromium against the real server: typing again aborts the preview request still on its way,
and the page shows the preview of what is typed now."""
from __future__ import annotations

import re

from test_web_browser import browser, page, server, wait_for_previews_loaded  # noqa: F401 - fixtures

assert browser and page and server  # the fixtures above are used by name
PREVIEW = re.compile(r"/school/preview(\?|$)")  # the form's POST (?lang=…), not the images under it


def test_typing_again_aborts_the_preview_on_its_way(page, server):
    held, failed = [], []
    # The first preview request is held in the browser (as a slow server would hold it) until the
    # organizer has typed again; later ones go through.
    page.route(PREVIEW, lambda route: held.append(route) if not held else route.continue_())
    page.on("requestfailed", lambda request: failed.append((request.url, request.failure)))
    page.goto("/school")
    page.fill("#field-club", "Alianza Arcoíris")
    page.fill("#field-name", "First Typed High School")
    for _ in range(3000):  # a bound (5 minutes), not a timing
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the page sent no preview"
    page.fill("#field-name", "Second Typed High School")
    page.wait_for_function("() => [...document.querySelectorAll(\"img[src*='/preview/']\")]"
                           ".some(i => i.alt.includes('Second Typed High School'))")
    wait_for_previews_loaded(page)
    assert [url for url, failure in failed if PREVIEW.search(url) and "ABORTED" in (failure or "")], failed
    alts = page.locator("img[src*='/preview/']").evaluate_all("els => els.map(e => e.alt)")
    assert not any("First Typed" in alt for alt in alts), alts
