"""`check` for a campaign's template overrides: each compiles, its blocks exist, its names are the theme's."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import TemplateNotFound, TemplateSyntaxError, nodes

from ..errors import InputError, Problem
from ..render.theme import Theme
from ..resources import TEMPLATES

MAX_DEPTH = 20  # extends chains longer than this are a loop


@dataclass
class TemplateReport:
    """The override templates checked, and the warnings about them (errors are raised)."""

    checked: int = 0
    warnings: list[Problem] = field(default_factory=list)


def check_templates(campaign_folder: Path) -> TemplateReport:
    """Check the campaign's overrides/templates: syntax errors and missing templates it extends or
    includes raise InputError; blocks its parent lacks and files nothing uses are warnings."""
    folder = campaign_folder / "overrides" / "templates"
    report, errors = TemplateReport(), []
    if not folder.is_dir():
        return report
    env = Theme(campaign_folder).env
    builtin = sorted(_names(TEMPLATES))
    used: set[str] = set()
    parsed: dict[str, tuple[Path, nodes.Template]] = {}
    for name in sorted(_names(folder)):
        path = folder / name
        report.checked += 1
        try:
            source = path.read_text(encoding="utf-8")
            parsed[name] = (path, env.parse(source, name, str(path)))
        except UnicodeDecodeError:
            errors.append(Problem(str(path), "", "is not UTF-8 text"))
        except TemplateSyntaxError as exc:
            errors.append(Problem(str(path), "", f"template syntax error: {exc.message}", line=exc.lineno))
    for name, (path, tree) in parsed.items():
        for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
            target = node.template.value if isinstance(node.template, nodes.Const) else None
            if not isinstance(target, str):
                continue
            used.add(target)
            try:
                env.loader.get_source(env, target)
            except TemplateNotFound:
                errors.append(Problem(str(path), "", f"uses {target!r}, which is no template "
                                                     f"(the theme's: {', '.join(builtin)})", line=node.lineno))
        parent = next((n for n in tree.find_all(nodes.Extends)), None)
        if parent is not None and isinstance(parent.template, nodes.Const):
            report.warnings += _unknown_blocks(env, path, tree, parent.template.value)
    for name, (path, _) in parsed.items():
        if name not in builtin and name not in used and f"!default/{name}" not in used:
            guess = difflib.get_close_matches(name, builtin, n=1)
            hint = f"; did you mean {guess[0]!r}?" if guess else f" (the theme's templates: {', '.join(builtin)})"
            report.warnings.append(Problem(str(path), "", "replaces no template of the theme and no template "
                                                          f"uses it, so it is never printed{hint}", warning=True))
    if errors:
        raise InputError(errors + report.warnings)
    return report


def _unknown_blocks(env, path: Path, tree: nodes.Template, parent: str) -> list[Problem]:
    """A block the parent chain does not have is silently dropped by Jinja: say so."""
    known = _blocks_of(env, parent)
    if known is None:
        return []
    found = []
    for block in _outer_blocks(tree):
        if block.name not in known:
            guess = difflib.get_close_matches(block.name, sorted(known), n=1)
            hint = f"did you mean {guess[0]!r}?" if guess else f"its blocks: {', '.join(sorted(known)) or 'none'}"
            found.append(Problem(str(path), "", f"{{% block {block.name} %}} is not a block of {parent!r}, so it "
                                                f"is never printed ({hint})", warning=True, line=block.lineno))
    return found


def _blocks_of(env, name: str) -> set[str] | None:
    """Every block `name` and the templates it extends define; None if that cannot be told."""
    blocks: set[str] = set()
    for _ in range(MAX_DEPTH):
        try:
            source, filename, _ = env.loader.get_source(env, name)
            tree = env.parse(source, name, filename)
        except (TemplateNotFound, TemplateSyntaxError):
            return None
        blocks |= {block.name for block in tree.find_all(nodes.Block)}
        parent = next((n for n in tree.find_all(nodes.Extends)), None)
        if parent is None:
            return blocks
        if not isinstance(parent.template, nodes.Const):
            return None
        name = parent.template.value
    return None


def _outer_blocks(node: nodes.Node) -> list[nodes.Block]:
    """Blocks not inside another block: only these must exist in the parent (inner ones are new)."""
    found = []
    for child in node.iter_child_nodes():
        if isinstance(child, nodes.Block):
            found.append(child)
        else:
            found += _outer_blocks(child)
    return found


def _names(folder: Path) -> set[str]:
    """Template names under `folder` ('poster.html', 'partials/ways.html'), leaving out strings/."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and p.relative_to(folder).parts[0] != "strings"}
