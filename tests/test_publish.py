"""Publishing: the Pages workflow, a site that works under a sub-path and from a plain static server,
and builds that give the same files twice."""

from __future__ import annotations

import concurrent.futures
import gzip
import http.server
import io
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml

from site_helpers import (
    LOCAL_HOST,
    PROJECT_DIR,
    Element,
    ThreadingServer,
    import_playwright,
    parse_html,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

WORKFLOW = PROJECT_DIR / ".github" / "workflows" / "pages.yml"
# The address GitHub Pages gives a project site: the repository's name is a path under the host.
HOSTED = "https://user.github.io/repo/"
PREFIX = urlsplit(HOSTED).path
SCREENSHOTS = ["2020-07-22-01-16-49.png", "2020-07-22-01-17-13.png"]
# MkDocs stamps the build's day (or SOURCE_DATE_EPOCH's) as every page's <lastmod> in the sitemap,
# and as the mtime in the header of its gzipped copy; nothing else in the site depends on the date.
DATE_STAMPED = {"sitemap.xml", "sitemap.xml.gz"}
# Any fixed moment not today: 2001-02-03 12:34:56 UTC.
EPOCH = 981203696
ACTION_VERSION = re.compile(r"^[\w.-]+/[\w.-]+@v\d+$")


# --- Building -----------------------------------------------------------------------------------


def build(site_dir: Path, **env: str) -> Path:
    """`mkdocs build --strict` of the project into `site_dir`, with exactly the given SITE_URL and
    SOURCE_DATE_EPOCH (unset unless given)."""
    environ = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "SOURCE_DATE_EPOCH")}
    environ.update(env, NO_MKDOCS_2_WARNING="1")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"]
    command += ["--config-file", str(PROJECT_DIR / "mkdocs.yml"), "--site-dir", str(site_dir)]
    result = subprocess.run(
        command, cwd=PROJECT_DIR, env=environ, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stdout}{result.stderr}"
    return site_dir


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Four builds for hosting, in different folders: two as on any day, two at a fixed date."""
    root = tmp_path_factory.mktemp("builds")
    jobs: dict[str, dict[str, str]] = {
        "today": {"SITE_URL": HOSTED},
        "today again": {"SITE_URL": HOSTED},
        "dated": {"SITE_URL": HOSTED, "SOURCE_DATE_EPOCH": str(EPOCH)},
        "dated again": {"SITE_URL": HOSTED, "SOURCE_DATE_EPOCH": str(EPOCH)},
    }
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            name: pool.submit(build, root / name.replace(" ", "-"), **env)
            for name, env in jobs.items()
        }
        return {name: future.result() for name, future in futures.items()}


@pytest.fixture(scope="module")
def hosted_site(builds: dict[str, Path]) -> Path:
    """The site as the workflow builds it for https://user.github.io/repo/."""
    return builds["today"]


def html_pages(site: Path) -> list[Path]:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 3, pages
    return pages


def references(root: Element) -> list[tuple[Element, str]]:
    """Every URL the page refers to: links, scripts, images, sources, frames, forms."""
    found = []
    for e in root.iter():
        for name in ("href", "src", "action", "poster"):
            if e.get(name):
                found.append((e, e.attrs[name]))
        for candidate in (e.get("srcset") or "").split(","):
            if candidate.strip():
                found.append((e, candidate.split()[0]))
    return found


def site_file(site: Path, page: Path, reference: str) -> Path:
    page_url = "http://site.invalid/" + page.relative_to(site).as_posix()
    path = unquote(urlsplit(urljoin(page_url, reference)).path).lstrip("/")
    target = site / path
    return target / "index.html" if target.is_dir() else target


# --- The workflow -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    loaded = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as the boolean true.
    value = workflow.get("on", workflow.get(True))
    assert isinstance(value, dict), f"`on` should be a mapping of events: {value!r}"
    return value


