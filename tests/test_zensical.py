"""The same docs built with Zensical (tools/zensical_build.py): the command blocks, which are a
Python-Markdown extension and so run there too, with their explanations, and both screenshots.

Zensical gets its own virtual environment (.venv-zensical), made once and reused while
pyproject.toml is unchanged. Where Zensical cannot be installed the tests skip, and fail under CI.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote, urljoin, urlsplit

import pytest

import docker_notes
from site_helpers import PROJECT_DIR, Element, parse_html

pytestmark = pytest.mark.zensical

TOOL = PROJECT_DIR / "tools" / "zensical_build.py"
COMMANDS = ["docker run hello-world", "docker run -it ubuntu bash", "docker pull busybox"]
RUN_IT = "docker run -it ubuntu bash"
SCREENSHOTS = ["_resources/2020-07-22-01-16-49.png", "_resources/2020-07-22-01-17-13.png"]
ASSETS = Path(docker_notes.__file__).parent / "assets"


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("zensical_build", TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up by name while the class is being made.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


tool = load_tool()


@pytest.fixture(scope="session")
def zensical_env(request: pytest.FixtureRequest) -> object:
    """Zensical's venv: made (about 10 s) on the first run after pyproject.toml changed."""
    try:
        env = tool.ensure_environment()
    except tool.Unavailable as e:
        if os.environ.get("CI"):
            pytest.fail(f"{e}\n(CI is set, so the Zensical tests must run)", pytrace=False)
        pytest.skip(f"Zensical cannot be installed here: {str(e).splitlines()[-1]}")
    how = "reused" if env.reused else f"made in {env.seconds:.1f} s"
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\nZensical {env.zensical_version}: {tool.DEFAULT_VENV.name} {how}"
            )
    return env


