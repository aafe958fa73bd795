"""Split a shell command line into words and shell operators, keeping every character's position.

`shlex` knows the quoting rules but forgets where each word was; the blocks need positions (to wrap
each token in the rendered line and to report `line:col`), and people write things `shlex` has no
notion of: `<placeholders with spaces>`, usage notation like `[ID/NAME]`, `$(…)` substitutions and
Windows paths full of backslashes. So this scanner finds the spans and `shlex` gives each word's value.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

# Token kinds produced by the scanner.
WORD = "word"
OPERATOR = "operator"  # | || && ; &
REDIRECT = "redirect"  # > >> < 2> 2>&1 &> <<<
COMMENT = "comment"
CONTINUATION = "continuation"  # a backslash ending a line

_OPERATORS = ("&&", "||", "|&", ";;", "|", ";", "&", "(", ")")
_REDIRECT_RE = re.compile(r"(?:[0-9]?(?:>>|>&[0-9-]?|>\||>)|&>>?|<<<|<&[0-9-]?|<>|[0-9]?<)")
# A placeholder written as <name>, possibly with spaces: `<container name>`, `<net-name1>`.
_ANGLE_RE = re.compile(r"<(?![\s<>&(=])[^<>\n]{1,80}(?<!\s)>")
# Usage notation in one word: `[ID/NAME]`, `[IMAGE_ID]`, `[id]`.
_USAGE_WORD_RE = re.compile(r"^\[[^\[\]\s]+\]$")
# Usage notation spanning spaces: `[<image2> ...]`, `[OPTIONS ...]`.
_BRACKET_RE = re.compile(r"\[[^\[\]\n]*(?:<|\.\.\.)[^\[\]\n]*\]")


class UnbalancedQuote(ValueError):
    """A quote or substitution that is opened and never closed."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


@dataclass(frozen=True)
class RawToken:
    kind: str
    text: str  # exactly as written
    start: int
    end: int
    value: str  # the word after the shell removes quotes and escapes; else the text
    quoted: bool = False  # the word has quotes, so the shell did not split it
    has_substitution: bool = False  # contains $(…), `…` or $VAR
    placeholder: bool = False  # contains <…> or is usage notation


def scan(line: str) -> list[RawToken]:
    """Tokens of a command line; raise `UnbalancedQuote` when a quote is never closed."""
    tokens: list[RawToken] = []
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c in " \t\r\n":
            i += 1
            continue
        if (c == "\\" and line[i + 1 : i + 2] in ("\n", "\r")) or (c == "\\" and i + 1 == n):
            end = i + 1 + (line[i + 1 : i + 3] == "\r\n") + (i + 1 < n)
            tokens.append(RawToken(CONTINUATION, line[i:end], i, end, ""))
            i = end
            continue
        if c == "#" and (i == 0 or line[i - 1] in " \t\n"):
            end = _line_end(line, i)
            tokens.append(RawToken(COMMENT, line[i:end], i, end, line[i:end]))
            i = end
            continue
        if line.startswith("::", i) and (i == 0 or line[i - 1] in " \t"):
            # `::` starts a comment in Windows batch files; notes copied from cmd use it that way.
            end = _line_end(line, i)
            tokens.append(RawToken(COMMENT, line[i:end], i, end, line[i:end]))
            i = end
            continue
        if c == "[" and (m := _BRACKET_RE.match(line, i)):
            tokens.append(_word(line, i, m.end(), placeholder=True))
            i = m.end()
            continue
        op = next((o for o in _OPERATORS if line.startswith(o, i)), None)
        if op and not (op == "&" and line.startswith("&>", i)):
            tokens.append(RawToken(OPERATOR, op, i, i + len(op), op))
            i += len(op)
            continue
        if c in "<>" or (c in "0123456789&" and _REDIRECT_RE.match(line, i)):
            if c == "<" and _ANGLE_RE.match(line, i):
                end = _word_end(line, i)
                tokens.append(_word(line, i, end))
                i = end
                continue
            m = _REDIRECT_RE.match(line, i)
            if m and (c in "<>&" or _is_fd_redirect(line, i, m.end())):
                tokens.append(RawToken(REDIRECT, m.group(), i, m.end(), m.group()))
                i = m.end()
                continue
        end = max(_word_end(line, i), i + 1)  # a stray character is a word of its own
        tokens.append(_word(line, i, end))
        i = end
    return tokens


