"""The small data types the command core passes around."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .render import Rendered

# What a token is, for the reader (and for highlighting).
PROMPT = "prompt"
PROGRAM = "program"
SUBCOMMAND = "subcommand"
OPTION = "option"
VALUE = "value"  # the value of an option
IMAGE = "image"
COMMAND = "command"  # the program run inside a container
ARGUMENT = "argument"  # any other positional argument
PLACEHOLDER = "placeholder"
SHELL = "shell"  # operators, redirects, substitutions, variables: the shell's part, not docker's
COMMENT = "comment"
CONTINUATION = "continuation"
UNKNOWN = "unknown"

ROLES = (
    PROMPT,
    PROGRAM,
    SUBCOMMAND,
    OPTION,
    VALUE,
    IMAGE,
    COMMAND,
    ARGUMENT,
    PLACEHOLDER,
    SHELL,
    COMMENT,
    CONTINUATION,
    UNKNOWN,
)

WARNING = "warning"
INFO = "info"

# Kinds of look-alike characters (see lookalike.py).
DASH = "dash"  # – — − for -
QUOTE = "quote"  # “ ” ‘ ’ for " '
SPACE = "space"  # no-break and other spaces that do not separate words
HIDDEN = "hidden"  # zero-width and other invisible characters
BIDI = "bidi"  # invisible controls that reorder the text shown
WIDE = "wide"  # full-width forms of ASCII characters
LETTER = "letter"  # a Cyrillic or Greek letter drawn like a Latin one, in a Latin word


@dataclass(frozen=True)
class Explanation:
    """What the reader sees for one token."""

    title: str  # the token as it reads in the explanation, e.g. `-p, --publish`
    label: str  # what it is, e.g. "option of docker run"
    text: str  # our words; plain text with `backticks` for code
    details: tuple[str, ...] = ()  # the structure of a value, one line each
    links: tuple[tuple[str, str], ...] = ()  # (label, url)
    specific: bool = True  # False when only a generic fallback was available
    # What differs between releases: (when, text), e.g. ("Since Docker 29", "…").
    versions: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Token:
    text: str
    start: int  # offsets in ParsedCommand.text
    end: int
    role: str
    explanation: Explanation


@dataclass(frozen=True)
class Problem:
    """Something wrong with a command line, to report with the note's file and line."""

    offset: int  # in the command text
    message: str
    fix: str = ""
    level: str = WARNING


@dataclass(frozen=True)
class LookAlike:
    """A character that looks like what the shell expects and is something else."""

    offset: int  # in the command text
    char: str
    meant: str  # what it stands for: `-`, `--`, `"`, `'`, ` `, a letter; "" for an invisible one
    kind: str
    replaced: bool = (
        True  # the copy has `meant` in its place (curly quotes that do not pair up stay)
    )


@dataclass
class ParsedCommand:
    text: str  # the command as shown: prompt included, Markdown escapes resolved
    tokens: list[Token] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    prompt_end: int = 0  # text[:prompt_end] is a prompt, not copied
    # What the copy button copies when it is not the text after the prompt (see lookalike.restore).
    copied: str | None = None
    lookalikes: tuple[LookAlike, ...] = ()  # marked where they stand in the rendered code
    # Its HTML, made once (see render.rendered).
    html: Rendered | None = field(default=None, compare=False, repr=False)

    @property
    def copy_text(self) -> str:
        return self.text[self.prompt_end :] if self.copied is None else self.copied
