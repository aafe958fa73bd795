"""The project's site as `mkdocs build --strict` makes it: the notes, their images, links and commands."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

import docker_notes
from site_helpers import PROJECT_DIR, Element, parse_html

NOTES_URL = "docker/"
SECTIONS = [
    "VM vs container",
    "Difference between an Image and a Container",
    "Docker and Kubernetes",
    "Notes",
    "Docker Volumes",
    "Tutorial",
    "Hello-world",
    "To trigger ubuntu bash",
    "Fetch image from Docker Registry and save on local system - pull command",
    "Note",
    "References",
]
SCREENSHOTS = ["_resources/2020-07-22-01-16-49.png", "_resources/2020-07-22-01-17-13.png"]
COMMANDS = ["docker run hello-world", "docker run -it ubuntu bash", "docker pull busybox"]
PLUGIN_ASSETS = sorted(
    p.name
    for p in (Path(docker_notes.__file__).parent / "assets").iterdir()
    if p.suffix in (".css", ".js")
)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)]*?))\s*\)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def page(site: Path, url: str) -> Element:
    return parse_html((site / url / "index.html").read_text(encoding="utf-8"))


def article(root: Element) -> Element:
    return root.find("article", cls="md-content__inner")


def heading_text(heading: Element) -> str:
    """The heading as written, without the permalink's pilcrow."""
    text = "".join(
        c if isinstance(c, str) else c.raw_text()
        for c in heading.children
        if isinstance(c, str) or "headerlink" not in c.classes
    )
    return " ".join(text.split())


def site_path(site: Path, page_url: str, reference: str) -> Path:
    """The file a reference on the page at `page_url` (relative to the site root) loads."""
    resolved = urlsplit(urljoin(f"http://site.invalid/{page_url}", reference))
    assert resolved.netloc == "site.invalid", f"{reference!r} on {page_url} leaves the site"
    return site / unquote(resolved.path).lstrip("/")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13, f"first chunk is {kind!r}, not IHDR"
    return struct.unpack(">II", data[16:24])


def offsite(reference: str) -> bool:
    reference = reference.strip()
    return bool(re.match(r"(?i)(https?:)?//", reference))


def css_references(css: str) -> list[str]:
    return [
        next(g for g in m.groups() if g is not None)
        for pattern in (_CSS_URL, _CSS_IMPORT)
        for m in pattern.finditer(css)
    ]


@pytest.fixture(scope="module")
def notes(built_site: Path) -> Element:
    return page(built_site, NOTES_URL)


def command_block(notes: Element, command: str) -> Element:
    code_blocks = [
        e for e in notes.find_all("div", cls="highlight") if e.get("data-copy") == command
    ]
    assert len(code_blocks) == 1, f"{len(code_blocks)} code blocks copy {command!r}"
    block = code_blocks[0].parent
    assert block is not None and "dn-cmd" in block.classes, f"{command!r} is not in a div.dn-cmd"
    return block


def test_every_section_of_the_notes_is_a_heading_on_the_notes_page(notes: Element) -> None:
    headings = [
        heading_text(h) for h in article(notes).iter() if h.tag in ("h2", "h3", "h4", "h5", "h6")
    ]
    assert headings == SECTIONS


def test_the_page_title_and_the_nav_name_the_note_not_its_first_section(
    built_site: Path, notes: Element
) -> None:
    title = notes.find("title").text
    assert title.split(" - ")[0] == "Docker", title
    assert "VM vs container" not in title
    assert [h.text for h in article(notes).find_all("h1")] == ["Docker"]

    primary = notes.find("nav", cls="md-nav--primary")
    here = [a.text for a in primary.find_all("a", cls="md-nav__link") if a.get("href") == "./"]
    assert here == ["Docker"]
    home_nav = page(built_site, "").find("nav", cls="md-nav--primary")
    to_notes = [
        a.text for a in home_nav.find_all("a", cls="md-nav__link") if a.get("href") == NOTES_URL
    ]
    assert to_notes == ["Docker"]


