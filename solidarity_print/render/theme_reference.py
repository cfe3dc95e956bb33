"""What a theme override can change: each built-in template's blocks, the values it uses, and the theme's words."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass

from jinja2 import meta, nodes
from jinja2.filters import FILTERS as DEFAULT_FILTERS

from ..inputs.config import load_campaign
from ..pipeline.plan import plan_campaign
from ..resources import TEMPLATES
from .i18n import STRINGS_DIR
from .theme import Theme


@dataclass(frozen=True)
class TemplateReference:
    """One built-in template as an override sees it."""

    name: str
    about: str  # the template's opening {# comment #}
    extends: str | None
    blocks: tuple[str, ...]  # its own blocks, in page order
    inherited: tuple[str, ...]  # blocks of the templates it extends
    includes: tuple[str, ...]
    variables: tuple[str, ...]  # context values it (and what it includes) reads
    helpers: tuple[str, ...]  # functions and filters the theme provides
    context: tuple[str, ...]  # what the build puts in its context (empty for templates the plan does not name)


def template_names() -> list[str]:
    """Every built-in template, partials last."""
    return sorted((p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")),
                  key=lambda name: (name.count("/"), name))


def reference() -> list[TemplateReference]:
    """The reference of every built-in template."""
    theme = Theme(None)
    contexts = _build_contexts()
    return [_describe(theme, name, contexts.get(name, ())) for name in template_names()]


def string_keys(lang: str = "en") -> dict[str, str]:
    """The theme's words in `lang`, key by key; a counted phrase shows its `other` form."""
    data = tomllib.loads((TEMPLATES / STRINGS_DIR / f"{lang}.toml").read_text(encoding="utf-8"))
    return {key: value["other"] if isinstance(value, dict) else value for key, value in data.items()}


def _describe(theme: Theme, name: str, context: tuple[str, ...]) -> TemplateReference:
    source = (TEMPLATES / name).read_text(encoding="utf-8")
    tree = theme.env.parse(source)
    parent = next(iter(tree.find_all(nodes.Extends)), None)
    extends = parent.template.value if parent is not None and isinstance(parent.template, nodes.Const) else None
    trees, includes, pending = [tree], [], [n for n in meta.find_referenced_templates(tree) if n and n != extends]
    while pending:  # what the included partials read counts too, and what they include
        included = pending.pop(0)
        if included not in includes:
            includes.append(included)
            trees.append(theme.env.parse((TEMPLATES / included).read_text(encoding="utf-8")))
            pending += [n for n in meta.find_referenced_templates(trees[-1]) if n]
    used = set().union(*(meta.find_undeclared_variables(t) for t in trees))
    used -= {target.name for t in trees for w in t.find_all(nodes.With) for target in w.targets if isinstance(target, nodes.Name)}
    # Jinja leaves the theme's globals out of the undeclared names: find where the templates read them.
    used |= {n.name for t in trees for n in t.find_all(nodes.Name) if n.ctx == "load"} & set(theme.env.globals)
    functions = {name for name, value in theme.env.globals.items() if callable(value)}
    filters = {f.name for t in trees for f in t.find_all(nodes.Filter)} - set(DEFAULT_FILTERS)
    helpers = filters | (used & functions)
    comment = source.split("{#", 1)[1].split("#}", 1)[0] if "{#" in source else ""
    return TemplateReference(
        name=name, about=" ".join(comment.split()), extends=extends,
        blocks=tuple(dict.fromkeys(block.name for block in tree.find_all(nodes.Block))),
        inherited=_blocks_of(theme, extends), includes=tuple(includes),
        variables=tuple(sorted(used - functions)), helpers=tuple(sorted(helpers)), context=context)


def _blocks_of(theme: Theme, name: str | None) -> tuple[str, ...]:
    if name is None:
        return ()
    tree = theme.env.parse((TEMPLATES / name).read_text(encoding="utf-8"))
    return tuple(dict.fromkeys(block.name for block in tree.find_all(nodes.Block)))


def _build_contexts() -> dict[str, tuple[str, ...]]:
    """The context keys the plan gives each template it names, for the built-in campaign, plus `fit`
    (the copyfitting scale documents.py adds)."""
    campaign = load_campaign(None)
    found: dict[str, set[str]] = {}
    for job in plan_campaign(campaign, languages=campaign.languages[:1]):
        if job.template:
            found.setdefault(job.template, set()).update(job.context, ["fit"])
    return {name: tuple(sorted(keys)) for name, keys in found.items()}


def format_reference(templates: list[TemplateReference], strings: dict[str, str]) -> str:
    """The reference as text for the terminal."""
    lines = ["Built-in templates. Override one in overrides/templates/ under the same name; to change one block",
             'only, start it with {% extends "!default/NAME" %} and redefine that block.', ""]
    for ref in templates:
        lines.append(f"{ref.name}" + (f" (extends {ref.extends})" if ref.extends else ""))
        if ref.about:
            lines.append(f"  {ref.about}")
        if ref.blocks:
            lines.append(f"  blocks: {', '.join(ref.blocks)}")
        if ref.inherited:
            lines.append(f"  blocks from {ref.extends}: {', '.join(ref.inherited)}")
        if ref.includes:
            lines.append(f"  includes: {', '.join(ref.includes)}")
        lines.append(f"  variables: {', '.join(ref.variables) or '-'}")
        if ref.helpers:
            lines.append(f"  functions and filters: {', '.join(ref.helpers)}")
        if ref.context:
            lines.append(f"  context from the build: {', '.join(ref.context)}")
        lines.append("")
    lines.append(f"Theme words (t.KEY; change them in overrides/templates/{STRINGS_DIR}/LANG.toml), in English:")
    lines += [f"  {key} = {value!r}" for key, value in strings.items()]
    lines += ["", "Styles: overrides/assets/css/extra.css, when it exists, is loaded after the built-in styles by every "
                  "template."]
    return "\n".join(lines)
