"""Characters that look like what the shell expects and are something else.

Commands pasted from web pages and word processors carry them (ShellCheck's SC1015, SC1016,
SC1018, SC1100): an en dash for `-` (`docker run –it ubuntu`), curly quotes for `"`, a no-break or
zero-width space between words, full-width letters, a Cyrillic `о` in a Latin word, and invisible
bidirectional controls that make a line show one thing while the shell reads another.

`read` finds them and gives the command as its author meant it (each look-alike replaced by what it
stands for, invisible ones removed), with the offset in the written text of each character of the
meant one. The parser reads the meant command, so `–it` is explained as `-i` and `-t`; `restore`
puts the result back on the written text, adds a warning for each look-alike and a note to the
token that holds it, and the rendered block marks each one where it stands.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .model import (
    BIDI,
    DASH,
    HIDDEN,
    LETTER,
    QUOTE,
    SPACE,
    WIDE,
    LookAlike,
    ParsedCommand,
    Problem,
    Token,
)

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
# Word processors turn `--` into an em dash: at the start of a word it stands for two dashes.
_LONG_DASHES = "\u2014\u2015"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\uff02"
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\uff07"
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_ZERO_WIDTH_SPACE = "\u200b"
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Joiners belong inside quoted text (emoji sequences, some scripts): only outside quotes are they
# out of place.
_JOINERS = "\u200c\u200d"
# Letters of other scripts drawn like Latin ones, when they turn up inside a Latin word.
_LETTERS = {
    # Cyrillic
    "\u0430": "a", "\u0435": "e", "\u043e": "o", "\u0440": "p", "\u0441": "c", "\u0443": "y",
    "\u0445": "x", "\u0456": "i", "\u0458": "j", "\u0455": "s", "\u0501": "d", "\u04bb": "h",
    "\u0410": "A", "\u0412": "B", "\u0415": "E", "\u041a": "K", "\u041c": "M", "\u041d": "H",
    "\u041e": "O", "\u0420": "P", "\u0421": "C", "\u0422": "T", "\u0425": "X", "\u0406": "I",
    "\u0408": "J", "\u0405": "S",
    # Greek
    "\u03bf": "o", "\u03b1": "a", "\u03bd": "v", "\u0391": "A", "\u0392": "B", "\u0395": "E",
    "\u0396": "Z", "\u0397": "H", "\u0399": "I", "\u039a": "K", "\u039c": "M", "\u039d": "N",
    "\u039f": "O", "\u03a1": "P", "\u03a4": "T", "\u03a5": "Y", "\u03a7": "X",
}  # fmt: skip
_WIDE_FIRST, _WIDE_LAST = 0xFF01, 0xFF5E  # full-width forms of `!` … `~`
_CANDIDATE = re.compile(
    "["
    + re.escape(_DASHES + _DOUBLE_QUOTES + _SINGLE_QUOTES + _SPACES + "".join(_LETTERS))
    + "\uff01-\uff5e]"
)


@dataclass(frozen=True)
class Reading:
    """The command as meant, and where each of its characters stands in the written text."""

    text: str
    origin: Sequence[int]  # origin[i]: offset in the written text of text[i]; one more at the end
    found: tuple[LookAlike, ...] = ()
    # A dash at the start of a word read as `-` could be `--`, or the other way round; a zero-width
    # space read as nothing could stand for a space.
    ambiguous: bool = False


def read(text: str, start: int = 0, *, quotes: bool = True, flip: bool = False) -> Reading:
    """The meant command of `text` from `start` on (before it, a prompt: shown, never copied).

    With `quotes`, curly quotes are read as the quotes they stand for; without, as the shell reads
    them (part of the word), for a line where reading them as quotes leaves one unclosed. With
    `flip`, a dash starting a word stands for `--` where it would stand for `-`, and the reverse,
    and a zero-width space between two characters for a space (`docker<U+200B>ps`).
    """
    if text.isascii() or not _has_candidate(text, start):
        return Reading(text, range(len(text) + 1))
    out: list[str] = []
    origin: list[int] = []
    found: list[LookAlike] = []
    ambiguous = False
    quote = ""  # the quote we are inside: ' or "
    curly = False  # it was opened by a curly quote, so a curly one closes it
    comment = False  # after a `#` that starts a word, up to the end of the line
    i, n = 0, len(text)

    def put(chars: str, at: int) -> None:
        out.extend(chars)
        origin.extend([at] * len(chars))

    def lookalike(at: int, kind: str, meant: str, replaced: bool = True) -> None:
        found.append(LookAlike(at, text[at], meant, kind, replaced))
        put(meant if replaced else text[at], at)

    while i < n:
        c = text[i]
        if i < start:
            put(c, i)
        elif c == _ZERO_WIDTH_SPACE and not quote and _between_words(text, i):
            ambiguous = True
            found.append(LookAlike(i, c, " " if flip else "", HIDDEN))
            if flip:
                put(" ", i)
        elif _invisible(c) and not ((quote or comment) and c in _JOINERS):
            # Even in a comment: the page must never hold a control that reorders the line.
            found.append(LookAlike(i, c, "", BIDI if c in _BIDI else HIDDEN))
        elif comment:
            comment = c != "\n"  # the shell ignores a comment: its characters are text
            put(c, i)
        elif c == "#" and not quote and _starts_word(text, i):
            comment = True
            put(c, i)
        elif c == "\\" and quote != "'" and i + 1 < n and not _invisible(text[i + 1]):
            put(text[i : i + 2], i)
            origin[-1] = i + 1
            i += 2
            continue
        elif quote:
            family = _DOUBLE_QUOTES if quote == '"' else _SINGLE_QUOTES
            if c == quote and not curly:
                quote = ""
                put(c, i)
            elif curly and c in family:
                lookalike(i, QUOTE, quote)
                quote = ""
            else:
                put(c, i)
        elif c in "'\"":
            quote, curly = c, False
            put(c, i)
        elif c == "\u2019" and _between_letters(text, i):
            put(c, i)  # an apostrophe (`it’s`): text, as the shell reads it
        elif (c in _DASHES or c in _DOUBLE_QUOTES or c in _SINGLE_QUOTES) and _in_foreign_word(
            text, i
        ):
            put(c, i)  # the punctuation of another script's text (`“你好——世界”`)
        elif c in _DOUBLE_QUOTES or c in _SINGLE_QUOTES:
            meant = '"' if c in _DOUBLE_QUOTES else "'"
            lookalike(i, QUOTE, meant, replaced=quotes)
            if quotes:
                quote, curly = meant, True
        elif c in _DASHES:
            long = c in _LONG_DASHES
            if _starts_word(text, i) and re.match(r"[A-Za-z]{2}", text[i + 1 : i + 3]):
                ambiguous = True
                long = long != flip
            lookalike(i, DASH, "--" if long else "-")
        elif c in _SPACES:
            lookalike(i, SPACE, " ")
        elif _WIDE_FIRST <= ord(c) <= _WIDE_LAST and not _in_foreign_word(text, i):
            lookalike(i, WIDE, chr(ord(c) - 0xFEE0))
        elif c in _LETTERS and _in_latin_word(text, i):
            lookalike(i, LETTER, _LETTERS[c])
        else:
            put(c, i)
        i += 1
    origin.append(n)
    return Reading("".join(out), origin, tuple(found), ambiguous)


def _has_candidate(text: str, start: int) -> bool:
    return bool(_CANDIDATE.search(text, start)) or any(
        _invisible(c) for c in text[start:] if not c.isascii()
    )


def _invisible(c: str) -> bool:
    return not c.isascii() and unicodedata.category(c) == "Cf"


def _between_words(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and not text[i - 1].isspace() and not text[i + 1].isspace()


def _between_letters(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha()


def _starts_word(text: str, i: int) -> bool:
    return i == 0 or text[i - 1] in " \t\n" or text[i - 1] in _SPACES


def _word_at(text: str, i: int) -> str:
    """The run of characters around `i` up to whitespace (a no-break space included)."""
    start = i
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    end = i
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end]


def _in_foreign_word(text: str, i: int) -> bool:
    """A word with letters of a script written in full-width punctuation (`你好，世界`): its
    full-width characters are that script's own, not stand-ins for ASCII."""
    return any(
        c.isalpha()
        and not c.isascii()
        and c not in _LETTERS
        and not _WIDE_FIRST <= ord(c) <= _WIDE_LAST
        for c in _word_at(text, i)
    )


