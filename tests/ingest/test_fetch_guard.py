"""The SSRF guard: unit checks of addresses, and real fetches against a hostile server."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hostile_server import HostileServer

from retold.ingest.fetch import BlockedAddress, Fetcher, FetchError, FetchPolicy, FetchResult
from retold.ingest.netguard import AddressGuard, Allowlist, BlockedAddressError, why_not_public


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with HostileServer() as hostile:
        yield hostile


def policy_for(server: HostileServer, **changes: Any) -> FetchPolicy:
    base = FetchPolicy(
        allow_hosts=frozenset({f"127.0.0.1:{server.port}"}),
        per_host_delay=0,
        backoff=0.01,
        connect_timeout=1,
        total_timeout=5,
        respect_robots=False,
    )
    return replace(base, **changes)


def fetch(url: str, policy: FetchPolicy, resolver: Any = None) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(policy, resolver=resolver) as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(go())


def fixed(answers: dict[str, Sequence[str]]) -> Any:
    """A resolver that knows only these names (the system one is never asked)."""
    calls: list[str] = []

    async def resolve(host: str, port: int) -> Sequence[str]:
        calls.append(host)
        if host not in answers:
            raise OSError(f"unknown test host {host}")
        return answers[host]

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


# -- which addresses are public --------------------------------------------------------------

BLOCKED = {
    "127.0.0.1": "loopback",
    "127.8.9.10": "loopback",
    "10.1.2.3": "private",
    "172.16.0.1": "private",
    "192.168.1.1": "private",
    "169.254.169.254": "cloud metadata",
    "169.254.1.1": "link-local",
    "100.64.0.1": "shared",
    "0.0.0.0": "unspecified",
    "0.1.2.3": "",
    "224.0.0.1": "multicast",
    "233.1.1.1": "multicast",
    "240.0.0.1": "",  # reasons for these differ across Python versions
    "255.255.255.255": "",
    "198.18.0.1": "",
    "::1": "loopback",
    "::": "unspecified",
    "fe80::1": "link-local",
    "fe80::1%eth0": "link-local",
    "fc00::1": "private",
    "fd00:ec2::254": "cloud metadata",
    "ff02::1": "multicast",
    "::ffff:127.0.0.1": "loopback address inside an IPv6 address",
    "::ffff:169.254.169.254": "cloud metadata address inside an IPv6 address",
    "::127.0.0.1": "loopback address inside an IPv6 address",  # IPv4-compatible
    "2002:7f00:1::1": "loopback address inside an IPv6 address",  # 6to4
    "2002:a9fe:a9fe::1": "cloud metadata address inside an IPv6 address",
    "64:ff9b::7f00:1": "loopback address inside an IPv6 address",  # NAT64
    "64:ff9b:1::a00:1": "local-use NAT64",
    # Teredo, client 127.0.0.1
    "2001:0:4136:e378:8000:63bf:80ff:fffe": "loopback address inside an IPv6 address",
}
PUBLIC = [
    "8.8.8.8",
    "93.184.216.34",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
]


@pytest.mark.parametrize(("address", "reason"), sorted(BLOCKED.items()))
def test_non_public_addresses_are_named(address: str, reason: str) -> None:
    found = why_not_public(address)
    assert found is not None and reason in found


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert why_not_public(address) is None


def test_allowlist_forms() -> None:
    allow = Allowlist.parse(["127.0.0.1:8080", "[::1]:9000", "intranet.local", "10.0.0.0/8"])
    assert allow.allows_host("127.0.0.1", 8080)
    assert not allow.allows_host("127.0.0.1", 8081)
    assert not allow.allows_host("localhost", 8080)  # names are matched as written
    assert allow.allows_host("[::1]", 9000) and allow.allows_host("::1", 9000)
    assert allow.allows_host("INTRANET.local.", 443)
    import ipaddress

    assert allow.allows_address(ipaddress.ip_address("10.9.8.7"))
    assert not allow.allows_address(ipaddress.ip_address("192.168.0.1"))
    with pytest.raises(ValueError):
        Allowlist.parse(["10.0.0.0/99"])


def test_guard_refuses_if_any_address_is_private() -> None:
    guard = AddressGuard(resolver=fixed({"mixed.test": ["93.184.216.34", "10.0.0.7"]}))
    with pytest.raises(BlockedAddressError, match="mixed.test resolves to 10.0.0.7, a private"):
        asyncio.run(guard.check_url("https://mixed.test/"))


def test_guard_can_be_switched_off() -> None:
    guard = AddressGuard(block_private=False, resolver=fixed({"lan.test": ["192.168.1.5"]}))
    assert asyncio.run(guard.check_url("http://lan.test/")) == ["192.168.1.5"]


@pytest.mark.parametrize("url", ["ftp://example.com/", "file:///etc/passwd", "gopher://x/"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(BlockedAddressError, match="only fetches http and https"):
        asyncio.run(AddressGuard().check_url(url))


# -- real fetches ------------------------------------------------------------------------------


def test_allowlisted_server_is_reachable(server: HostileServer) -> None:
    assert fetch(server.url("/page"), policy_for(server)).status == 200


def test_without_allowlist_loopback_is_blocked(server: HostileServer) -> None:
    with pytest.raises(BlockedAddress, match="127.0.0.1 is a loopback address"):
        fetch(server.url("/page"), policy_for(server, allow_hosts=frozenset()))
    assert server.hits["/page"] == 0


def test_localhost_is_blocked_even_on_the_allowlisted_port(server: HostileServer) -> None:
    with pytest.raises(BlockedAddress, match="localhost resolves to"):
        fetch(f"http://localhost:{server.port}/page", policy_for(server))
    assert server.hits["/page"] == 0


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{other}/page",
        "http://localhost:{port}/page",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/page",
        "http://[::ffff:127.0.0.1]:{port}/page",
        "http://0.0.0.0:{port}/page",
        "http://10.0.0.1/",
        "http://2130706433:{port}/page",  # 127.0.0.1 written as one number
        "file:///etc/passwd",
    ],
)
def test_redirects_to_internal_addresses_are_blocked(server: HostileServer, target: str) -> None:
    location = target.format(port=server.port, other=server.port + 1)
    with pytest.raises(BlockedAddress) as info:
        fetch(server.url(f"/redirect?to={location}"), policy_for(server))
    assert "redirects to" in str(info.value)
    assert server.hits["/page"] == 0


def test_a_name_resolving_to_metadata_is_blocked_on_redirect(server: HostileServer) -> None:
    resolver = fixed({"127.0.0.1": ["127.0.0.1"], "evil.test": ["169.254.169.254"]})
    with pytest.raises(
        BlockedAddress, match="evil.test resolves to 169.254.169.254, a cloud metadata"
    ):
        fetch(server.url("/redirect?to=http://evil.test/latest"), policy_for(server), resolver)


def test_host_header_is_kept_when_connecting_to_the_pinned_address(server: HostileServer) -> None:
    resolver = fixed({"news.test": ["127.0.0.1"]})
    policy = policy_for(server, allow_hosts=frozenset({"127.0.0.1/32"}))

    async def go() -> FetchResult:
        async with Fetcher(policy, resolver=resolver) as fetcher:
            return await fetcher.fetch(f"http://news.test:{server.port}/echo", kind="any")

    result = asyncio.run(go())
    assert '"Host": "news.test:' in result.text
    assert result.url == f"http://news.test:{server.port}/echo"


def test_dns_rebinding_between_check_and_connect_is_caught(server: HostileServer) -> None:
    # First answer (the pre-flight check) is allowlisted; the second (at connect) is not.
    answers = iter([["127.0.0.1"], ["10.0.0.1"]])

    async def rebinding(host: str, port: int) -> list[str]:
        return next(answers)

    policy = policy_for(server, allow_hosts=frozenset({"127.0.0.1/32"}), dns_cache=0, retries=0)
    with pytest.raises(BlockedAddress, match="rebind.test resolves to 10.0.0.1"):
        fetch(f"http://rebind.test:{server.port}/page", policy, rebinding)
    assert server.hits["/page"] == 0


def test_checked_answer_is_reused_for_the_connection(server: HostileServer) -> None:
    answers = iter([["127.0.0.1"], ["10.0.0.1"]])

    async def rebinding(host: str, port: int) -> list[str]:
        return next(answers)

    policy = policy_for(server, allow_hosts=frozenset({"127.0.0.1/32"}))
    assert fetch(f"http://rebind.test:{server.port}/page", policy, rebinding).status == 200


def test_unresolvable_name_is_unreachable(server: HostileServer) -> None:
    with pytest.raises(FetchError, match="could not be reached"):
        fetch("http://nowhere.test/", policy_for(server), fixed({}))


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder: Path = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=news.test",
            "-addext",
            "subjectAltName=DNS:news.test",
        ],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


def test_https_to_a_pinned_address_keeps_sni_and_certificate_checks(
    tls_files: tuple[str, str],
) -> None:
    cert, key = tls_files
    with HostileServer(tls=(cert, key)) as tls_server:
        resolver = fixed({"news.test": ["127.0.0.1"]})
        policy = policy_for(tls_server, allow_hosts=frozenset({"127.0.0.1/32"}), ca_bundle=cert)
        result = fetch(f"https://news.test:{tls_server.port}/page", policy, resolver)
        assert result.status == 200
        assert tls_server.sni == ["news.test"]
        # The same server by address: the certificate does not name it, so TLS refuses.
        with pytest.raises(FetchError):
            fetch(f"https://127.0.0.1:{tls_server.port}/page", replace(policy, retries=0))
