"""The SSRF guard: Retold only talks to public addresses unless told otherwise.

Feeds and pages are written by strangers, and so are their redirects. A hostile
page must not be able to make Retold fetch ``http://169.254.169.254/`` (cloud
credentials) or anything on the operator's own network. The guard:

- accepts only ``http`` and ``https``;
- resolves the host and refuses it if *any* address is not public (loopback,
  private, link-local, multicast, reserved, unspecified, shared 100.64/10, cloud
  metadata), looking inside IPv6 forms that embed an IPv4 address
  (IPv4-mapped, IPv4-compatible, 6to4, NAT64, Teredo);
- is enforced where the socket is opened (:class:`GuardedTransport`), so the
  address that was checked is the address that is connected to: a DNS answer
  that changes between the check and the connect (DNS rebinding) cannot win;
- lets an operator allowlist hosts, ``host:port`` pairs or CIDR ranges
  (the demo allowlists its own loopback server, ``127.0.0.1:PORT``).

The check runs on every connection, so every redirect hop is covered.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import ssl
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

import anyio
import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: ``resolver(host, port)`` returns the host's addresses as strings.
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

ALLOWED_SCHEMES = frozenset({"http", "https"})

_METADATA = {
    ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack, ...
    ipaddress.ip_address("fd00:ec2::254"),  # AWS IMDS over IPv6
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
}
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT (RFC 6598)
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # well-known prefix: the IPv4 is the last 32 bits
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # local use (RFC 8215): never public

_CACHE_SECONDS = 60.0


class BlockedAddressError(Exception):
    """Base for the guard's refusals; the fetcher re-raises it as ``BlockedAddress``."""

    def __init__(self, message: str, *, host: str = "", address: str = "") -> None:
        super().__init__(message)
        self.host = host
        self.address = address


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries, for the forms that route to it."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _IPV4_COMPATIBLE and int(ip) > 1:  # ::a.b.c.d, but not :: or ::1
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def why_not_public(address: str | IPAddress) -> str | None:
    """Why an address is off limits (e.g. ``"a loopback address"``), or None if public."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            ip = ipaddress.IPv6Address(str(ip).split("%")[0])
        inner = _embedded_ipv4(ip)
        if inner is not None:
            reason = why_not_public(inner)
            return f"{reason} inside an IPv6 address" if reason else None
    if ip in _METADATA:
        return "a cloud metadata address"
    if isinstance(ip, ipaddress.IPv6Address) and ip in _NAT64_LOCAL:
        return "a local-use NAT64 address"
    checks: list[tuple[bool, str]] = [
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED, "a shared (carrier NAT) address"),
        (ip.is_private, "a private address"),
        (ip.is_reserved, "a reserved address"),
        (not ip.is_global, "not a public address"),
    ]
    for failed, reason in checks:
        if failed:
            return reason
    return None


@dataclass(frozen=True)
class Allowlist:
    """Hosts, ``host:port`` pairs and CIDR ranges the operator trusts.

    Host entries match the name as written in the URL (``127.0.0.1:8080`` does not
    allow ``localhost:8080``); CIDR entries match the resolved addresses.
    """

    hosts: frozenset[str] = frozenset()
    host_ports: frozenset[tuple[str, int]] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> Allowlist:
        hosts: set[str] = set()
        host_ports: set[tuple[str, int]] = set()
        networks: list[IPNetwork] = []
        for raw in entries:
            entry = raw.strip().lower()
            if not entry:
                continue
            if "/" in entry:
                try:
                    networks.append(ipaddress.ip_network(entry, strict=False))
                except ValueError as exc:
                    raise ValueError(
                        f"{raw!r} is not a valid CIDR range in the allowlist."
                    ) from exc
                continue
            host, port = _split_host_port(entry)
            if port is None:
                hosts.add(host)
            else:
                host_ports.add((host, port))
        return cls(frozenset(hosts), frozenset(host_ports), tuple(networks))

    def allows_host(self, host: str, port: int) -> bool:
        host = _normal_host(host)
        return host in self.hosts or (host, port) in self.host_ports

    def allows_address(self, ip: IPAddress) -> bool:
        return any(ip.version == net.version and ip in net for net in self.networks)


def _split_host_port(entry: str) -> tuple[str, int | None]:
    if entry.startswith("["):  # [::1] or [::1]:8080
        host, _, rest = entry[1:].partition("]")
        return _normal_host(host), int(rest[1:]) if rest.startswith(":") else None
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        return _normal_host(host), int(port)
    return _normal_host(entry), None  # a bare name, IPv4 or IPv6 address


def _normal_host(host: str) -> str:
    host = host.strip("[]").lower().rstrip(".")
    try:
        return ipaddress.ip_address(host).compressed
    except ValueError:
        return host


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host``, in its order."""
    infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = str(sockaddr[0]).split("%")[0]
        if address not in seen:
            seen.append(address)
    return seen


