"""The notes' block structure on the site is the one their CommonMark editor shows (structure/).

Differential: each note rendered by markdown-it-py (CommonMark + GFM tables) and by the site's
Markdown (mkdocs.yml's extensions, the command blocks, the structure extension), compared element by
element (structure_helpers.py). Material's own syntax renders byte for byte as without the
extension; properties: any text is kept, never raises, and rewriting is idempotent.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docker_notes.extension import Diagnostic
from docker_notes.structure.rewrite import rewrite
from structure_helpers import FIXTURES, compare, corpus_notes, site_html

RULE_FIXTURES = sorted(FIXTURES.glob("*.md"))
MATERIAL_FIXTURES = sorted((FIXTURES / "material").glob("*.md"))
# Written in Python-Markdown's own indent: both readers already agree on it.
FOUR_SPACES = FIXTURES / "lists-4-spaces.md"
NEED_IT = [p for p in RULE_FIXTURES if p != FOUR_SPACES]


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


@pytest.mark.parametrize("note", RULE_FIXTURES, ids=_ids(RULE_FIXTURES))
def test_each_rule_shows_the_commonmark_structure(note: Path) -> None:
    result = compare(note.read_text(encoding="utf-8"))
    assert result.expected, "the fixture has no structure to compare"
    assert result.count == 0, "\n".join(result.differences)


@pytest.mark.parametrize("note", NEED_IT, ids=_ids(NEED_IT))
def test_without_the_extension_each_rule_fixture_differs(note: Path) -> None:
    """The fixtures exercise what Python-Markdown alone gets wrong."""
    assert compare(note.read_text(encoding="utf-8"), structure_extension=False).count > 0


def test_a_note_indented_by_4_spaces_stays_as_written() -> None:
    text = FOUR_SPACES.read_text(encoding="utf-8")
    assert rewrite(text).text == text
    assert compare(text, structure_extension=False).count == 0


@pytest.mark.parametrize("note", MATERIAL_FIXTURES, ids=_ids(MATERIAL_FIXTURES))
def test_material_syntax_renders_byte_for_byte_as_without_the_extension(note: Path) -> None:
    text = note.read_text(encoding="utf-8")
    assert rewrite(text).text == text
    assert site_html(text, structure=True) == site_html(text, structure=False)


@pytest.mark.parametrize("note", corpus_notes(), ids=_ids(corpus_notes()))
def test_real_notes_show_the_commonmark_structure(note: Path) -> None:
    """The five shared real notes (skipped when ../shared is absent). The fifth crashes MkDocs'
    link processing on a URL; at the Markdown level, which this compares, it renders."""
    result = compare(note.read_text(encoding="utf-8"))
    assert len(result.expected) > 10
    assert result.count == 0, "\n".join(result.differences)


def test_real_notes_are_there_or_skipped() -> None:
    if not corpus_notes():
        pytest.skip("../shared/corpus/notes is absent")
    assert len(corpus_notes()) == 5


# --- Single rules, end to end through Python-Markdown ---------------------------------------------


def _render(text: str, **config: object) -> tuple[str, list[Diagnostic]]:
    found: list[Diagnostic] = []
    html = site_html(text, report=found.append, **config)  # type: ignore[arg-type]
    return html, found


def test_a_command_quoted_in_a_2_space_item_becomes_a_block_inside_the_item() -> None:
    html, _ = _render("- Run it:\n  > docker run -it ubuntu bash\n- Done\n")
    item = re.search(r"<li>Run it:(.*?)</li>\s*<li>Done", html, re.S)
    assert item is not None, html
    assert 'class="dn-cmd"' in item.group(1)
    assert "&gt; docker" not in html


def test_command_warnings_keep_the_line_and_column_the_author_wrote() -> None:
    text = "# Steps\n\nFirst:\n- check\n  - list all:\n    > docker ps -all\n"
    _, found = _render(text, path="docs/steps.md")
    where = [(d.line, d.column) for d in found if "-all" in d.message or "--all" in d.fix]
    assert where == [(6, 17)], found


def test_an_ordered_list_keeps_its_start_number() -> None:
    html, _ = _render("3. third\n4. fourth\n")
    assert '<ol start="3">' in html


def test_markdown_inside_an_html_block_in_a_list_item_is_reported_at_its_line() -> None:
    text = "# Note\n\n- clean up:\n\n  <details>\n  <summary>How</summary>\n\n  - stop it\n\n  </details>\n"
    _, found = _render(text, path="docs/clean.md")
    notes = [d for d in found if "HTML element" in d.message]
    assert [(d.path, d.line) for d in notes] == [("docs/clean.md", 5)]
    assert "shows as written" in str(notes[0])


def test_the_extension_loads_by_name_and_by_entry_point() -> None:
    for name in ("docker_notes.structure", "docker_notes_structure"):
        html = markdown.markdown("Steps:\n- one\n- two\n", extensions=[name])
        assert html.startswith("<p>Steps:</p>\n<ul>"), html


def test_two_quotes_stay_two_quotes_and_leave_no_trace() -> None:
    html, _ = _render("> first remark\n\n> second remark\n")
    assert html.count("<blockquote>") == 2
    assert "\ue000" not in html and "<p></p>" not in html


# --- Properties ---------------------------------------------------------------------------------

FRAGMENTS = [
    "- a", "  - b", "    - c", "\t- t", "1. one", "2) two", "3. three", "10. ten", "* star", "+ plus",
    "-", "- [ ] task", "- > q", "- ```", "- # h", "1.  x", "  2. b", "> q", "> docker ps", ">> x",
    "   > y", "\t> q", "> - a", ">     code", "> ```", "  > docker run -it x", "```", "~~~",
    "```py", "  ```py", "    code", "# H", "#tag", "Para", "text", "", "", "---", "***", "===",
    "<details>", "<summary>S</summary>", "</details>", "<div>", "</div>", "<!-- c -->", "!!! note",
    "    body", '=== "Tab"', "[^1]: foot", ": def", "*[HTML]: x", "/// note", "///", "| a | b |",
    "|---|---|", "[x]: /u", "{: .c }", "\u202e bidi", "\x07bell", "é ü 中文", "x" * 300,
]  # fmt: skip

notes = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=16).map("\n".join)


def _kept(source: str, result: str) -> bool:
    """Every non-space character of `source`, in order, in `result` (a list's `1)` may be `1.`)."""
    have = re.sub(r"\s", "", result)
    k = 0
    for char in re.sub(r"\s", "", source):
        while k < len(have) and not (have[k] == char or (char == ")" and have[k] == ".")):
            k += 1
        if k == len(have):
            return False
        k += 1
    return True


@settings(max_examples=300, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
@given(notes)
def test_any_note_keeps_its_text_and_rewriting_it_again_changes_nothing(text: str) -> None:
    """Added are only blank lines, indents, `>` of quote lines, escapes and separators; the one
    thing ever taken out, a fence's info string after its language where pymdownx.superfences
    would not read it (not shown by CommonMark either), is not among these fragments."""
    text = text.expandtabs(4)  # as Python-Markdown hands it over
    once = rewrite(text).text
    assert _kept(text, once)
    assert rewrite(once).text == once


@settings(max_examples=60, deadline=3000, suppress_health_check=[HealthCheck.too_slow])
@given(notes)
def test_any_note_renders_through_the_site_pipeline(text: str) -> None:
    html, _ = _render(text)
    assert "\ue000" not in html


@pytest.mark.parametrize(
    "text",
    [
        "\n\n".join(["Steps:\n- one\n  - two\n    > docker ps\n- three"] * 400),
        "> " * 3000 + "x",  # quotes in quotes: no recursion without end
        "<details>\n\n" * 3000,  # each open element looks for its end tag once, not each time
        "- " * 3000 + "x",
    ],
    ids=["many-lists", "deep-quote", "open-elements", "deep-list"],
)
def test_a_large_or_deep_note_is_rewritten_fast(text: str) -> None:
    start = time.perf_counter()
    result = rewrite(text)
    assert time.perf_counter() - start < 2.0
    assert _kept(text, result.text)


def test_a_fault_in_the_rewriting_leaves_the_note_as_python_markdown_reads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from docker_notes.structure import extension

    def broken(text: str, command_line: object = None) -> object:
        raise ValueError("a bug")

    monkeypatch.setattr(extension, "rewrite", broken)
    html, found = _render("Steps:\n- one\n", path="docs/steps.md")
    assert html == site_html("Steps:\n- one\n", structure=False)
    assert [(d.path, d.line) for d in found] == [("docs/steps.md", 1)]
    assert "could not read this note's structure (ValueError: a bug)" in found[0].message
