"""Request bodies refused (413) as soon as they pass their limit: by Content-Length before reading, or while streaming."""
from __future__ import annotations

from collections.abc import Callable


class BodyTooLarge(Exception):
    """A request body (or one file in it) is larger than its limit."""

    def __init__(self, limit: int, what: str = "upload"):
        super().__init__(f"{what} larger than {limit} bytes")
        self.limit = limit
        self.what = what


class BodyLimit:
    """ASGI middleware: a POST whose declared length passes `limit_for(path)` gets `refuse(scope, limit)`
    without its body being read; a body without a length is counted as it arrives and stopped there."""

    def __init__(self, app, limit_for: Callable[[str], int | None], refuse: Callable):
        self.app = app
        self.limit_for = limit_for
        self.refuse = refuse

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        limit = self.limit_for(scope["path"]) or 0
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length < 0 or length > limit:
                response = self.refuse(scope, limit if length >= 0 else None)
                return await response(scope, receive, send)
        received = 0

        async def counted_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted_receive, send)
