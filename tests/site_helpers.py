"""Fixtures for the tests of the built site: one strict build, a local server, one Chromium.

Registered by `pytest_plugins` in conftest.py, so every test module gets `built_site`, `site_url`,
`browser` and `open_page` without importing them. Helpers (`mkdocs_build`, `serve_directory`,
`parse_html`, `artifact`, `npm_package_file`) are imported by the modules that need them.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import importlib.util
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

PROJECT_DIR = Path(__file__).resolve().parent.parent
ARTIFACTS = PROJECT_DIR / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Quiet and self-contained: no sandbox (containers lack the namespaces), and no background traffic
# that would show up among the page's requests or slow the start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LOCAL_HOST = "127.0.0.1"
# The two devices the browser tests use.
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
}
# Reads the clipboard until the copy has landed there (the write is asynchronous), for at most 5 s.
READ_CLIPBOARD = """async () => {
    for (let i = 0; i < 100; i++) {
        const text = await navigator.clipboard.readText();
        if (text) return text;
        await new Promise(resolve => setTimeout(resolve, 50));
    }
    return "";
}"""


# --- Building -----------------------------------------------------------------------------------

TINY_SITE_CONFIG = """\
site_name: {name}
theme:
  name: material
  font: false
  features:
    - content.code.copy
plugins:
  - search
  - docker-notes
markdown_extensions:
  - pymdownx.superfences
  - pymdownx.highlight
  - pymdownx.details
"""


def build_tiny_site(project: Path, note: str, name: str = "Tiny notes") -> Path:
    """A one-page site (the note as its home page) with the plugin, built strictly; its site dir."""
    (project / "docs").mkdir()
    (project / "mkdocs.yml").write_text(TINY_SITE_CONFIG.format(name=name), encoding="utf-8")
    (project / "docs" / "index.md").write_text(note, encoding="utf-8")
    mkdocs_build(project / "mkdocs.yml", project / "site")
    return project / "site"


@functools.cache
def bench_corpus() -> ModuleType:
    """bench/corpus.py, which generates notes corpora (a script's module, not a package's)."""
    spec = importlib.util.spec_from_file_location("bench_corpus", PROJECT_DIR / "bench/corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up by name while the class is being made.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def mkdocs_build(config_file: Path, site_dir: Path) -> None:
    """`mkdocs build --strict`, in a subprocess so that its logging cannot leak into the test's."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    # The hosting address adds a canonical link to another host; the site under test is the one
    # `make build` makes without it.
    env.pop("SITE_URL", None)
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file"]
    command += [str(config_file), "--site-dir", str(site_dir)]
    result = subprocess.run(
        command,
        cwd=config_file.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"mkdocs build --strict of {config_file} failed ({result.returncode}):\n"
            f"{result.stdout}{result.stderr}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's own site, built once per test session."""
    site = tmp_path_factory.mktemp("site")
    mkdocs_build(PROJECT_DIR / "mkdocs.yml", site)
    return site


# --- Serving ------------------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


# What static hosts (GitHub Pages among them) send gzip-compressed; images are compressed already.
_COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


class _CompressingHandler(_QuietHandler):
    """Sends text gzip-compressed to a client that accepts it, so that the bytes a test counts are
    those a reader's browser would download from the host."""

    def do_GET(self) -> None:
        body = self._send_compressed_head()
        if body is None:
            super().do_GET()
        else:
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        if self._send_compressed_head() is None:
            super().do_HEAD()

    def _send_compressed_head(self) -> bytes | None:
        if "gzip" not in self.headers.get("Accept-Encoding", ""):
            return None
        path = Path(self.translate_path(self.path))
        if path.is_dir() and urlsplit(self.path).path.endswith("/"):
            path = path / "index.html"
        if not path.is_file():
            return None  # a redirect to "dir/" or a 404: the plain handler's answer
        content_type = self.guess_type(str(path))
        if not content_type.startswith(_COMPRESSIBLE):
            return None
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return body


class ThreadingServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser closing a kept-alive connection mid-response is normal, not a test failure.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve_directory(directory: Path, *, compress: bool = False) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 on a free port; yields the base URL (ending in "/").

    With `compress`, text goes out gzip-compressed as a static host sends it.
    """
    handler_class = _CompressingHandler if compress else _QuietHandler
    handler = functools.partial(handler_class, directory=str(directory))
    server = ThreadingServer((LOCAL_HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    with serve_directory(built_site) as url:
        yield url


# --- The browser --------------------------------------------------------------------------------


def _unavailable(reason: str, *, module_level: bool = False) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the browser tests must run)", pytrace=False)
    pytest.skip(reason, allow_module_level=module_level)


def import_playwright() -> ModuleType:
    """`playwright.sync_api`, for a browser test module to import at its top."""
    try:
        import playwright.sync_api
    except ImportError as e:
        _unavailable(f"Playwright's Python package is not installed: {e}", module_level=True)
    return playwright.sync_api


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium for the whole session; skipped (an error under CI) when it cannot start."""
    sync_api = import_playwright()
    if not Path(CHROMIUM).is_file():
        _unavailable(f"no Chromium at {CHROMIUM} (set CHROMIUM_PATH to another binary)")
    playwright = sync_api.sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000
        )
    except sync_api.Error as e:
        playwright.stop()
        _unavailable(f"Chromium at {CHROMIUM} did not start: {e.message.splitlines()[0]}")
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@dataclass
class PageWatch:
    """What a page did that a test wants to hold it to: its requests and its errors."""

    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def offsite(self) -> list[str]:
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).hostname != LOCAL_HOST
        ]

    def assert_clean(self) -> None:
        assert self.requests, "the page made no request at all"
        assert not self.offsite(), f"requests that left {LOCAL_HOST}: {self.offsite()}"
        assert not self.failed, f"failed requests: {self.failed}"
        assert not self.console_errors, f"console errors: {self.console_errors}"
        assert not self.page_errors, f"uncaught page errors: {self.page_errors}"


