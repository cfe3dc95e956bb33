"""Each school's packet laid out onto the template of its variant: cover, club line, footers, title."""
from __future__ import annotations

from dataclasses import replace

from ..inputs.images import logo_pixels
from ..render.render import Slot
from .overlay import MUTED, OverlayFont, Typefaces, text_ops
from .packet_template import PLACEHOLDER, Drawing, PacketTemplate, fill
from .pdf_update import pdf_text

LOGO_SIZE = 108.0  # 1.5 in, as on a fully rendered cover


def guide_pages(pieces) -> set[int]:
    """0-based pages that belong to guide pieces (their bottom margin is the guide's)."""
    return {n - 1 for p in pieces if p.kind == "guide" for n in range(p.first, p.last + 1)}


def drawn_pages(base) -> set[int]:
    """The pages of a shared render (a Packet) that get per-school drawing: cover, slots, footers."""
    return {0} | {slot.page for slot in base.slots} | set(base.footer_pages)


def personalize(base, template: PacketTemplate, school, t: dict[str, str], typefaces: Typefaces, rtl: bool = False,
                accent: str = "#000000"):
    """The packet of `school` drawn onto `base` (a shared render) through its `template`, or None when
    it needs a full render: text no subset font can draw, or a name too long for the reserved area.
    With `rtl` (a right to left language) the texts are right-aligned and their lines ordered so;
    the club line is set in `accent`, the cover's colour (as templates/cover.html's CSS sets it)."""
    full_name = school.name
    school = _as_drawn(school)
    name_face = typefaces.pick(school.name, True, rtl)
    if name_face is None:  # first, as it fails most often (a name in another script)
        return None
    body_pages = base.pages - base.front_pages
    footer_texts = [t["footer"].format(school=school.name, page=n, pages=body_pages) for n in range(1, body_pages + 1)]
    contact = " · ".join(v for v in (school.contact_name, school.contact_email) if v)
    org = _org_line(school)
    longest_footer = max(footer_texts, key=len, default="")
    # Each text in one face, chosen for the whole text: a name is never drawn in two typefaces.
    faces = dict(name=name_face, club=typefaces.pick(school.club, True, rtl),
                 contact_label=typefaces.pick(t["contact"], True, rtl), contact=typefaces.pick(contact, False, rtl),
                 meeting_label=typefaces.pick(t["meeting"], True, rtl), meeting=typefaces.pick(school.meeting, False, rtl),
                 org=typefaces.pick(org, False, rtl), footer=typefaces.pick("".join(footer_texts), False, rtl))
    if None in faces.values():
        return None
    drawing = Drawing(template)
    cover = next((slot for slot in base.slots if slot.name == "school" and slot.page == 0), None)
    if cover is None or not _draw_cover(drawing, cover, school, contact, t, faces, rtl, accent):
        return None
    for slot in base.slots:
        if slot.name == "org" and not _draw_org(drawing, slot, org, faces["org"], rtl):
            return None
    if base.footer_pages:
        # One type size for every footer: the one the longest page number needs.
        size = _footer_size(longest_footer, template.page_widths[base.footer_pages[0]], faces["footer"])
        for page in base.footer_pages:
            drawing.artifact(page, _footer_ops(footer_texts[page - base.front_pages], template.page_widths[page],
                                               base.footer_space[page], faces["footer"], size))
    title = base.title.replace(PLACEHOLDER, full_name)
    data = fill(template, drawing, title, full_name, logo=logo_pixels(school.logo) if school.logo else None,
                author=school.author)
    return replace(base, data=data, title=title, slots=[], footer_pages=[], footer_space={}, personalised=True)


def personalize_document(base, template: PacketTemplate, school, typefaces: Typefaces, rtl: bool = False) -> bytes | None:
    """A school's own poster or flyer: its club line drawn onto `base` through its `template`, or
    None when no subset font draws it or it does not fit."""
    org = _org_line(_as_drawn(school))
    font = typefaces.pick(org, False, rtl)
    if font is None or not any(slot.name == "org" for slot in base.slots):
        return None
    drawing = Drawing(template)
    for slot in base.slots:
        if slot.name == "org" and not _draw_org(drawing, slot, org, font, rtl):
            return None
    return fill(template, drawing, name=school.name, author=school.author)


def name_size(name: str) -> float:
    """The cover's starting type size for a school name: big for short names, smaller for long ones."""
    length = len(name)
    return 44.0 if length <= 28 else 38.0 if length <= 48 else 32.0 if length <= 80 else 28.0


def _as_drawn(school):
    """The school's texts as HTML shows them: a line break in a spreadsheet cell is a space."""
    return replace(school, **{key: " ".join(getattr(school, key).split())
                              for key in ("name", "club", "contact_name", "contact_email", "meeting")})


