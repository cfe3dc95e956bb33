"""Files an earlier build wrote that this one no longer makes: found through the previous manifest only."""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import OutputError, Problem
from .cache import file_hash
from .output import MANIFEST, EntryLog, ManifestEntry, entry_line, path_of, safe_join, sorted_on_disk

# The --only name that makes each kind of file the manifest lists.
ONLY_OF_KIND = {"poster": "posters", "flyer": "flyers", "guide": "guides", "excerpt": "excerpts", "packet": "packets"}
ONLY_OF_KIND["tiled-poster"] = "posters"
ONLY_OF_KIND["handout"] = "flyers"  # made from the flyers (--handouts needs them)


@dataclass(frozen=True)
class Scope:
    """Which files of the output folder a build answers for. A filter (--school, --lang, --only) narrows
    it: files outside the scope belong to other builds and are kept, in the folder and in the manifest.
    A roster build answers for the schools' folders, a build without one for the campaign's materials."""

    roster: bool
    schools: frozenset[str] | None = None  # None: every school (of a roster build)
    languages: frozenset[str] | None = None  # None: every language
    kinds: frozenset[str] | None = None  # --only names; None: every kind

    def covers(self, entry: ManifestEntry) -> bool:
        """True if this build would have made `entry`'s file, were it still wanted."""
        # Hand-outs every school of a roster shares sit outside the schools' folders, yet a roster build makes them.
        shared = entry.school is None and entry.extra.get("shared") == "roster"
        if (entry.school is not None or shared) != self.roster:
            return False
        if self.schools is not None and (shared or entry.school not in self.schools):
            return False
        if self.languages is not None and entry.lang not in self.languages:
            return False
        return self.kinds is None or ONLY_OF_KIND.get(entry.kind) in self.kinds


def owned(entry: ManifestEntry, roster: bool) -> ManifestEntry:
    """`entry`, marked as the roster's when a roster build writes it outside every school's folder (the
    hand-outs its schools share), so that the next roster build answers for it (Scope.covers)."""
    if roster and entry.school is None:
        entry.extra["shared"] = "roster"
    return entry


def previous_entries(out: Path) -> tuple[EntryLog, list[Problem]]:
    """The entries of OUT/manifest.json as the last build left it, kept on disk as they are read (an
    EntryLog); none, with a warning, if it cannot be read."""
    path = out / MANIFEST
    if not path.is_file():
        return EntryLog(), []
    try:
        try:
            return _logged(_entries_by_line(path)), []
        except ValueError:  # not laid out one entry a line (edited by hand?): read whole
            files = json.loads(path.read_text(encoding="utf-8"))["files"]
            return _logged(entry for entry in map(_entry, files) if entry is not None), []
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        return EntryLog(), [Problem(str(path), "", f"cannot be read ({exc}): files of earlier builds were neither "
                                                   "removed nor listed again", warning=True)]


def _entries_by_line(path: Path) -> Iterator[ManifestEntry]:
    """The entries of a manifest laid out as write_manifest writes it, one a line; ValueError otherwise."""
    with open(path, encoding="utf-8") as lines:
        if lines.readline() != '{"files": [\n':
            raise ValueError("not one entry a line")
        for line in lines:
            if line == "]}\n":
                if lines.read().strip():
                    raise ValueError("more after the list")
                return
            entry = _entry(json.loads(line.rstrip("\n").removesuffix(",")))
            if entry is not None:
                yield entry
    raise ValueError("the list does not end")


def _logged(entries: Iterable[ManifestEntry]) -> EntryLog:
    log = EntryLog()
    for entry in entries:
        log.append(entry.path, entry)
    return log


def sort_out(out: Path, previous: EntryLog | list[ManifestEntry], written: Iterable[str],
             scope: Scope) -> tuple[EntryLog, EntryLog]:
    """Split the previous build's entries into those now stale (in scope, not written again) and
    the entries to keep listing (out of scope, not written again, file still there), both kept on
    disk. Both sides are sorted on disk and compared in one pass: neither this build's paths (gone
    through once) nor the previous manifest's are held."""
    if not previous:  # a first build into this folder: nothing to compare, but every path is still checked
        for _ in written:
            pass
        return EntryLog(), EntryLog()
    # One file on case-insensitive file systems: never remove what this build just wrote.
    again = sorted_on_disk((json.dumps(path.casefold(), ensure_ascii=False).encode() + b"\n" for path in written),
                           json.loads)
    earlier = previous.lines() if isinstance(previous, EntryLog) else map(entry_line, previous)
    stale, kept = EntryLog(), EntryLog()
    folded = map(json.loads, again)
    written_next = next(folded, None)
    for line in sorted_on_disk(earlier, _folded_path):
        entry, key = ManifestEntry(**json.loads(line)), _folded_path(line)
        while written_next is not None and written_next < key:
            written_next = next(folded, None)
        if written_next == key:
            continue
        if scope.covers(entry):
            stale.append(entry.path, entry)
        elif (target := _target(out, entry.path)) is not None and target.is_file():
            kept.append(entry.path, entry)
    return stale, kept


def _folded_path(line: bytes) -> str:
    return path_of(line).casefold()


def remove_stale(out: Path, stale: Iterable[ManifestEntry]) -> tuple[int, list[Problem]]:
    """Remove these files (and the folders that leaves empty, up to `out`); return how many were
    removed, and a warning for each that was kept: changed since the build wrote it (someone fixed or
    replaced it by hand), reached through a link out of `out`, or not removable."""
    removed, problems = 0, []
    root = out.resolve()
    for entry in stale:
        target = _target(out, entry.path)
        if target is None or not target.is_file():
            continue
        if not target.resolve().is_relative_to(root):
            problems.append(Problem(str(target), "", "stale file kept: it lies outside the output folder "
                                                     "through a link", warning=True))
            continue
        try:
            if file_hash(target) != entry.sha256:
                problems.append(Problem(str(target), "", "stale file kept: it was changed after the build that "
                                                         "wrote it (delete it yourself if it is no longer needed)",
                                        warning=True))
                continue
            target.unlink()
        except OSError as exc:
            problems.append(Problem(str(target), "", f"stale file could not be removed: {exc.strerror or exc}",
                                    warning=True))
            continue
        removed += 1
        folder = target.parent
        while folder != out:
            try:
                folder.rmdir()  # fails, as it should, on a folder that still holds anything
            except OSError:
                break
            folder = folder.parent
    return removed, problems


def _target(out: Path, relative: str) -> Path | None:
    """`out / relative`, or None for a path a hand-edited manifest may hold that lies outside `out`."""
    try:
        return safe_join(out, relative)
    except OutputError:
        return None


def _entry(data: object) -> ManifestEntry | None:
    if not isinstance(data, dict) or not isinstance(data.get("path"), str):
        return None
    return ManifestEntry.from_json(data)


__all__ = ["Scope", "owned", "previous_entries", "remove_stale", "sort_out"]
