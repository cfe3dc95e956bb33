"""Keeping the cache under its size cap: the least recently used records go first, never one the running build has used."""
from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import OptionError

DEFAULT_CAP = 2 * 10**9  # bytes
CAP_VARIABLE = "SOLIDARITY_PRINT_CACHE_CAP"
UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "m": 10**6, "mb": 10**6, "g": 10**9, "gb": 10**9, "t": 10**12,
         "tb": 10**12, "kib": 2**10, "mib": 2**20, "gib": 2**30}
# A record used this long before the build started still counts as the build's (clocks of a shared
# file system's server and of this machine may differ by that much).
CLOCK_MARGIN = 60.0


def parse_size(text: str, option: str = "--cache-cap") -> int:
    """Bytes in '2GB', '500 MB', '1.5g' or '2000000000' (decimal units; KiB, MiB, GiB binary)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", str(text))
    if not match or match.group(2).lower() not in UNITS:
        raise OptionError(option, f"{text!r} is not a size: write it like 2GB, 500MB or 1.5GiB")
    return int(float(match.group(1)) * UNITS[match.group(2).lower()])


def cap_from_environment() -> int:
    """The cap $SOLIDARITY_PRINT_CACHE_CAP sets, else the default (2 GB)."""
    value = os.environ.get(CAP_VARIABLE)
    return parse_size(value, CAP_VARIABLE) if value else DEFAULT_CAP


@dataclass(frozen=True)
class CacheInfo:
    """What a cache folder holds."""

    folder: Path
    size: int  # bytes
    entries: int


def _records(folder: Path) -> Iterator[tuple[float, int, str]]:
    """(last used, bytes, path) of every record, one at a time (a cache of 100,000 records would take
    tens of MB as a list): the files in the key folders (locks and half-written files are not records)."""
    try:
        shelves = list(os.scandir(folder))
    except OSError:
        return
    for shelf in shelves:
        if not shelf.is_dir(follow_symlinks=False):
            continue
        try:
            for entry in os.scandir(shelf.path):
                if entry.name.endswith((".lock", ".part")) or not entry.is_file(follow_symlinks=False):
                    continue
                stat = entry.stat(follow_symlinks=False)
                yield stat.st_mtime, stat.st_size, entry.path
        except OSError:
            continue


def info(folder: Path) -> CacheInfo:
    """The cache's size and number of records."""
    size = entries = 0
    for _, bytes_, _ in _records(folder):
        size, entries = size + bytes_, entries + 1
    return CacheInfo(folder, size, entries)


def clear(folder: Path) -> CacheInfo:
    """Remove every record (and lock) of the cache; what was removed."""
    before = info(folder)
    if folder.is_dir():
        for shelf in folder.iterdir():
            if shelf.is_dir() and not shelf.is_symlink() and len(shelf.name) == 2:
                shutil.rmtree(shelf, ignore_errors=True)
    return before


def trim(folder: Path, cap: int, used_since: float | None = None) -> CacheInfo:
    """Remove the least recently used records until the cache holds at most `cap` bytes, sparing every
    record used since `used_since` (a running build's start: what it wrote or read); what is left.

    A record removed while another build wanted it only costs that build a render: a missing record
    is a cache miss. The records are gone through twice, never held: first the bytes last used in each
    second, which tell the second up to which records go; then those records go, and those of that
    second itself (the only ones held) oldest first, as many as needed."""
    spare_from = (used_since - CLOCK_MARGIN) if used_since is not None else time.time() + CLOCK_MARGIN
    total = kept = 0
    per_second: dict[int, int] = {}  # bytes last used in each second, of the records that may go
    for used, size, _ in _records(folder):
        total, kept = total + size, kept + 1
        if used < spare_from:
            per_second[int(used)] = per_second.get(int(used), 0) + size
    excess, last = total - cap, None
    for second in sorted(per_second) if excess > 0 else ():
        last, excess = second, excess - per_second[second]
        if excess <= 0:
            break
    if last is None:
        return CacheInfo(folder, total, kept)
    boundary = []  # the records of the last second, of which only the oldest may go
    for used, size, path in _records(folder):
        if used < spare_from and int(used) <= last:
            if int(used) == last:
                boundary.append((used, size, path))
            elif _remove(path):
                total, kept = total - size, kept - 1
    for used, size, path in sorted(boundary):
        if total <= cap:
            break
        if _remove(path):
            total, kept = total - size, kept - 1
    return CacheInfo(folder, total, kept)


def _remove(path: str) -> bool:
    try:
        os.unlink(path)
    except OSError:
        return False
    return True
