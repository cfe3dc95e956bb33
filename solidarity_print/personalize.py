"""Each school's packet drawn onto the shared render of its variant: cover, club line, footers, title."""
from __future__ import annotations

import io
from dataclasses import replace

import pikepdf

from .overlay import MUTED, OverlayFont, PageTagger, image_xobject, overlay_font, text_ops
from .pdf_update import append_update
from .render import Slot

PLACEHOLDER = "SOLIDARITY-PRINT-SCHOOL-NAME"
BOLD, REGULAR = "AtkinsonHyperlegibleNext-Bold.ttf", "AtkinsonHyperlegibleNext-Regular.ttf"
LOGO_SIZE = 108.0  # 1.5 in, as on a fully rendered cover


def guide_pages(pieces) -> set[int]:
    """0-based pages that belong to guide pieces (their bottom margin is the guide's)."""
    return {n - 1 for p in pieces if p.kind == "guide" for n in range(p.first, p.last + 1)}


FONTS_KEY = "/SolidarityPrintOverlayFonts"


def prepare_base(data: bytes, characters: str) -> bytes:
    """The shared render with the overlay fonts already embedded (under a private catalog key that
    `personalize` removes), so that each school's packet only points at them."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.Root[FONTS_KEY] = pikepdf.Dictionary({
            "/SPFB": overlay_font(BOLD, characters).embed(pdf), "/SPFR": overlay_font(REGULAR, characters).embed(pdf)})
        buffer = io.BytesIO()
        pdf.save(buffer, deterministic_id=True, fix_metadata_version=False,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def personalize(base, school, t: dict[str, str], characters: str):
    """The packet of `school` drawn onto `base` (a shared render), or None when it needs a full
    render: text the subset font cannot draw, or a name too long for the cover's reserved area."""
    footer_texts = [t["footer"].format(school=school.name, page=n, pages=base.pages - 2) for n in range(1, base.pages - 1)]
    contact = " · ".join(v for v in (school.contact_name, school.contact_email) if v)
    org = f"{school.club} · {school.name}" if school.club else school.name
    texts = [school.name, school.club, contact, school.meeting, org, t["contact"], t["meeting"], *footer_texts]
    bold, regular = overlay_font(BOLD, characters), overlay_font(REGULAR, characters)
    if not all(bold.covers(x) and regular.covers(x) for x in texts):
        return None
    with pikepdf.open(io.BytesIO(base.data)) as pdf:
        tagger = PageTagger(pdf)
        fonts = pdf.Root[FONTS_KEY]
        resources = {"/SPFB": fonts.SPFB, "/SPFR": fonts.SPFR}
        del pdf.Root[FONTS_KEY]
        tagger.changed += [pdf.Root, pdf.trailer.Info, pdf.Root.Metadata]
        slots = {(slot.name, slot.page): slot for slot in base.slots}
        cover = slots.get(("school", 0))
        if cover is None or not _draw_cover(tagger, resources, cover, school, contact, t, bold, regular):
            return None
        for slot in base.slots:
            if slot.name == "org" and not _draw_org(tagger, slot, org, regular):
                return None
        if base.footer_pages:
            # One type size for every footer: the one the longest page number needs.
            page_width = float(pdf.pages[base.footer_pages[0]].mediabox[2])
            size = _footer_size(max(footer_texts, key=len), page_width, regular)
            for page in base.footer_pages:
                tagger.artifact(page, _footer_ops(footer_texts[page - 2], float(pdf.pages[page].mediabox[2]),
                                                  base.footer_space.get(page, 26.0), regular, size))
        tagger.finish(resources)
        title = base.title.replace(PLACEHOLDER, school.name)
        pdf.docinfo["/Title"] = pikepdf.String(title)
        metadata = pdf.Root.Metadata.read_bytes()
        escaped = school.name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        pdf.Root.Metadata.write(metadata.replace(PLACEHOLDER.encode(), escaped.encode("utf-8")))
        data = append_update(base.data, pdf, tagger.changed)
    return replace(base, data=data, title=title, slots=[], footer_pages=[], footer_space={})


FOOTER_SIDE_MARGIN = 54.0


def _footer_size(text: str, page_width: float, font: OverlayFont) -> float:
    """8.5 pt, or smaller until `text` fits on two lines: a long school name is never cut off."""
    width, size = page_width - 2 * FOOTER_SIDE_MARGIN, 8.5
    while size > 5:
        lines = font.wrap(text, size, width)
        if len(lines) <= 2 and all(font.width(line, size) <= width for line in lines):
            break
        size -= 0.5
    return size


