"""Rendered pages compared with reviewed reference PNGs (tests/reference, see reference_images.py)."""
from __future__ import annotations

import pytest
from PIL import Image
from reference_images import PAGES, REFERENCE, difference, render_page

# Share of visibly changed pixels allowed, in percent: anti-aliasing noise passes; a missing line of
# footer text changes about 0.4% of the page at this resolution, one line of a list 0.35%.
TOLERANCE = 0.15


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_matches_reviewed_reference(default_build, name, tmp_path):
    rendered = render_page(default_build / PAGES[name])
    reference = Image.open(REFERENCE / name).convert("RGB")
    score = difference(rendered, reference)
    if score > TOLERANCE:
        rendered.save(tmp_path / name)
    assert score <= TOLERANCE, f"{name} differs from the reference by {score:.2f}%; new render in {tmp_path / name}"


def test_comparison_notices_a_missing_footer(default_build):
    """The tolerance is meaningful: blanking the footer's text lines is caught."""
    name = "poster-en-black-lgbtq.png"
    reference = Image.open(REFERENCE / name).convert("RGB")
    damaged = reference.copy()
    width, height = damaged.size
    damaged.paste((255, 255, 255), (int(width * 0.2), int(height * 0.88), width, int(height * 0.95)))
    assert difference(damaged, reference) > TOLERANCE
