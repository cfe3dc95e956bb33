"""Per-school packets: cover, contents, the pieces the school needs, numbered, bookmarked and tagged."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..errors import RenderError
from ..model import Excerpt, School
from ..pipeline.cache import Cache, shared_key
from ..pipeline.plan import PAPERS, Job, plan_campaign, poster_paper
from ..press.ink import black_context
from ..render.documents import SINGLE_PAGE, DocumentMaker
from ..render.i18n import text_direction
from ..render.render import LaidOut, Slot, slots_of
from .overlay import Typefaces
from .packet_template import PacketTemplate, anonymous, document_variant, packet_variant, prepare_template, shows_school
from .pdf_finish import Appendix, Link, finish_packet
from .personalize import drawn_pages, guide_pages, name_size, personalize, personalize_document

FRONT_PAGES = 2  # cover and contents, numbered i and ii
FOOTER_PAPERS = ("letter", "a4")
GUIDE_FOOTER_SPACE = 68.4  # the guide's own bottom margin (0.95 in) already leaves room
DESIGN_FOOTER_SPACE = 48.0  # posters and flyers have no margin: room for the footer above the 0.25 in printers leave blank
COVER_FITS = (1.0, 0.85, 0.72, 0.6, 0.5)


@dataclass(frozen=True)
class PacketOptions:
    """How packets are put together: double-sided, and whether posters keep their size."""

    duplex: bool = False
    posters: str = "own"  # "own": tabloid pages inside the packet; "fit": posters drawn on the packet's paper
    fast: bool = True  # render what schools share once and draw each school's text onto it
    overlay_chars: str = ""  # every character the roster's schools need drawn (to subset the font once)
    overlay_fallback_chars: str = ""  # those of texts the theme's font cannot draw whole (for Noto Sans)
    ink: str = "color"  # "black": every piece with the office-printer stylesheet (press/ink.py)


@dataclass
class PieceRange:
    """Where one piece sits in the packet (1-based physical pages), for the print shop."""

    kind: str
    title: str
    first: int
    last: int


@dataclass
class Packet:
    """A finished packet and what the manifest says about it."""

    data: bytes
    pages: int
    title: str
    pieces: list[PieceRange]
    untagged_pages: list[int] = field(default_factory=list)
    slots: list = field(default_factory=list)  # reserved areas of a shared render (overlay.Slot)
    footer_pages: list[int] = field(default_factory=list)  # 0-based pages that carry the running footer
    footer_space: dict = field(default_factory=dict)  # page -> height of its bottom margin, in points
    personalised: bool = False  # drawn onto a shared render, not rendered whole
    front_pages: int = FRONT_PAGES  # numbered in roman: cover and contents (and blanks, double-sided)

    def details(self) -> dict:
        """Everything but the bytes, as JSON can keep it (for the cache)."""
        return dict(pages=self.pages, title=self.title, pieces=[vars(p) for p in self.pieces],
                    untagged_pages=self.untagged_pages, slots=[vars(s) for s in self.slots],
                    footer_pages=self.footer_pages, footer_space=[[k, v] for k, v in self.footer_space.items()],
                    front_pages=self.front_pages)

    @classmethod
    def from_details(cls, details: dict, data: bytes) -> "Packet":
        """The packet `details` describe, with its bytes."""
        return cls(data=data, pages=details["pages"], title=details["title"],
                   pieces=[PieceRange(**p) for p in details["pieces"]], untagged_pages=details["untagged_pages"],
                   slots=[Slot(**s) for s in details["slots"]], footer_pages=details["footer_pages"],
                   footer_space={k: v for k, v in details["footer_space"]},
                   front_pages=details.get("front_pages", FRONT_PAGES))


class PacketMaker:
    """Builds packets, and each school's own posters and flyers, for the schools of one campaign,
    reusing one renderer and theme and one shared render per variant."""

    def __init__(self, maker: DocumentMaker, options: PacketOptions = PacketOptions(), cache: Cache | None = None,
                 fingerprint: str = ""):
        """`cache` (with the build's input `fingerprint`) keeps shared renders for other workers and builds."""
        self.maker = maker
        self.cache, self.fingerprint = cache, fingerprint
        self.campaign = maker.campaign
        self.options = options
        self._page_counts: dict[tuple, int] = {}
        self._bases: dict[tuple, Packet] = {}  # variant -> its shared render
        self._templates: dict[tuple, PacketTemplate | None] = {}  # (variant, with Noto Sans) -> template
        self._faces: dict[bool, Typefaces] = {}

    def make(self, school: School, lang: str) -> Packet:
        """The packet of `school` in `lang`: personalised onto a shared render when its text allows,
        else rendered whole (a name too long for the cover's reserved area)."""
        if self.options.fast:
            packet = self._personalised(
                packet_variant(school, lang, self.options.ink), lambda: self._render(anonymous(school), lang, overlay=True),
                True, lambda base, template, faces: personalize(base, template, school, self.campaign.strings[lang], faces,
                                                                rtl=text_direction(lang) == "rtl", accent=self._accent()))
            if packet is not None:
                return packet
        return self._render(school, lang)

    def make_document(self, job: Job) -> tuple[bytes, int]:
        """A school's own poster or flyer (bytes, pages): its club line drawn onto the render every
        school shares, or rendered whole when the line cannot be drawn so."""
        school = job.context.get("school")
        if self.options.fast and school is not None and job.kind in SINGLE_PAGE:
            data = self._personalised(
                document_variant(job), lambda: self._render_shared_document(job), False,
                lambda base, template, faces: personalize_document(base, template, school, faces,
                                                                       rtl=text_direction(job.lang) == "rtl"))
            if data is not None:
                return data, 1
        return self.maker.make(job)

    def _personalised(self, variant: tuple, render, with_bold_and_logo: bool, draw):
        """`draw(base, template, typefaces)` on the shared render of `variant` (made by `render` if no
        worker or build made it yet), first with the theme's font, then, if the build has names it
        cannot draw, with Noto Sans as well (only the files that need it carry it); None if neither
        draws it."""
        if variant not in self._bases:
            self._bases[variant] = self._shared(variant, render)
        base = self._bases[variant]
        for fallback in (False, True) if self.options.overlay_fallback_chars else (False,):
            faces = self._typefaces(fallback)
            if (variant, fallback) not in self._templates:
                self._templates[variant, fallback] = prepare_template(
                    base.data, drawn_pages(base), faces.fonts(bold=with_bold_and_logo), logo=with_bold_and_logo)
            template = self._templates[variant, fallback]
            result = template and draw(base, template, faces)
            if result is not None:
                return result
        return None

    def _typefaces(self, fallback: bool) -> Typefaces:
        """The fonts drawn onto shared renders, subset once per worker (the first file asks)."""
        if fallback not in self._faces:
            self._faces[fallback] = Typefaces(self.options.overlay_chars,
                                              self.options.overlay_fallback_chars if fallback else "")
        return self._faces[fallback]

    def _render_shared_document(self, job: Job) -> Packet:
        laid_out = self.maker.layout(replace(job, context=dict(job.context, school=anonymous(job.context["school"]))),
                                     overlay=True)
        return Packet(data=self.maker.renderer.write([laid_out], created=self.campaign.start), pages=laid_out.pages,
                      title=job.title, pieces=[], slots=[] if shows_school(laid_out.html) else slots_of([laid_out]))

    def _shared(self, variant: tuple, render) -> Packet:
        """The render every school of a variant starts from: from the cache when another worker or
        an earlier build made it (one makes it while the others wait), else made here by `render`."""
        if self.cache is None:
            return render()
        key = shared_key(self.fingerprint, *variant)
        with self.cache.locked(key):
            if record := self.cache.get_record(key):
                return Packet.from_details(*record)
            base = render()
            self.cache.put_record(key, base.details(), base.data)
        return base

    def _accent(self) -> str:
        """The cover's colour (#RRGGBB): the week's first day's, black in black ink."""
        return "#000000" if self.options.ink == "black" else self.campaign.days[0].color

    def _render(self, school: School, lang: str, overlay: bool = False) -> Packet:
        """Every page of the packet through WeasyPrint; with `overlay`, a shared render with reserved
        areas (and no footer text) for `personalize` to fill in per school."""
        t = self.campaign.strings[lang]
        jobs = plan_campaign(self.campaign, languages=(lang,), only=("posters", "flyers", "guide"),
                             paper=school.paper if self.options.posters == "fit" else poster_paper(school),
                             handout=school.paper, school=school)
        if self.options.ink == "black":
            jobs = [replace(job, context=dict(job.context, **black_context(self.campaign, job.focus_day))) for job in jobs]
        excerpts = [e for e in self.campaign.excerpts if e.lang == lang and any(map(e.is_for, school.audiences()))]
        # Double-sided, the contents start on a right-hand page too: cover, blank, contents, blank.
        front_pages = 2 * FRONT_PAGES if self.options.duplex else FRONT_PAGES
        # Number every page before rendering: page counts do not depend on the school.
        sequence, label = [], 1
        for item in [*jobs, *excerpts]:
            if self.options.duplex and label % 2 == 0:
                sequence.append(("blank", label))
                label += 1
            sequence.append((item, label))
            label += len(item.pages) if isinstance(item, Excerpt) else self._count(item)
        body_pages = label - 1
        # Isolated (FSI … PDI) in a right-to-left language, so a Latin name keeps its punctuation in place.
        name = f"\u2068{school.name}\u2069" if text_direction(lang) == "rtl" else school.name
        footer = t["footer"].format(school=name, page="{page}", pages=body_pages).split("{page}")

        contents = [dict(title=self._piece_title(item, t), page=start, anchor=f"packet-piece-{start}")
                    for item, start in sequence if item != "blank"]
        links = {e["anchor"]: Link(front_pages + e["page"] - 1, f"{e['title']}, {t['page'].lower()} {e['page']}")
                 for e in contents}
        title = t["packet_title"].format(campaign=self.campaign.name[lang], school=school.name)
        packet_base = dict(footer_before=footer[0], footer_after=footer[1])
        front = [self._cover(school, lang, title, overlay), self._contents(lang, title, contents, school.paper)]
        if self.options.duplex:
            front = [front[0], self._blank(lang, school, 0, packet_base, overlay, footer=False),
                     front[1], self._blank(lang, school, 0, packet_base, overlay, footer=False)]
        parts, footer_pages, appendices, untagged = list(front), [], [], []
        contents_page = 3 if self.options.duplex else 2
        pieces = [PieceRange("cover", t["cover"], 1, 1), PieceRange("contents", t["contents"], contents_page, contents_page)]
        for item, first_label in sequence:
            first = front_pages + first_label  # its first physical page, 1-based
            if item == "blank":
                parts.append(self._blank(lang, school, first_label, packet_base, overlay))
                footer_pages.append(first - 1)
                continue
            if isinstance(item, Excerpt):
                # The user's pages go in after rendering, at their place among the rendered ones.
                appendices.append(Appendix(item, item.title, first - 1))
                pieces.append(PieceRange("excerpt", item.title, first, first + len(item.pages) - 1))
                untagged += range(first, first + len(item.pages))
                continue
            footer_on = item.paper.name in FOOTER_PAPERS
            space = GUIDE_FOOTER_SPACE if item.kind == "guide" else DESIGN_FOOTER_SPACE
            laid_out = self.maker.layout(item, packet=dict(packet_base, label=self._piece_title(item, t), footer=footer_on,
                                                           footer_space=space, first_page=first_label), overlay=overlay)
            if footer_on:
                footer_pages += range(first - 1, first - 1 + laid_out.pages)
            if laid_out.pages != self._count(item):
                raise RenderError(item.template, f"{school.name}: {item.title} took {laid_out.pages} pages in the packet "
                                                 f"instead of {self._count(item)}")
            parts.append(laid_out)
            pieces.append(PieceRange(item.kind, self._piece_title(item, t), first, first + laid_out.pages - 1))
        data = self.maker.renderer.write(parts, created=self.campaign.start)
        data = finish_packet(data, front_pages=front_pages, appendices=appendices, links=links)
        return Packet(data=data, pages=front_pages + body_pages, title=title, pieces=pieces, untagged_pages=untagged,
                      # No slots, no drawing: a theme that prints the school itself gets whole renders.
                      slots=slots_of(parts) if overlay and not any(shows_school(p.html) for p in parts) else [],
                      footer_pages=footer_pages,
                      footer_space={i: (GUIDE_FOOTER_SPACE if i in guide_pages(pieces) else DESIGN_FOOTER_SPACE)
                                    for i in footer_pages}, front_pages=front_pages)

    def _count(self, job: Job) -> int:
        """Pages of a piece, laid out once per build for all schools (posters and flyers are one page)."""
        if job.kind in ("poster", "flyer"):
            return 1
        key = (job.template, job.lang, job.paper.name, job.context.get("audience"))
        if key not in self._page_counts:
            self._page_counts[key] = self.maker.layout(replace(job, context=dict(job.context, school=None))).pages
        return self._page_counts[key]

    def _piece_title(self, job: Job | Excerpt, t: dict[str, str]) -> str:
        if isinstance(job, Excerpt):
            return job.title
        if job.kind == "poster":
            day = job.context.get("text")
            return t["poster_piece"].format(title=day.title if day else t["week_poster_title"])
        if job.kind == "flyer":
            return t["flyer_piece"].format(title=job.context["text"].title)
        return job.context.get("guide_title", job.title)

    def _base(self, lang: str, school: School | None, paper: str) -> dict:
        t = self.campaign.strings[lang]
        return dict(campaign=self.campaign, lang=lang, t=t, created=f"{self.campaign.start.isoformat()}T00:00:00Z",
                    school=school, accent=self._accent(), paper=PAPERS[paper],
                    unit=PAPERS[paper].width / 100, fit=1.0, overlay=False,
                    **(black_context(self.campaign, None) if self.options.ink == "black" else {}))

    def _cover(self, school: School, lang: str, title: str, overlay: bool = False) -> LaidOut:
        """The cover; a long name is set smaller, step by step, never clipped."""
        context = dict(self._base(lang, school, school.paper), doc_title=title, overlay=overlay,
                       packet=dict(label=self.campaign.strings[lang]["cover"], footer=False, first_page=1),
                       name_size=name_size(school.name))
        for fit in COVER_FITS:
            laid_out = self._layout("cover.html", dict(context, fit=fit))
            if laid_out.pages == 1:
                return laid_out
        raise RenderError("cover.html", f"the cover of {school.name!r} does not fit on one page")

    def _contents(self, lang: str, title: str, entries: list[dict], paper: str) -> LaidOut:
        t = self.campaign.strings[lang]
        context = dict(self._base(lang, None, paper), doc_title=title, entries=entries, overlay=False,
                       packet=dict(label=t["contents"], footer=False, first_page=2))
        laid_out = self._layout("contents.html", context)
        if laid_out.pages != 1:
            raise RenderError("contents.html", "the table of contents needs more than one page")
        return laid_out

    def _blank(self, lang: str, school: School, label: int, packet_base: dict, overlay: bool,
               footer: bool = True) -> LaidOut:
        context = dict(self._base(lang, school, school.paper), doc_title="", overlay=overlay,
                       packet=dict(packet_base, label="", footer=footer, footer_space=DESIGN_FOOTER_SPACE, first_page=label))
        context["doc_title"] = context["t"]["blank_page"]
        return self._layout("blank.html", context)

    def _layout(self, template: str, context: dict) -> LaidOut:
        html = self.maker.theme.render(template, context)
        return self.maker.renderer.layout(html, template=template)
