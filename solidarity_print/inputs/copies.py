"""How many copies of each piece to print: roster cells and campaign defaults read as whole numbers."""
from __future__ import annotations

import re

PIECES = ("poster", "flyer", "packet")
COLUMNS = tuple(f"{piece}_copies" for piece in PIECES)
MOST = 100_000  # more than any school hangs or hands out: a typo, or a total typed into the wrong column
DEFAULT = 1
# Spreadsheets write whole numbers as "12" or "12.0"; "1,200" is accepted as twelve hundred.
NUMBER_RE = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+(\.0+)?$")


def read_copies(value: object) -> tuple[int | None, str | None]:
    """(copies, None) for a whole number from 0 to MOST, given as a TOML integer or a cell's text;
    (None, what is wrong) otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None, f"must be a whole number of copies, not {type(value).__name__}"
    if isinstance(value, str):
        text = value.strip()
        if not NUMBER_RE.match(text):
            return None, f"{value!r} is not a whole number of copies"
        value = int(text.replace(",", "").split(".")[0])
    if value < 0:
        return None, f"{value} copies: give 0 or more"
    if value > MOST:
        return None, f"{value:,} copies is more than {MOST:,}: is that a typo?"
    return value, None