def _footer_ops(text: str, page_width: float, space: float, font: OverlayFont, size: float) -> str:
    """The running footer, centred in the bottom margin, on one line or two."""
    width = page_width - 2 * FOOTER_SIDE_MARGIN
    lines = [text] if font.width(text, size) <= width else font.wrap(text, size, width)
    baseline = space / 2 - 3 + (len(lines) - 1) * size * 0.6
    ops = [MUTED, "BT", f"/SPFR {size:.2f} Tf"]
    for line in lines:
        ops.append(f"1 0 0 1 {(page_width - font.width(line, size)) / 2:.2f} {baseline:.2f} Tm {font.show(line)} Tj")
        baseline -= size * 1.2
    return "\n".join(ops + ["ET"])


def _draw_cover(tagger: PageTagger, resources: dict, slot: Slot, school, contact: str, t: dict[str, str],
                bold: OverlayFont, regular: OverlayFont) -> bool:
    """Logo, name (H1), club, contact and meeting in the cover's reserved area; False if they do not fit."""
    text_width = slot.width - (LOGO_SIZE + 16 if school.logo else 0)
    top = slot.y + slot.height
    size = 44.0 if len(school.name) <= 28 else 38.0 if len(school.name) <= 48 else 32.0
    lines = bold.wrap(school.name, size, text_width)
    while (len(lines) * size * 1.08 > slot.height * 0.55 or any(bold.width(l, size) > text_width for l in lines)) and size > 20:
        size *= 0.9
        lines = bold.wrap(school.name, size, text_width)
    if len(lines) * size * 1.08 > slot.height * 0.55 or any(bold.width(l, size) > text_width for l in lines):
        return False
    # Everything here follows the cover's first element (the campaign line), in drawing order.
    if school.logo:
        from .images import logo_data_uri
        resources["/SPLogo"] = image_xobject(tagger.pdf, logo_data_uri(school.logo))
        tagger.changed.append(resources["/SPLogo"])
        if "/SMask" in resources["/SPLogo"]:
            tagger.changed.append(resources["/SPLogo"].SMask)
        x, y = slot.x + slot.width - LOGO_SIZE, top - LOGO_SIZE
        tagger.tagged(slot.page, "Figure", f"q {LOGO_SIZE:.2f} 0 0 {LOGO_SIZE:.2f} {x:.2f} {y:.2f} cm /SPLogo Do Q",
                      Alt=pikepdf.String(school.logo_alt),
                      A=pikepdf.Dictionary(O=pikepdf.Name.Layout, BBox=pikepdf.Array([x, y, x + LOGO_SIZE, top])))
    tagger.tagged(slot.page, "H1", text_ops("/SPFB", bold, lines, size, slot.x, top, size * 1.08))
    y = top - len(lines) * size * 1.08 - 10
    if school.club:
        club = regular.wrap(school.club, 20, text_width)
        accent = "0.55 0.12 0.25 rg"
        tagger.tagged(slot.page, "P", text_ops("/SPFB", bold, club, 20, slot.x, y, 24, accent))
        y -= len(club) * 24 + 14
    for label, value in ((t["contact"], contact), (t["meeting"], school.meeting)):
        if not value:
            continue
        label_width = bold.width(label, 13) + 14
        value_lines = regular.wrap(value, 13, text_width - label_width)
        ops = text_ops("/SPFB", bold, [label], 13, slot.x, y, 18) + "\n" + \
            text_ops("/SPFR", regular, value_lines, 13, slot.x + label_width, y, 18)
        tagger.tagged(slot.page, "P", ops)
        y -= len(value_lines) * 18 + 6
    return y >= slot.y


def _draw_org(tagger: PageTagger, slot: Slot, text: str, font: OverlayFont) -> bool:
    """The club and school on a poster or flyer, in its reserved footer line (a second line may use
    the space below it); False if even that is too little."""
    size = slot.height / 1.3
    for scale, most_lines in ((1.0, 1), (0.85, 1), (0.85, 2), (0.72, 2)):
        lines = font.wrap(text, size * scale, slot.width)
        if len(lines) <= most_lines and all(font.width(line, size * scale) <= slot.width for line in lines):
            ops = text_ops("/SPFR", font, lines, size * scale, slot.x, slot.y + slot.height, size * scale * 1.25, MUTED)
            tagger.tagged(slot.page, "P", ops, after=10_000)
            return True
    return False