def test_both_screenshots_are_in_the_site_as_pngs_and_are_what_the_page_shows(
    built_site: Path, notes: Element
) -> None:
    images = article(notes).find_all("img")
    shown = sorted(site_path(built_site, NOTES_URL, img.attrs["src"]) for img in images)
    assert shown == sorted(built_site / name for name in SCREENSHOTS)
    for path in shown:
        width, height = png_size(path.read_bytes())
        assert width > 0 and height > 0, f"{path.name} is {width}×{height}"
        assert png_size((PROJECT_DIR / "docs" / path.relative_to(built_site)).read_bytes()) == (
            width,
            height,
        )
    # The zoomed view opens the same file the page shows.
    for img in images:
        link = img.parent
        assert link is not None and link.tag == "a" and "glightbox" in link.classes
        assert site_path(built_site, NOTES_URL, link.attrs["href"]) == site_path(
            built_site, NOTES_URL, img.attrs["src"]
        )


def test_nothing_in_the_site_loads_from_another_host(built_site: Path) -> None:
    found: list[str] = []
    html_files = sorted(built_site.rglob("*.html"))
    css_files = sorted(built_site.rglob("*.css"))
    assert len(html_files) >= 3 and css_files
    for path in html_files:
        root = parse_html(path.read_text(encoding="utf-8"))
        refs = [(e.tag, e.get("href")) for e in root.find_all("link")]
        refs += [
            (e.tag, e.get("src"))
            for e in root.iter()
            if e.tag in ("script", "img", "iframe", "source")
        ]
        refs += [
            (e.tag, src.split()[0])
            for e in root.iter()
            for src in (e.get("srcset") or "").split(",")
            if src.strip()
        ]
        refs += [("style", u) for e in root.find_all("style") for u in css_references(e.raw_text())]
        refs += [("style=", u) for e in root.iter() for u in css_references(e.get("style") or "")]
        found += [
            f"{path.relative_to(built_site)}: <{tag}> {ref}"
            for tag, ref in refs
            if ref and offsite(ref)
        ]
    for path in css_files:
        refs = css_references(path.read_text(encoding="utf-8"))
        found += [f"{path.relative_to(built_site)}: url({ref})" for ref in refs if offsite(ref)]
    assert not found, "\n".join(found)


def test_the_css_reader_sees_what_the_offsite_check_relies_on() -> None:
    css = """a{background:url("https://x.test/a.png")} b{background:url( //cdn.test/b.svg )}
    i{mask:url('data:image/svg+xml;utf8,<svg xmlns="http://www.w3.org/2000/svg"/>')}
    @import "https://fonts.test/c.css"; s{background:url(../img/local.png)}"""
    refs = css_references(css)
    assert [r for r in refs if offsite(r)] == [
        "https://x.test/a.png",
        "//cdn.test/b.svg",
        "https://fonts.test/c.css",
    ]
    assert "../img/local.png" in refs


def test_the_search_index_holds_the_notes_commands(built_site: Path) -> None:
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    on_notes = [d for d in index["docs"] if d["location"].startswith(NOTES_URL)]
    assert on_notes, "the notes page is not in the search index"
    assert any("busybox" in d["text"] for d in on_notes)


