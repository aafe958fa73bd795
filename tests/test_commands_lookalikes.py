"""Look-alike characters in commands (ShellCheck SC1015, SC1016, SC1018, SC1100): each is a warning
at the note's line and column naming the character, its code point and the fix; the block marks it
where it stands and copies the command as meant; a bidi control is never written into the page."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands_helpers import Block, blocks, render
from docker_notes.commands import knowledge, lookalike
from docker_notes.commands.model import BIDI, DASH, HIDDEN, LETTER, QUOTE, SPACE, WIDE
from docker_notes.commands.parse import parse_command
from docker_notes.commands.tokens import UnbalancedQuote
from docker_notes.extension import Diagnostic

K = knowledge.load()


def one_block(markdown_text: str) -> tuple[Block, list[Diagnostic], str]:
    page, found = render(markdown_text)
    (block,) = blocks(page)
    return block, found, page


def test_an_en_dash_for_a_dash_is_a_warning_not_an_image_reference() -> None:
    block, found, page = one_block("> docker run \u2013it ubuntu bash\n")
    assert [str(d) for d in found] == [
        "note.md:1:14: `\u2013it` starts with `\u2013` (U+2013 EN DASH), not `-`: the shell passes "
        "it on as written, so it is not read as an option; retype it as `-`"
    ]
    assert found[0].level == "warning"
    assert block.copy == "docker run -it ubuntu bash"
    # Read as meant: two options, and ubuntu the image.
    item = block.item_for("\u2013it")
    assert item.label == "options of docker container run"
    assert any(d.startswith("-i (--interactive)") for d in item.details)
    assert item.details[-1].startswith("\u2013 here is U+2013 EN DASH, not -")
    assert "the copy button copies -" in item.details[-1]
    assert block.item_for("ubuntu").label == "image (IMAGE)"
    assert '<mark class="dn-lookalike" title="U+2013 EN DASH, not -: copied as -">' in page


def test_curly_quotes_are_warned_and_copied_as_straight_quotes() -> None:
    block, found, _ = one_block("> docker run -e \u201cA=b\u201d alpine env\n")
    assert [(d.column, d.fix) for d in found] == [
        (17, 'retype it as `"`'),
        (21, 'retype it as `"`'),
    ]
    assert "U+201C LEFT DOUBLE QUOTATION MARK" in found[0].message
    assert "U+201D RIGHT DOUBLE QUOTATION MARK" in found[1].message
    assert block.copy == 'docker run -e "A=b" alpine env'
    value = block.item_for("\u201cA=b\u201d")
    assert value.label == "value of --env"
    assert any("A" in d and "b" in d for d in value.details)


@pytest.mark.parametrize(
    ("space", "name"), [("\u00a0", "U+00A0 NO-BREAK SPACE"), ("\u200b", "U+200B ZERO WIDTH SPACE")]
)
def test_a_no_break_or_zero_width_space_between_words_is_still_a_command(
    space: str, name: str
) -> None:
    block, found, _ = one_block(f"> docker{space}ps -a\n")
    assert block.copy == "docker ps -a"
    (warning,) = found
    assert (warning.line, warning.column) == (1, 9)
    assert name in warning.message
    assert warning.fix == "retype it as a plain space"
    assert [t[0] for t in block.tokens] == ["docker", "ps", "-a"]
    assert block.item_for("ps").label == "subcommand"


def test_a_zero_width_space_next_to_a_word_belongs_to_it() -> None:
    block, found, page = one_block("> docker \u200bps -a\n")
    assert block.copy == "docker ps -a"
    assert found[0].column == 10 and found[0].fix == "delete it"
    assert "`<U+200B>ps`" in found[0].message
    assert block.item_for("ps").label == "subcommand"
    assert 'data-dn-char="U+200B"' in page and "\u200b" not in page


def test_a_bidi_control_is_shown_visibly_and_never_copied() -> None:
    block, found, page = one_block("> docker run ubu\u202entu bash\n")
    (warning,) = found
    assert (warning.column, warning.fix) == (17, "delete it")
    assert "U+202E RIGHT-TO-LEFT OVERRIDE in `ubu<U+202E>ntu`" in warning.message
    assert "the line shows one thing and the shell reads another" in warning.message
    assert block.copy == "docker run ubuntu bash"
    # The page never holds the control: in its place a mark that shows its code point.
    assert "\u202e" not in page
    assert (
        'ubu<mark class="dn-lookalike dn-lookalike--hidden" '
        'title="U+202E RIGHT-TO-LEFT OVERRIDE, invisible: not copied" data-dn-char="U+202E">'
        "</mark>ntu"
    ) in page
    assert block.code == "docker run ubuntu bash"  # the text shown, in the order it is read
    image = block.item_for("ubuntu")
    assert image.details[-1].startswith("an invisible U+202E RIGHT-TO-LEFT OVERRIDE is hidden")


@pytest.mark.parametrize(
    ("line", "copied"),
    [
        ("docker run \u2014rm alpine", "docker run --rm alpine"),  # an em dash was `--`
        ("docker run \u2013rm alpine", "docker run --rm alpine"),  # `-rm` is no option: `--rm`
        ("docker run \u2014it ubuntu", "docker run -it ubuntu"),  # `--it` is none: `-it`
        ("docker run \u2013p 80:80 nginx", "docker run -p 80:80 nginx"),
        ("docker run \u2014\u2014rm alpine", "docker run ----rm alpine"),
    ],
)
def test_a_dash_starting_a_word_is_read_as_the_option_docker_knows(line: str, copied: str) -> None:
    parsed = parse_command(line, K)
    assert parsed.copy_text == copied
    assert parsed.lookalikes and all(f.kind == DASH for f in parsed.lookalikes)


@pytest.mark.parametrize(
    "line",
    [
        'docker run alpine echo "a \u2013 b"',  # quoted text is text
        "docker run alpine echo 'a\u00a0b'",
        "docker run alpine echo it\u2019s",  # an apostrophe
        "docker run alpine echo \u043f\u0440\u0438\u0432\u0435\u0442",  # a Cyrillic word
        "docker run --name \u0441\u0435\u0440\u0432\u0435\u0440-web nginx",  # and mixed in
        "\uff04 docker ps",  # a full-width prompt is a prompt
        "docker run --name \u00fcn\u00efc\u00f8d\u00e9-\u5bb9\u5668 alpine",
        # A comment is text the shell ignores; a Chinese word has its own full-width comma.
        "docker run -d nginx  # \u901a\u8fc7nginx\u955c\u50cf\uff0c\u3010\u521b\u5efa\u3011 \u2013 \u201cok\u201d",
        "docker run alpine echo \u4f60\u597d\uff0c\u4e16\u754c",
        "docker run alpine echo \u201c\u4f60\u597d\u2014\u2014\u4e16\u754c\u201d",
    ],
)
def test_what_the_shell_reads_as_written_is_no_look_alike(line: str) -> None:
    parsed = parse_command(line, K)
    assert not parsed.lookalikes
    assert not parsed.problems
    assert parsed.copy_text == line.removeprefix("\uff04 ")


@pytest.mark.parametrize(
    ("line", "kind", "copied"),
    [
        ("docker ps \uff0da", DASH, "docker ps -a"),
        ("docker ps \uff41", WIDE, "docker ps a"),
        ("docker run d\u0435bian", LETTER, "docker run debian"),
        ("docker run -e \u2018A=b\u2019 alpine", QUOTE, "docker run -e 'A=b' alpine"),
        ("docker ps\u3000-a", SPACE, "docker ps -a"),
        ("docker ps -a\ufeff", HIDDEN, "docker ps -a"),
        ("docker run \u2066alpine\u2069", BIDI, "docker run alpine"),
    ],
)
def test_each_kind_is_found_and_copied_as_meant(line: str, kind: str, copied: str) -> None:
    parsed = parse_command(line, K)
    assert {f.kind for f in parsed.lookalikes} == {kind}
    assert parsed.copy_text == copied
    assert [p.level for p in parsed.problems] == ["warning"] * len(parsed.lookalikes)
    for problem, found in zip(parsed.problems, parsed.lookalikes, strict=True):
        assert problem.offset == found.offset
        assert f"U+{ord(found.char):04X}" in problem.message


def test_a_bidi_control_in_a_prompt_is_still_caught() -> None:
    block, found, page = one_block("> $\u202e docker ps\n")
    assert block.copy == "docker ps"
    assert "\u202e" not in page and 'data-dn-char="U+202E"' in page
    assert "U+202E" in found[0].message


def test_a_bidi_control_in_a_comment_is_still_caught() -> None:
    parsed = parse_command("docker ps  # list \u202eit", K)
    assert [f.kind for f in parsed.lookalikes] == [BIDI]
    assert parsed.copy_text == "docker ps  # list it"


def test_a_word_typed_in_full_width_letters_is_one_warning() -> None:
    parsed = parse_command("docker run \uff55\uff42\uff55\uff4e\uff54\uff55", K)
    assert parsed.copy_text == "docker run ubuntu"
    assert len(parsed.lookalikes) == 6
    (warning,) = parsed.problems
    assert warning.offset == len("docker run ")
    assert warning.fix == "retype it as `ubuntu`"
    assert "U+FF55 FULLWIDTH LATIN SMALL LETTER U, U+FF42 FULLWIDTH LATIN SMALL LETTER B, …" in (
        warning.message
    )


def test_curly_quotes_that_do_not_pair_up_are_copied_as_written() -> None:
    parsed = parse_command("docker run -e \u201cA=b alpine", K)
    (found,) = parsed.lookalikes
    assert not found.replaced
    assert parsed.copy_text == "docker run -e \u201cA=b alpine"
    assert "copies it as written" in parsed.tokens[3].explanation.details[-1]


def test_an_unclosed_quote_after_a_look_alike_is_reported_where_it_is_written() -> None:
    _, found = render("> docker run \u200b-e 'A=b alpine\n")
    (warning,) = found
    assert warning.message.startswith("a single quote (') is never closed")
    assert warning.column == 18  # the quote's column in the note, the invisible space counted


def test_a_multi_line_command_maps_every_warning_to_its_line() -> None:
    text = "> docker run -d \\\n>   \u2013p 80:80 \\\n>   ngin\u0445\n"
    block, found, _ = one_block(text)
    assert [(d.line, d.column) for d in found] == [(2, 5), (3, 9)]
    assert "U+0445 CYRILLIC SMALL LETTER HA" in found[1].message
    assert block.copy == "docker run -d \\\n  -p 80:80 \\\n  nginx"


def test_reading_keeps_track_of_every_character() -> None:
    written = "docker run \u2014rm -e \u201cA=b\u201d ubu\u202entu"
    reading = lookalike.read(written)
    assert reading.text == 'docker run --rm -e "A=b" ubuntu'
    assert len(reading.origin) == len(reading.text) + 1
    for k, ch in enumerate(reading.text):
        source = written[reading.origin[k]]
        assert ch == source or lookalike.read(source).text in (ch, "--")
    assert reading.origin[-1] == len(written)


def test_plain_ascii_lines_take_the_fast_path() -> None:
    reading = lookalike.read("docker run -it ubuntu bash")
    assert reading.found == () and isinstance(reading.origin, range)


# --- in a real build -------------------------------------------------------------------------

CONFIG = """\
site_name: Look-alikes
theme:
  name: material
