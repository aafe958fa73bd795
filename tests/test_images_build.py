"""The image checks inside real `mkdocs build`s of tiny projects in tmp_path."""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin

import pytest
from mkdocs.exceptions import Abort

from docker_notes.images import levels_with
from docker_notes.images.cli import check_docs
from images_helpers import (
    build,
    copy_fixture,
    plugin_messages,
    png,
    write_mkdocs_yml,
)

if TYPE_CHECKING:
    from conftest import LogGuard


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.srcs: list[str] = []
        self.boxes = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "img":
            self.srcs.append(values.get("src") or "")
            for candidate in (values.get("srcset") or "").split(","):
                if candidate.strip():
                    self.srcs.append(candidate.split()[0])
        if "dn-image-problem" in (values.get("class") or ""):
            self.boxes += 1


def images_of(page: Path) -> _Images:
    parser = _Images()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def clean_project(tmp_path: Path, **settings: object) -> Path:
    project = copy_fixture("clean", tmp_path)
    return write_mkdocs_yml(
        project,
        theme={"name": "mkdocs", "logo": "_resources/logo.png"},
        extra_css=["css/extra.css"],
        **settings,
    )


def test_clean_notes_build_strict_with_no_finding(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = clean_project(tmp_path)
    build(config, strict=True)
    assert plugin_messages(caplog.records) == [
        ("INFO", "Images: 19 references on 3 pages checked, no problems.")
    ]
    # Every image of the built site loads: its URL, relative to the page, is a file of site/.
    site = config.parent / "site"
    checked = 0
    for page in site.rglob("*.html"):
        for src in images_of(page).srcs:
            if src.startswith("data:"):
                continue
            url = urljoin(page.relative_to(site).as_posix(), src).split("?")[0].split("#")[0]
            assert (site / unquote(url)).is_file(), f"{page.relative_to(site)}: {src}"
            checked += 1
    assert checked == 18  # the 19 references but the data: one


def test_raw_img_is_rewritten_like_markdown_images(tmp_path: Path) -> None:
    """`containers.md` is served as `containers/index.html`: a raw relative `<img>` needs `../`
    (https://github.com/mkdocs/mkdocs/issues/991); only its path changes."""
    config = clean_project(tmp_path)
    build(config)
    html = (config.parent / "site" / "containers" / "index.html").read_text(encoding="utf-8")
    assert (
        '<img src="../_resources/%E5%AE%B9%E5%99%A8_000.png" '
        'alt="Raw HTML image with a Chinese file name" style="zoom:25%;"/>'
    ) in html
    assert (
        '<img src="../_resources/2020-07-22-01-16-49.png" '
        'srcset="../_resources/wide%402x.png 2x" alt="With srcset">'
    ) in html
    assert '<img src="../_resources/2020-07-22-01-17-13.png#step" alt="Step two">' in html
    # Remote, data: and code are left alone.
    assert 'src="data:image/gif;base64,R0lGODlhAQABAAAAACw="' in html
    assert "&lt;img src=&quot;in-a-fence.png&quot;&gt;" in html or "in-a-fence.png" in html


def test_raw_img_untouched_without_directory_urls(tmp_path: Path) -> None:
    config = clean_project(tmp_path, use_directory_urls=False)
    build(config)
    html = (config.parent / "site" / "containers.html").read_text(encoding="utf-8")
    assert '<img src="_resources/容器_000.png" alt="Raw HTML image' in html


def test_strict_build_fails_on_a_warning(tmp_path: Path, log_guard: LogGuard) -> None:
    docs = tmp_path / "docs"
    (docs / "_resources").mkdir(parents=True)
    (docs / "_resources" / "Shot.png").write_bytes(png())
    (docs / "index.md").write_text("# Notes\n\n![VMs](_resources/shot.png)\n")
    config = write_mkdocs_yml(tmp_path)
    with pytest.raises(Abort, match="Aborted with 1 warnings in strict mode"):
        build(config, strict=True)
    log_guard.expect(
        r"^docker_notes: docs/index\.md:3:8: image '_resources/shot\.png' exists as "
        r"'_resources/Shot\.png' \(letter case differs\)",
        count=1,
    )


def test_one_message_per_broken_image(
    tmp_path: Path, log_guard: LogGuard, caplog: pytest.LogCaptureFixture
) -> None:
    """MkDocs' own "not found" warning is replaced, for images only: ordinary links keep theirs."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(
        "# Notes\n\n"
        "![A](gone.png) ![B](/abs.png) ![C](folder-like) ![D](../up.png)\n\n"
        "[a link to the same missing file](gone.png) and [a missing page](nowhere.md)\n"
    )
    config = write_mkdocs_yml(tmp_path)
    build(config)
    ours = log_guard.expect(r"^docker_notes: docs/index\.md:3:", count=4)
    assert [m.split(": ", 2)[1].split(":")[2] for m in ours] == ["6", "21", "36", "54"]
    theirs = log_guard.expect(r"^Doc file 'index\.md' contains a link", count=2)
    assert theirs == [
        "Doc file 'index.md' contains a link 'gone.png', but the target is not found among "
        "documentation files.",
        "Doc file 'index.md' contains a link 'nowhere.md', but the target is not found among "
        "documentation files.",
    ]
    pages = [r.getMessage() for r in caplog.records if r.name == "mkdocs.structure.pages"]
    assert not [m for m in pages if re.search(r"abs\.png|folder-like|up\.png", m)]
    # The filter is gone after the build.
    assert not logging.getLogger("mkdocs.structure.pages").filters


def test_build_reports_what_the_command_line_reports(
    tmp_path: Path, log_guard: LogGuard, caplog: pytest.LogCaptureFixture
) -> None:
    project = copy_fixture("kinds", tmp_path)
    build(project / "mkdocs.yml")
    findings, checker = check_docs(
        str(project / "docs"), levels=levels_with({}), max_bytes=2000, docs_path="docs"
    )
    logged = plugin_messages(caplog.records)
    expected = [("WARNING" if f.level == "warn" else "INFO", str(f)) for f in findings]
    assert sorted(logged[:-1]) == sorted(expected)
    assert logged[-1] == ("INFO", checker.summary())
    log_guard.expect(r"^docker_notes: ", count=sum(f.level == "warn" for f in findings))
    # Not one message of MkDocs' own about these images, at any level.
    assert not [r.getMessage() for r in caplog.records if r.name == "mkdocs.structure.pages"]


def test_boxes_only_where_asked(tmp_path: Path, log_guard: LogGuard) -> None:
    project = copy_fixture("kinds", tmp_path)
    build(project / "mkdocs.yml")
    page = project / "site" / "missing" / "index.html"
    # A normal build keeps the author's references.
    assert images_of(page).boxes == 0
    assert '<img alt="Containers" src="_resources/2020-07-22-01-17-14.png" />' in page.read_text()

    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "max_bytes: 2000", "max_bytes: 2000\n        show_in_page: always"
        )
    )
    build(config)
    boxed = images_of(page)
    # Every broken <img> of the page: 8 lines, one with a definition used twice.
    assert boxed.boxes == 10
    html = page.read_text(encoding="utf-8")
    assert (
        '<span class="dn-image-problem" role="img" aria-label="Broken image: missing image '
        "&#x27;_resources/2020-07-22-01-17-14.png&#x27; — did you mean "
        '&#x27;_resources/2020-07-22-01-17-13.png&#x27;?"'
    ) in html
    assert "docs/missing.md:5:15" in html
    assert "Alt text: “Containers”" in html
    log_guard.expect(r"^docker_notes: ")


def test_levels_from_mkdocs_yml(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Notes\n\n![](gone.png)\n")
    config = write_mkdocs_yml(
        tmp_path, images={"levels": {"missing": "info", "empty-alt": "ignore"}}
    )
    build(config, strict=True)
    assert plugin_messages(caplog.records) == [
        (
            "INFO",
            "docs/index.md:3:5: missing image 'gone.png': there is no docs/gone.png — add the "
            "file or fix the path",
        ),
        ("INFO", "Images: 1 reference on 1 page checked, 1 problem (0 warnings, 1 info)."),
    ]


def test_misspelt_kind_fails_the_config(tmp_path: Path, log_guard: LogGuard) -> None:
    (tmp_path / "docs").mkdir()
    config = write_mkdocs_yml(tmp_path, images={"levels": {"mising": "info"}})
    with pytest.raises(Abort, match="configuration error"):
        build(config)
    log_guard.expect(r"'levels': unknown image finding kind\(s\) mising; known kinds: missing, ", 1)


def test_a_new_build_sees_a_new_file(
    tmp_path: Path, log_guard: LogGuard, caplog: pytest.LogCaptureFixture
) -> None:

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Notes\n\n![Shot](shot.png)\n")
    config = write_mkdocs_yml(tmp_path)
    build(config)
    log_guard.expect(r"missing image 'shot\.png'", count=1)
    caplog.clear()
    (docs / "shot.png").write_bytes(png())
    build(config)
    assert plugin_messages(caplog.records) == [
        ("INFO", "Images: 1 reference on 1 page checked, no problems.")
    ]


def test_lines_count_what_mkdocs_strips(tmp_path: Path, log_guard: LogGuard) -> None:
    """Front matter (even an empty one) and leading blank lines count in the reported line."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("---\ntitle: Notes\n---\n\n# Notes\n\n![A](gone-a.png)\n")
    (docs / "blank.md").write_text("\n\n# Blank\n\n![B](gone-b.png)\n")
    (docs / "empty.md").write_text("---\n{}\n---\n# Empty\n![C](gone-c.png)\n")
    # A first line of spaces, or of a no-break space, is blank to MkDocs: it drops it too.
    (docs / "spaces.md").write_text("  \n# Spaces\n\n![D](gone-d.png)\n")
    (docs / "nbsp.md").write_text("\u00a0\n# No-break\n\n![E](gone-e.png)\n", encoding="utf-8")
    # MultiMarkdown meta, which a hook then empties: the lines still count.
    (docs / "meta.md").write_text("Title: Meta\nTags: x\n\n# Meta\n\n![F](gone-f.png)\n")
    (tmp_path / "hooks.py").write_text(
        "from mkdocs.plugins import event_priority\n\n\n"
        "@event_priority(100)\n"
        "def on_page_markdown(markdown, page, **kwargs):\n    page.meta.clear()\n"
    )
    build(write_mkdocs_yml(tmp_path, hooks=["hooks.py"]))
    log_guard.expect(r"^docker_notes: docs/index\.md:7:6: missing image 'gone-a\.png'", 1)
    log_guard.expect(r"^docker_notes: docs/blank\.md:5:6: missing image 'gone-b\.png'", 1)
    log_guard.expect(r"^docker_notes: docs/empty\.md:5:6: missing image 'gone-c\.png'", 1)
    log_guard.expect(r"^docker_notes: docs/spaces\.md:4:6: missing image 'gone-d\.png'", 1)
    log_guard.expect(r"^docker_notes: docs/nbsp\.md:4:6: missing image 'gone-e\.png'", 1)
    log_guard.expect(r"^docker_notes: docs/meta\.md:6:6: missing image 'gone-f\.png'", 1)


def test_markdown_changed_by_another_plugin(
    tmp_path: Path, log_guard: LogGuard, caplog: pytest.LogCaptureFixture
) -> None:
    """The checks read the Markdown that is rendered, after plugins that run before them; the
    positions are those of that text (here the same lines)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Notes\n\n![Shot](shot.png)\n")
    (tmp_path / "hooks.py").write_text(
        "from mkdocs.plugins import event_priority\n\n\n"
        "@event_priority(100)\n"
        "def on_page_markdown(markdown, **kwargs):\n"
        "    return markdown.replace('shot.png', 'renamed.png')\n"
    )
    build(write_mkdocs_yml(tmp_path, hooks=["hooks.py"]))
    log_guard.expect(r"^docker_notes: docs/index\.md:3:9: missing image 'renamed\.png'", 1)
    assert plugin_messages(caplog.records)[-1] == (
        "INFO",
        "Images: 1 reference on 1 page checked, 1 problem (1 warning, 0 info).",
    )
