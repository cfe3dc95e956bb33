"""The real server's warm-up and superseded previews: /healthz says "warming" until the shared renders and
the workers are ready, and a preview whose page has gone (aborted, closed) is never drawn."""
from __future__ import annotations

import json
import socket
import time
import urllib.parse
import urllib.request

import pytest
from test_web_server_process import multipart
from web_server import running_server

FORM = {"name": "Superseded Hill School", "club": "Pride Club", "languages": "en", "paper": "letter", "audience": "both"}
WAIT_SECONDS = 600  # a bound for the cold warm-up of one worker on a busy 2-core machine, not a timing


def health(server) -> dict:
    with urllib.request.urlopen(server.url + "/healthz", timeout=30) as response:
        assert response.status == 200  # alive all along: a supervisor must not restart a warming server
        return json.loads(response.read())


def send_and_leave(server, fields: dict[str, str]) -> socket.socket:
    """A whole preview request on a raw connection, left open (the caller closes it, as an aborted fetch does)."""
    body, content_type = multipart(fields)
    address = urllib.parse.urlsplit(server.url)
    connection = socket.create_connection((address.hostname, address.port), timeout=30)
    connection.sendall(b"POST /school/preview HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n"
                       % (address.netloc.encode(), content_type.encode(), len(body)) + body)
    return connection


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("web-warm"), "--workers", "1") as running:
        yield running


def test_superseded_previews_are_not_drawn_and_healthz_waits_for_the_warm_up(server):
    assert health(server)["status"] == "warming"  # one cold worker renders six languages' packets first
    # Three organizers type again (or close the page) while the only worker is still warming up.
    connections = [send_and_leave(server, dict(FORM, name=f"Superseded Hill School {n}")) for n in range(3)]
    time.sleep(3)  # the server has read and checked each form and queued its drawing behind the warm-up
    assert health(server)["status"] == "warming"
    for connection in connections:
        connection.close()
    deadline = time.monotonic() + WAIT_SECONDS
    while (state := health(server))["status"] == "warming" and time.monotonic() < deadline:
        time.sleep(0.5)
    assert state["status"] == "ok" and state["warm_up_seconds"] > 0
    # The warm-up's own preview (one per worker) was drawn; the three whose page had gone were not.
    assert state["previews"] == {"drawn": 1, "skipped": 3}, server.output()[-3000:]
    # A page that waits gets its preview, and nothing more was skipped.
    body, content_type = multipart(FORM)
    request = urllib.request.Request(server.url + "/school/preview", data=body, headers={"Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=WAIT_SECONDS) as response:
        answer = json.loads(response.read())
    assert answer["ok"] and {image["name"] for image in answer["images"]} == {"cover", "poster", "flyer"}
    assert health(server)["previews"] == {"drawn": 2, "skipped": 3}
    assert "Traceback" not in server.output()