plugins:
  - docker-notes:
      images: {enabled: false}
"""

NOTE = """\
---
title: Pasted from a web page
---

# Pasted

Text before.

> docker run \u2013it ubuntu bash

> docker run -e \u201cA=b\u201d alpine env
"""


def test_a_strict_build_fails_naming_file_line_column_and_code_point(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "pasted.md").write_text(NOTE, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=tmp_path,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    warnings = re.findall(
        r"WARNING -  docker_notes: (docs/pasted\.md:\d+:\d+): (.*)", result.stderr
    )
    assert [(where, "U+2013" in m or "U+201C" in m or "U+201D" in m) for where, m in warnings] == [
        ("docs/pasted.md:9:14", True),
        ("docs/pasted.md:11:17", True),
        ("docs/pasted.md:11:21", True),
    ]
    assert "; retype it as `-`" in warnings[0][1]
    page = (tmp_path / "site" / "pasted" / "index.html").read_text(encoding="utf-8")
    assert [b.copy for b in blocks(page)] == [
        "docker run -it ubuntu bash",
        'docker run -e "A=b" alpine env',
    ]
    assert page.count('class="dn-lookalike"') == 3


# --- properties --------------------------------------------------------------------------------

LOOK_ALIKE_LINE = st.text(
    alphabet=st.sampled_from(
        [
            *"docker run ps -it ubuntu bash echo",
            *" \"'#\\$\n",
            *"\u2013\u2014\u201c\u201d\u2018\u2019\u00a0\u200b\u202e\u2066\uff41\uff0d\u0435\u4f60",
        ]
    ),
    max_size=40,
).map(lambda tail: "docker run " + tail)


@settings(max_examples=200, deadline=None)
@given(LOOK_ALIKE_LINE)
def test_tokens_stay_on_the_text_as_written(text: str) -> None:
    try:
        parsed = parse_command(text, K)
    except UnbalancedQuote as e:
        assert 0 <= e.position <= len(text)
        return
    end = 0
    for token in parsed.tokens:
        assert token.text == text[token.start : token.end]
        assert end <= token.start < token.end <= len(text)
        end = token.end
    for problem in parsed.problems:
        assert 0 <= problem.offset <= len(text)
    for found in parsed.lookalikes:
        assert text[found.offset] == found.char
    assert not re.search("[\u200b\u202e\u2066]", parsed.copy_text)
    if not parsed.lookalikes:
        assert parsed.copy_text == text[parsed.prompt_end :]