def step_index(steps: list[dict[str, Any]], test: Callable[[dict[str, Any]], bool]) -> int:
    found = [i for i, step in enumerate(steps) if test(step)]
    assert len(found) == 1, f"{len(found)} steps match, expected one: {[steps[i] for i in found]}"
    return found[0]


def uses(action: str) -> Callable[[dict[str, Any]], bool]:
    return lambda step: str(step.get("uses", "")).split("@")[0] == action


def runs(command: str) -> Callable[[dict[str, Any]], bool]:
    pattern = re.compile(rf"(^|[\s;&|]){re.escape(command)}(\s|$)", re.MULTILINE)
    return lambda step: bool(pattern.search(str(step.get("run", ""))))


def step_output(expression: str) -> tuple[str, str] | None:
    """(step id, output name) of a `${{ steps.ID.outputs.NAME }}` expression."""
    found = re.fullmatch(r"\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}", expression)
    return (found.group(1), found.group(2)) if found else None


def permissions(workflow: dict[Any, Any], job: str) -> dict[str, str]:
    """A job's own permissions replace the workflow's; they do not add to them."""
    return dict(workflow["jobs"][job].get("permissions", workflow.get("permissions", {})))


def makefile_recipe(target: str) -> list[str]:
    lines = (PROJECT_DIR / "Makefile").read_text(encoding="utf-8").splitlines()
    start = lines.index(next(ln for ln in lines if ln.startswith(f"{target}:")))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def test_the_workflow_publishes_every_push_to_main_and_runs_by_hand(
    workflow: dict[Any, Any],
) -> None:
    on = triggers(workflow)
    assert set(on) == {"push", "workflow_dispatch"}
    assert on["push"] == {"branches": ["main"]}


def test_the_jobs_have_the_permissions_and_the_concurrency_pages_needs(
    workflow: dict[Any, Any],
) -> None:
    assert set(workflow["jobs"]) == {"build", "deploy"}
    deploy = permissions(workflow, "deploy")
    assert deploy.get("pages") == "write" and deploy.get("id-token") == "write", deploy
    # Nothing writes to the repository itself.
    for job in workflow["jobs"]:
        assert permissions(workflow, job).get("contents") in ("read", None), job
        assert "write-all" not in str(workflow["jobs"][job].get("permissions", ""))
    assert workflow.get("permissions") == {
        "contents": "read",
        "pages": "write",
        "id-token": "write",
    }
    # A newer push waits for the deployment in progress instead of cancelling it halfway.
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_the_build_job_tests_then_builds_strictly_for_the_pages_address_and_uploads_the_site(
    workflow: dict[Any, Any],
) -> None:
    steps = workflow["jobs"]["build"]["steps"]
    checkout = step_index(steps, uses("actions/checkout"))
    python = step_index(steps, uses("actions/setup-python"))
    chromium = step_index(steps, runs("apt-get install -y chromium"))
    test = step_index(steps, runs("make test"))
    pages = step_index(steps, uses("actions/configure-pages"))
    build_ = step_index(steps, runs("make build"))
    upload = step_index(steps, uses("actions/upload-pages-artifact"))
    assert checkout < python < chromium < test < pages < build_ < upload

    assert str(steps[python]["with"]["python-version"]) == "3.11"
    # CI set: the browser and Zensical tests must run, not skip.
    assert str(steps[test].get("env", {}).get("CI")).lower() == "true"
    # The same command as the project's own CI.
    assert (PROJECT_DIR / ".ci" / "run").read_text().rstrip().splitlines()[-1] == "make test"

    pages_id = steps[pages]["id"]
    assert step_output(steps[build_]["env"]["SITE_URL"]) == (pages_id, "base_url")
    assert "SOURCE_DATE_EPOCH" in steps[build_]["run"]
    assert any("mkdocs build --strict" in line for line in makefile_recipe("build"))
    assert "--site-dir" not in " ".join(makefile_recipe("build"))
    assert steps[upload]["with"] == {"path": "site"}
    site_dir = re.search(r"(?m)^site_dir:\s*(\S+)", (PROJECT_DIR / "mkdocs.yml").read_text())
    assert site_dir and site_dir.group(1) == "site"


