"""URL uploads reach the public internet only, never this machine or its private networks.

A URL the engine fetches names a host; :class:`GuardedBackend` resolves that name itself,
refuses it if any of its addresses is loopback, private, link-local, multicast, unspecified or
otherwise not globally routable, and then connects to the address it checked (so a second DNS
answer cannot swap it: no rebinding between check and connect). It sits under httpx as the
connection pool's network backend, so the first request and every redirect are checked before
a single packet is sent. TLS still verifies the certificate against the URL's host name.

``allow_private=True`` (``nemo-widgets serve --allow-private-urls``) turns the check off, for
engines that are meant to fetch from a local file server.
"""

from __future__ import annotations

import ipaddress
import socket
import typing

import anyio
import httpcore
import httpx

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):
    """A URL's host is not on the public internet; nothing was sent to it."""

    def __init__(self, host: str) -> None:
        super().__init__(host)
        self.host = host


def is_public(address: Address) -> bool:
    """True for a globally routable unicast address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return address.is_global and not address.is_multicast


async def resolve(host: str, port: int) -> list[Address]:
    """Every address ``host`` resolves to (an IP literal resolves to itself)."""
    try:
        infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}") from exc
    # An IPv6 link-local answer carries its interface ("fe80::1%eth0").
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to vetted public addresses."""

    def __init__(self, allow_private: bool = False) -> None:
        self.allow_private = allow_private
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        with anyio.fail_after(timeout):
            addresses = await resolve(host, port)
        if not addresses:
            raise httpcore.ConnectError(f"cannot resolve {host}")
        if not self.allow_private and not all(is_public(a) for a in addresses):
            raise AddressRefused(host)
        return await self._inner.connect_tcp(
            str(addresses[0]),
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise AddressRefused(path)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def guarded_transport(allow_private: bool = False) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose every connection goes through :class:`GuardedBackend`.

    No proxy from the environment (a proxy would connect on our behalf, unchecked), and no
    retries. httpx has no public way to set the pool's network backend, so it is set on the
    pool; if a future httpx moves it, this refuses to build an unguarded transport.
    """
    transport = httpx.AsyncHTTPTransport(trust_env=False, retries=0)
    pool = getattr(transport, "_pool", None)
    if not isinstance(pool, httpcore.AsyncConnectionPool) or not hasattr(pool, "_network_backend"):
        raise RuntimeError("this httpx version cannot be guarded: URL uploads are disabled")
    pool._network_backend = GuardedBackend(allow_private)
    return transport
