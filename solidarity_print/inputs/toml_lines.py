"""Where each key and table of a (valid) TOML text is written: key paths to line numbers.

tomllib keeps no positions, so the text is scanned again: table headers, `key =` lines, and values
skipped whole (strings of all four kinds, arrays and inline tables, comments), so that text inside a
value never looks like a key. Keys inside arrays and inline tables are not indexed: their problems
point at the line of the key that holds them, never at a guessed line."""
from __future__ import annotations

import re

KeyPath = tuple  # ("days", 4, "text", "en", "title")
BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
WHERE_PART = re.compile(r'(?:^|\.)([A-Za-z0-9_-]+|"")((?:\[\d+\])*)')
WHERE_RE = re.compile(r'^(?:[A-Za-z0-9_-]+|"")(?:\[\d+\])*(?:\.(?:[A-Za-z0-9_-]+|"")(?:\[\d+\])*)*$')


def key_lines(text: str) -> dict[KeyPath, int]:
    """Every table header and `key = value` of `text` by its key path (array tables numbered from 0),
    mapped to its 1-based line."""
    return _Scanner(text).scan()


def line_of(lines: dict[KeyPath, int], where: str) -> int | None:
    """The line of `where` (a key path like 'days[4].date'), or of the nearest table or key that holds
    it (a missing key: the table it is missing from); None when nothing of it is written."""
    if not WHERE_RE.match(where):
        return None
    path = where_path(where)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None


def where_path(where: str) -> KeyPath:
    """'days[4].text.en' -> ('days', 4, 'text', 'en')."""
    path: list = []
    for key, indexes in WHERE_PART.findall(where):
        path.append("" if key == '""' else key)
        path += [int(i) for i in re.findall(r"\d+", indexes)]
    return tuple(path)


class _Scanner:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.found: dict[KeyPath, int] = {}
        self.table: KeyPath = ()
        self.arrays: dict[KeyPath, int] = {}  # array-of-tables path -> index of its last table
        self.implicit: set[KeyPath] = set()  # tables only implied by a longer header or dotted key

    def implied(self, path: KeyPath, line: int) -> None:
        """Tables a header or dotted key creates on the way (`[days.text.en]` creates days[i].text)."""
        for end in range(1, len(path) + 1):
            if path[:end] not in self.found:
                self.found[path[:end]] = line
                self.implicit.add(path[:end])

    def line(self) -> int:
        return self.text.count("\n", 0, self.pos) + 1

    def scan(self) -> dict[KeyPath, int]:
        while self.pos < len(self.text):
            self.skip_blank()
            if self.pos >= len(self.text):
                break
            start = self.pos
            if self.text[self.pos] == "[":
                self.header()
            else:
                self.key_value()
            if self.pos <= start:
                raise ValueError(f"no progress at offset {start}")  # never loop on text it misreads
        return self.found

    def skip_blank(self) -> None:
        """Whitespace, newlines and comments between statements."""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t\r\n":
                self.pos += 1
            elif char == "#":
                self.skip_comment()
            else:
                return

    def skip_comment(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end == -1 else end

    def header(self) -> None:
        line = self.line()
        is_array = self.text.startswith("[[", self.pos)
        self.pos += 2 if is_array else 1
        keys = self.keys()
        self.pos += 2 if is_array else 1
        resolved = self.resolve(keys[:-1]) + (keys[-1],)
        if is_array:
            self.found.setdefault(resolved, line)  # the array itself: where its first table starts
            index = self.arrays.get(resolved, -1) + 1
            self.arrays[resolved] = index
            resolved += (index,)
        self.table = resolved
        self.implied(resolved[:-2] if is_array else resolved[:-1], line)
        if resolved in self.implicit:  # [a.b] came first and implied [a]; now [a] itself is written
            self.implicit.discard(resolved)
            self.found[resolved] = line
        self.found.setdefault(resolved, line)

    def resolve(self, keys: list[str]) -> KeyPath:
        """A header's key path with the index of each array of tables it passes through."""
        path: KeyPath = ()
        for key in keys:
            path += (key,)
            if path in self.arrays:
                path += (self.arrays[path],)
        return path

    def key_value(self) -> None:
        line = self.line()
        keys = self.keys()
        self.implied(self.table + tuple(keys[:-1]), line)
        self.found.setdefault(self.table + tuple(keys), line)
        self.pos += 1  # "="
        self.skip_spaces()
        self.skip_value()

    def keys(self) -> list[str]:
        """A dotted key (bare or quoted parts); leaves pos after it and any spaces."""
        keys = []
        while True:
            self.skip_spaces()
            char = self.text[self.pos]
            if char in "\"'":
                keys.append(self.string_value())
            else:
                match = BARE_KEY.match(self.text, self.pos)
                keys.append(match.group(0))
                self.pos = match.end()
            self.skip_spaces()
            if self.pos < len(self.text) and self.text[self.pos] == ".":
                self.pos += 1
                continue
            return keys

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def skip_value(self) -> None:
        char = self.text[self.pos]
        if char in "\"'":
            self.string_value()
        elif char in "[{":
            self.skip_container()
        else:
            while self.pos < len(self.text) and self.text[self.pos] not in ",]}\n#":
                self.pos += 1

    def skip_container(self) -> None:
        """An array or inline table, with everything in it."""
        depth = 0
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in "\"'":
                self.string_value()
                continue
            if char == "#":
                self.skip_comment()
                continue
            self.pos += 1
            if char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
                if depth == 0:
                    return

    def string_value(self) -> str:
        """A string of any of the four kinds; its raw text (escapes are only decoded for keys' sake
        where it matters: a quoted key with escapes is rare and then simply not found)."""
        quote = self.text[self.pos]
        if self.text.startswith(quote * 3, self.pos):
            end = self._closing(quote * 3, self.pos + 3)
            while self.text.startswith(quote, end + 3):  # up to two quotes may end the content
                end += 1
            raw = self.text[self.pos + 3:end]
            self.pos = end + 3
            return raw
        end = self._closing(quote, self.pos + 1)
        raw = self.text[self.pos + 1:end]
        self.pos = end + 1
        return raw

    def _closing(self, delimiter: str, start: int) -> int:
        """Where `delimiter` next closes a string from `start` on (a basic string's escaped quote does not)."""
        end = start
        while True:
            end = self.text.find(delimiter, end)
            if end == -1:
                raise ValueError("unterminated string")
            if delimiter[0] == '"' and _escaped(self.text, end):
                end += 1
                continue
            return end


def _escaped(text: str, index: int) -> bool:
    """True when the character at `index` follows an odd number of backslashes."""
    count = 0
    while index - count - 1 >= 0 and text[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1
