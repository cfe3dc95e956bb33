"""Preview images kept in memory under keys made from exactly what is drawn on each page."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict
from dataclasses import fields

from ..model import School
from ..pipeline.cache import file_hash

# What only the cover shows (personalize.py draws the name and club on every page's footer or club
# line; these only in the cover's reserved area). A change here leaves the poster and flyer as they were.
COVER_ONLY = ("contact_name", "contact_email", "meeting", "logo", "logo_alt")
# Neither drawn nor choosing a render: where the row was and the slug made from the name.
NOT_DRAWN = ("row", "slug")


def page_parts(school: School, lang: str, name: str) -> tuple:
    """Everything that decides how page `name` of `school`'s packet in `lang` looks (the logo by its bytes)."""
    left_out = NOT_DRAWN + (COVER_ONLY if name != "cover" else ())
    parts = [(f.name, getattr(school, f.name)) for f in fields(school) if f.name not in left_out]
    if name == "cover" and school.logo:
        parts = [(key, file_hash(value) if key == "logo" else value) for key, value in parts]
    return (lang, name, tuple(parts))


class PreviewStore:
    """Images by key, the least recently used dropped past `max_bytes`. Keys are HMACs with a secret of
    this server's life, so that nobody can name an image they did not make."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._secret = secrets.token_bytes(32)
        self._images: OrderedDict[str, tuple[str, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def key(self, fingerprint: str, parts: tuple) -> str:
        """The key of an image drawn from `parts` by the build inputs `fingerprint`."""
        return hmac.new(self._secret, repr((fingerprint, parts)).encode("utf-8"), hashlib.sha256).hexdigest()

    def get(self, key: str) -> tuple[str, bytes] | None:
        """(title, image bytes) under `key`, or None."""
        with self._lock:
            found = self._images.get(key)
            if found is not None:
                self._images.move_to_end(key)
            return found

    def put(self, key: str, title: str, data: bytes) -> None:
        """Keep an image (b"" marks a page the packet does not have), dropping the oldest past the limit."""
        with self._lock:
            if key in self._images:
                self._bytes -= len(self._images.pop(key)[1])
            self._images[key] = (title, data)
            self._bytes += len(data)
            while self._bytes > self.max_bytes and len(self._images) > 1:
                self._bytes -= len(self._images.popitem(last=False)[1][1])
