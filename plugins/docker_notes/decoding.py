"""A note's bytes as text, even when they are not valid UTF-8.

MkDocs reads a page with `errors='strict'` and stops the whole build on the first byte that is
not UTF-8 (`UnicodeDecodeError`, after logging only the file's name). A note saved in GBK or
Latin-1 by an old editor, or with one damaged byte, then takes the site down. Read here instead,
each such byte becomes U+FFFD (the replacement character a browser shows) and the note is reported
once, at the first such place, so the rest of its text stays on the page.
https://github.com/mkdocs/mkdocs/blob/1.6.1/mkdocs/structure/pages.py#L208-L220
"""

from __future__ import annotations

from .notes import Diagnostic

_BOM = b"\xef\xbb\xbf"


def decode_note(data: bytes, path: str) -> tuple[str, Diagnostic | None]:
    """The text MkDocs would read (UTF-8, BOM dropped, universal newlines), with every byte that
    is not UTF-8 replaced; and a diagnostic naming the first such byte, if any."""
    data = data.removeprefix(_BOM)
    try:
        return _newlines(data.decode("utf-8")), None
    except UnicodeDecodeError as first:
        bad_start = first.start
    # One pass in C, whatever the number of bad bytes; those are the replacement characters that
    # the bytes did not spell out themselves (EF BF BD is a valid U+FFFD).
    decoded = data.decode("utf-8", errors="replace")
    places = decoded.count("\ufffd") - data.count("\ufffd".encode())
    text = _newlines(decoded)
    before = _newlines(data[:bad_start].decode("utf-8"))
    line = before.count("\n") + 1
    col = len(before) - (before.rfind("\n") + 1) + 1
    more = f", and {places - 1} more place{'s' * (places != 2)}" if places > 1 else ""
    return text, Diagnostic(
        path,
        line,
        col,
        f"the note is not valid UTF-8 (byte 0x{data[bad_start]:02x}{more}): each such byte "
        "shows as '\ufffd' on the page",
        "save the file as UTF-8 in your editor (e.g. VS Code: 'Save with Encoding' → UTF-8)",
    )


def _newlines(text: str) -> str:
    """As Python's text files read it (universal newlines), which is how MkDocs reads a page."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
