"""The real server process (`solidarity-print serve` under uvicorn): a client that drops a download midway
leaves it serving with no file left open, and nothing a person typed reaches its log."""
from __future__ import annotations

import io
import os
import re
import socket
import time
import urllib.parse
import urllib.request
import uuid
import zipfile
from pathlib import Path

import pytest
from web_server import running_server

# Values typed into every form below; none may appear in the server's output.
TYPED = {"name": "Quillfeather Secret Academy", "club": "Zephyrine Alliance", "contact_name": "Ottoline Vasquez-Marr",
         "contact_email": "ottoline.private@example.org", "meeting": "Room Q17 on Thursdays",
         "logo_alt": "A violet heron", "link": "https://quillfeather.example.org/alliance"}
WAIT_SECONDS = 300  # the first kit pays the shared renders on a busy 2-core machine: a bound, not a timing


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("web-process")) as running:
        yield running


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]] = {}) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()]
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; filename="{name}"\r\n\r\n'.encode() + data + b"\r\n"
              for k, (name, data) in files.items()]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def post(server, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]] = {}) -> tuple[int, str]:
    body, content_type = multipart(fields, files)
    request = urllib.request.Request(server.url + path, data=body, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=WAIT_SECONDS) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


@pytest.fixture(scope="module")
def kit_url(server) -> str:
    status, html = post(server, "/school", dict(TYPED, languages="en"))
    assert status == 200, html[:3000]
    return re.search(r'href="(/school/kit/[^/"]+/download)"', html).group(1)


def open_files(pid: int, folder: Path) -> list[str]:
    """Files under `folder` that process `pid` (or its children) holds open."""
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(folder)):
            found.append(target)
    return found


def test_a_client_that_drops_a_download_leaves_the_server_serving_and_no_file_open(server, kit_url):
    host, port = urllib.parse.urlsplit(server.url).netloc.split(":")
    client = socket.socket()
    # A small window: the server can send only a little before it must wait for this client, so the
    # client really goes away in the middle of the ZIP.
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    client.connect((host, int(port)))
    client.sendall(f"GET {kit_url} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    start = client.recv(4096)
    assert start.startswith(b"HTTP/1.1 200") and b"application/zip" in start
    time.sleep(1)  # the server is now blocked on this connection
    client.close()  # gone, with most of the ZIP unsent
    work = Path(server.log).parent / "tmp"
    for _ in range(100):  # the server notices at its next write
        if not open_files(server.process.pid, work):
            break
        time.sleep(0.1)
    assert open_files(server.process.pid, work) == []
    with urllib.request.urlopen(server.url + "/healthz", timeout=30) as health:
        assert health.status == 200
    with urllib.request.urlopen(server.url + kit_url, timeout=60) as again:
        archive = zipfile.ZipFile(io.BytesIO(again.read()))
    assert archive.testzip() is None and "manifest.json" in archive.namelist()
    assert server.process.poll() is None
    assert "Traceback" not in server.output()


def test_nothing_typed_reaches_the_servers_log(server, kit_url):
    status, _ = post(server, "/school/preview", dict(TYPED, languages="en"))
    assert status == 200
    status, _ = post(server, "/school/preview", dict(TYPED, contact_email="ottoline.private@", paper="legal"))
    assert status == 422
    status, _ = post(server, "/school", dict(TYPED, poster_paper="b5"), {"logo": ("secret-logo.png", b"not a png")})
    assert status == 422
    csv = ("name,contact_email,club,meeting\n"
           f"{TYPED['name']},{TYPED['contact_email']},{TYPED['club']},{TYPED['meeting']}\n"
           f"{TYPED['name']},not-an-email,,\n").encode()
    status, _ = post(server, "/roster", {}, {"roster": ("schools.csv", csv)})
    assert status == 422
    output = server.output()
    assert "Application startup complete" in output  # the log is there, and it is this server's
    for value in (*TYPED.values(), "secret-logo", "ottoline.private"):
        assert value not in output, value
