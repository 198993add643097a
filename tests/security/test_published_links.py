"""Issue 13 item 1, publisher side: no source-controlled URL but http(s) reaches the site.

The ingest side refuses hostile links, but the store may still hold them (an old store, a
plugin, an upstream bug), so the publisher checks every URL a source controls again with
``retold.ingest.urls.safe_http_url``: "Original source" links, evidence links and
``blockquote cite``, feed links, JSON Feed ``external_url`` and ``image``, og:image,
twitter:image, NewsArticle ``image`` and ``isBasedOn``. A refused URL loses its link and
keeps its words (the source is named, unlinked); the article is always published.

Protocol-relative (``//evil.example/x``) and relative source URLs are refused as well: a
stored source URL must be absolute, and the site's own address is no base for another
outlet's link.

Checked twice: statically over every file of the built tree (HTML with lxml, feeds with
ElementTree and json, and a plain scan of the raw bytes), and in Debian's Chromium, which
loads the hostile pages and feeds and clicks every link without a dialog or a navigation
to anything but http(s). The browser runs with the page's CSP bypassed, so the test sees
what the markup alone would do: CSP is a separate layer.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from retold.ingest.urls import safe_http_url
from retold.publish import build_site
from retold.records import ArticlePage, SentenceCheck, SourceLink
from tests.publish.conftest import BRIDGE, FERRY, SITE

HOSTILE = [
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "&#106;avascript:alert(1)",
    "\x01javascript:alert(1)",
    "javascript://evil.example/%0aalert(1)",  # has a "host", still script
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "file://etc/passwd",
    "vbscript:msgbox(1)",
    "//evil.example/protocol-relative",  # refused: a stored source URL must be absolute
    "/etc/passwd",
    "",
]
SAFE_SOURCE = "https://gazette.example/bridge"
# Raw-byte patterns that must appear nowhere in the output, letters split by whitespace or
# control characters as a browser would still read them.
_GAP = r"[\s\x00-\x1f]*"
FORBIDDEN = [
    re.compile(_GAP.join(word) + _GAP + ":", re.IGNORECASE)
    for word in ("javascript", "vbscript", "livescript")
] + [
    re.compile(r"data" + _GAP + r":" + _GAP + r"text/html", re.IGNORECASE),
    re.compile(r"\bfile" + _GAP + r":", re.IGNORECASE),
    re.compile(r"evil\.example", re.IGNORECASE),
]
URL_ATTRS = {
    "href", "src", "cite", "action", "formaction", "poster", "background",
    "data", "srcset", "xlink:href", "ping", "longdesc", "usemap", "manifest", "itemid",
}  # fmt: skip
JSON_URL_KEYS = {
    "url", "@id", "image", "isBasedOn", "mainEntityOfPage", "external_url",
    "home_page_url", "feed_url", "icon", "favicon", "banner_image", "avatar", "next_url",
}  # fmt: skip
XML_URL_TEXT = {"link", "guid", "id", "uri", "loc", "icon", "logo", "url", "docs", "comments"}
XML_HTML_TEXT = {"encoded", "description", "content", "summary"}  # may hold escaped HTML


def _hostile_page(n: int, url: str) -> ArticlePage:
    """An article whose every source-controlled URL is ``url``."""
    evidence = SentenceCheck(
        paragraph=0,
        text="",
        verdict="supported",
        score=0.9,
        evidence="The bridge will close to all traffic on Monday, the council said.",
        source_url=url,
    )
    unmatched = replace(evidence, verdict="unsupported", evidence="", score=0.1)
    # Every other page has no title or outlet name: the fallback must not print the URL.
    named = n % 2 == 0
    return replace(
        BRIDGE,
        slug=f"2026/11/hostile-{n}",
        headline=f"Hostile link number {n}",
        paragraphs=[
            [("The harbour bridge will close on Monday.", evidence)],
            [("Ferries will be free for everyone.", unmatched)],
        ],
        sources=[
            SourceLink(url, "Bridge to close" if named else "", "Harbour Gazette" if named else "")
        ],
        image=url,
        related=[],
    )


MIXED = replace(  # one refused source beside a good one: the good one stays linked
    FERRY,
    slug="2026/11/hostile-mixed",
    sources=[
        SourceLink("javascript:alert(1)", "Refused first", "Bad Outlet"),
        SourceLink(SAFE_SOURCE, "Bridge to close for 18 months", "Harbour Gazette"),
    ],
    related=[],
)
PAGES = [_hostile_page(n, url) for n, url in enumerate(HOSTILE)] + [MIXED, BRIDGE]
SLUGS = [p.slug for p in PAGES]


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile-links") / "site"
    build_site(SITE, PAGES, out)
    return out


# ---------------------------------------------------------------- static checks


def _browser_view(value: str) -> str:
    return re.sub(r"[\t\n\r]", "", html.unescape(value)).strip("".join(map(chr, range(0x21))))


def _bad_url(value: str, base: str) -> bool:
    """True unless ``value`` (relative, or absolute) resolves to an http(s) URL."""
    view = _browser_view(value)
    if not view:
        return False  # an empty attribute is no link
    # safe_http_url refuses disguised schemes; a relative value resolves against the page.
    return safe_http_url(value, base) is None or safe_http_url(view, base) is None


def _page_url(rel: Path) -> str:
    return f"{SITE.base_url}/{rel.as_posix()}"


def _html_problems(text: str, base: str, where: str) -> list[str]:
    if not text.strip():
        return []
    problems = []
    doc = lxml.html.fromstring(text)
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        for name, value in element.attrib.items():
            name = name.lower()
            # Event handlers are script: the site writes none, so any one is a finding.
            urls = value.split(",") if name == "srcset" else [value]
            if name.startswith("on") or (
                name in URL_ATTRS and any(_bad_url(u.strip().split(" ")[0], base) for u in urls)
            ):
                problems.append(f"{where}: <{element.tag} {name}={value!r}>")
        if element.tag == "meta":
            key = (element.get("property") or element.get("name") or "").lower()
            content = element.get("content") or ""
            if ("image" in key or key.endswith("url")) and _bad_url(content, base):
                problems.append(f"{where}: <meta {key} content={content!r}>")
            if (element.get("http-equiv") or "").lower() == "refresh":
                problems.append(f"{where}: meta refresh {content!r}")
        if element.tag == "script" and element.get("type") == "application/ld+json":
            problems += _json_problems(json.loads(element.text or "{}"), base, where)
    return problems


def _json_problems(data: Any, base: str, where: str, key: str = "") -> list[str]:
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _json_problems(v, base, where, k)]
    if isinstance(data, list):
        return [p for v in data for p in _json_problems(v, base, where, key)]
    if isinstance(data, str):
        if key == "content_html":
            return _html_problems(data, base, f"{where} content_html")
        if key in JSON_URL_KEYS and _bad_url(data, base):
            return [f"{where}: {key}={data!r}"]
    return []


def _xml_problems(data: bytes, base: str, where: str) -> list[str]:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:  # a control character in an attribute, say
        return [f"{where}: not well-formed XML ({error})"]
    problems = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1]
            if local in {"href", "src", "url", "uri"} and _bad_url(value, base):
                problems.append(f"{where}: <{tag} {local}={value!r}>")
        text = element.text or ""
        if tag in XML_URL_TEXT and text.strip() and _bad_url(text, base):
            problems.append(f"{where}: <{tag}>{text!r}")
        if tag in XML_HTML_TEXT and "<" in text:
            problems += _html_problems(text, base, f"{where} <{tag}>")
    return problems


def _raw_problems(data: bytes, where: str) -> list[str]:
    text = data.decode("utf-8", "replace")
    # Feeds carry HTML escaped inside XML or JSON: look at each layer of unescaping too.
    layers = {text, html.unescape(text), html.unescape(html.unescape(text))}
    if where.endswith(".json"):
        layers.add(json.dumps(json.loads(text), ensure_ascii=False))
    return [
        f"{where}: raw {m.group(0)!r}"
        for layer in layers
        for pattern in FORBIDDEN
        for m in pattern.finditer(layer)
    ]


def test_every_hostile_article_is_published(site_dir: Path) -> None:
    for slug in SLUGS:
        page = site_dir / slug / "index.html"
        assert page.is_file(), f"{slug} was dropped"
        doc = lxml.html.fromstring(page.read_bytes())
        assert doc.xpath("//h1")[0].text_content().strip()
        assert doc.xpath("//footer[@class='sources']//text()"), f"{slug} lost its sources"


def test_no_output_file_carries_a_non_http_url(site_dir: Path) -> None:
    problems: list[str] = []
    files = sorted(p for p in site_dir.rglob("*") if p.is_file())
    assert len(files) > len(SLUGS)
    for path in files:
        rel = path.relative_to(site_dir)
        base, data, where = _page_url(rel), path.read_bytes(), rel.as_posix()
        problems += _raw_problems(data, where)
        if path.suffix == ".html":
            problems += _html_problems(data.decode(), base, where)
        elif path.suffix in (".xml", ".svg"):
            problems += _xml_problems(data, base, where)
        elif path.suffix == ".json":
            problems += _json_problems(json.loads(data), base, where)
    assert not problems, "\n".join(problems[:40])


def test_refused_sources_are_named_without_a_link(site_dir: Path) -> None:
    named = lxml.html.fromstring((site_dir / SLUGS[0] / "index.html").read_bytes())
    sources = named.xpath("//footer[@class='sources']")[0]
    assert not sources.xpath(".//a")
    text = " ".join(sources.text_content().split())
    assert "Original source: Bridge to close (Harbour Gazette)" in text
    assert "no link" in text
    # The evidence note still names the outlet, and its quotation has no cite.
    notes = named.xpath("//section[@class='evidence']")[0]
    assert "Harbour Gazette" in notes.text_content()
    assert not notes.xpath(".//blockquote[@cite]")
    assert not notes.xpath(".//a[not(starts-with(@href, '#'))]")
    # No title and no outlet name: a generic phrase, never the refused URL as text.
    unnamed = lxml.html.fromstring((site_dir / SLUGS[1] / "index.html").read_bytes())
    unnamed_text = " ".join(unnamed.xpath("//footer[@class='sources']")[0].text_content().split())
    assert unnamed_text.startswith("Original source: an unnamed source (no link")
    meta = {m.get("property") or m.get("name"): m.get("content") for m in named.xpath("//meta")}
    assert "og:image" not in meta and "twitter:image" not in meta
    assert meta["twitter:card"] == "summary"
    ld = json.loads(named.xpath("//script[@type='application/ld+json']")[0].text)
    assert ld["isBasedOn"] == [] and "image" not in ld


def test_safe_sources_keep_their_links(site_dir: Path) -> None:
    mixed = lxml.html.fromstring((site_dir / MIXED.slug / "index.html").read_bytes())
    hrefs = mixed.xpath("//footer[@class='sources']//a/@href")
    assert hrefs == [SAFE_SOURCE]
    assert "Refused first" in mixed.xpath("//footer[@class='sources']")[0].text_content()
    bridge = lxml.html.fromstring((site_dir / BRIDGE.slug / "index.html").read_bytes())
    assert bridge.xpath("//blockquote/@cite")[0] == SAFE_SOURCE
    assert bridge.xpath("//meta[@property='og:image']/@content") == [BRIDGE.image]

    feed = json.loads((site_dir / "feed.json").read_bytes())
    items = {
        item["url"].removeprefix(SITE.base_url + "/").rstrip("/"): item for item in feed["items"]
    }
    assert items[MIXED.slug]["external_url"] == SAFE_SOURCE  # the first source it may link
    assert items[BRIDGE.slug]["image"] == BRIDGE.image
    assert "external_url" not in items[SLUGS[0]] and "image" not in items[SLUGS[0]]
    atom = ET.fromstring((site_dir / "atom.xml").read_bytes())
    related = [
        link.get("href")
        for link in atom.iter("{http://www.w3.org/2005/Atom}link")
        if link.get("rel") == "related"
    ]
    assert set(related) == {SAFE_SOURCE}  # the only linkable source URL of these pages
    # Source pages group by linkable outlets only: no page for "evil.example" or "".
    source_dirs = {p.name for p in (site_dir / "sources").iterdir() if p.is_dir()}
    assert source_dirs == {"gazette-example"}


# ---------------------------------------------------------------- in Chromium

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [  # as tests/browser/conftest.py launches it
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# What Chromium says when a page tries a local file or a data: top-level navigation.
REFUSED_NAVIGATION = ("Not allowed to load local resource", "Not allowed to navigate top frame")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a tab closed mid-response: expected here, not worth a traceback


@pytest.fixture(scope="module")
def server(site_dir: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(site_dir.resolve()))
    httpd = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's /usr/bin/chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is missing")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@dataclass
class Watch:
    """Everything a browsing context did that a hostile link could cause."""

    origin: str
    found: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)  # http(s) requests to other sites

    def attach(self, context: Any) -> None:
        # Nothing leaves loopback: other sites get a blank page, so a click on an
        # "Original source" link still navigates (to an http(s) URL) without a network.
        context.route(lambda url: not url.startswith(self.origin + "/"), self._route)
        context.on("request", self._request)
        context.on("page", self._page)

    def _route(self, route: Any) -> None:
        self.elsewhere.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<p>elsewhere</p>")

    def _request(self, request: Any) -> None:
        if urlsplit(request.url).scheme not in ("http", "https"):
            self.found.append(f"request to {request.url}")

    def _page(self, page: Any) -> None:
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("framenavigated", self._navigated)

    def _dialog(self, dialog: Any) -> None:
        self.found.append(f"dialog {dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, message: Any) -> None:
        if any(text in message.text for text in REFUSED_NAVIGATION):
            self.found.append(f"refused navigation: {message.text}")

    def _navigated(self, frame: Any) -> None:
        if urlsplit(frame.url).scheme not in ("http", "https", "about"):
            self.found.append(f"navigation to {frame.url}")


def _click(page: Any, index: int) -> None:
    # element.click() follows the link as a reader's click does (hidden links count too);
    # from a timer, so evaluate() returns before any navigation starts.
    page.evaluate(
        "i => { setTimeout(() => document.querySelectorAll('a, area')[i].click()) }", index
    )


def _link_key(origin: str, page_url: str, href: str, index: int) -> str:
    """Links that behave alike share a key, and only the first of them is clicked.

    "#note-1" is the same harmless jump on every article; links to another site differ
    only by query (each page's share links) go to the same place. Scheme, host and path
    are kept, so every distinct source link is still clicked.
    """
    if not href:
        return f"{page_url}#{index}"
    if href.startswith("#"):
        return href
    target = urljoin(page_url, href)
    if target.startswith(origin + "/"):
        return target
    parts = urlsplit(target)
    return f"{parts.scheme}:{parts.netloc}{parts.path}" if parts.netloc else target


def _click_every_link(context: Any, origin: str, paths: list[str]) -> int:
    """Click each distinct link of each page once; returns how many were clicked.

    A link that leaves the page is clicked in a tab of its own, closed afterwards, so a
    slow navigation can never land on another click's page. A page's tabs are clicked
    together and then waited for once.
    """
    seen: set[str] = set()
    clicked = 0
    probe = context.new_page()
    for path in paths:
        url = origin + path
        probe.goto(url)
        hrefs = probe.eval_on_selector_all(
            "a, area", "els => els.map(e => e.getAttribute('href') || '')"
        )
        leaving = []
        for index, href in enumerate(hrefs):
            key = _link_key(origin, url, href, index)
            if key in seen:
                continue
            seen.add(key)
            clicked += 1
            if href.startswith("#"):
                _click(probe, index)
            else:
                leaving.append(index)
        tabs = []
        for index in leaving:
            tab = context.new_page()
            tab.goto(url)
            _click(tab, index)
            tabs.append(tab)
        probe.wait_for_timeout(200)
        for other in context.pages:  # the tabs and any window they opened (target=_blank)
            if other is not probe:
                other.close()
    probe.close()
    return clicked


def _reader_pages(site_dir: Path) -> list[str]:
    """Each JSON Feed item's content_html as a page, as a feed reader would show it."""
    reader = site_dir / "reader"
    reader.mkdir(exist_ok=True)
    paths = []
    for n, item in enumerate(json.loads((site_dir / "feed.json").read_bytes())["items"]):
        (reader / f"{n}.html").write_text(
            f"<!doctype html><meta charset=utf-8><body>{item['content_html']}</body>"
        )
        paths.append(f"/reader/{n}.html")
    return paths


@pytest.mark.slow
def test_chromium_runs_no_hostile_link(browser: Any, server: str, site_dir: Path) -> None:
    context = browser.new_context(bypass_csp=True)  # test the markup, not the CSP
    watch = Watch(server)
    watch.attach(context)
    try:
        paths = [f"/{slug}/" for slug in SLUGS] + ["/", "/sources/"] + _reader_pages(site_dir)
        clicked = _click_every_link(context, server, paths)
        assert clicked > 20
        feeds = context.new_page()
        for feed in ("/feed.xml", "/atom.xml", "/feed.json"):
            feeds.goto(server + feed)
            feeds.wait_for_timeout(50)
        feeds.close()
    finally:
        context.close()
    assert not watch.found, "\n".join(watch.found)
    # The clicks really follow links: the one linkable source was reached (over http(s)).
    assert any(url.startswith(SAFE_SOURCE) for url in watch.elsewhere), watch.elsewhere


@pytest.mark.slow
def test_chromium_watch_sees_a_hostile_link(browser: Any, server: str, site_dir: Path) -> None:
    """The check above can fail: a page with the links the publisher refuses trips it."""
    links = "".join(
        f'<a href="{html.escape(url)}">x</a>'
        for url in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,<b>x</b>")
    )
    (site_dir / "control.html").write_text(f"<!doctype html><body>{links}</body>")
    context = browser.new_context(bypass_csp=True)
    watch = Watch(server)
    watch.attach(context)
    try:
        _click_every_link(context, server, ["/control.html"])
    finally:
        context.close()
        (site_dir / "control.html").unlink()
    found = "\n".join(watch.found)
    assert "dialog alert: 1" in found
    assert "file:///etc/passwd" in found
    assert "data:" in found or "navigate top frame" in found
