"""Properties of the conversion on generated Markdown: nothing lost, deterministic, never raises."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from commands_helpers import blocks, plain, render, without_blocks

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

COMMANDS = [
    "docker run -it ubuntu bash",
    "docker pull busybox",
    "$ docker ps -a",
    "docker run -d -p 8080:80 --name web nginx",
    "docker compose up -d",
    'docker run -e "A=b c" alpine env',
    "docker rm -f $(docker ps -aq)",
    "docker run -it <script>alert(1)</script> bash",
    "docker run --name ünïcødé-容器 alpine",
    "docker exec -it\tweb\tsh",
]
# Prose a note may hold, including words that look like the start of a command.
PROSE_LINE = st.one_of(
    st.sampled_from([
        "Docker is a platform.", "docker registry UI", "* a list item", "1. first step",
        "Some **bold** text with `code`", "<b>raw html</b>", "# A heading", "> a quote",
        "> docker images are read-only templates.", "    indented code", "```", "~~~", "",
        "> Docker is a platform.", "| a | b |", "<!-- a comment -->",
    ]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00\x0c\x0b"),
            max_size=60),
)  # fmt: skip
PROSE = st.lists(PROSE_LINE, min_size=1, max_size=6).map("\n".join)
COMMAND_QUOTE = st.lists(st.sampled_from(COMMANDS), min_size=1, max_size=3).map(
    lambda cmds: "\n".join(f"> {c}" for c in cmds)
)


@SETTINGS
@given(st.lists(PROSE, min_size=1, max_size=5).map("\n\n".join))
def test_markdown_without_commands_renders_exactly_as_without_the_extension(text: str) -> None:
    if re.search(r"(?m)^\s{0,3}(?:>\s?)+\s*(?:[$#＄]\s+)?(?:sudo\s+)?[Dd]ocker", text):
        return  # may hold a command or a lint; covered by the tests below
    converted, diagnostics = render(text)
    assert converted == plain(text)
    assert not diagnostics


@SETTINGS
@given(st.lists(st.one_of(PROSE, COMMAND_QUOTE), min_size=1, max_size=6))
def test_command_quotes_become_blocks_and_the_rest_is_untouched(parts: list[str]) -> None:
    # Fences must be closed for parts to stay independent of each other.
    parts = [p for p in parts if p.count("```") % 2 == 0 and p.count("~~~") % 2 == 0]
    text = "\n\n".join(parts)
    converted, _ = render(text)
    # Replace each command quote by a marker paragraph: the rest must render identically. It
    # holds a `>`, as the quote does: Python-Markdown's reading of raw HTML before it (an unclosed
    # `<?`) ends there.
    marked = "\n\n".join("[command block]>" if p in _quotes(parts) else p for p in parts)
    expected = plain(marked).replace("<p>[command block]&gt;</p>", "[command block]")
    assert without_blocks(converted) == expected
    found = blocks(converted)
    quotes = [p for p in parts if p in _quotes(parts)]
    assert [b.copy for b in found] == [_copy(q) for q in quotes]


def _quotes(parts: list[str]) -> set[str]:
    return {p for p in parts if p.startswith("> ") and all(
        line[2:] in COMMANDS for line in p.split("\n"))}  # fmt: skip


def _copy(quote: str) -> str:
    return "\n".join(re.sub(r"^[$]\s+", "", line[2:]) for line in quote.split("\n"))


@SETTINGS
@given(st.text(max_size=300))
def test_never_raises_and_is_deterministic(text: str) -> None:
    first = render(text)
    second = render(text)
    assert first == second


# One line: no character that Python's str.splitlines() takes for a line break.
LINE_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029",
    ),
    max_size=80,
)


BIDI_CONTROL = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@SETTINGS
@given(LINE_TEXT)
@example("&quot")  # an entity's text stays text
@example("\t-p\t80:80\tnginx")
@example("\u2013it ubu\u202entu bash")
@example("-e \u201cA=b\u201d alpine")
def test_any_text_after_docker_run_survives(tail: str) -> None:
    text = f"> docker run {tail}"
    converted, diagnostics = render(text)
    found = blocks(converted)
    # A bidi control never reaches the page: the block shows its code point instead.
    assert not BIDI_CONTROL.search(converted)
    if found:
        (block,) = found
        assert block.copy.startswith("docker run")
        if "dn-lookalike" not in converted:
            # What the block shows is what it copies: no character lost or added on the way.
            assert block.code == block.copy
        else:
            # A look-alike character is marked where it stands, copied as what it stands for,
            # and the author is told.
            assert any("U+" in d.message for d in diagnostics)
            assert not INVISIBLE.search(block.copy)
    else:
        assert diagnostics or converted == plain(text)


def test_script_in_a_command_stays_text() -> None:
    converted, _ = render("> docker run -it <script>alert(1)</script> bash")
    assert "<script>" not in converted
    assert "&lt;script&gt;alert" in converted
    assert blocks(converted)[0].copy == "docker run -it <script>alert(1)</script> bash"


def test_crlf_tabs_and_non_ascii_survive() -> None:
    text = "> docker run --name ünï-容器 alpine\r\n> docker exec -it\tweb\tsh\r\n"
    converted, diagnostics = render(text)
    (block,) = blocks(converted)
    assert block.copy == "docker run --name ünï-容器 alpine\ndocker exec -it\tweb\tsh"
    assert "ünï-容器" in block.code and "\tweb\t" in block.code
    assert not diagnostics
