"""Edits made once with pikepdf to a shared render, replayed as bytes onto every school's file built on it.

A school's file is its variant's shared render (packet_template) plus one incremental update
(pdf_update.append_update). An edit that does not depend on the school — a print-shop file's bleed,
boxes and output intent — is made once per shared render with pikepdf; the objects it changed or
added are kept as serialised bytes (a Revision), and each school's print file is then its own file
plus one more update carrying them, written without a PDF library."""
from __future__ import annotations

import io
import re
import struct
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pikepdf

from .pdf_update import Packed, Trailer, deflate, pack

# Object numbers left free after a shared render's own for each school's update (its structure
# elements, a logo's mask, its object stream): a revision's new objects are numbered after them.
RESERVE = 256
# An indirect object that is a stream: its number, dictionary entries and where its data starts.
_STREAM_OBJECT = re.compile(rb"(\d+) 0 obj\s*<<(?P<entries>.*?)>>\s*stream\r?\n", re.S)


@dataclass(frozen=True)
class Tail:
    """What a file's last cross-reference stream, as append_update writes it, says: the trailer an
    update appended to the file needs, the section it extends, and the objects it defines (number ->
    (1, offset) for a plain object, (2, object stream) for one packed in an object stream)."""

    trailer: Trailer
    prev: int | None
    defined: dict[int, tuple[int, int]]


def read_tail(data: bytes) -> Tail | None:
    """The last cross-reference stream of `data`, or None when it is not one append_update writes."""
    at = data.rfind(b"startxref", max(0, len(data) - 64))
    match = re.match(rb"startxref\s+(\d+)", data[at:]) if at >= 0 else None
    if match is None:
        return None
    startxref = int(match[1])
    xref = _STREAM_OBJECT.match(data, startxref)
    if xref is None:
        return None
    entries = xref["entries"]
    values = {key: re.search(pattern, entries) for key, pattern in (
        ("size", rb"/Size (\d+)"), ("index", rb"/Index \[([\d ]*)\]"), ("prev", rb"/Prev (\d+)"),
        ("root", rb"/Root (\d+) 0 R"), ("info", rb"/Info (\d+) 0 R"), ("id", rb"/ID \[<([0-9a-f]*)>"),
        ("length", rb"/Length (\d+)"))}
    if (b"/Type /XRef" not in entries or b"/W [1 4 2]" not in entries or b"/Filter" in entries
            or any(values[key] is None for key in ("size", "index", "root", "info", "id", "length"))):
        return None
    rows = data[xref.end():xref.end() + int(values["length"][1])]
    numbers = [int(v) for v in values["index"][1].split()]
    defined, at = {}, 0
    for first, count in zip(numbers[::2], numbers[1::2]):
        for number in range(first, first + count):
            kind, field, _ = struct.unpack_from(">BIH", rows, at)
            at += 7
            if kind in (1, 2):
                defined[number] = (kind, field)
    trailer = Trailer(startxref=startxref, size=int(values["size"][1]), root=int(values["root"][1]),
                      info=int(values["info"][1]), first_id=bytes.fromhex(values["id"][1].decode("ascii")))
    return Tail(trailer, int(values["prev"][1]) if values["prev"] else None, defined)


def base_length(data: bytes, tail: Tail) -> int | None:
    """Where the file that `tail`'s update extends ends in `data` (its %%EOF line included)."""
    if tail.prev is None:
        return None
    end = data.find(b"startxref\n%d\n%%%%EOF" % tail.prev, tail.prev)
    if end < 0:
        return None
    end += len(b"startxref\n%d\n%%%%EOF" % tail.prev)
    return end + 1 if data[end:end + 1] == b"\n" else end


def defined_object(data: bytes, tail: Tail, number: int) -> bytes | None:
    """The body of object `number` as the last update defines it (a plain object's dictionary and
    stream included), or None if that update leaves it as it was."""
    kind, field = tail.defined.get(number, (0, 0))
    if kind == 1:
        end = data.find(b"endobj", field)
        return data[data.index(b"obj", field) + 3:end].strip()
    if kind == 2:
        container = tail.defined.get(field)
        packed = _STREAM_OBJECT.match(data, container[1]) if container and container[0] == 1 else None
        if packed is None or b"/ObjStm" not in packed["entries"]:
            return None
        first = int(re.search(rb"/First (\d+)", packed["entries"])[1])
        length = int(re.search(rb"/Length (\d+)", packed["entries"])[1])
        unpacked = zlib.decompress(data[packed.end():packed.end() + length])
        index = [int(v) for v in unpacked[:first].split()]
        offsets = dict(zip(index[::2], index[1::2]))
        starts = sorted(offsets.values()) + [len(unpacked) - first]
        start = offsets.get(number)
        if start is None:
            return None
        return unpacked[first + start:first + starts[starts.index(start) + 1]].strip()
    return None