def test_bare_and_angle_bracket_urls_became_links(notes: Element) -> None:
    links = {a.get("href"): a.text for a in article(notes).find_all("a")}
    for url in (
        "https://docker-curriculum.com/",
        "https://dzone.com/articles/50-useful-docker-tutorials-for-it-professionals-fr",
    ):
        assert links.get(url) == url, f"{url} is not a link showing itself"


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_became_an_explained_block(notes: Element, command: str) -> None:
    block = command_block(notes, command)
    highlight = block.find("div", cls="highlight")
    pre = highlight.elements()[0]
    assert pre.tag == "pre"
    code = pre.find("code")
    assert code.parent is pre
    assert code.text == command

    tokens = code.find_all("span", cls="dn-t")
    assert " ".join(t.text for t in tokens) == command
    items = {li.attrs["id"]: li for li in block.find_all("li", cls="dn-x")}
    for token in tokens:
        item = items.get(token.attrs["data-dn"])
        assert item is not None, f"token {token.text!r} has no explanation"
        # The token as written, then its other spellings: `-it (--interactive, --tty)`.
        assert item.find("code", cls="dn-x__tok").text.startswith(token.text)
        assert item.text.split(token.text, 1)[1].strip(), f"the item of {token.text!r} is empty"
    assert len(items) == len(tokens)
    explain = block.find("details", cls="dn-explain")
    assert explain.find("summary").text


def item_of(notes: Element, command: str, token_text: str) -> Element:
    block = command_block(notes, command)
    token = next(t for t in block.find_all("span", cls="dn-t") if t.text == token_text)
    return block.find("li", id=token.attrs["data-dn"])


def test_the_it_option_is_explained_as_interactive_and_a_terminal(notes: Element) -> None:
    text = item_of(notes, "docker run -it ubuntu bash", "-it").text.lower()
    assert "interactive" in text or "stdin" in text or "standard input" in text, text
    assert "tty" in text or "terminal" in text, text


def test_the_ubuntu_image_links_to_its_docker_hub_page(notes: Element) -> None:
    item = item_of(notes, "docker run -it ubuntu bash", "ubuntu")
    assert "https://hub.docker.com/_/ubuntu" in [a.get("href") for a in item.find_all("a")]


def test_the_notes_have_exactly_the_three_command_blocks(notes: Element) -> None:
    blocks = article(notes).find_all("div", cls="dn-cmd")
    assert [b.find("div", cls="highlight").get("data-copy") for b in blocks] == COMMANDS
    # No command stayed behind as a quote.
    assert not article(notes).find_all("blockquote")


def test_the_list_after_hello_world_is_still_a_numbered_list(notes: Element) -> None:
    after = command_block(notes, "docker run hello-world").next_element()
    assert after is not None and after.tag == "ol", after
    items = [li for li in after.elements() if li.tag == "li"]
    assert len(items) == 4
    assert items[0].text == "The Docker client contacted the Docker daemon."
    assert not after.find_all("div", cls="dn-cmd")


def test_the_home_page_links_to_the_notes_and_each_of_their_sections(
    built_site: Path, notes: Element
) -> None:
    home = article(page(built_site, ""))
    hrefs = {a.get("href") for a in home.find_all("a")}
    assert NOTES_URL in hrefs
    ids = [h.attrs["id"] for h in article(notes).iter() if h.tag == "h2"]
    assert len(ids) == len(SECTIONS)
    missing = [i for i in ids if f"{NOTES_URL}#{i}" not in hrefs]
    assert not missing, f"the home page does not link to these sections: {missing}"
    for href in hrefs:
        if href and href.startswith(NOTES_URL + "#"):
            assert notes.find_all(id=href.split("#", 1)[1]), f"{href} points to no anchor"


def test_the_plugin_assets_are_shipped_and_used_by_the_notes_page(
    built_site: Path, notes: Element
) -> None:
    assert {".css", ".js"} <= {Path(n).suffix for n in PLUGIN_ASSETS}
    source = Path(docker_notes.__file__).parent / "assets"
    styles = {
        site_path(built_site, NOTES_URL, e.attrs["href"])
        for e in notes.find_all("link", rel="stylesheet")
    }
    scripts = {
        site_path(built_site, NOTES_URL, e.attrs["src"])
        for e in notes.find_all("script")
        if e.get("src")
    }
    for name in PLUGIN_ASSETS:
        shipped = built_site / "assets" / "docker-notes" / name
        assert shipped.read_bytes() == (source / name).read_bytes()
        assert shipped in (styles if name.endswith(".css") else scripts), f"{name} is not loaded"
