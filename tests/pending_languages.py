"""Languages whose texts ship in the built-in campaign before their fonts do, so not switched on yet.

Their texts are in campaign.toml and every load of the built-in campaign warns that they are ignored
("texts in 'ar' are ignored because 'ar' is not in campaign.languages"). Tests that count a load's
warnings leave out those warnings only. When the fonts land and `languages` lists them, empty PENDING
(test_builtin_campaign_loads_cleanly fails as a reminder)."""
from __future__ import annotations

PENDING = ()


def is_pending_warning(problem) -> bool:
    """True for the one warning that a pending language's texts are ignored."""
    return problem.where == "campaign.languages" and any(
        problem.message.startswith(f"texts in {lang!r} are ignored because") for lang in PENDING)


def without_pending(problems) -> list:
    """The problems, less the warnings that pending languages' texts are ignored."""
    return [p for p in problems if not is_pending_warning(p)]


def without_pending_lines(output: str) -> str:
    """CLI output less the lines that warn that pending languages' texts are ignored."""
    return "\n".join(line for line in output.splitlines()
                     if not any(f"warning: texts in {lang!r} are ignored because" in line for lang in PENDING))
