"""HTML to tagged PDF/UA-1 bytes with WeasyPrint: the one module that talks to WeasyPrint."""
from __future__ import annotations

import datetime as dt
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pydyf
import weasyprint.pdf as weasyprint_pdf
from weasyprint import HTML
from weasyprint.pdf import tags as weasyprint_tags
from weasyprint.text.fonts import FontConfiguration

from ..errors import RenderError
from ..resources import ASSETS
from .fetcher import FolderFetcher, RefusedURL
from .stylesheets import Stylesheets

PDF_VARIANT = "pdf/ua-1"
# Far beyond any poster headline (11 in of type); larger sizes overflow Pango and print nothing.
MAX_FONT_SIZE_PX = 1500


def _tag_passage_languages(build_box_tree):
    """WeasyPrint 70 writes the document's /Lang but drops `lang` on inner elements, so a Spanish guide
    would read "Ally Week" with Spanish pronunciation. This wraps its structure-tree builder to copy
    an element's lang attribute onto its structure element (PDF/UA 7.2). WeasyPrint is pinned
    exactly, and tests check the result, so a change there is caught."""
    def build(box, parent, pdf, *args):
        element = getattr(box, "element", None)
        lang = element.get("lang") if element is not None and getattr(box, "element_tag", None) not in ("html", "body") else None
        for struct in build_box_tree(box, parent, pdf, *args):
            if lang and "Lang" not in struct:
                struct["Lang"] = pydyf.String(lang)
            yield struct
    return build


def _describe_links(add_links):
    """WeasyPrint 70 tags a link (a Link structure element holding the annotation) but gives the
    annotation its bare target as /Contents, the description PDF/UA has a screen reader announce.
    This wraps its link writer so that the <a> element's `title` says what the link is for."""
    def add(links_and_anchors, matrix, pdf, page, names, tags):
        add_links(links_and_anchors, matrix, pdf, page, names, tags)
        for *_, box in links_and_anchors[0]:
            element, annotation = getattr(box, "element", None), getattr(box, "link_annotation", None)
            title = element.get("title") if element is not None else None
            if title and annotation is not None and tags is not None:
                annotation["Contents"] = pydyf.String(title)
    return add


if not getattr(weasyprint_pdf.add_links, "_described", False):
    weasyprint_pdf.add_links = _describe_links(weasyprint_pdf.add_links)
    weasyprint_pdf.add_links._described = True

if not getattr(weasyprint_tags._build_box_tree, "_tags_lang", False):
    weasyprint_tags._build_box_tree = _tag_passage_languages(weasyprint_tags._build_box_tree)
    weasyprint_tags._build_box_tree._tags_lang = True


def _map_every_glyph(build_fonts_dictionary):
    """WeasyPrint 70 gives the text of a right-to-left cluster of two glyphs (an Arabic lam-alef
    ligature with its hamza) to one glyph and an empty ToUnicode entry to the other, which PDF/UA
    calls malformed. This wraps its font writer so that such a glyph maps to a zero width joiner:
    copied text and screen readers get the cluster's letters once, and nothing more."""
    def build(pdf, fonts, *args, **kwargs):
        for font in fonts.values():
            for glyph, text in font.to_unicode.items():
                if not text:
                    font.to_unicode[glyph] = "\u200d"
        return build_fonts_dictionary(pdf, fonts, *args, **kwargs)
    return build


if not getattr(weasyprint_pdf.build_fonts_dictionary, "_every_glyph", False):
    weasyprint_pdf.build_fonts_dictionary = _map_every_glyph(weasyprint_pdf.build_fonts_dictionary)
    weasyprint_pdf.build_fonts_dictionary._every_glyph = True


@dataclass(frozen=True)
class RenderedPDF:
    """A rendered document: its bytes, page count and the size of its first page in points."""

    data: bytes
    pages: int
    size: tuple[float, float]
    collides: bool = False  # text runs into an area marked data-reserved (a pinned footer)


