"""The Jinja2 side: template lookup with overrides and `!default/`, sandboxed, autoescaped, strict."""
from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    pass_context,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import missing
from markupsafe import Markup

from ..errors import RenderError
from ..inputs import guide, images
from ..resources import TEMPLATES
from . import fonts, i18n, qr


class Theme:
    """Renders named templates to HTML strings: the campaign's overrides first, then the built-ins.

    A user template is code, so every template runs in Jinja's immutable sandbox; values are
    escaped on output, and a variable the template names but the context lacks is an error."""

    def __init__(self, campaign_folder: Path | None = None):
        folders = []
        if campaign_folder is not None and (campaign_folder / "overrides" / "templates").is_dir():
            folders.append(str(campaign_folder / "overrides" / "templates"))
        folders.append(str(TEMPLATES))
        builtin = FileSystemLoader(str(TEMPLATES))
        self.env = ImmutableSandboxedEnvironment(
            loader=ChoiceLoader([PrefixLoader({"!default": builtin}, delimiter="/"), FileSystemLoader(folders)]),
            autoescape=True, undefined=_Missing, trim_blocks=True, lstrip_blocks=True,
            keep_trailing_newline=True)
        self.env.filters.update(long_date=i18n.long_date, weekday=i18n.weekday, month_day=i18n.month_day,
                                weekday_date=i18n.weekday_date,
                                markdown=lambda text, shift=1: Markup(guide.to_html(text, shift)),
                                markdown_inline=lambda text: Markup(guide.inline_to_html(text)), css_string=css_string,
                                font_class=lambda text: fonts.font_class(text) or "", web_address=web_address,
                                text_direction=i18n.text_direction)
        self.env.globals.update(date_range=i18n.date_range, qr_data_uri=qr.svg_data_uri, logo_data_uri=images.logo_data_uri,
                                counted=counted, extra_css=has_extra_css(campaign_folder))

    def render(self, name: str, context: dict[str, Any]) -> str:
        """The HTML of template `name`; any template problem becomes a RenderError naming the file and line."""
        try:
            return self.env.get_template(name).render(context)
        except TemplateNotFound as exc:
            raise RenderError(name, f"template not found: {exc.name}") from None
        except TemplateSyntaxError as exc:
            raise RenderError(f"{exc.filename or exc.name}, line {exc.lineno}", f"template syntax error: {exc.message}") from None
        except UndefinedError as exc:
            place, source_line = _template_frame(exc)
            raise RenderError(place or name, _plain_undefined(exc.message or "", source_line, context)) from None
        except SecurityError as exc:
            raise RenderError(name, f"was stopped by the template sandbox: {exc}") from None
        except TemplateError as exc:
            raise RenderError(name, f"template error: {exc}") from None


class _Missing(StrictUndefined):
    """A value the template names but does not have; its message names fields, never Python classes.
    The message is completed in `_plain_undefined`, which knows the template's line."""

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        name, owner = self._undefined_name, self._undefined_obj
        if owner is missing:
            return f"{MISSING_NAME}{name}"
        if dataclasses.is_dataclass(owner):
            return f"has no field {name!r} (it has: {', '.join(f.name for f in dataclasses.fields(owner))})"
        if isinstance(owner, Mapping):
            keys = [str(k) for k in owner]
            guess = difflib.get_close_matches(str(name), keys, n=1)
            listed = f"it has: {', '.join(keys)}" if len(keys) <= 12 else f"did you mean {guess[0]!r}?" if guess else ""
            return f"has no key {name!r}" + (f" ({listed})" if listed else "")
        return f"has no attribute {name!r}"


MISSING_NAME = "\0undefined:"


def _template_frame(exc: BaseException) -> tuple[str | None, str]:
    """'/…/overrides/templates/poster.html, line 12' and that line's text, from the innermost template
    frame of the traceback (Jinja puts the template's file and line there), or (None, '')."""
    found, tb = None, exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not filename.endswith(".py") and Path(filename).is_file():  # a template's own frame
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    if found is None:
        return None, ""
    lines = Path(found[0]).read_text(encoding="utf-8", errors="replace").splitlines()
    return f"{found[0]}, line {found[1]}", lines[found[1] - 1] if 0 < found[1] <= len(lines) else ""


def _plain_undefined(message: str, source_line: str, context: dict[str, Any]) -> str:
    """'text has no field 'shortt' (it has: …)' or 'no_such_value does not exist (…)'."""
    if message.startswith(MISSING_NAME):
        name = message[len(MISSING_NAME):]
        return f"{name} does not exist (this template is given: {', '.join(sorted(context))})"
    if not message.startswith("has no "):
        return f"uses a value that does not exist: {message}"
    key = re.search(r"'([^']*)'", message).group(1)
    owner = re.search(r"([A-Za-z_][\w.]*)\s*(?:\.\s*" + re.escape(key) + r"\b|\[\s*['\"]" + re.escape(key) + r"['\"]\s*\])",
                      source_line)
    return f"{owner.group(1) if owner else 'a value'} {message}"


@pass_context
def counted(context, forms, count: int) -> str:
    """`{{ counted(t.week_heading, days | length) }}`: the phrase for `count` things in the page's language."""
    return i18n.counted(forms, count, context["lang"], context["t"].get("number_words", ""))


def has_extra_css(campaign_folder: Path | None) -> bool:
    """Whether the campaign has overrides/assets/css/extra.css, which every template loads last."""
    return campaign_folder is not None and (campaign_folder / "overrides" / "assets" / "css" / "extra.css").is_file()


def web_address(url: str) -> str:
    """A link as people type it: 'https://www.glsen.org/' -> 'www.glsen.org'."""
    return re.sub(r"^https?://", "", str(url)).rstrip("/")


def css_string(value: str) -> Markup:
    """`value` as a quoted CSS string: every character but letters, digits and spaces is escaped,
    so no text can end the string or the <style> element it sits in."""
    escaped = "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in str(value))
    return Markup(f'"{escaped}"')
