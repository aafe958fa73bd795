"""URL arithmetic: the same answers as MkDocs' own functions, without importing MkDocs."""

from __future__ import annotations

import posixpath

from hypothesis import given
from hypothesis import strategies as st
from mkdocs.utils import get_relative_url

from docker_notes.images.urls import classify, relative_url, target_uri

_SEGMENT = st.sampled_from(["a", "b.png", "_resources", ".", "..", "", "x y", ".hidden", "c.d"])
_PATH = st.lists(_SEGMENT, max_size=5).map("/".join)


@given(_PATH, _PATH)
def test_relative_url_is_mkdocs(url: str, other: str) -> None:
    assert relative_url(url, other) == get_relative_url(url, other)


@given(_PATH, _PATH)
def test_target_uri_is_mkdocs(page: str, path: str) -> None:
    # MkDocs' `_RelativePathTreeprocessor._target_uri`, a classmethod of a private class.
    expected = posixpath.normpath(posixpath.join(posixpath.dirname(page), path).lstrip("/"))
    assert target_uri(page, path) == expected


def test_classify() -> None:
    assert classify("_resources/a%20b.png?raw=1#x").path == "_resources/a b.png"
    assert classify("_resources/a%20b.png?raw=1#x").query == "raw=1"
    assert [classify(u).kind for u in ["C:\\shots\\a.png", "file:///a.png", "//h/a.png"]] == [
        "disk",
        "disk",
        "remote",
    ]
    assert [classify(u).kind for u in ["", "  ", "#top", "data:image/png;base64,AA", "/a.png"]] == [
        "empty",
        "empty",
        "empty",
        "data",
        "absolute",
    ]
