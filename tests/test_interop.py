"""The notes site built beside the MkDocs plugins people use: every output that carries a page's
content holds the real command blocks, and a problem in a note is reported once, at its line.

Each case copies the project (notes, theme overrides, knowledge), adds one third-party plugin to
its mkdocs.yml and builds it in its own process; the builds run two at a time, once per session.
The plugins come with the `test` extras (pinned to ranges in pyproject.toml).
"""

from __future__ import annotations

import html
import importlib
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from commands_helpers import Block, blocks
from site_helpers import (
    NOTES_COMMANDS,
    PROJECT_DIR,
    OpenPage,
    block_of,
    import_playwright,
    serve_directory,
)

expect = import_playwright().expect

# What only our machinery would leave in a page: stand-ins of blocks, Python-Markdown's stash.
OUR_PLACEHOLDERS = re.compile(r"data-dn-block|dn-search|\x02|\x03|wzxhzdk|klzzwxh")

BLOG_POST = """\
---
date: 2024-05-01
---

# Running a first container

A first container, and a typo that the build reports.

> docker run -d -p 8080:80 nginx:1.27

> docker rum hello

The same image, stopped again:

> docker stop web

<!-- more -->

After the excerpt: the list of running containers.

> docker ps -a
"""
# `docker rum hello` is line 11 of the post (3 lines of front matter), `rum` at column 10.
BLOG_WARNING = "docs/blog/posts/first.md:11:10: `rum` is not a `docker` command"


@dataclass
class Case:
    """One third-party plugin beside ours: its mkdocs.yml entry, the files it needs, and the
    outputs (besides the notes page) that carry page content."""

    plugins: str  # YAML list items appended to the site's plugins
    files: dict[str, str] = field(default_factory=dict)
    outputs: tuple[str, ...] = ()  # site files that must hold the notes' blocks
    strict: bool = True
    config: str = ""  # top-level YAML appended to mkdocs.yml
    git: bool = False  # the project is a git repository with a commit
    needs: str = ""  # a module the case needs (skipped without it, outside CI)
    page: str = "docker/index.html"  # the notes page in the site


CASES: dict[str, Case] = {
    # print-site warns of every page without an `# h1` (the notes' sections are `#`, shifted to
    # `<h2>` so that the page title is the only h1).
    "print-site": Case("- print-site", outputs=("print_page/index.html",), strict=False),
    "rss": Case(
        "- rss:\n    abstract_chars_count: -1",
        config="site_url: https://notes.example.org/",
        git=True,  # the feed dates its items by their commits
    ),
    "minify": Case("- minify:\n    minify_html: true\n    minify_js: false\n    minify_css: false"),
    "i18n": Case(
        textwrap.dedent(
            """\
            - i18n:
                docs_structure: suffix
                languages:
                  - {locale: en, default: true, name: English, build: true}
                  - {locale: fr, name: Français, build: true}"""
        ),
        files={"docs/docker.fr.md": "__NOTES__"},
        outputs=("fr/docker/index.html",),
    ),
    "macros": Case("- macros", files={"docs/macros.md": "# Macros\n\n{{ 6 * 7 }}\n"}),
    "redirects": Case(
        "- redirects:\n    redirect_maps:\n      old-notes.md: docker.md",
        outputs=(),
    ),
    "exclude-search": Case("- exclude-search:\n    exclude: [index.md]"),
    "git-revision-date": Case(
        "- git-revision-date-localized:\n    fallback_to_build_date: true", git=True
    ),
    "blog": Case(
        "- blog",
        files={"docs/blog/index.md": "# Blog\n", "docs/blog/posts/first.md": BLOG_POST},
        strict=False,  # the post has a typo on purpose
    ),
    "tags": Case("- tags", files={"docs/tags.md": "# Tags\n\n<!-- material/tags -->\n"}),
    # Nothing of the site leaves it (`font: false`); Material's own bundle names mermaid on a CDN,
    # which a machine without internet cannot fetch.
    "privacy": Case("- privacy:\n    assets_exclude: ['unpkg.com/*']"),
    "offline": Case("- offline", page="docker.html"),
    "meta": Case("- meta", files={"docs/.meta.yml": "description: Notes on Docker.\n"}),
    "to-pdf": Case(
        # Its default place (pdf/document.pdf): the pages' relative image paths resolve from there.
        "- to-pdf",
        needs="weasyprint",
        # Under --strict it fails on every link that is not an anchor of the PDF: glightbox's
        # links to the full-size screenshots are.
        strict=False,
    ),
}