def test_the_deploy_job_publishes_the_uploaded_site_to_the_pages_environment(
    workflow: dict[Any, Any],
) -> None:
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] in ("build", ["build"])
    (step,) = deploy["steps"]
    assert uses("actions/deploy-pages")(step)
    assert deploy["environment"]["name"] == "github-pages"
    assert step_output(deploy["environment"]["url"]) == (step["id"], "page_url")


def test_every_action_is_an_official_one_pinned_to_a_major_version(
    workflow: dict[Any, Any],
) -> None:
    actions = [s["uses"] for job in workflow["jobs"].values() for s in job["steps"] if "uses" in s]
    assert len(actions) == 5
    for action in actions:
        assert action.startswith("actions/") and ACTION_VERSION.match(action), action


def actionlint() -> str | None:
    # `make test` runs pytest with the venv's Python, not with the venv on PATH.
    beside = Path(sys.executable).parent / "actionlint"
    return str(beside) if beside.is_file() else shutil.which("actionlint")


def test_actionlint_finds_nothing_in_the_workflows() -> None:
    binary = actionlint()
    if binary is None:
        message = "actionlint is not installed (it comes with the test extras)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI is set, so it must run", pytrace=False)
        pytest.skip(message)
    result = subprocess.run(
        [binary, "-color=false", str(WORKFLOW)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- The sitemap and the 404 page ---------------------------------------------------------------


def sitemap_locations(text: str) -> list[str]:
    return re.findall(r"<loc>([^<]*)</loc>", text)


def test_the_sitemap_lists_every_page_at_the_hosting_address(hosted_site: Path) -> None:
    text = (hosted_site / "sitemap.xml").read_text(encoding="utf-8")
    folders = [
        p.parent.relative_to(hosted_site).as_posix()
        for p in html_pages(hosted_site)
        if p.name == "index.html"
    ]
    expected = sorted(HOSTED if f == "." else f"{HOSTED}{f}/" for f in folders)
    assert sorted(sitemap_locations(text)) == expected
    assert HOSTED + "docker/" in expected
    with gzip.open(hosted_site / "sitemap.xml.gz", "rt", encoding="utf-8") as f:
        assert f.read() == text


def test_without_a_hosting_address_the_sitemap_is_empty_as_mkdocs_makes_it(
    built_site: Path,
) -> None:
    """A sitemap needs absolute URLs: without SITE_URL, MkDocs writes a valid but empty one."""
    text = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<urlset" in text and sitemap_locations(text) == []
    assert gzip.decompress((built_site / "sitemap.xml.gz").read_bytes()).decode() == text
    canonical = parse_html((built_site / "docker" / "index.html").read_text()).find_all(
        "link", rel="canonical"
    )
    assert canonical == []


@pytest.mark.parametrize("which", ["hosted", "plain"])
def test_every_page_but_the_404_refers_to_the_site_relatively(
    request: pytest.FixtureRequest, which: str
) -> None:
    """Relative references work under any sub-path and from any static server; root-absolute ones
    ("/assets/…") only at a host's root."""
    site: Path = request.getfixturevalue("hosted_site" if which == "hosted" else "built_site")
    problems = []
    for page in html_pages(site):
        if page.name == "404.html":
            continue
        root = parse_html(page.read_text(encoding="utf-8"))
        for element, ref in references(root):
            parts = urlsplit(ref)
            where = f"{page.relative_to(site)}: <{element.tag}> {ref}"
            if element.tag == "link" and element.get("rel") == "canonical":
                assert ref.startswith(HOSTED), where
            elif parts.scheme or parts.netloc:
                # Off-site links are for readers to follow; nothing loads from them.
                if element.tag != "a" or ref.startswith(HOSTED):
                    problems.append(where)
            elif ref.startswith("/"):
                problems.append(where)
            elif parts.path and not site_file(site, page, ref).is_file():
                problems.append(f"{where} (no such file)")
        for config in root.find_all("script", id="__config"):
            assert re.search(r'"base":\s*"\.', config.raw_text()), f"{page}: {config.raw_text()}"
    for css in site.rglob("*.css"):
        for ref in re.findall(r"url\(\s*['\"]?(/[^/'\")][^'\")]*)", css.read_text("utf-8")):
            problems.append(f"{css.relative_to(site)}: url({ref})")
    assert not problems, "\n".join(problems)


def test_the_404_page_is_themed_and_rooted_at_the_hosting_path(hosted_site: Path) -> None:
    """GitHub Pages serves 404.html at any depth, so its links are root-absolute, from SITE_URL."""
    page = hosted_site / "404.html"
    root = parse_html(page.read_text(encoding="utf-8"))
    assert root.find("h1").text == "404 - Not found"
    assert root.find(cls="md-header").find(cls="md-header__topic").text.startswith("Docker notes")
    local = []
    for element, ref in references(root):
        if urlsplit(ref).scheme or ref.startswith("#"):
            continue
        assert ref.startswith(PREFIX), f"<{element.tag}> {ref} is not under {PREFIX}"
        local.append(ref)
        target = hosted_site / unquote(urlsplit(ref).path).removeprefix(PREFIX)
        assert target.is_file() or (target / "index.html").is_file(), ref
    styles = {e.get("href", "").rsplit("/", 1)[-1] for e in root.find_all("link", rel="stylesheet")}
    assert {"site.css", "commands.css"} <= styles and any(s.startswith("main.") for s in styles)
    assert any(ref.endswith("/commands.js") for ref in local)
    assert any(re.search(r"/bundle\.[0-9a-f]+\.min\.js$", ref) for ref in local)


def test_without_a_hosting_address_the_404_page_assumes_the_server_root(built_site: Path) -> None:
    root = parse_html((built_site / "404.html").read_text(encoding="utf-8"))
    local = [ref for _, ref in references(root) if not urlsplit(ref).scheme]
    assert local and all(ref.startswith("/") for ref in local), local
    # So a site hosted under a sub-path needs SITE_URL for its 404 page: the workflow sets it.
    assert not any(ref.startswith(PREFIX) for ref in local)


# --- Reproducible builds ------------------------------------------------------------------------


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def without_dates(name: str, data: bytes) -> bytes:
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    return re.sub(rb"<lastmod>[^<]*</lastmod>", b"<lastmod/>", data)


def gzip_mtime(data: bytes) -> int:
    assert data[:2] == b"\x1f\x8b", "not gzip"
    return int.from_bytes(data[4:8], "little")


def test_two_builds_of_one_commit_are_identical_but_for_the_sitemap_dates(
    builds: dict[str, Path],
) -> None:
    first, second = site_files(builds["today"]), site_files(builds["today again"])
    assert sorted(first) == sorted(second)
    assert set(first) >= DATE_STAMPED
    differ = sorted(name for name in first if first[name] != second[name])
    # Built on both sides of midnight (UTC), the sitemap's dates differ and nothing else does.
    assert set(differ) <= DATE_STAMPED, differ
    for name in DATE_STAMPED:
        assert without_dates(name, first[name]) == without_dates(name, second[name])


def test_the_build_date_reaches_only_the_sitemap_and_source_date_epoch_pins_it(
    builds: dict[str, Path],
) -> None:
    today, dated = site_files(builds["today"]), site_files(builds["dated"])
    assert site_files(builds["dated again"]) == dated, "builds at the same date differ"
    differ = {name for name in today if today[name] != dated[name]}
    assert differ == DATE_STAMPED
    day = datetime.fromtimestamp(EPOCH, timezone.utc).date()
    lastmods = re.findall(r"<lastmod>([^<]*)</lastmod>", dated["sitemap.xml"].decode())
    assert lastmods and set(lastmods) == {day.isoformat()}
    midnight = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    assert gzip_mtime(dated["sitemap.xml.gz"]) == int(midnight.timestamp())
    for name in DATE_STAMPED:
        assert without_dates(name, today[name]) == without_dates(name, dated[name])


# --- Under a sub-path, in Chromium --------------------------------------------------------------


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """The site under PREFIX, as GitHub Pages serves a project site: a missing path under the prefix
    gets the site's 404.html with status 404; anything outside the prefix a bare 404."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def translate_path(self, path: str) -> str:
        return super().translate_path("/" + urlsplit(path).path.removeprefix(PREFIX))

    def send_head(self) -> Any:
        path = urlsplit(self.path).path
        if path + "/" == PREFIX:
            self.send_response(301)
            self.send_header("Location", PREFIX)
            self.end_headers()
            return None
        if not path.startswith(PREFIX):
            self.send_error(404)
            return None
        target = Path(self.translate_path(self.path))
        if target.is_dir() and path.endswith("/"):
            target = target / "index.html"
        if not target.exists():
            body = (Path(self.directory) / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)
        return super().send_head()


@contextmanager
def serve_under_prefix(site: Path) -> Iterator[str]:
    """Serve `site` at http://127.0.0.1:PORT/repo/; yields that URL."""

    def handler(*args: Any, **kwargs: Any) -> _SubPathHandler:
        return _SubPathHandler(*args, directory=str(site), **kwargs)

    server = ThreadingServer((LOCAL_HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="sub-path-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_the_sub_path_server_behaves_like_pages(built_site: Path) -> None:
    import urllib.error
    import urllib.request

    def status(url: str) -> int:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as e:
            return e.code

    with serve_under_prefix(built_site) as base:
        origin = base.removesuffix(PREFIX)
        assert status(base + "docker/") == 200
        assert status(base + "_resources/" + SCREENSHOTS[0]) == 200
        assert status(origin + "/docker/") == 404
        assert status(origin + "/") == 404
        assert status(origin + PREFIX.rstrip("/")) == 200  # redirected to the prefix
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "does-not-exist/", timeout=10)
        assert missing.value.code == 404
        assert b"404 - Not found" in missing.value.read()


class Loads:
    """Every request of a page, with its status, and every error it reported."""

    def __init__(self, page: Page) -> None:
        self.statuses: dict[str, int] = {}
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("response", lambda r: self.statuses.__setitem__(r.url, r.status))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url}: {r.failure}"))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location.get('url')})")

    def assert_all_under(self, base: str, *, document: str, document_status: int = 200) -> None:
        loaded = [u for u in self.requests if urlsplit(u).scheme not in ("data", "blob")]
        assert loaded, "the page made no request"
        outside = [u for u in loaded if not u.startswith(base)]
        assert not outside, f"requests outside {base}: {outside}"
        assert not self.failed, f"failed requests: {self.failed}"
        # The browser reports the document's own 404 as a console error; nothing else may fail.
        own = f"the server responded with a status of {document_status} (Not Found) ({document})"
        errors = [e for e in self.errors if document_status == 200 or not e.endswith(own)]
        assert not errors, f"errors: {errors}"
        assert self.statuses.get(document) == document_status, self.statuses
        bad = {u: s for u, s in self.statuses.items() if u != document and s not in (200, 304)}
        assert not bad, f"requests that did not succeed: {bad}"
        unanswered = [u for u in loaded if u not in self.statuses]
        assert not unanswered, f"requests without a response: {unanswered}"


@contextmanager
def new_page(browser: Browser) -> Iterator[tuple[Page, Loads]]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme="light")
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        yield page, Loads(page)
    finally:
        context.close()


