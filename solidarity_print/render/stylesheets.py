"""Stylesheet files parsed once per renderer, not once per WeasyPrint render: the <link>ed sheets reused."""
from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass, field
from io import BytesIO

import cssselect2
import weasyprint.css as weasyprint_css
from weasyprint import CSS
from weasyprint.css import media_queries
from weasyprint.css.tokens import Pending
from weasyprint.html import element_has_link_type, parse_url
from weasyprint.logger import LOGGER
from weasyprint.urls import URLFetchingError, fetch

# A sheet with one of these rules changes per-render state that a reused sheet would not change again
# (@counter-style, @color-profile), shares layer names with the other sheets (@layer), or depends on
# another file (@import): such a sheet is parsed in every render, as WeasyPrint does. An escaped
# at-keyword (@\69mport) may be any of them. Matched on the bytes, comments and all: a false match
# only costs the parse.
_NOT_REUSABLE = re.compile(rb"@(?:import|layer|counter-style|color-profile)\b|@[-\w]*\\", re.IGNORECASE)


@dataclass
class _Parsed:
    """One stylesheet file as parsed: its key, the parsed sheet (page rules in a list of its own),
    the values waiting on var() (they remember reporting an error) and the fonts it registered in."""

    key: tuple
    sheet: CSS
    pending: list[Pending]
    font_config: object


@dataclass
class Stylesheets:
    """The <link>ed stylesheets one renderer has parsed, by URL (the latest bytes of each): a renderer
    keeps one FontConfiguration, in which the first parse of a sheet registered its @font-face fonts."""

    parsed: dict[str, _Parsed] = field(default_factory=dict)
    parses: int = 0  # how many times a stylesheet file was parsed (tests count them)


class _Recording(cssselect2.Matcher):
    """A matcher that keeps what each selector carries, to find the sheet's var() values later."""

    def __init__(self):
        super().__init__()
        self.payloads = []

    def add_selector(self, selector, payload):
        self.payloads.append(payload)
        super().add_selector(selector, payload)


class _Warned(logging.Handler):
    """Notes whether WeasyPrint warned while a sheet was parsed."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.any = False

    def emit(self, record):
        self.any = True


def _reuse_linked_sheets(find_stylesheets):
    """Wrap WeasyPrint 70's `find_stylesheets` so that a <link>ed sheet whose URL, bytes and media type
    a renderer has seen comes from its Stylesheets (found on the url fetcher), not from a new parse.

    Everything else is WeasyPrint's own loop, line for line: <style> elements, media attributes and
    link types. The file is still fetched through the render's fetcher every time (it decides what
    may be read, and its bytes are the key). WeasyPrint gives every author sheet one shared list of
    @page rules, filled in document order; a reused sheet adds its own rules to that list at its
    place, so the cascade sees the same rules in the same order. Images and fonts named by url() are
    fetched when laid out, through that render's fetcher, as before."""
    def find(wrapper_element, device_media_type, url_fetcher, base_url, font_config, counter_style,
             color_profiles, page_rules, layers):
        stylesheets = getattr(url_fetcher, "stylesheets", None)
        if stylesheets is None:
            yield from find_stylesheets(wrapper_element, device_media_type, url_fetcher, base_url, font_config,
                                        counter_style, color_profiles, page_rules, layers)
            return
        for wrapper in wrapper_element.query_all("style", "link"):
            element = wrapper.etree_element
            mime_type = element.get("type", "text/css").split(";", 1)[0].strip()
            if mime_type != "text/css":
                continue
            media_attr = element.get("media", "").strip() or "all"
            media = [media_type.strip() for media_type in media_attr.split(",")]
            if not media_queries.evaluate_media_query(media, device_media_type):
                continue
            if element.tag == "style":
                yield CSS(string=weasyprint_css.get_child_text(element), base_url=base_url, url_fetcher=url_fetcher,
                          media_type=device_media_type, font_config=font_config, counter_style=counter_style,
                          page_rules=page_rules, color_profiles=color_profiles, layers=layers)
            elif element.tag == "link" and element.get("href"):
                if not element_has_link_type(element, "stylesheet") or element_has_link_type(element, "alternate"):
                    continue
                href = parse_url(element.get("href"), base_url)
                if href is not None:
                    try:
                        yield _linked(stylesheets, href, device_media_type, url_fetcher, font_config, counter_style,
                                      color_profiles, page_rules, layers)
                    except URLFetchingError as exception:
                        LOGGER.error("Failed to load stylesheet at %s: %s", href, exception)
                        LOGGER.debug("Error while loading stylesheet:", exc_info=exception)
    return find


def _linked(stylesheets: Stylesheets, href, media_type, url_fetcher, font_config, counter_style, color_profiles,
            page_rules, layers) -> CSS:
    """The sheet at `href` for this render: the one parsed before if its bytes are the same."""
    with fetch(url_fetcher, href) as response:
        data = response.read()
        url, content_type, charset = response.url, response.content_type, response.charset
    if content_type != "text/css" or charset is not None or _NOT_REUSABLE.search(data):
        # WeasyPrint's own way (its errors, its decoding), fetching once more: rare, and never reused.
        stylesheets.parses += 1
        return CSS(url=href, url_fetcher=url_fetcher, media_type=media_type, font_config=font_config,
                   counter_style=counter_style, color_profiles=color_profiles, page_rules=page_rules,
                   layers=layers, _check_mime_type=True)
    key = (url, media_type, data)
    parsed = stylesheets.parsed.get(url)
    if parsed is None or parsed.key != key or parsed.font_config is not font_config:
        parsed = _parse(key, url_fetcher, font_config, counter_style, color_profiles, layers)
        stylesheets.parses += 1
        if parsed.key is not None:
            stylesheets.parsed[url] = parsed
    else:
        # A var() value reports an invalid substitution once per sheet; a new render reports it anew.
        for value in parsed.pending:
            value._reported_error = False
    page_rules.extend(parsed.sheet.page_rules)
    sheet = copy.copy(parsed.sheet)
    sheet.page_rules, sheet.layers = page_rules, layers
    return sheet


def _parse(key: tuple, url_fetcher, font_config, counter_style, color_profiles, layers) -> _Parsed:
    """Parse the stylesheet file of `key` (URL, media type, bytes) as WeasyPrint does for a <link>
    (the bytes decoded as it decodes a fetched file without a charset), its @page rules kept apart.
    A sheet that logged a warning gets no key, so it is not kept: each render must log it again, and fail."""
    url, media_type, data = key
    matcher, warned = _Recording(), _Warned()
    LOGGER.addHandler(warned)
    try:
        sheet = CSS(file_obj=BytesIO(data), base_url=url, url_fetcher=url_fetcher, media_type=media_type,
                    font_config=font_config, counter_style=counter_style, color_profiles=color_profiles,
                    matcher=matcher, page_rules=[], layers=layers)
    finally:
        LOGGER.removeHandler(warned)
    declarations = [declaration for payload, _layer in matcher.payloads for declaration in payload]
    declarations += [declaration for _rule, _selectors, page in sheet.page_rules for declaration in page]
    pending = {id(value): value for _name, value, _important in declarations if isinstance(value, Pending)}
    return _Parsed(None if warned.any else key, sheet, list(pending.values()), font_config)


if not getattr(weasyprint_css.find_stylesheets, "_reuses", False):
    weasyprint_css.find_stylesheets = _reuse_linked_sheets(weasyprint_css.find_stylesheets)
    weasyprint_css.find_stylesheets._reuses = True
