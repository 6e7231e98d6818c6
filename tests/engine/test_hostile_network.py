"""URL uploads and Host names: the engine reaches only the public internet, answers only its names.

No test here sends a packet anywhere but loopback: names are resolved to 127.0.0.1 or ::1 by a
patched resolver, and every connect of the process is recorded (anything but loopback is
refused before the system call), so a refusal is shown by the absence of a connection.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import quote

import httpx
import pytest

from nemo_widgets import AsyncNemoClient
from nemo_widgets.api import UnsupportedFile
from nemo_widgets.engine import netguard
from tests.engine.web_server import serve_folder
from tests.helpers import FAST

pytestmark = pytest.mark.anyio

LOOPBACK = {"127.0.0.1", "::1"}


@pytest.fixture
def connections(monkeypatch):
    """Every TCP connect of this process: (address, port); non-loopback ones never happen."""
    attempts: list[tuple[str, int]] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def check(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host, port = address[0], address[1]
            attempts.append((host, port))
            if host not in LOOPBACK:
                raise OSError(f"test safety net: refused to connect to {host}")

    def connect(sock, address):
        check(sock, address)
        return real_connect(sock, address)

    def connect_ex(sock, address):
        check(sock, address)
        return real_connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    return attempts


@pytest.fixture
def dns(monkeypatch):
    """Names the test resolves itself: ``dns["photos.example"] = "127.0.0.1"`` (loopback only)."""
    names: dict[str, str] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name in names:
            address = names[name]
            assert address in LOOPBACK
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sockaddr = (address, int(port or 0)) + ((0, 0) if ":" in address else ())
            return [(family, socket.SOCK_STREAM, 6, "", sockaddr)]
        assert _is_ip(name) or name == "localhost", f"test tried to resolve {name}"
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@pytest.fixture
def web(tmp_path, photos):
    folder = tmp_path / "www"
    folder.mkdir()
    (folder / "beach.jpg").write_bytes(photos[0].read_bytes())
    with serve_folder(folder) as url:
        yield url, int(url.rsplit(":", 1)[1])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def refused_upload(engine, url: str) -> str:
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        with pytest.raises(UnsupportedFile) as caught:
            await nemo.upload_urls(session.session_id, [url])
    assert list((engine.data_dir / "media").iterdir()) == []
    return str(caught.value)


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "photos.example", "[::ffff:127.0.0.1]", "localhost"],
)
async def test_urls_on_this_machine_are_refused_before_connecting(
    engine, web, dns, connections, host
):
    _, port = web
    dns["photos.example"] = "127.0.0.1"
    message = await refused_upload(engine, f"http://{host}:{port}/beach.jpg")
    assert "private network" in message and "--allow-private-urls" in message
    assert [a for a in connections if a[1] == port] == []


async def test_a_redirect_into_this_machine_is_refused_before_connecting(
    engine, web, dns, connections, monkeypatch
):
    """The first hop is "public" for this test (127.0.0.1); the redirect goes to ::1."""
    _, port = web
    real = netguard.is_public
    monkeypatch.setattr(
        netguard, "is_public", lambda a: a == ipaddress.ip_address("127.0.0.1") or real(a)
    )
    dns["cdn.example"], dns["intranet.example"] = "127.0.0.1", "::1"
    target = free_port()
    hop = f"http://intranet.example:{target}/secret.jpg"
    message = await refused_upload(
        engine, f"http://cdn.example:{port}/redirect?to={quote(hop, safe='')}"
    )
    assert "private network" in message
    assert ("127.0.0.1", port) in connections  # the first hop was fetched
    assert [a for a in connections if a[1] == target] == []  # the redirect never was


async def test_the_refusal_does_not_tell_an_open_port_from_a_closed_one(engine, web, connections):
    _, open_port = web
    closed_port = free_port()
    answers = [
        (await refused_upload(engine, f"http://127.0.0.1:{port}/x.jpg")).replace(str(port), "N")
        for port in (open_port, closed_port)
    ]
    assert answers[0] == answers[1]
    assert [a for a in connections if a[1] in (open_port, closed_port)] == []


async def test_private_urls_are_fetched_when_the_engine_is_told_to(start_engine, web):
    url, _ = web
    engine = start_engine(allow_private_urls=True)
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        result = await nemo.upload_urls(session.session_id, [f"{url}/beach.jpg"])
    assert [f.filename for f in result.files] == ["beach.jpg"]


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("127.8.9.10", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("169.254.169.254", False),  # link-local: cloud metadata services
        ("224.0.0.251", False),
        ("255.255.255.255", False),
        ("0.0.0.0", False),
        ("::", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:127.0.0.1", False),
        ("93.184.215.14", True),
        ("2606:4700::6810:85e5", True),
    ],
)
def test_which_addresses_are_public(address, public):
    assert netguard.is_public(ipaddress.ip_address(address)) is public


# -- Host names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("127.0.0.1:{port}", 200),
        ("localhost:{port}", 200),
        ("LOCALHOST", 200),
        ("[::1]:{port}", 200),
        ("proxy.example:443", 200),  # added by the person, for a proxy
        ("attacker.example:{port}", 400),  # DNS rebinding: a page on another name
        ("127.0.0.1.attacker.example", 400),
        ("", 400),
    ],
)
async def test_the_engine_answers_only_to_its_host_names(start_engine, host, status):
    engine = start_engine(allowed_hosts=("proxy.example",))
    port = engine.url.rsplit(":", 1)[1]
    async with httpx.AsyncClient(base_url=engine.url) as http:
        answer = await http.get("/api/engine/info", headers={"Host": host.format(port=port)})
    assert answer.status_code == status