def _line_end(line: str, i: int) -> int:
    end = line.find("\n", i)
    return len(line) if end < 0 else end


def _is_fd_redirect(line: str, start: int, end: int) -> bool:
    """`2>` redirects only at the start of a word (`x2>y` is the word `x2` and a redirect)."""
    return start == 0 or line[start - 1] in " \t"


# Characters that never end a word nor start a quote, escape, substitution or placeholder.
_PLAIN_RUN = re.compile(r"[^ \t\r\n\\'\"`$<|;&>()]+")


def _word_end(line: str, i: int) -> int:
    """End of the word starting at `i`: quotes, escapes, $(…), `…`, ${…} and <placeholders> inside."""
    n = len(line)
    while i < n:
        if m := _PLAIN_RUN.match(line, i):
            # Most of a word is plain characters: skip them at once rather than one by one.
            i = m.end()
            continue
        c = line[i]
        if c in " \t\r\n":
            return i
        if c == "\\":
            if i + 1 < n and line[i + 1] in "\r\n":
                return i  # a continuation ends the word
            i = min(i + 2, n)  # a backslash ending the text escapes nothing
            continue
        end = _quoted_end(line, i)
        if end is not None:
            i = end
            continue
        if c == "<":
            m = _ANGLE_RE.match(line, i)
            if m is None:
                return i
            i = m.end()
            # `<imageID>|<imageName>`: an alternative between placeholders, not a pipe.
            if line.startswith("|<", i) and _ANGLE_RE.match(line, i + 1):
                i += 1
            continue
        if c in "|;&>()":
            return i
        i += 1
    return i


def _quoted_end(line: str, i: int) -> int | None:
    """End of the quote or substitution starting at `i` ('…', "…", `…`, $(…), ${…}), if any."""
    c = line[i]
    if c == "'":
        close = line.find("'", i + 1)
        if close < 0:
            raise UnbalancedQuote("a single quote (') is never closed", i)
        return close + 1
    if c == '"':
        return _closing(line, i, '"', 'a double quote (") is never closed')
    if c == "`":
        return _closing(line, i, "`", "a backquote (`) is never closed")
    if line.startswith("$(", i):
        return _paren_end(line, i + 1)
    if line.startswith("${", i):
        close = line.find("}", i)
        if close < 0:
            raise UnbalancedQuote("a `${` is never closed", i)
        return close + 1
    return None


def _closing(line: str, i: int, quote: str, problem: str) -> int:
    """End of a double-quoted or backquoted part: escapes, and $(…) inside double quotes."""
    j = i + 1
    while j < len(line):
        c = line[j]
        if c == "\\":
            j += 2
        elif c == quote:
            return j + 1
        elif quote == '"' and (c == "`" or line.startswith("$(", j)):
            j = _quoted_end(line, j) or j + 1
        else:
            j += 1
    raise UnbalancedQuote(problem, i)


def _paren_end(line: str, i: int) -> int:
    """End of a `( … )` group starting at `line[i] == "("`, with quotes and nesting inside."""
    depth, j = 0, i
    while j < len(line):
        c = line[j]
        if c == "\\":
            j += 2
            continue
        end = _quoted_end(line, j) if c in "'\"`" else None
        if end is not None:
            j = end
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    raise UnbalancedQuote("a `$(` is never closed with `)`", i - 1)


def _word(line: str, start: int, end: int, *, placeholder: bool = False) -> RawToken:
    text = line[start:end]
    has_sub = "$" in text or "`" in text
    placeholder = placeholder or bool(_ANGLE_RE.search(text) or _USAGE_WORD_RE.match(text))
    quoted = any(q in text for q in "'\"")
    return RawToken(
        WORD,
        text,
        start,
        end,
        _unquote(text) if (quoted or "\\" in text) else text,
        quoted=quoted,
        has_substitution=has_sub,
        placeholder=placeholder,
    )


def _unquote(text: str) -> str:
    """The word's value as the shell sees it; Windows paths (`C:\\Users\\x`) keep their backslashes."""
    if not any(q in text for q in "'\"") and re.search(r"\\[A-Za-z0-9]", text):
        # A backslash before a letter is a Windows path separator in notes, not a shell escape.
        return text
    try:
        parts = shlex.split(text, posix=True)
    except ValueError:
        return text
    return parts[0] if len(parts) == 1 else text