@dataclass
class Built:
    project: Path
    site: Path
    returncode: int
    log: str


def _notes_plugins_end(config: str) -> int:
    """Where the site's plugin list ends in mkdocs.yml (the next top-level key)."""
    start = config.index("\nplugins:\n")
    nxt = re.search(r"\n(?=\S)", config[start + len("\nplugins:\n") :])
    assert nxt is not None
    return start + len("\nplugins:\n") + nxt.start() + 1


def make_project(root: Path, case: Case) -> Path:
    for name in ("docs", "overrides"):
        shutil.copytree(PROJECT_DIR / name, root / name)
    shutil.copy(PROJECT_DIR / "cli-knowledge.yaml", root)
    config = (PROJECT_DIR / "mkdocs.yml").read_text(encoding="utf-8")
    end = _notes_plugins_end(config)
    added = textwrap.indent(case.plugins, "  ") + "\n"
    config = config[:end] + added + config[end:] + case.config + "\n"
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    notes = (PROJECT_DIR / "docs" / "docker.md").read_text(encoding="utf-8")
    for name, text in case.files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace("__NOTES__", notes), encoding="utf-8")
    if case.git:
        git = ["git", "-c", "user.name=Notes", "-c", "user.email=notes@example.org"]
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "Notes"]):
            subprocess.run([*git, *args], cwd=root, check=True, capture_output=True)
    return root


def build(root: Path, case: Case) -> Built:
    project = make_project(root, case)
    site = root / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml")]
    command += ["-d", str(site), *(["--strict"] if case.strict else [])]
    result = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    return Built(project, site, result.returncode, result.stdout + result.stderr)


def _available(case: Case) -> bool:
    """Whether what the case needs imports (WeasyPrint also needs the system's pango)."""
    if not case.needs:
        return True
    try:
        importlib.import_module(case.needs)
    except (ImportError, OSError):
        return False
    return True


@pytest.fixture(scope="session")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Built]]:
    """Every case built once, two at a time (the machines have two cores)."""
    root = tmp_path_factory.mktemp("interop")
    wanted = {name: case for name, case in CASES.items() if _available(case)}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(build, root / name, case) for name, case in wanted.items()}
        yield {name: future.result() for name, future in futures.items()}


def built(matrix: dict[str, Built], name: str) -> Built:
    if name not in matrix:
        if os.environ.get("CI"):
            pytest.fail(f"{name}: {CASES[name].needs} does not import")
        pytest.skip(f"{name}: {CASES[name].needs} does not import")
    result = matrix[name]
    assert result.returncode == 0, f"{name}: the build failed:\n{result.log[-4000:]}"
    ours = [line for line in result.log.splitlines() if line.startswith("WARNING -  docker_notes")]
    expected = [f"WARNING -  docker_notes: {BLOG_WARNING}"] if name == "blog" else []
    assert [line[: len(e)] for line, e in zip(ours, expected, strict=False)] == expected, ours
    assert len(ours) == len(expected), ours
    return result


def assert_real_blocks(text: str, where: str, commands: list[str] = NOTES_COMMANDS) -> list[Block]:
    """The notes' command blocks, exact copy text and an explanation for every token, and
    nothing of ours left in their place."""
    assert not OUR_PLACEHOLDERS.search(text), f"{where}: a placeholder of ours is left"
    found = blocks(text)
    assert [b.copy for b in found] == commands, where
    for block in found:
        assert [t[0] for t in block.tokens] == block.code.split(), where
        for token, _, item_id in block.tokens:
            item = block.items[item_id]
            assert item.text.strip() or item.same, f"{where}: {token!r} is not explained"
    return found


@pytest.mark.parametrize("name", list(CASES))
def test_the_notes_page_keeps_its_blocks_beside(matrix: dict[str, Built], name: str) -> None:
    result = built(matrix, name)
    page = (result.site / CASES[name].page).read_text(encoding="utf-8")
    assert_real_blocks(page, f"{name}: {CASES[name].page}")
    for output in CASES[name].outputs:
        assert_real_blocks((result.site / output).read_text(encoding="utf-8"), f"{name}: {output}")