@dataclass(frozen=True)
class LaidOut:
    """A document laid out but not yet written, so that several can be combined into one PDF."""

    document: object  # weasyprint.Document
    template: str
    pages: int
    collides: bool
    fetcher: object = None  # the FolderFetcher that served it: images in SVG are fetched while writing
    html: str = ""  # what was laid out
    room: float = 1.0  # how many times the data-fit area's text would fit in the height it may use


# WeasyPrint logs this for every font it subsets without HarfBuzz-subset: slower, but the PDF is right.
SLOW_SUBSETTING = "Using fontTools instead of HarfBuzz-Subset"
SLOW_SUBSETTING_NOTICE = ("fonts were subset with fontTools because the HarfBuzz subsetting library is missing: the "
                          "PDFs are fine, but the build is slower. For speed, install libharfbuzz-subset0 (Debian, "
                          "Ubuntu) or harfbuzz (Homebrew, Fedora)")
# What this process's renders had to tell the user once per build; the worker hands them on with each item.
notices: set[str] = set()


class _Collect(logging.Handler):
    """Keeps WeasyPrint's warnings: a missing image or bad CSS is only logged, and must fail the build."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _watch(template: str, *fetchers: FolderFetcher):
    """Turn whatever WeasyPrint raises or logs while handling `template` into one RenderError."""
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        yield
    except RefusedURL as exc:
        raise RenderError(template, exc.reason, url=exc.url) from None
    except RecursionError:
        raise RenderError(template, "the page is nested too deeply to lay out") from None
    except RenderError:
        raise
    except Exception as exc:  # WeasyPrint raises many types; the user needs the template named.
        raise RenderError(template, f"WeasyPrint failed: {exc.__class__.__name__}: {exc}") from None
    finally:
        logger.removeHandler(collect)
    for fetcher in fetchers:
        if fetcher is not None and fetcher.refused:
            refused = fetcher.refused[0]
            raise RenderError(template, refused.reason, url=refused.url)
    messages = [message for message in dict.fromkeys(collect.messages) if not message.startswith(SLOW_SUBSETTING)]
    if len(messages) < len(dict.fromkeys(collect.messages)):
        notices.add(SLOW_SUBSETTING_NOTICE)
    if messages:
        raise RenderError(template, "; ".join(messages))


class Renderer:
    """Renders HTML that refers to theme assets (css/, fonts/) and to files in the allowed folders:
    the campaign folder and, for logos, the roster's folder."""

    def __init__(self, campaign_folder: Path | None = None, extra_folders: tuple[Path, ...] = ()):
        roots = [ASSETS, *extra_folders] + ([campaign_folder] if campaign_folder else [])
        overrides = campaign_folder / "overrides" / "assets" if campaign_folder else None
        self._fetcher_args = dict(roots=roots + ([overrides] if overrides else []), shadowed=ASSETS, overrides=overrides)
        self.base_url = ASSETS.as_uri() + "/"
        # One font configuration for every document, so that pages of several can share one PDF.
        self.font_config = FontConfiguration()
        # The stylesheet files parsed so far; their @font-face fonts are registered in font_config.
        self.stylesheets = Stylesheets()

    def layout(self, html: str, *, template: str) -> LaidOut:
        """Lay `html` out into pages (not yet written)."""
        fetcher = FolderFetcher(**self._fetcher_args)
        fetcher.stylesheets = self.stylesheets  # where stylesheets.py finds them during the render
        with _watch(template, fetcher):
            document = HTML(string=html, base_url=self.base_url, url_fetcher=fetcher).render(font_config=self.font_config)
            pages = [_inspect_page(page._page_box) for page in document.pages]
            largest = max((size for size, _, _ in pages), default=0)
            if largest > MAX_FONT_SIZE_PX:
                raise RenderError(template, f"uses a font size of {largest:g}px; the largest that prints is "
                                            f"{MAX_FONT_SIZE_PX}px")
        return LaidOut(document, template, len(document.pages), any(collides for _, collides, _ in pages), fetcher, html,
                       room=min((room for _, _, room in pages), default=1.0))

    def write(self, parts: list[LaidOut], *, created: dt.date) -> bytes:
        """One PDF/UA-1 file of all pages of `parts`, in order; title and language come from the first.

        WeasyPrint writes the combined pages in one go, so the structure tree spans all of them."""
        first = parts[0].document
        with _watch(parts[0].template, *(part.fetcher for part in parts)), _source_date(created):
            combined = first if len(parts) == 1 else first.copy([p for part in parts for p in part.document.pages])
            return combined.write_pdf(pdf_variant=PDF_VARIANT)

    def render(self, html: str, *, template: str, created: dt.date) -> RenderedPDF:
        """Render `html` (from `template`, named in errors) to PDF/UA-1, stamped with `created`."""
        laid_out = self.layout(html, template=template)
        first = laid_out.document.pages[0]
        return RenderedPDF(data=self.write([laid_out], created=created), pages=laid_out.pages,
                           size=(first.width * 0.75, first.height * 0.75), collides=laid_out.collides)


