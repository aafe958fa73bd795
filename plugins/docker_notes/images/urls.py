"""URL arithmetic done the way MkDocs does it, without importing MkDocs."""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

# A Windows drive path (`C:\Users\…`, `D:/shots/a.png`) parses as a URL with a one-letter scheme:
# it is a file on the author's disk, not a remote address; so is a UNC path (`\\server\share\x`).
_DISK_PATH = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\)")
# What makes a path more than a plain relative path (a scheme, escapes, query, fragment, spaces
# that urlsplit strips, a drive letter).
_NEEDS_URLSPLIT = re.compile(r"[:%?#\s]")
# Characters that break a Markdown link destination or change a URL's meaning if written raw.
_UNSAFE_IN_URL = re.compile(r"[%\s#?<>()]")
# What `urlsplit` rejects in a host (`[`/`]` that are no IPv6 address, characters that NFKC
# turns into `/?#@:`) needs a bracket or a non-ASCII character: without them it cannot raise.
_UNPARSEABLE_PART = re.compile(r"[\[\]]|[^\x00-\x7f]")


@dataclass(frozen=True)
class Url:
    """An image address split like MkDocs' `_RelativePathTreeprocessor.path_to_url` splits it."""

    kind: str  # "empty", "data", "remote", "disk", "absolute", "relative", "invalid"
    path: str = ""  # percent-decoded path, for "absolute" and "relative"
    query: str = ""
    fragment: str = ""


@functools.lru_cache(maxsize=8192)  # a pure function of the string: nothing to go stale
def classify(url: str) -> Url:
    if url and url[0] not in "/\\" and not _NEEDS_URLSPLIT.search(url):
        return Url("relative", url)  # the usual `_resources/shot.png`, without urlsplit's cost
    url = url.strip()
    if not url:
        return Url("empty")
    if _DISK_PATH.match(url):
        return Url("disk", url)
    try:
        scheme, netloc, path, query, fragment = urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in a host name: MkDocs stops on it (safe_urls.py)
        return Url("invalid")
    scheme = scheme.lower()
    if scheme == "data":
        return Url("data")
    if scheme == "file":
        return Url("disk", unquote(path))
    if scheme or netloc:
        return Url("remote")
    if url.startswith(("/", "\\")):
        return Url("absolute", unquote(path), query, fragment)
    if not path:
        return Url("empty", "", query, fragment)
    return Url("relative", unquote(path), query, fragment)


def target_uri(page_src_uri: str, path: str) -> str:
    """The docs-relative path an image path resolves to; starts with `../` when it leaves docs/.

    Same arithmetic as MkDocs' `_RelativePathTreeprocessor._target_uri`:
    https://github.com/mkdocs/mkdocs/blob/1.6.1/mkdocs/structure/pages.py#L375-L379
    """
    return posixpath.normpath(posixpath.join(posixpath.dirname(page_src_uri), path).lstrip("/"))


def leaves_docs(uri: str) -> bool:
    return uri == ".." or uri.startswith("../")


def _norm_parts(path: str) -> list[str]:
    if "/." in "/" + path or "//" in path:  # only then can normpath change more than the ends
        path = posixpath.normpath(path if path.startswith("/") else "/" + path)[1:]
    else:
        path = path.strip("/")
    return path.split("/") if path else []


def relative_url(url: str, other: str) -> str:
    """`url` relative to the page URL `other`: a copy of `mkdocs.utils.get_relative_url`.

    https://github.com/mkdocs/mkdocs/blob/1.6.1/mkdocs/utils/__init__.py#L177-L203
    """
    dirname, _, basename = other.rpartition("/")
    if "." in basename:
        other = dirname
    other_parts = _norm_parts(other)
    dest_parts = _norm_parts(url)
    common = 0
    for a, b in zip(other_parts, dest_parts, strict=False):
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(other_parts) - common) + dest_parts[common:]) or "."
    return rel + "/" if url.endswith("/") else rel


def with_query(path: str, query: str, fragment: str) -> str:
    return path + (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")


def page_base(page_url: str) -> str:
    """The folder a browser resolves a page's relative URLs against (`docker/` for `docker.md`)."""
    dirname, _, basename = page_url.rpartition("/")
    return posixpath.normpath("/" + (dirname if "." in basename else page_url))[1:]


def src_dir(page_src_uri: str) -> str:
    return posixpath.dirname(page_src_uri)


def relative_path(target: str, page_src_uri: str) -> str:
    """How an author writes a link from a page's source file to a docs-relative target.

    The docs folder itself is `""` to `target_uri` (`/` normalised): `.` here, as relpath wants.
    """
    return posixpath.relpath(target or ".", posixpath.dirname(page_src_uri) or ".")


def for_markdown(path: str) -> str:
    """A path written to survive as a link destination (spaces and `%` encoded, accents kept)."""
    return _UNSAFE_IN_URL.sub(lambda m: "".join(f"%{b:02X}" for b in m[0].encode()), path)


def unparseable(url: str) -> str | None:
    """Why `urllib.parse.urlsplit` (so MkDocs, and most plugins) cannot read `url`; None if it can.

    It fails only on a URL with a host part (`//…`): a bracket that is no IPv6 address, or a
    character that NFKC normalisation turns into one of `/?#@:` (`？`, `／`, `＠`).
    """
    if not _UNPARSEABLE_PART.search(url):
        return None
    try:
        urlsplit(url)
    except ValueError as e:
        if "NFKC" in str(e):
            return "its host name holds a character that URL parsers read as one of / ? # @ :"
        return "'[' or ']' in its host name, which is not an IPv6 address"
    return None


def parseable(url: str) -> str:
    """`url` with its brackets and non-ASCII characters percent-encoded (UTF-8).

    `urlsplit` then cannot fail (see `_UNPARSEABLE_PART`), and a browser does with it what it does
    with the URL as written: it percent-encodes non-ASCII characters itself, and decodes a host
    before checking it, where a bracket or such a character is as invalid encoded as raw.
    """
    return _UNPARSEABLE_PART.sub(
        lambda m: quote(m[0].encode("utf-8", "surrogatepass"), safe=""), url
    )
