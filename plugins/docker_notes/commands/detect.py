"""Which quote lines are commands, and which only look like one.

A line is a command when, after an optional prompt and `sudo`, it starts with a program the knowledge
has subcommands for (`docker`, `docker-compose`, a user's `kubectl`) followed by one of them or by a
global option. Prose that merely starts with the word ("docker registry UI", "Docker is a platform")
stays prose. A capitalised `Docker run …` or a typo such as `docker rum …` is reported and left as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from . import lookalike
from .knowledge import Knowledge, Program
from .parse import PROMPT_RE, WRAPPERS
from .suggest import closest

COMMAND = "command"
PROSE = "prose"
CAPITALISED = "capitalised"
TYPO = "typo"

# Python-Markdown's backslash escapes (markdown.inlinepatterns ESCAPED_CHARS): `NAME\_OF` shows `NAME_OF`.
_ESCAPABLE = frozenset("\\`*_{}[]()>#+-.!")
_FIRST_WORDS = re.compile(r"^(\S+)(?:[ \t]+(\S+))?")
_SENTENCE_END = re.compile(r"[A-Za-z]{2,}[.!?]$")


@dataclass(frozen=True)
class Detection:
    kind: str
    program: str = ""
    start: int = 0  # where the program word starts in the line
    message: str = ""
    fix: str = ""


def unescape_markdown(text: str) -> tuple[str, Sequence[int]]:
    """The text Markdown would show for these escapes, and each shown character's source offset.

    A backslash ending a line is a shell line continuation, not an escape, and stays.
    """
    if "\\" not in text:  # the usual case: nothing to resolve, offsets are the identity
        return text, range(len(text) + 1)
    out: list[str] = []
    offsets: list[int] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPABLE:
            out.append(text[i + 1])
            offsets.append(i + 1)
            i += 2
            continue
        out.append(c)
        offsets.append(i)
        i += 1
    offsets.append(len(text))
    return "".join(out), offsets


def command_start(line: str) -> int:
    """Offset of the program word, after a prompt and wrappers such as `sudo`."""
    pos = 0
    m = PROMPT_RE.match(line)
    if m:
        pos = m.end()
    while True:
        m = _FIRST_WORDS.match(line[pos:])
        if not m or m.group(1) not in WRAPPERS or not m.group(2):
            return pos
        pos += m.start(2)


def detect_cached(line: str, knowledge: Knowledge) -> Detection:
    """`detect`, remembered with the knowledge (a block is looked at more than once)."""
    key = ("detect", line)
    found = knowledge.cache.get(key)
    if found is None:
        found = knowledge.cache[key] = detect(line, knowledge)
    return found


def detect(line: str, knowledge: Knowledge) -> Detection:
    """What the line is. A command written with look-alike characters (`docker ps -a` with a
    no-break space) is a command too: it is read as meant, and the parser reports them."""
    if line.isascii():
        return _detect(line, knowledge)
    reading = lookalike.read(line)
    if not reading.found:
        return _detect(line, knowledge)
    found = _detect(reading.text, knowledge)
    if found.kind == PROSE and reading.ambiguous:
        reading = lookalike.read(line, flip=True)  # `docker<U+200B>ps`: the space it stands for
        found = _detect(reading.text, knowledge)
    return replace(found, start=reading.origin[found.start])


def _detect(line: str, knowledge: Knowledge) -> Detection:
    start = command_start(line)
    m = _FIRST_WORDS.match(line[start:])
    if not m or not m.group(2):
        return Detection(PROSE)
    first, second = m.group(1), m.group(2)
    program = knowledge.program(first)
    if program is None and first[:1].isupper():
        lowered = knowledge.program(first.lower())
        if lowered is not None and _is_subcommand_or_option(lowered, second, knowledge):
            if _looks_like_prose(line):
                return Detection(PROSE)
            return Detection(
                CAPITALISED,
                lowered.name,
                start,
                f"`{first} {second}` is not a command: commands are case-sensitive, "
                f"so the shell knows `{first.lower()}` but not `{first}`; the line is left as written",
                f"write `{first.lower()} {second}`",
            )
        return Detection(PROSE)
    if program is not None and not _has_subcommands(program, knowledge):
        return _pipeline_into(line, start, program, knowledge)
    if program is None:
        return Detection(PROSE)
    if _is_subcommand_or_option(program, second, knowledge) or _option_then_subcommand(
        program, line[start:], knowledge
    ):
        if _looks_like_prose(line):
            return Detection(PROSE)
        return Detection(COMMAND, program.name, start)
    real, path = knowledge.real_program(program)
    close = closest(second, knowledge.command_names(real, path))
    if close and not _looks_like_prose(line) and second.isalpha() and second.islower():
        return Detection(
            TYPO,
            program.name,
            start + m.start(2),
            f"`{second}` is not a `{first}` command; the line is left as written",
            f"did you mean `{first} {close}`?",
        )
    return Detection(PROSE)


# `gunzip -c x.tar.gz | docker load`: a known program feeding a docker command.
_LATER_COMMAND = re.compile(r"(?:\|\|?|&&|;)\s*(?:sudo\s+)?(\S+)\s+(\S+)")


def _pipeline_into(line: str, start: int, first: Program, knowledge: Knowledge) -> Detection:
    for m in _LATER_COMMAND.finditer(line, start):
        program = knowledge.program(m.group(1))
        if (
            program is not None
            and _has_subcommands(program, knowledge)
            and _is_subcommand_or_option(program, m.group(2), knowledge)
        ):
            return Detection(COMMAND, first.name, start)
    return Detection(PROSE)


def _has_subcommands(program: Program, knowledge: Knowledge) -> bool:
    real, path = knowledge.real_program(program)
    root = real.commands.get(path)
    return root is not None and root.is_group


def _is_subcommand_or_option(program: Program, word: str, knowledge: Knowledge) -> bool:
    real, path = knowledge.real_program(program)
    root = real.commands.get(path)
    if root is None:
        return False
    if word.startswith("-"):
        return root.option(word.partition("=")[0]) is not None
    return (*path, word) in real.commands


def _option_then_subcommand(program: Program, text: str, knowledge: Knowledge) -> bool:
    """`docker -p 80:80 build .`: an option docker does not know, then a subcommand (linted)."""
    words = text.split()
    if len(words) < 3 or not words[1].startswith("-"):
        return False
    real, path = knowledge.real_program(program)
    return any((*path, w) in real.commands for w in words[2:])


def _looks_like_prose(line: str) -> bool:
    """ "docker images are read-only." is a sentence, not a command."""
    words = line.split()
    return bool(words) and bool(_SENTENCE_END.search(words[-1])) and len(words) >= 3