def _inspect_page(page_box) -> tuple[float, bool, float]:
    """One walk over a laid-out page: its largest font size, whether any line of text reaches into
    a box marked data-reserved or out of the bottom of one, and the room left: the height from the
    top of the box marked data-fit to the reserved box, over the height its text takes (1.0 without
    both boxes).

    A pinned footer does not push text away, and WeasyPrint silently drops lines that fall off the
    page, so a one-page design has to be checked after layout."""
    largest, reserved_top, text_bottom, overflow, fit_top = 0.0, page_box.height, 0.0, False, None
    stack = [(page_box, None, False)]
    while stack:
        box, reserved, in_margin = stack.pop()
        style = getattr(box, "style", None)
        if style is not None:
            largest = max(largest, style["font_size"])
        # Running headers and footers live outside the page area: they count for size, not collisions.
        in_margin = in_margin or type(box).__name__ == "MarginBox"
        element = getattr(box, "element", None)
        if not in_margin and reserved is None and element is not None and element.get("data-reserved") is not None:
            reserved = box
            reserved_top = min(reserved_top, box.position_y)
        if not in_margin and fit_top is None and element is not None and element.get("data-fit") is not None:
            fit_top = box.position_y
        if not in_margin and type(box).__name__ == "LineBox":
            bottom = box.position_y + box.height
            if reserved is None:
                text_bottom = max(text_bottom, bottom)
            elif bottom > reserved.position_y + reserved.margin_height() + 0.5:
                overflow = True
        stack.extend((child, reserved, in_margin) for child in getattr(box, "children", ()))
    collides = overflow or text_bottom > reserved_top
    room = 1.0
    if fit_top is not None and reserved_top < page_box.height and text_bottom > fit_top and not collides:
        room = (reserved_top - fit_top) / (text_bottom - fit_top)
    return largest, collides, room


@dataclass(frozen=True)
class Slot:
    """An area marked data-slot="NAME" in a laid-out document, in PDF points (origin bottom left)."""

    name: str
    page: int
    x: float
    y: float
    width: float
    height: float


def slots_of(parts: list[LaidOut]) -> list[Slot]:
    """Every data-slot area of `parts`, numbered by page across all of them, as written by `write`."""
    found, offset = [], 0
    for part in parts:
        for index, page in enumerate(part.document.pages):
            stack = [page._page_box]
            while stack:
                box = stack.pop()
                element = getattr(box, "element", None)
                name = element.get("data-slot") if element is not None else None
                if name and getattr(box, "element_tag", "") != "html":
                    top, height = box.border_box_y(), box.border_height()
                    found.append(Slot(name, offset + index, box.border_box_x() * 0.75,
                                      (page.height - top - height) * 0.75, box.border_width() * 0.75, height * 0.75))
                    continue
                stack.extend(getattr(box, "children", ()))
        offset += len(part.document.pages)
    return found


@contextmanager
def _source_date(date: dt.date):
    """Pin the timestamps fontTools and WeasyPrint write, so equal inputs give equal bytes."""
    epoch = str(int(dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc).timestamp()))
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