def _in_latin_word(text: str, i: int) -> bool:
    """A Latin word with some letters of another script drawn alike (`dоcker`); not a word that
    mixes in real Cyrillic or Greek (`сервер-web`), whose other letters look like no Latin one."""
    word = _word_at(text, i)
    return any(c.isascii() and c.isalpha() for c in word) and all(
        c in _LETTERS for c in word if c.isalpha() and not c.isascii()
    )


def visible(word: str) -> str:
    """The word with its invisible characters written as `<U+200B>`, for messages."""
    return "".join(f"<U+{ord(c):04X}>" if _invisible(c) else c for c in word)


# --- what the reader and the author are told ---------------------------------------------------


def name(found: LookAlike) -> str:
    """`U+2013 EN DASH`."""
    return f"U+{ord(found.char):04X} {unicodedata.name(found.char, 'UNNAMED CHARACTER')}"


def problems(found: Sequence[LookAlike], text: str) -> list[Problem]:
    """The warnings for the note's author, one per run of adjacent look-alikes of one kind (a word
    typed in full-width letters is one mistake, not one per letter); `text` is the command as
    written."""
    runs: list[list[LookAlike]] = []
    for f in found:
        last = runs[-1][-1] if runs else None
        if last is not None and last.kind == f.kind and last.offset + 1 == f.offset:
            runs[-1].append(f)
        else:
            runs.append([f])
    return [problem(run[0], text) if len(run) == 1 else _run_problem(run, text) for run in runs]


