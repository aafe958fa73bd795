"""The scanner: what counts as an image, where it is written, and what path the page will load."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docker_notes.images import scan
from docker_notes.images.scan import mask, srcset_urls, tag_attributes
from docker_notes.images.source import line_offset, split_front_matter
from images_helpers import FIXTURES

# The Markdown extensions of the project's mkdocs.yml.
EXTENSIONS = [
    "abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables", "toc",
    "pymdownx.highlight", "pymdownx.inlinehilite", "pymdownx.superfences", "pymdownx.details",
    "pymdownx.magiclink", "pymdownx.tasklist", "pymdownx.keys", "pymdownx.mark", "pymdownx.tilde",
]  # fmt: skip
# Real notes beside the repository (../shared/corpus), when this checkout has them.
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "notes"


class _Srcs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.srcs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.srcs.append(dict(attrs).get("src") or "")


def rendered_srcs(text: str) -> Counter[str]:
    parser = _Srcs()
    parser.feed(markdown.markdown(text, extensions=EXTENSIONS))
    return Counter(parser.srcs)


def scanned_srcs(text: str) -> Counter[str]:
    return Counter(i.url for i in scan(text).images if i.form != "srcset")


def where(text: str) -> list[tuple[str, str, int, int, int, int]]:
    return [(i.form, i.url, i.line, i.col, i.url_line, i.url_col) for i in scan(text).images]


@pytest.mark.parametrize(
    "note", sorted(FIXTURES.rglob("*.md")), ids=lambda p: p.relative_to(FIXTURES).as_posix()
)
def test_same_images_as_python_markdown(note: Path) -> None:
    """What the scanner finds is what Python-Markdown renders as <img>, no more, no less."""
    text = split_front_matter(note.read_text(encoding="utf-8"))[0]
    assert scanned_srcs(text) == rendered_srcs(text)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the corpus of real notes is not here")
@pytest.mark.parametrize(
    "name", sorted(p.name for p in CORPUS.glob("*.md")) if CORPUS.is_dir() else []
)
def test_real_notes(name: str) -> None:
    """Real notes: raw <img> in tables and quotes, fences in quotes that break (SuperFences then
    shows the screenshots after them as code), XSS samples that are text."""
    text = (CORPUS / name).read_text(encoding="utf-8-sig")
    assert scanned_srcs(text) == rendered_srcs(text)


def test_markdown_forms_and_positions() -> None:
    text = (
        '![a b](<with space.png> "t") ![x](e\\_f.png?raw=1#x)\n'
        "  ![alt [nested] \\] ok](y(1).png 'title')\n"
        "![ref][r] ![R][] ![r]\n"
        "\n"
        '[r]: <defined.png> "T"\n'
    )
    assert where(text) == [
        ("markdown", "with space.png", 1, 1, 1, 9),
        ("markdown", "e_f.png?raw=1#x", 1, 30, 1, 35),
        ("markdown", "y(1).png", 2, 3, 2, 25),
        ("reference", "defined.png", 3, 1, 5, 7),
        ("reference", "defined.png", 3, 11, 5, 7),
        ("reference", "defined.png", 3, 18, 5, 7),
    ]
    assert [i.alt for i in scan(text).images][:3] == ["a b", "x", "alt [nested] ] ok"]


def test_raw_html_forms_and_positions() -> None:
    text = (
        "| a | <img src='t.png' alt=\"A &amp; B\"> |\n"
        '<IMG\n  SRC=x.png srcset="a.png 1x, b&amp;c.png 2x"/>\n'
        "<img src=''x' onerror='alert(1)''>\n"  # not a tag to Python-Markdown: shown as text
    )
    assert where(text) == [
        ("html", "t.png", 1, 7, 1, 17),
        ("html", "x.png", 2, 1, 3, 7),
        ("srcset", "a.png", 2, 1, 3, 21),
        ("srcset", "b&c.png", 2, 1, 3, 31),
    ]
    assert scan(text).images[0].alt == "A & B"
    assert scan(text).images[1].alt is None


@pytest.mark.parametrize(
    "text",
    [
        "```\n![](a.png)\n```",
        "~~~~\n```\n![](a.png)\n```\n~~~~",
        "* item\n\n    ```\n    ![](a.png)\n    ```",
        "> ```\n> ![](a.png)\n> ```",
        "para\n\n    ![](a.png)",
        "# Heading\n    ![](a.png)",
        "* item\n\n        ![](a.png)",
        "`![](a.png)`",
        "``a ` ![](a.png)``",
        "`multi\nline ![](a.png)`",
        "<!-- ![](a.png) -->",
        "<!--\n![](a.png)\n\n<img src=a.png>\n-->",
        "!\\[a\\](a.png)",
        "``` ![](a.png)```",  # a code span of three backticks
        "> ```\n> ![](a.png)\n> ```\n\npara",
    ],
)
def test_not_an_image(text: str) -> None:
    assert scan(text).images == []
    assert rendered_srcs(text) == Counter()


@pytest.mark.parametrize(
    "text",
    [
        "* item\n\n    ![](a.png)",
        "* VMs\n    * ![](a.png)",
        "```\n![](a.png)",  # an unclosed fence is text
        "<!-- ![](b.png)\n\n![](a.png)",  # so is an unclosed comment
        "text\n    ![](a.png)",  # a lazy continuation, not code
        "!!! note\n    ![](a.png)",
        "\\`![](a.png)`",
        "\\<img src=a.png>",  # `<` is not escapable: the backslash shows, the tag is HTML
        "> ```\n\n![](a.png)\n```",  # a fence does not outlive its blockquote
        "![a][undefined]\n\n[a]: a.png",  # then read as the shortcut `![a]`
        # An unindented line ends the admonition, even after a list item in it: indented lines
        # after it are code, not the admonition's.
        "!!! note\n    x\n\n    * ![](a.png)\nlazy?\n\n    * ![](code.png)",
    ],
)
def test_an_image(text: str) -> None:
    srcs = scanned_srcs(text)
    assert srcs == rendered_srcs(text)
    assert srcs["a.png"] == 1


def test_undefined_references() -> None:
    found = scan("![a][nope] ![b][] ![c]\n")
    assert [(u.ref_id, u.col) for u in found.undefined] == [("nope", 1), ("b", 12)]
    assert found.images == []


def test_links_are_collected_for_the_orphan_report() -> None:
    found = scan('[a](x.png) [![b](y.png)](z.png) <a href="w.png">w</a>\n\n[d]: v.png\n')
    assert sorted(found.links) == ["v.png", "w.png", "x.png", "z.png"]


def test_mask_keeps_every_offset() -> None:
    text = "a `code` b\n```\nfenced\n```\n<!-- c\n-->\\_"
    masked = mask(text)
    assert len(masked) == len(text)
    assert [i for i, c in enumerate(text) if c == "\n"] == [
        i for i, c in enumerate(masked) if c == "\n"
    ]
    assert "code" not in masked and "fenced" not in masked


def test_attributes_and_srcset() -> None:
    attrs = tag_attributes("<img src=a.png ALT='x &lt; y' hidden data-x=\"1\" src=second.png>")
    assert (attrs["src"].value, attrs["alt"].value, attrs["hidden"].value) == (
        "a.png",
        "x < y",
        None,
    )
    assert srcset_urls("a.png 1x,b.png 2x , data:image/png;base64,AA== 3x") == [
        ("a.png", 0, 5),
        ("b.png", 9, 14),
        ("data:image/png;base64,AA==", 20, 46),
    ]


def test_front_matter() -> None:
    raw = "---\ntitle: T\n---\n\n\n# T\n"
    assert split_front_matter(raw) == ("# T\n", 5)
    assert line_offset(raw, "# T\n") == 5
    assert split_front_matter("Title: Note\nAuthor: me\n\n# T\n") == ("# T\n", 3)
    assert split_front_matter("# T\n") == ("# T\n", 0)
    assert split_front_matter("---\n- a list\n---\n# T\n") == ("---\n- a list\n---\n# T\n", 0)


# Pieces of notes, in any order, apart or run together: the scanner and Python-Markdown (with
# SuperFences) must agree on each mix. Unclosed fences are left to the explicit cases above; a
# table or a link definition is kept a block of its own (a table swallows the lines after it).
_PIECES = [
    "![a](a.png)", "* ![b](b.png)", "    * ![c](c.png)", '<img src="d.png" alt="d">',
    "```\n![x](x.png)\n```", "~~~ shell\n<img src=\"y.png\">\n~~~", "> ```\n> ![z](z.png)\n> ```",
    "    indented ![e](e.png)", "`![f](f.png)`", "<!-- ![g](g.png) -->", "> ![h](h.png)", "para",
    "# Heading", "1. ![i](i.png)", "![j][ref]", "\n[ref]: j.png\n",
    "\n| a | b |\n|---|---|\n| ![k](k.png) | x |\n",
    "!!! note\n    ![l](l.png)", "<div markdown>\n![m](m.png)\n</div>", "<div>\n![n](n.png)\n</div>",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(["\n", "\n\n"])), max_size=10))
def test_agrees_with_python_markdown_on_mixes(pieces: list[tuple[str, str]]) -> None:
    text = "".join(piece + separator for piece, separator in pieces)
    assert scanned_srcs(text) == rendered_srcs(text)
