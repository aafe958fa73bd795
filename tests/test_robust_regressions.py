"""Inputs that once crashed or hung the build, each kept as a named test (issue 16).

Each runs through what a build does to a page (robust_helpers.py), in a worker process with a hard
time limit, so a hang that comes back fails here instead of hanging CI. The fuzz tests
(test_fuzz_pipeline.py) found most of them; what they find next belongs here too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import markdown
import pytest

from docker_notes.decoding import decode_note
from docker_notes.images import scan
from docker_notes.images.urls import classify, parseable, unparseable
from robust_helpers import PROJECT_DIR, Worker

CORPUS = PROJECT_DIR.parent / "shared" / "corpus" / "notes"
REAL_NOTE = CORPUS / "lj408226003_java-leaning_dev-ops.md"


@pytest.fixture(scope="module")
def worker() -> Iterator[Worker]:
    w = Worker()
    yield w
    w.close()


# --- the image scanner -------------------------------------------------------------------------


def test_scanner_backtracking_over_parentheses_only_ends(worker: Worker) -> None:
    """`_link_destination` returned an end of -1 here (Python-Markdown's `data[-1:]`), and the
    scan looked at the same `](` forever: `mkdocs build` and `mkdocs serve` never finished."""
    rendered = worker.render("]('>> [x]: ](")
    assert "]('&gt;&gt; [x]: ](" in rendered.html
    assert rendered.findings == []


@pytest.mark.parametrize(
    "text", ["![a]('>> [x]: ](", "![a]('x (", "![a](x 'y (", "![a]('(", "![a]('x (b\n\npara"]
)
def test_scanner_backtracking_finds_what_python_markdown_renders(text: str) -> None:
    """In that case Python-Markdown counts from the end of the paragraph: same image here."""
    rendered = markdown.markdown(text)
    srcs = [i.url for i in scan(text).images]
    assert len(srcs) == 1
    assert f'src="{srcs[0]}"' in rendered.replace("&gt;", ">")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("_resources/}}[x]: %)> <<http://ftp://<!\\..\n(&    <img src=\t/>", "2:17"),
        ("(&    <img src=\t/>", "1:17"),
        ("![x](/)", "1:6"),
        ("![x](/_resources/)", "1:6"),
    ],
)
def test_the_site_root_as_an_image_is_a_folder_not_a_crash(
    worker: Worker, text: str, where: str
) -> None:
    """`/` resolves to the docs folder itself, whose relative path `posixpath.relpath` refused
    (ValueError: no path specified) while the checks built their suggestion."""
    rendered = worker.render(text)
    [folder] = [f for f in rendered.findings if "is a folder" in f]
    assert folder.startswith(f"docs/index.md:{where}: ")
    assert "e.g. '_resources/shot.png'" in folder


# --- addresses MkDocs cannot read --------------------------------------------------------------


def test_unbalanced_bracket_in_a_magiclink_host(worker: Worker) -> None:
    """pymdownx.magiclink makes a link of `ftp://data:localhost](".png`; MkDocs' relpath
    treeprocessor then stopped the build in `urlsplit` (ValueError: Invalid IPv6 URL)."""
    rendered = worker.render('\\\\server$(ftp://data:localhost](".png')
    assert '>ftp://data:localhost](".png</a>' in rendered.html  # the text as written
    assert 'href="ftp://data:localhost%5D(&quot;.png"' in rendered.html
    [diagnostic] = rendered.diagnostics
    assert diagnostic.startswith("docs/index.md:1:11: the link address 'ftp://data:localhost](")


def test_full_width_question_mark_after_a_bare_address(worker: Worker) -> None:
    """A bare address that runs into Chinese text up to `？`, which NFKC reads as `?`: urlsplit
    refused the host (`contains invalid characters under NFKC normalization`)."""
    note = "# 配置\n\n> 直接指定external_url 'http://10.0.0.5:8929'不就可以了吗？\n\nNext line.\n"
    rendered = worker.render(note)
    assert "不就可以了吗？</a>" in rendered.html and "Next line." in rendered.html
    [diagnostic] = rendered.diagnostics
    assert diagnostic.startswith("docs/index.md:3:21: the link address 'http://10.0.0.5:8929'")
    assert diagnostic.endswith(
        "write '<http://10.0.0.5:8929>' (angle brackets end an address) or put a space after it"
    )


@pytest.mark.parametrize(
    "text",
    [
        "[a](http://[x/y)",
        "![a](http://[not-ipv6]/a.png)",
        "<http://a].b>",
        "[ref]\n\n[ref]: https://例え？.jp",
        "[a](https://user＠example.com/)",
    ],
)
def test_every_kind_of_unreadable_address_builds(worker: Worker, text: str) -> None:
    rendered = worker.render(text)
    assert len(rendered.diagnostics) + len(rendered.findings) >= 1


@pytest.mark.parametrize(
    "url",
    [
        "http://10.10.1.199:8929'不就行了吗？",
        'ftp://data:localhost](".png',
        "http://[::1",
        "http://[vx]/",
        "//a／b",
        "https://x.org/ü?q=ß#ä",
    ],
)
def test_parseable_urls_are_read_by_urlsplit(url: str) -> None:
    from urllib.parse import urlsplit

    safe = parseable(url)
    urlsplit(safe)
    assert safe.isascii() and "[" not in safe
    assert (unparseable(url) is None) == (classify(url).kind != "invalid")


@pytest.mark.skipif(not REAL_NOTE.is_file(), reason="the corpus of real notes is not here")
def test_the_real_note_builds_with_warnings(worker: Worker) -> None:
    rendered = worker.render(REAL_NOTE.read_text(encoding="utf-8-sig"))
    urls = [d for d in rendered.diagnostics if "link address" in d]
    assert [d.split(": ", 1)[0] for d in urls] == [
        "docs/index.md:329:27",
        "docs/index.md:373:66",
        "docs/index.md:373:143",
    ]
    assert "不就行了吗？</a>" in rendered.html


# --- bytes that are not UTF-8 ------------------------------------------------------------------


def test_invalid_utf8_is_replaced_and_reported_once() -> None:
    text, problem = decode_note(b"\xef\xbb\xbfa\r\nb \xff\xfe x\r\xc3", "docs/n.md")
    assert text == "a\nb \ufffd\ufffd x\n\ufffd"
    assert problem is not None
    assert str(problem).startswith(
        "docs/n.md:2:3: the note is not valid UTF-8 (byte 0xff, and 2 more places)"
    )
    assert decode_note("ok \ufffd\n".encode(), "x") == ("ok \ufffd\n", None)


def test_invalid_utf8_through_the_pipeline(worker: Worker) -> None:
    rendered = worker.render(b"# T\xe9l\xe9\n\n> docker run -it ubuntu bash\n")
    assert "T\ufffdl\ufffd" in rendered.html
    assert "docker run" in rendered.html
    assert rendered.diagnostics[0].startswith("docs/index.md:1:4: the note is not valid UTF-8")


# --- a real build ------------------------------------------------------------------------------


def test_mkdocs_build_of_notes_that_used_to_stop_it(tmp_path: Path) -> None:
    """`mkdocs build` (not strict) of a site with every such note: it finishes, names each
    problem at its line, and writes every page with the author's text on it."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\nplugins: [docker-notes]\nmarkdown_extensions: [pymdownx.magiclink]\n",
        encoding="utf-8",
    )
    notes = {
        "hang.md": b"]('>> [x]: ](\n",
        "root.md": b"(&    <img src=\t/>\n",
        "ipv6.md": b'\\\\server$(ftp://data:localhost](".png\n',
        "nfkc.md": "> 改成 'http://10.0.0.5:8929'不就行了吗？\n".encode(),
        "bytes.md": b"caf\xe9 au lait\n",
    }
    for name, data in notes.items():
        (docs / name).write_bytes(data)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("SITE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(tmp_path / "mkdocs.yml")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for where in ("docs/root.md:1:17:", "docs/ipv6.md:1:11:", "docs/nfkc.md:1:7:"):
        assert where in result.stderr
    assert "docs/bytes.md:1:4: the note is not valid UTF-8" in result.stderr
    site = tmp_path / "site"
    assert "不就行了吗？" in (site / "nfkc" / "index.html").read_text(encoding="utf-8")
    assert "caf\ufffd au lait" in (site / "bytes" / "index.html").read_text(encoding="utf-8")
    assert "]('&gt;&gt; [x]: ](" in (site / "hang" / "index.html").read_text(encoding="utf-8")


# --- found by the fuzz tests -------------------------------------------------------------------


def test_lt_before_an_image_does_not_stop_mkdocs(worker: Worker) -> None:
    """`<![` that starts no CDATA section made html.parser, in MkDocs' raw HTML preprocessor,
    raise `AssertionError: expected name token`, and the build stopped."""
    rendered = worker.render("para\n\n<![alt](_resources/shot.png) and more\n")
    assert '&lt;<img alt="alt" src="_resources/shot.png" /> and more' in rendered.html
    [diagnostic] = rendered.diagnostics
    assert diagnostic.startswith("docs/index.md:3:1: MkDocs cannot read the raw HTML")


@pytest.mark.parametrize("piece", ["[a](", "![", "![a](<", "<!-- ", "<!--\n", "](", "```a"])
def test_the_scanner_is_not_quadratic_on_unclosed_pieces(worker: Worker, piece: str) -> None:
    """Each unclosed `[a](`, `![` or `<!--` was searched to the end of its paragraph or page:
    a line of 4,000 `[a](` took 30 s. Each is now read at most 300 characters far (linear), and a
    line of 20,000 characters takes about a second
    (Python-Markdown itself still takes seconds there: Python-Markdown#798)."""
    rendered = worker.render(piece * (20_000 // len(piece)), whole=False, timeout=10)
    assert rendered.seconds < 6  # about 1 s on an idle machine, 30 s before
