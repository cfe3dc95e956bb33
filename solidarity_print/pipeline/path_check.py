"""A build's output paths checked as they are planned: each inside the output folder, no two the same file."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import OutputError
from .output import output_path


class PathCheck:
    """Two outputs claiming one path would silently overwrite each other: that is an error.

    Paths are compared case-folded (one file on macOS and Windows) without holding every path of a
    build: a school's files all lie in its own folder and are planned together, so only the paths of the
    school being planned are held, with the names of the folders done and the few paths outside a
    school's folder (the campaign's shared files). A path outside its school's folder is held with the
    latter; one landing in a folder already done is compared once more at the end (`finish`)."""

    def __init__(self, out: Path):
        self.out = out
        self.folder: str | None = None  # the school folder being planned, case-folded
        self.here: dict[str, str] = {}  # its paths (case-folded: as planned)
        self.done: set[str] = set()  # school folders planned already
        self.loose: dict[str, dict[str, str]] = {}  # paths outside their school's folder, by top folder
        self.late: set[str] = set()  # folders done before a loose path landed in them

    def add(self, path: str, school: str | None) -> str:
        """Check `path`, the output of `school` (a slug) or of the campaign (None); return it."""
        output_path(self.out, path)  # raises for a path outside the output folder
        key = path.casefold()
        top = key.partition("/")[0]
        if school is not None and top == school.casefold() and "/" in key:
            if top != self.folder:
                if top in self.done:
                    raise OutputError(f"{path}: the files of school folder {school} were planned in two places, "
                                      "so they cannot be checked for clashes")
                if self.folder is not None:
                    self.done.add(self.folder)
                self.folder, self.here = top, {}
            self._claim(self.here, key, path)
            if key in self.loose.get(top, {}):
                self._clash(self.loose[top][key], path)
            return path
        if top == self.folder and key in self.here:
            self._clash(self.here[key], path)
        if top in self.done:
            self.late.add(top)
        self._claim(self.loose.setdefault(top, {}), key, path)
        return path

    def finish(self, again: Callable[[], Iterable[tuple[str, str | None]]]) -> None:
        """Compare the loose paths that landed in a school folder already done with that folder's paths,
        going through `again` (every (path, school) once more) only if there are any."""
        if not self.late:
            return
        for path, school in again():
            key = path.casefold()
            top = key.partition("/")[0]
            if school is not None and top == school.casefold() and top in self.late and key in self.loose[top]:
                self._clash(path, self.loose[top][key])

    def _claim(self, paths: dict[str, str], key: str, path: str) -> None:
        if key in paths:
            self._clash(paths[key], path)
        paths[key] = path

    @staticmethod
    def _clash(first: str, second: str) -> None:
        raise OutputError(f"two outputs would be written to the same file: {first} and {second}")


def checked(out: Path, planned: Callable[[], Iterable[tuple[str, str | None]]]) -> Iterator[str]:
    """Every path `planned()` gives ((path, school slug or None) pairs), checked by a PathCheck as it passes."""
    check = PathCheck(out)
    for path, school in planned():
        yield check.add(path, school)
    check.finish(planned)