def run_tool(out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The tool as a person runs it, from the project's Python."""
    return subprocess.run(
        [sys.executable, str(TOOL), "--out", str(out), *args],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def zensical_site(zensical_env: object, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("zensical")
    result = run_tool(out)
    assert result.returncode == 0, f"the Zensical build failed:\n{result.stdout}{result.stderr}"
    site = out / "site"
    assert f"Site: {site}" in result.stdout
    return site


@pytest.fixture(scope="module")
def notes(zensical_site: Path) -> Element:
    return parse_html((zensical_site / "docker" / "index.html").read_text(encoding="utf-8"))


def article(root: Element) -> Element:
    return root.find("article")


def resolve(site: Path, page_url: str, reference: str) -> Path:
    resolved = urlsplit(urljoin(f"http://site.invalid/{page_url}", reference))
    assert resolved.netloc == "site.invalid", f"{reference!r} leaves the site"
    return site / unquote(resolved.path).lstrip("/")


def blocks(root: Element) -> dict[str, Element]:
    """Each command block by the command its copy button copies."""
    found: dict[str, Element] = {}
    for block in root.find_all("div", cls="dn-cmd"):
        (highlight,) = [e for e in block.find_all("div") if e.get("data-copy")]
        found[highlight.attrs["data-copy"]] = block
    return found


def explanations(block: Element) -> dict[str, Element]:
    """The block's explanation items by the token they explain."""
    items = {li.attrs["id"]: li for li in block.find_all("li", cls="dn-x")}
    return {t.text: items[t.attrs["data-dn"]] for t in block.find_all("span", cls="dn-t")}


def test_the_notes_page_has_the_three_command_blocks_in_order(notes: Element) -> None:
    assert list(blocks(article(notes))) == COMMANDS
    # No command line was left behind as a quote.
    assert not article(notes).find_all("blockquote")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_token_of_each_command_has_its_explanation(notes: Element, command: str) -> None:
    block = blocks(notes)[command]
    tokens = block.find("code").find_all("span", cls="dn-t")
    assert " ".join(t.text for t in tokens) == command
    items = {li.attrs["id"]: li for li in block.find_all("li", cls="dn-x")}
    assert len(items) == len(tokens)
    on_page = {li.attrs["id"]: li for li in article(notes).find_all("li", cls="dn-x")}
    for token in tokens:
        item = items[token.attrs["data-dn"]]
        assert item.find("code", cls="dn-x__tok").text.startswith(token.text)
        # A token explained earlier on the page links to that explanation instead of repeating it.
        if same := item.attrs.get("data-dn-same"):
            assert item.find("a", cls="dn-x__same").attrs["href"] == f"#{same}"
            item = on_page[same]
            assert item.find("code", cls="dn-x__tok").text.startswith(token.text)
        assert item.find(cls="dn-x__text").text, f"{token.text!r} is not explained"
    assert block.find("details", cls="dn-explain").find("summary").text


def test_the_it_option_and_the_ubuntu_image_are_explained(notes: Element) -> None:
    items = explanations(blocks(notes)[RUN_IT])
    it = items["-it"]
    assert "dn-x--option" in it.classes
    details = [li.text for li in it.find("ul", cls="dn-x__details").find_all("li")]
    assert [d.split()[0] for d in details] == ["-i", "-t"], details
    assert "--interactive" in details[0] and "--tty" in details[1], details
    ubuntu = items["ubuntu"]
    assert "dn-x--image" in ubuntu.classes
    assert "image" in ubuntu.find(cls="dn-x__label").text
    hrefs = [a.get("href") for a in ubuntu.find_all("a")]
    assert "https://hub.docker.com/_/ubuntu" in hrefs


def test_the_explanations_are_those_mkdocs_shows(notes: Element, built_site: Path) -> None:
    """The same extension makes the blocks under Zensical and under MkDocs (through the plugin):
    readers get the same text either way."""
    mkdocs = parse_html((built_site / "docker" / "index.html").read_text(encoding="utf-8"))
    for command, block in blocks(notes).items():
        ours = {token: li.text for token, li in explanations(block).items()}
        theirs = {token: li.text for token, li in explanations(blocks(mkdocs)[command]).items()}
        assert ours == theirs, command


def test_both_screenshots_are_in_the_site_and_on_the_page(
    zensical_site: Path, notes: Element
) -> None:
    images = article(notes).find_all("img")
    shown = sorted(resolve(zensical_site, "docker/", img.attrs["src"]) for img in images)
    assert shown == sorted(zensical_site / name for name in SCREENSHOTS)
    for name in SCREENSHOTS:
        assert (zensical_site / name).read_bytes() == (PROJECT_DIR / "docs" / name).read_bytes()


def test_the_blocks_css_and_javascript_are_shipped_and_loaded(
    zensical_site: Path, notes: Element
) -> None:
    styles = [resolve(zensical_site, "docker/", e.attrs["href"]) for e in notes.find_all("link")]
    scripts = [
        resolve(zensical_site, "docker/", e.attrs["src"])
        for e in notes.find_all("script")
        if e.get("src")
    ]
    names = sorted(p.name for p in ASSETS.iterdir() if p.suffix in (".css", ".js"))
    assert names
    for name in names:
        shipped = zensical_site / "assets" / "docker-notes" / name
        assert shipped.read_bytes() == (ASSETS / name).read_bytes()
        assert shipped in (styles if name.endswith(".css") else scripts), f"{name} is not loaded"


def test_what_zensical_lacks_is_added_to_a_generated_copy_of_the_config(
    zensical_site: Path,
) -> None:
    generated = (zensical_site.parent / "project" / "mkdocs.yml").read_text(encoding="utf-8")
    assert "\n- docker_notes\n" in generated
    assert "\n- docker_notes.structure\n" in generated  # the notes' CommonMark structure
    assert "- assets/docker-notes/commands.css" in generated
    assert "- assets/docker-notes/commands.js" in generated


def test_a_command_warning_fails_the_strict_zensical_build(
    zensical_env: object, tmp_path: Path
) -> None:
    """Zensical does not count the extension's warnings; the tool does, as `mkdocs --strict`."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Typo\n\n> Docker run hello-world\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Typo\ntheme:\n  name: material\n")

    strict = run_tool(tmp_path / "out", "--config-file", str(config))
    assert strict.returncode != 0, strict.stdout + strict.stderr
    assert "`Docker run` is not a command" in strict.stderr
    assert "1 warning(s) from the command blocks" in strict.stderr

    lenient = run_tool(tmp_path / "out", "--config-file", str(config), "--no-strict")
    assert lenient.returncode == 0, lenient.stdout + lenient.stderr
    assert (tmp_path / "out" / "site" / "index.html").is_file()