class AddressGuard:
    """Decides which addresses Retold may connect to, and remembers recent answers."""

    def __init__(
        self,
        *,
        allow: Iterable[str] = (),
        block_private: bool = True,
        resolver: Resolver | None = None,
        cache_seconds: float = _CACHE_SECONDS,
    ) -> None:
        self.allowlist = Allowlist.parse(allow)
        self.block_private = block_private
        self._resolver: Resolver = resolver or system_resolver
        self._cache_seconds = cache_seconds
        self._cache: dict[tuple[str, int], tuple[float, list[str]]] = {}

    def check_scheme(self, url: httpx.URL) -> None:
        if url.scheme not in ALLOWED_SCHEMES:
            raise BlockedAddressError(
                f"{url} uses {url.scheme or 'no'} scheme; Retold only fetches http and https.",
                host=url.host,
            )

    async def addresses(self, host: str, port: int) -> list[str]:
        """The checked addresses to connect to for ``host:port``; raises if any is off limits.

        Checked answers are cached briefly, so the pre-flight check and the connect
        use the same addresses.
        """
        key = (_normal_host(host), port)
        cached = self._cache.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        try:
            found = list(await self._resolver(host, port))
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"{host} could not be resolved ({exc}).") from exc
        if not found:
            raise httpcore.ConnectError(f"{host} could not be resolved (no addresses).")
        addresses = [ipaddress.ip_address(a.split("%")[0]) for a in found]
        if self.block_private and not self.allowlist.allows_host(host, port):
            for ip in addresses:
                reason = why_not_public(ip)
                if reason and not self.allowlist.allows_address(ip):
                    what = (
                        f"{host} is {reason}"
                        if _normal_host(host) == ip.compressed
                        else f"{host} resolves to {ip.compressed}, {reason}"
                    )
                    raise BlockedAddressError(
                        f"{what}, and it is not in the allowlist.",
                        host=host,
                        address=ip.compressed,
                    )
        result = [ip.compressed for ip in addresses]
        if self._cache_seconds > 0:
            self._cache[key] = (time.monotonic() + self._cache_seconds, result)
        return result

    async def check_url(self, url: str | httpx.URL) -> list[str]:
        """Check scheme and host of a URL; return the addresses that may be used."""
        url = httpx.URL(url)
        self.check_scheme(url)
        if not url.host:
            raise BlockedAddressError(f"{url} has no host.", host="")
        port = url.port or (443 if url.scheme == "https" else 80)
        return await self.addresses(url.host, port)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that connects only to addresses the guard approved.

    httpcore hands us the host name from the URL; we resolve and check it here and
    open the socket to the checked IP. TLS still uses the original name for SNI and
    certificate checks, because httpcore takes ``server_hostname`` from the URL.
    """

    def __init__(self, guard: AddressGuard, inner: httpcore.AsyncNetworkBackend | None = None):
        self.guard = guard
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        with anyio.fail_after(timeout) if timeout else contextlib.nullcontext():
            try:
                addresses = await self.guard.addresses(host, port)
            except TimeoutError as exc:
                raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
        last: Exception | None = None
        for address in addresses:  # happy-eyeballs-lite: try each checked address in turn
            try:
                return await self.inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddressError("Retold does not connect to Unix sockets.")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport, with its connection pool opening sockets via the guard.

    httpx does not take a network backend as an argument, so we build the same
    connection pool it would, with :class:`GuardedBackend` plugged in. Proxies are
    deliberately unsupported: through a proxy we could not see where we connect.
    """

    def __init__(
        self,
        guard: AddressGuard,
        *,
        verify: bool | ssl.SSLContext = True,
        limits: httpx.Limits | None = None,
    ) -> None:
        limits = limits or httpx.Limits()
        # The parent's own pool is replaced at once; verify=False spares loading CAs twice.
        super().__init__(verify=False, limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=(
                verify
                if isinstance(verify, ssl.SSLContext)
                else httpx.create_ssl_context(verify=verify, trust_env=False)
            ),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=GuardedBackend(guard),
        )