def _run_problem(run: list[LookAlike], text: str) -> Problem:
    first = run[0]
    shown = "".join(f.char for f in run)
    meant = "".join(f.meant for f in run)
    distinct = list(dict.fromkeys(name(f) for f in run))
    names = ", ".join(distinct[:2]) + (", …" if len(distinct) > 2 else "")
    if first.kind in (HIDDEN, BIDI):
        what = (
            f"{len(run)} invisible characters ({names}) in "
            f"`{visible(_word_at(text, first.offset))}`: the shell reads them, the reader "
            "does not see them"
        )
        fix = "delete them" if not meant.strip() else "retype them as a plain space"
    else:
        what = f"`{shown}` is written in look-alike characters ({names}), not `{meant}`"
        fix = f"retype it as `{meant}`"
    return Problem(first.offset, what, fix)


def problem(found: LookAlike, text: str) -> Problem:
    """The warning for one look-alike; `text` is the command as written."""
    shown, meant, named = found.char, found.meant, name(found)
    word = visible(_word_at(text, found.offset))
    if found.kind == DASH and _starts_word(text, found.offset):
        what = (
            f"`{word}` starts with `{shown}` ({named}), not `-`: the shell passes it on as "
            "written, so it is not read as an option"
        )
    elif found.kind == DASH:
        what = f"`{shown}` ({named}) in `{word}` looks like `-` but is another character"
    elif found.kind == QUOTE:
        what = (
            f"`{shown}` ({named}) is not a shell quote: the shell keeps it in the word `{word}` "
            "instead of quoting with it"
        )
    elif found.kind == SPACE:
        what = (
            f"a {named} looks like a space but the shell does not split words at it: it reads "
            "the words on either side as one"
        )
    elif found.kind == HIDDEN:
        what = f"an invisible {named} in `{word}`: the shell reads a word other than the one shown"
    elif found.kind == BIDI:
        what = (
            f"an invisible {named} in `{word}` reorders the text shown after it: the line shows "
            "one thing and the shell reads another"
        )
    elif found.kind == WIDE:
        what = f"`{shown}` ({named}) in `{word}` is a full-width character, not `{meant}`"
    else:
        what = f"`{shown}` ({named}) in `{word}` is drawn like the Latin `{meant}` but is another letter"
    if found.kind in (HIDDEN, BIDI) and not meant:
        fix = "delete it"
    elif found.kind == SPACE or meant == " ":
        fix = "retype it as a plain space"
    else:
        fix = f"retype it as `{meant}`"
    return Problem(found.offset, what, fix)