def test_the_print_page_holds_every_block_and_its_explanations(matrix: dict[str, Built]) -> None:
    result = built(matrix, "print-site")
    text = (result.site / "print_page" / "index.html").read_text(encoding="utf-8")
    found = assert_real_blocks(text, "print page")
    assert "interactive" in found[1].item_for("-it").details[0]


def test_the_full_content_feed_holds_the_blocks(matrix: dict[str, Built]) -> None:
    result = built(matrix, "rss")
    feed = (result.site / "feed_rss_created.xml").read_text(encoding="utf-8")
    item = next(i for i in feed.split("<item>") if "/docker/" in i)
    description = re.search(r"<description>(.*?)</description>", item, re.S)
    assert description is not None
    content = description.group(1)
    if content.startswith("<![CDATA["):
        content = content[len("<![CDATA[") : -len("]]>")]
    else:
        content = html.unescape(content)
    assert_real_blocks(content, "feed item")


def test_the_translated_page_has_its_own_blocks(matrix: dict[str, Built]) -> None:
    result = built(matrix, "i18n")
    french = (result.site / "fr" / "docker" / "index.html").read_text(encoding="utf-8")
    assert 'lang="fr"' in french
    assert_real_blocks(french, "fr/docker/index.html")


def test_macros_run_and_the_blocks_stay(matrix: dict[str, Built]) -> None:
    result = built(matrix, "macros")
    assert "42" in (result.site / "macros" / "index.html").read_text(encoding="utf-8")


def test_the_blog_index_excerpt_holds_the_posts_blocks_and_the_typo_is_warned_once(
    matrix: dict[str, Built],
) -> None:
    result = built(matrix, "blog")
    post = next((result.site / "blog").glob("**/running-a-first-container/index.html"))
    post_blocks = assert_real_blocks(
        post.read_text(encoding="utf-8"),
        "blog post",
        ["docker run -d -p 8080:80 nginx:1.27", "docker stop web", "docker ps -a"],
    )
    assert "detach" in post_blocks[0].item_for("-d").token
    index = (result.site / "blog" / "index.html").read_text(encoding="utf-8")
    excerpt = assert_real_blocks(
        index, "blog index", ["docker run -d -p 8080:80 nginx:1.27", "docker stop web"]
    )
    assert excerpt[0].item_for("-p").text == post_blocks[0].item_for("-p").text
    # The typo stays as written, and is reported once, at the post's own line and column.
    assert "docker rum hello" in index and "docker rum hello" in post.read_text(encoding="utf-8")
    warnings = [line for line in result.log.splitlines() if "first.md" in line]
    assert len(warnings) == 1, warnings
    assert BLOG_WARNING in warnings[0]


def test_the_pdf_holds_the_commands_and_their_explanations(matrix: dict[str, Built]) -> None:
    result = built(matrix, "to-pdf")
    pdfs = list(result.site.glob("**/*.pdf"))
    assert pdfs, result.log[-2000:]
    text = _pdf_text(pdfs[0])
    for command in NOTES_COMMANDS:
        assert command in text, command
    assert "interactive" in text


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


@pytest.mark.browser
@pytest.mark.parametrize(
    ("name", "url", "command", "token", "title"),
    [
        ("print-site", "print_page/", "docker run -it ubuntu bash", "-it", "-it (--interactive"),
        ("print-site", "print_page/", "docker pull busybox", "docker", "docker"),
        ("blog", "blog/", "docker stop web", "docker", "docker"),
        ("blog", "blog/", "docker run -d -p 8080:80 nginx:1.27", "-p", "-p, --publish"),
    ],
)
def test_tokens_open_their_explanations_on_pages_that_gather_others(
    matrix: dict[str, Built],
    open_page: OpenPage,
    name: str,
    url: str,
    command: str,
    token: str,
    title: str,
) -> None:
    """print-site renames the items' ids, a blog's index repeats them: each token still opens
    its own explanation, and one explained above opens the one above in the same page."""
    result = built(matrix, name)
    with serve_directory(result.site) as base:
        page, watch = open_page(base + url)
        block = block_of(page, command)
        block.locator("code .dn-t", has_text=token).first.click()
        pop = block.locator(".dn-pop")
        expect(pop).to_be_visible()
        expect(pop.locator(".dn-x__tok")).to_contain_text(title)
        expect(pop.locator(".dn-x__text")).not_to_be_empty()
        assert not watch.page_errors and not watch.console_errors