def _org_line(school) -> str:
    """The club and school line of a poster or flyer footer (as templates/partials/qr_footer.html)."""
    return f"{school.club} · {school.name}" if school.club else school.name


FOOTER_SIDE_MARGIN = 54.0
UNPRINTABLE = 18.0  # points at the edge of a sheet most office printers cannot print on


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
    # Centred in the margin, but never lower than an office printer prints: descenders stay above 0.25 in.
    lowest = max(space / 2 - 3 - (len(lines) - 1) * size * 0.6, UNPRINTABLE + 0.3 * size)
    baseline = lowest + (len(lines) - 1) * size * 1.2
    ops = [MUTED, "BT", f"{font.resource} {size:.2f} Tf"]
    for line in lines:
        x = (page_width - font.width(line, size)) / 2
        ops.append(font.draw_line(line, size, x, baseline) if hasattr(font, "draw_line")
                   else f"1 0 0 1 {x:.2f} {baseline:.2f} Tm {font.show(line)} Tj")
        baseline -= size * 1.2
    return "\n".join(ops + ["ET"])


def _draw_cover(drawing: Drawing, slot: Slot, school, contact: str, t: dict[str, str],
                faces: dict[str, OverlayFont], rtl: bool = False, accent: str = "#000000") -> bool:
    """Logo, name (H1), club, contact and meeting in the cover's reserved area; False if they do not fit.
    Right to left (`rtl`) it is mirrored: texts right-aligned, the logo at the left."""
    right = slot.x + slot.width if rtl else None
    name_font = faces["name"]
    text_width = slot.width - (LOGO_SIZE + 16 if school.logo else 0)
    top = slot.y + slot.height

    def fits(lines: list[str], size: float) -> bool:  # at most 55% of the area, no line too wide
        return len(lines) * size * 1.08 <= slot.height * 0.55 and all(name_font.width(l, size) <= text_width for l in lines)

    size = name_size(school.name)
    lines = name_font.wrap(school.name, size, text_width)
    while not fits(lines, size) and size > 20:
        size *= 0.9
        lines = name_font.wrap(school.name, size, text_width)
    if not fits(lines, size):
        return False
    # Everything here follows the cover's first element (the campaign line), in drawing order.
    if school.logo:
        x, y = (slot.x if rtl else slot.x + slot.width - LOGO_SIZE), top - LOGO_SIZE
        drawing.tagged(slot.page, "Figure", f"q {LOGO_SIZE:.2f} 0 0 {LOGO_SIZE:.2f} {x:.2f} {y:.2f} cm /SPLogo Do Q",
                       entries=b"/Alt %s /A << /O /Layout /BBox [%.2f %.2f %.2f %.2f] >>"
                       % (pdf_text(school.logo_alt), x, y, x + LOGO_SIZE, top))
    drawing.tagged(slot.page, "H1", text_ops(name_font, lines, size, slot.x, top, size * 1.08, right_to=right))
    y = top - len(lines) * size * 1.08 - 10
    if school.club:
        club = faces["club"].wrap(school.club, 20, text_width)
        red, green, blue = (int(accent.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
        fill = f"{red:.3f} {green:.3f} {blue:.3f} rg"
        drawing.tagged(slot.page, "P", text_ops(faces["club"], club, 20, slot.x, y, 24, fill, right_to=right))
        y -= len(club) * 24 + 14
    for field, label, value in (("contact", t["contact"], contact), ("meeting", t["meeting"], school.meeting)):
        if not value:
            continue
        label_font, value_font = faces[f"{field}_label"], faces[field]
        label_width = label_font.width(label, 13) + 14
        value_lines = value_font.wrap(value, 13, text_width - label_width)
        ops = text_ops(label_font, [label], 13, slot.x, y, 18, right_to=right) + "\n" + \
            text_ops(value_font, value_lines, 13, slot.x + label_width, y, 18,
                     right_to=right - label_width if rtl else None)
        drawing.tagged(slot.page, "P", ops)
        y -= len(value_lines) * 18 + 6
    return y >= slot.y


def _draw_org(drawing: Drawing, slot: Slot, text: str, font: OverlayFont, rtl: bool = False) -> bool:
    """The club and school on a poster or flyer, in its reserved footer line (a second line may use
    the space below it); False if even that is too little."""
    size = slot.height / 1.3
    for scale, most_lines in ((1.0, 1), (0.85, 1), (0.85, 2), (0.72, 2)):
        lines = font.wrap(text, size * scale, slot.width)
        if len(lines) <= most_lines and all(font.width(line, size * scale) <= slot.width for line in lines):
            ops = text_ops(font, lines, size * scale, slot.x, slot.y + slot.height, size * scale * 1.25, MUTED,
                           right_to=slot.x + slot.width if rtl else None)
            drawing.tagged(slot.page, "P", ops, after=10_000)
            return True
    return False