def defined_stream(data: bytes, tail: Tail, number: int, decode: bool = True) -> tuple[bytes, bytes] | None:
    """The dictionary entries and data (decoded unless `decode` is False) of stream `number` if the
    last update writes it plainly (as append_update writes streams), else None."""
    kind, offset = tail.defined.get(number, (0, 0))
    found = _STREAM_OBJECT.match(data, offset) if kind == 1 else None
    length = re.search(rb"/Length (\d+)", found["entries"]) if found else None
    if length is None:
        return None
    entries, encoded = found["entries"], data[found.end():found.end() + int(length[1])]
    if b"/Filter" not in entries or not decode:
        return entries, encoded
    return (entries, zlib.decompress(encoded)) if re.search(rb"/Filter\s*/FlateDecode\s", entries + b" ") else None


class Plans:
    """The plans (anything made once per shared render) a worker keeps, the most recently used
    `kept`; safe for executors that run items on threads."""

    def __init__(self, kept: int):
        self.kept = kept
        self._plans: dict[tuple, Any] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple, make: Callable[[], Any]) -> Any:
        """The plan kept under `key`, else `make()`'s (None too: a shared render that cannot be planned)."""
        with self._lock:
            if key in self._plans:
                self._plans[key] = self._plans.pop(key)  # the most recently used last
                return self._plans[key]
        plan = make()
        with self._lock:
            self._plans[key] = plan
            while len(self._plans) > self.kept:
                del self._plans[next(iter(self._plans))]
        return plan

    def clear(self) -> None:
        """Forget every plan."""
        with self._lock:
            self._plans.clear()


@dataclass(frozen=True)
class Revision:
    """The objects an edit of a shared render (`base`) changed or added, serialised: `objects`
    (number -> body) and `streams` (number -> (dictionary entries but /Length, encoded data)).
    `touched` are the shared render's objects it redefines; its new ones start at `first_new`."""

    base: bytes
    objects: dict[int, bytes]
    streams: dict[int, tuple[bytes, bytes]]
    touched: frozenset[int]
    first_new: int

    def fits(self, data: bytes, tail: Tail, allowed: set[int]) -> bool:
        """True if `data` is the base plus an update (`tail`) that this revision can go on top of:
        it adds no object where the revision's go, and redefines none it changes but `allowed`."""
        return (tail.trailer.size <= self.first_new and data.startswith(self.base)
                and not (self.touched & tail.defined.keys()) - allowed)

    def packed(self, leave: frozenset[int] = frozenset()) -> Packed | None:
        """The revision's objects but `leave` (those each school's update writes itself) packed once,
        numbered after every object of the revision: no school's update numbers an object there.
        None if no object is left to pack."""
        kept = {number: body for number, body in self.objects.items() if number not in leave}
        if not kept:
            return None
        return pack(kept, max([self.first_new, *(number + 1 for number in [*self.objects, *self.streams])]))


def plan_revision(base: bytes, edit: Callable[[pikepdf.Pdf], Any]) -> tuple[Revision, Any] | None:
    """`edit(pdf)` applied to the shared render `base`, as a Revision, and what `edit` returned;
    None for a file whose objects are not all of generation 0."""
    with pikepdf.open(io.BytesIO(base)) as pdf:
        if any(obj.objgen[1] for obj in pdf.objects):
            return None
        size = int(pdf.trailer.Size)
        before = {obj.objgen[0]: _serialised(obj) for obj in pdf.objects}
        padding = {pdf.make_indirect(pikepdf.Dictionary()).objgen[0] for _ in range(RESERVE)}
        result = edit(pdf)
        objects, streams, touched, new = {}, {}, set(), []
        for obj in pdf.objects:
            number = obj.objgen[0]
            now = _serialised(obj)
            if number in padding or before.get(number) == now:
                continue
            if number < size:
                touched.add(number)
            else:
                new.append(number)
            if isinstance(obj, pikepdf.Stream):
                entries, data = now
                if b"/Filter" not in entries and number >= size:
                    entries, data = entries + b" /Filter /FlateDecode", deflate(data, 9)
                streams[number] = (entries, data)
            else:
                objects[number] = now
    return Revision(base, objects, streams, frozenset(touched), min(new, default=size + RESERVE)), result


def _serialised(obj: pikepdf.Object):
    """An object's body (a stream: its entries but /Length, and its encoded data)."""
    if isinstance(obj, pikepdf.Stream):
        return entries_of(obj.stream_dict, ("/Length",)), obj.read_raw_bytes()
    return obj.unparse(resolved=True)


def entries_of(dictionary: pikepdf.Dictionary, skip: tuple[str, ...]) -> bytes:
    """A dictionary's entries, serialised (indirect values as references), without the `skip` keys."""
    kept = pikepdf.Dictionary({key: value for key, value in dictionary.items() if key not in skip})
    return kept.unparse()[2:-2].strip()