STYLESHEETS_LOADED = """() => [...document.querySelectorAll('link[rel=stylesheet]')]
    .map(link => [link.getAttribute('href'), link.sheet ? link.sheet.cssRules.length : -1])"""


def assert_stylesheets_applied(page: Page) -> list[str]:
    sheets = page.evaluate(STYLESHEETS_LOADED)
    assert len(sheets) >= 4, sheets
    empty = [href for href, rules in sheets if rules <= 0]
    assert not empty, f"stylesheets not loaded: {empty}"
    # Material's theme is applied: the header has the primary colour, not the default transparent.
    header = page.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor")
    assert header not in ("rgba(0, 0, 0, 0)", "transparent"), header
    return [href for href, _ in sheets]


@pytest.mark.browser
@pytest.mark.parametrize("which", ["hosted", "plain"])
def test_the_notes_page_loads_every_asset_image_and_the_search_under_a_sub_path(
    request: pytest.FixtureRequest, browser: Browser, which: str
) -> None:
    """Both the site built for hosting and the one `make build` makes without SITE_URL."""
    expect = import_playwright().expect
    site: Path = request.getfixturevalue("hosted_site" if which == "hosted" else "built_site")
    with serve_under_prefix(site) as base, new_page(browser) as (page, loads):
        document = base + "docker/"
        page.goto(document, wait_until="load")
        expect(page.locator("article h1")).to_have_text("Docker")

        images = page.locator("article img")
        expect(images).to_have_count(len(SCREENSHOTS))
        page.wait_for_function(
            """() => [...document.querySelectorAll("article img")]
                .every(img => img.complete && img.naturalWidth > 0 && img.naturalHeight > 0)"""
        )
        for img, name in zip(images.all(), SCREENSHOTS, strict=True):
            src = img.evaluate("img => img.currentSrc")
            assert src == f"{base}_resources/{name}" and loads.statuses.get(src) == 200, src

        hrefs = assert_stylesheets_applied(page)
        assert any(h.endswith("assets/docker-notes/commands.css") for h in hrefs)
        # Our script ran: it readies every command block.
        expect(page.locator(".dn-cmd[data-dn-ready]")).to_have_count(3)
        scripts = page.evaluate(
            "() => [...document.querySelectorAll('script[src]')].map(s => s.src)"
        )
        assert len(scripts) >= 2 and all(loads.statuses.get(s) == 200 for s in scripts), scripts

        # Material's search: its worker loads the index from under the sub-path.
        search = page.locator("input.md-search__input")
        search.click()
        search.press_sequentially("busybox")
        results = page.locator(".md-search-result__item")
        expect(results.first).to_be_visible()
        expect(results.first).to_contain_text("busybox")
        page.wait_for_load_state("networkidle")
        assert loads.statuses.get(base + "search/search_index.json") == 200, loads.statuses
        loads.assert_all_under(base, document=document)


@pytest.mark.browser
@pytest.mark.parametrize("missing", ["does-not-exist/", "docker/gone/deeper.html"])
def test_a_missing_page_under_the_sub_path_gets_the_themed_404_page(
    hosted_site: Path, browser: Browser, missing: str
) -> None:
    expect = import_playwright().expect
    with serve_under_prefix(hosted_site) as base, new_page(browser) as (page, loads):
        document = base + missing
        response = page.goto(document, wait_until="load")
        assert response is not None and response.status == 404
        expect(page.locator("article h1")).to_have_text("404 - Not found")
        expect(page.locator(".md-header__topic").first).to_contain_text("Docker notes")
        hrefs = assert_stylesheets_applied(page)
        assert all(h.startswith(PREFIX) for h in hrefs), hrefs
        expect(page.locator(".md-header__button.md-logo")).to_have_attribute("href", PREFIX + ".")
        page.wait_for_load_state("networkidle")
        loads.assert_all_under(base, document=document, document_status=404)