def _watch(page: Page) -> PageWatch:
    watch = PageWatch()
    page.on("request", lambda r: watch.requests.append(r.url))
    page.on("requestfailed", lambda r: watch.failed.append(f"{r.url}: {r.failure}"))
    page.on(
        "response",
        lambda r: watch.failed.append(f"{r.url}: HTTP {r.status}") if r.status >= 400 else None,
    )
    page.on(
        "console",
        lambda m: (
            watch.console_errors.append(f"{m.text} ({m.location})") if m.type == "error" else None
        ),
    )
    page.on("pageerror", lambda e: watch.page_errors.append(str(e)))
    return watch


OpenPage = Callable[..., "tuple[Page, PageWatch]"]


@pytest.fixture
def open_page(browser: Browser) -> Iterator[OpenPage]:
    """`open_page(url, **context_options)`: a fresh context and page, watched, at `url` loaded.

    The context may read and write the clipboard of the URL's origin; it defaults to a 1280×800
    light-scheme desktop.
    """
    import_playwright().expect.set_options(timeout=10_000)
    contexts = []

    def _open(url: str, **options: Any) -> tuple[Page, PageWatch]:
        options.setdefault("viewport", {"width": 1280, "height": 800})
        options.setdefault("color_scheme", "light")
        context = browser.new_context(**options)
        contexts.append(context)
        parts = urlsplit(url)
        context.grant_permissions(
            ["clipboard-read", "clipboard-write"], origin=f"{parts.scheme}://{parts.netloc}"
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        watch = _watch(page)
        page.goto(url, wait_until="load")
        return page, watch

    yield _open
    for context in contexts:
        context.close()


# The command lines of the notes page (docs/docker.md), in order.
NOTES_COMMANDS = ["docker run hello-world", "docker run -it ubuntu bash", "docker pull busybox"]


def open_notes(open_page: OpenPage, site_url: str, **options: Any) -> tuple[Page, PageWatch]:
    """The notes page, once the blocks' script has set up every command block."""
    page, watch = open_page(site_url + "docker/", **options)
    # The script marks each block it has set up.
    ready = page.locator(".dn-cmd[data-dn-ready]")
    import_playwright().expect(ready).to_have_count(len(NOTES_COMMANDS))
    return page, watch


def block_of(page: Page, command: str) -> Locator:
    return page.locator(f'.dn-cmd:has(> .highlight[data-copy="{command}"])')


def npm_package_file(request: pytest.FixtureRequest, package: str, version: str, file: str) -> Path:
    """`file` of the npm package `package`@`version`, installed once into pytest's cache folder
    (.pytest_cache, git-ignored), or for this session only when the cache is disabled.

    Skipped (an error under CI) when npm is missing or the install fails.
    """
    name = f"npm-{package}-{version}"
    cache = getattr(request.config, "cache", None)  # None under `-p no:cacheprovider`
    if cache is not None:
        prefix = cache.mkdir(name)
    else:
        prefix = request.getfixturevalue("tmp_path_factory").mktemp(name)
    installed = prefix / "node_modules" / package / file
    if installed.is_file():
        return installed
    npm = shutil.which("npm")
    if npm is None:
        _unavailable(f"npm is not installed, so {package} cannot be installed")
    command = [npm, "install", "--prefix", str(prefix), "--no-save", "--no-package-lock"]
    command += ["--no-audit", "--no-fund", "--loglevel=error", f"{package}@{version}"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    if result.returncode != 0 or not installed.is_file():
        _unavailable(f"npm install {package}@{version} failed:\n{result.stdout}{result.stderr}")
    return installed


def artifact(relative: str) -> Path:
    """A path under artifacts/ at the repository root (git-ignored), its folder created."""
    path = ARTIFACTS / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


# --- Reading HTML -------------------------------------------------------------------------------

_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)


@dataclass(eq=False)
class Element:
    """A minimal DOM node: enough to ask the built HTML the questions a browser would answer."""

    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    def iter(self) -> Iterator[Element]:
        """This element and every element under it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(
        self, tag: str | None = None, cls: str | None = None, **attrs: str
    ) -> list[Element]:
        """Descendants by tag, class and attributes (`data_copy=` matches `data-copy`)."""
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        return [
            e
            for e in self.iter()
            if e is not self
            and (tag is None or e.tag == tag)
            and (cls is None or cls in e.classes)
            and all(e.attrs.get(k) == v for k, v in wanted.items())
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag or '*'}> class={cls!r} {attrs} under <{self.tag} {self.attrs}>"
        return found[0]

    def elements(self) -> list[Element]:
        return [c for c in self.children if isinstance(c, Element)]

    def next_element(self) -> Element | None:
        assert self.parent is not None
        siblings = self.parent.elements()
        index = siblings.index(self)
        return siblings[index + 1] if index + 1 < len(siblings) else None

    def raw_text(self, skip: Callable[[Element], bool] | None = None) -> str:
        """The text as written, without the elements `skip` says to leave out."""
        return "".join(
            c if isinstance(c, str) else "" if skip and skip(c) else c.raw_text(skip)
            for c in self.children
        )

    @property
    def text(self) -> str:
        """The text with whitespace collapsed, as a reader sees it."""
        return " ".join(self.raw_text().split())


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def _add(self, tag: str, attrs: list[tuple[str, str | None]]) -> Element:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.stack[-1])
        self.stack[-1].children.append(element)
        return element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = self._add(tag, attrs)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def explanation_item(page: Any, token: Any) -> Any:
    """The list item holding a token's explanation: its own, or the earlier one on the page it
    refers to (an explanation is given once per page)."""
    item = page.locator(f"li.dn-x#{token.get_attribute('data-dn')}")
    same = item.get_attribute("data-dn-same")
    return page.locator(f"li.dn-x#{same}") if same else item