def note(found: LookAlike) -> str:
    """What the reader is told in the explanation of the token that holds it."""
    if found.kind == HIDDEN and found.meant == " ":
        return (
            f"an invisible {name(found)} stands between the words here (marked "
            f"`{_code(found)}`): the shell reads them as one; the copy button puts a space"
        )
    if found.kind in (HIDDEN, BIDI):
        return (
            f"an invisible {name(found)} is hidden here (marked `{_code(found)}`): the shell "
            "would read it as part of the word; the copy button leaves it out"
        )
    if found.kind == SPACE:
        return (
            f"a {name(found)} stands between the words here, not a plain space: the shell would "
            "read them as one word; the copy button copies a plain space"
        )
    what = f"`{found.meant}`"
    if not found.replaced:
        return (
            f"`{found.char}` here is {name(found)}, not {what}: the shell reads it as part of "
            "the word, and the copy button copies it as written (these quotes do not pair up)"
        )
    return (
        f"`{found.char}` here is {name(found)}, not {what}: the shell would read it as it is; "
        f"the copy button copies {what}"
    )


def title(found: LookAlike) -> str:
    """The marker's tooltip."""
    if found.kind in (HIDDEN, BIDI):
        copied = "copied as a space" if found.meant == " " else "not copied"
        return f"{name(found)}, invisible: {copied}"
    what = "a space" if found.kind == SPACE else found.meant
    if not found.replaced:
        return f"{name(found)}, not {what}: copied as written"
    return f"{name(found)}, not {what}: copied as {what}"


def _code(found: LookAlike) -> str:
    return f"U+{ord(found.char):04X}"


def label(found: LookAlike) -> str:
    """What the marker of an invisible character shows in its place."""
    return _code(found)


# --- putting the parse of the meant command back on the written text ----------------------------


def restore(written: str, reading: Reading, parsed: ParsedCommand) -> ParsedCommand:
    """`parsed` (of `reading.text`) as a parse of `written`: the tokens' places and texts as
    written, a warning for each look-alike, and a note on the token that holds it.

    The copy button copies the command as meant, look-alikes replaced and invisible characters
    left out: copying the characters as written would hand the reader a command that fails (an
    `–it` docker takes for an image name) or does something else than it shows (a bidi control).
    Nothing is changed silently: the build warns the author, the block marks each character where
    it stands, and the explanation of its token says what the copy button puts in its place.
    """
    origin = reading.origin
    meant = reading.text

    def start_of(k: int) -> int:
        # Invisible characters just before a word are part of it, as the shell reads them.
        return origin[k - 1] + 1 if 0 < k < len(meant) and meant[k - 1].isspace() else origin[k]

    def end_of(k: int) -> int:
        # Just after the token's last character: what was left out after it is not the token's
        # (the next token may claim it, see start_of).
        return origin[k - 1] + 1 if k else 0

    prompt_end = origin[parsed.prompt_end] if parsed.prompt_end else 0
    # A prompt is not copied: what looks odd in it is harmless, but for invisible characters,
    # which the page must never hold.
    found = tuple(f for f in reading.found if f.offset >= prompt_end or f.kind in (HIDDEN, BIDI))
    tokens = []
    for token in parsed.tokens:
        start, end = start_of(token.start), end_of(token.end)
        if token.role == "prompt":
            start = origin[token.start]
        tokens.append(replace(token, text=written[start:end], start=start, end=end))
    notes: dict[int, list[str]] = {}
    for f in found:
        holder = _holder(tokens, f.offset)
        if holder is not None:
            notes.setdefault(holder, []).append(note(f))
    for k, extra in notes.items():
        explanation = tokens[k].explanation
        tokens[k] = replace(
            tokens[k], explanation=replace(explanation, details=(*explanation.details, *extra))
        )
    reported = [replace(p, offset=origin[min(p.offset, len(meant))]) for p in parsed.problems]
    reported.extend(problems(found, written))
    reported.sort(key=lambda p: p.offset)
    return ParsedCommand(
        written,
        tokens,
        reported,
        prompt_end,
        copied=meant[parsed.prompt_end :],
        lookalikes=found,
    )


def _holder(tokens: list[Token], offset: int) -> int | None:
    """The token that holds the character at `offset`, else the one just before it (a space
    between words), else the first one."""
    before = None
    for k, token in enumerate(tokens):
        if token.start <= offset < token.end:
            return k
        if token.start <= offset:
            before = k
    return before if before is not None else (0 if tokens else None)
