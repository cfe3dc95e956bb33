"""Plans kept in the build's cache: one worker makes each shared render's plan, every other worker reads it.

A plan (update_plan: a print-shop edit or a poster's tiles, made once per shared render with
pikepdf) costs 4 to 30 ms; every worker of a build meets every shared render, so without a shared
store each plan is made once per worker. A plan is stored as a cache record: its structure as JSON
and its byte strings one after another, read back into the plan classes named when it is asked
for, never unpickled (a cache folder may be shared by several people). The key holds the build's
inputs fingerprint, which holds the hash of this package's code: a plan of another version is
never read back as this one's."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import fields, is_dataclass, replace
from typing import Any

from ..pipeline.cache import Cache, shared_key


class _Store:
    """Where this process keeps plans: the build's cache and inputs fingerprint (None: no cache)."""

    cache: Cache | None = None
    fingerprint = ""


_store = _Store()


def keep_plans_in(cache: Cache | None, fingerprint: str) -> None:
    """Keep this process's plans in `cache` under the build's inputs `fingerprint` (None: make them here)."""
    _store.cache, _store.fingerprint = cache, fingerprint


def stored_plan(name: str, key: tuple, base: bytes, make: Callable[[bytes], Any], kinds: tuple[type, ...]) -> Any:
    """The plan `name` of shared render `base` under `key` (what else it depends on): read from the
    cache, or made by `make(base)` (while other workers wait for it) and stored. `kinds` are the
    dataclasses a plan of this name is made of; its `revision.base` is `base`, not stored twice."""
    cache = _store.cache
    if cache is None:
        return make(base)
    record_key = shared_key(_store.fingerprint, "plan", name, repr(key), hashlib.sha256(base).hexdigest())
    with cache.locked(record_key):
        if record := cache.get_record(record_key):
            details, data = record
            try:
                blobs = _blobs(details["sizes"], data)
                return _with_base(_decode(details["plan"], blobs, {kind.__name__: kind for kind in kinds}), base)
            except (KeyError, TypeError, ValueError, IndexError, AttributeError):
                pass  # a damaged record: made again
        plan = make(base)
        blobs = []
        details = {"plan": _encode(_with_base(plan, b""), blobs), "sizes": [len(blob) for blob in blobs]}
        cache.put_record(record_key, details, blobs)
    return plan


def _with_base(plan: Any, base: bytes) -> Any:
    """`plan` with its revision's base set to `base` (a plan of a file that cannot be planned is None)."""
    return None if plan is None else replace(plan, revision=replace(plan.revision, base=base))


def _encode(value: Any, blobs: list[bytes]) -> Any:
    """`value` as JSON: byte strings as places in `blobs` (appended), containers and dataclasses tagged."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, bytes):
        blobs.append(value)
        return {"b": len(blobs) - 1}
    if isinstance(value, tuple):
        return {"t": [_encode(item, blobs) for item in value]}
    if isinstance(value, list):
        return {"l": [_encode(item, blobs) for item in value]}
    if isinstance(value, frozenset):
        return {"f": [_encode(item, blobs) for item in sorted(value)]}
    if isinstance(value, dict):
        return {"d": [[_encode(k, blobs), _encode(v, blobs)] for k, v in value.items()]}
    if is_dataclass(value):
        return {"c": type(value).__name__, "v": {f.name: _encode(getattr(value, f.name), blobs) for f in fields(value)}}
    raise TypeError(f"a plan cannot hold {type(value).__name__}")


def _blobs(sizes: list[int], data: bytes) -> list[bytes]:
    """The byte strings a stored plan holds, cut from its record's bytes."""
    blobs, at = [], 0
    for size in sizes:
        blobs.append(data[at:at + size])
        at += size
    if at != len(data):
        raise ValueError("the record's bytes do not match its plan")
    return blobs


def _decode(value: Any, blobs: list[bytes], kinds: dict[str, type]) -> Any:
    """The value _encode wrote; dataclasses only of `kinds` (by name)."""
    if not isinstance(value, dict):
        return value
    tag = next(iter(value))
    inner = value[tag]
    if tag == "b":
        return blobs[inner]
    if tag == "t":
        return tuple(_decode(item, blobs, kinds) for item in inner)
    if tag == "l":
        return [_decode(item, blobs, kinds) for item in inner]
    if tag == "f":
        return frozenset(_decode(item, blobs, kinds) for item in inner)
    if tag == "d":
        return {_decode(k, blobs, kinds): _decode(v, blobs, kinds) for k, v in inner}
    if tag == "c":
        return kinds[inner](**{name: _decode(item, blobs, kinds) for name, item in value["v"].items()})
    raise ValueError(f"not a stored plan: {tag}")
