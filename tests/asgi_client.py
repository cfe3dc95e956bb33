"""Drive an ASGI app as a client streaming its request body would, to see how much of it the app reads."""
from __future__ import annotations

import asyncio
from typing import NamedTuple


class Answer(NamedTuple):
    status: int
    headers: dict[str, str]
    read: int  # chunks of the body the app asked for before answering
    body: bytes


def asgi_post(app, path: str, chunks: list[bytes], headers: list[tuple[bytes, bytes]]) -> Answer:
    """POST `chunks` to `app` one `receive()` at a time and collect its answer."""
    read, sent = 0, []

    async def receive():
        nonlocal read
        if read < len(chunks):
            read += 1
            return {"type": "http.request", "body": chunks[read - 1], "more_body": read < len(chunks)}
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": headers, "scheme": "http", "server": ("test", 80), "client": ("test", 1), "root_path": "",
             "http_version": "1.1"}
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return Answer(start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, read,
                  b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"))
