"""The rendered page: raw `<img>` paths rewritten, broken images turned into boxes, nothing else."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from docker_notes.images import Checker, DocsIndex, levels_with
from docker_notes.images.page import img_tags, rewrite
from images_helpers import build, copy_fixture, png, write_mkdocs_yml


def checker_for(tmp_path: Path, files: dict[str, bytes]) -> Checker:
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    return Checker(DocsIndex.scan(str(tmp_path)), levels=levels_with({}), max_bytes=10**6)


def test_raw_img_rewritten_like_mkdocs_rewrites_markdown_images(tmp_path: Path) -> None:
    checker = checker_for(tmp_path, {"_resources/a b.png": png(), "_resources/c.png": png()})
    markdown = (
        '<img src="_resources/a b.png" alt="A" data-x=\'1\'>\n'
        "<IMG SRC=_resources/c.png#top ALT=C>\n"
        "<img src='_resources/c.png' srcset='_resources/c.png 2x, https://x.org/d.png 3x' alt='S'>\n"
        '<img src="https://example.org/e.png" alt="remote"> <img src="data:," alt="data">\n'
    )
    report = checker.check_page("notes.md", markdown, page_url="notes/")
    html = (
        '<p><img src="_resources/a b.png" alt="A" data-x=\'1\'>\n'
        "<IMG SRC=_resources/c.png#top ALT=C>\n"
        "<img src='_resources/c.png' srcset='_resources/c.png 2x, https://x.org/d.png 3x' alt='S'>\n"
        '<!-- <img src="_resources/c.png"> -->'
        '<img src="https://example.org/e.png" alt="remote"> <img src="data:," alt="data"></p>'
    )
    assert rewrite(html, report.actions, boxes=False) == (
        '<p><img src="../_resources/a%20b.png" alt="A" data-x=\'1\'>\n'
        '<IMG SRC="../_resources/c.png#top" ALT=C>\n'
        "<img src='../_resources/c.png' srcset='../_resources/c.png 2x, https://x.org/d.png 3x' "
        "alt='S'>\n"
        '<!-- <img src="_resources/c.png"> -->'
        '<img src="https://example.org/e.png" alt="remote"> <img src="data:," alt="data"></p>'
    )


def test_nothing_to_do_next_to_the_source(tmp_path: Path) -> None:
    checker = checker_for(tmp_path, {"_resources/a b.png": png()})
    report = checker.check_page("index.md", '<img src="_resources/a b.png" alt="A">', page_url="./")
    html = '<p><img src="_resources/a b.png" alt="A"></p>'
    assert rewrite(html, report.actions, boxes=True) is html


def test_markdown_and_raw_images_with_the_same_rendered_src(tmp_path: Path) -> None:
    """`sub/page.md` served as `sub/page/`: its Markdown `![](x.png)` renders as `../x.png`,
    which is also what a raw `<img src="../x.png">` says: only the raw one is rewritten."""
    checker = checker_for(tmp_path, {"x.png": png(), "sub/x.png": png()})
    markdown = '![M](x.png) <img src="../x.png" alt="R"> ![M2](x.png)'
    report = checker.check_page("sub/page.md", markdown, page_url="sub/page/")
    html = '<p><img alt="M" src="../x.png" /> <img src="../x.png" alt="R"> <img alt="M2" src="../x.png" /></p>'
    assert rewrite(html, report.actions, boxes=False) == (
        '<p><img alt="M" src="../x.png" /> <img src="../../x.png" alt="R"> '
        '<img alt="M2" src="../x.png" /></p>'
    )


def test_boxes_name_the_problem_and_keep_the_reference(tmp_path: Path) -> None:
    checker = checker_for(tmp_path, {"_resources/Shot.png": png()})
    markdown = '![Containers & VMs](_resources/shot.png)\n\n<img src="gone.png">\n'
    report = checker.check_page("index.md", markdown, page_url="./")
    html = (
        '<p><img alt="Containers &amp; VMs" src="_resources/shot.png" /></p>\n'
        '<p><img src="gone.png"></p>'
    )
    assert rewrite(html, report.actions, boxes=False) is html
    boxed = rewrite(html, report.actions, boxes=True)
    assert "<img" not in boxed
    assert boxed.count('class="dn-image-problem" role="img"') == 2
    assert (
        'aria-label="Broken image: image &#x27;_resources/shot.png&#x27; exists as '
        "&#x27;_resources/Shot.png&#x27; (letter case differs)"
    ) in boxed
    assert "<code>_resources/shot.png</code>" in boxed
    assert "Alt text: “Containers &amp; VMs”" in boxed
    assert "(docs/index.md:1:21)" in boxed
    assert "<code>gone.png</code>" in boxed


class _StartTags(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.starts = [0, *(m.end() for m in re.finditer("\n", html))]
        self.found: list[tuple[int, str]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            line, col = self.getpos()
            self.found.append((self.starts[line - 1] + col, self.get_starttag_text() or ""))


TRICKY_HTML = [
    '<p>a <img src="a.png"> b <IMG\nSRC=b.png/></p>',
    '<!-- <img src="commented.png"> --><img src="c.png">',
    '<script>var s = "<img src=x.png>";</script><img src="d.png">',
    "<style>/* <img> */</style><Style>x</STYLE><img src=e.png>",
    '<a title="<img src=in-attribute.png>" href=\'x\'>x</a><img alt="a > b" src="f.png">',
    "<![CDATA[<img src=cdata.png>]]><!DOCTYPE html><?php <img ?><img src=g.png>",
    "<pre><code>&lt;img src=&quot;h.png&quot;&gt;</code></pre></img><image src=i.png><imgs src=j>",
    "<!-- unclosed <img src=k.png>",
]


@pytest.mark.parametrize("html", TRICKY_HTML)
def test_finds_the_img_tags_html_parser_finds(html: str) -> None:
    assert img_tags(html) == _StartTags(html).found


def test_finds_the_img_tags_of_built_pages(tmp_path: Path) -> None:
    project = copy_fixture("clean", tmp_path)
    build(write_mkdocs_yml(project, use_directory_urls=False))
    pages = list((project / "site").rglob("*.html"))
    assert len(pages) >= 4
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert img_tags(html) == _StartTags(html).found


def test_raw_tags_are_found_by_their_text_unless_a_copy_could_hide(tmp_path: Path) -> None:
    """The fast path finds each raw tag by its text; with a copy of a tag's text elsewhere (in a
    comment, a script, an attribute), or a tag that is not there as written, the page is
    tokenized."""
    checker = checker_for(tmp_path, {"x.png": png()})
    tag = '<img src="x.png" alt="X">'
    report = checker.check_page("note.md", f"{tag} and again {tag}", page_url="note/")
    expected = '<img src="../x.png" alt="X">'
    assert rewrite(f"<p>{tag} and again {tag}</p>", report.actions, boxes=False) == (
        f"<p>{expected} and again {expected}</p>"
    )
    commented = f"<!-- {tag} --><p>{tag} and again {tag}</p>"
    assert rewrite(commented, report.actions, boxes=False) == (
        f"<!-- {tag} --><p>{expected} and again {expected}</p>"
    )
    scripted = f"<script>s = '{tag}'</script><p title='{tag}'>{tag} and again {tag}</p>"
    assert rewrite(scripted, report.actions, boxes=False) == (
        f"<script>s = '{tag}'</script><p title='{tag}'>{expected} and again {expected}</p>"
    )
    reserialized = '<p><img alt="X" src="x.png"> and again <img alt="X" src="x.png"></p>'
    assert rewrite(reserialized, report.actions, boxes=False) == (
        '<p><img alt="X" src="../x.png"> and again <img alt="X" src="../x.png"></p>'
    )
