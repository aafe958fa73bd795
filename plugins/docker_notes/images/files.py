"""The docs folder seen once: dictionary lookups for every reference, and the first bytes of the
files referenced.

Nothing outside docs/ is ever opened: a path that leaves docs/ is refused before any lookup, and a
file reached through a symlink is only read when its real path lies inside docs/ too.
"""

from __future__ import annotations

import bisect
import difflib
import os
import posixpath
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote

# By extension: which files count as images for the orphan report.
IMAGE_EXTENSIONS = frozenset(
    {
        ".png",
        ".apng",
        ".jpg",
        ".jpeg",
        ".jfif",
        ".gif",
        ".webp",
        ".avif",
        ".svg",
        ".ico",
        ".bmp",
        ".tif",
        ".tiff",
        ".heic",
    }
)
# What every browser displays in an <img>.
WEB_FORMATS = frozenset({"png", "jpeg", "gif", "webp", "avif", "svg", "ico"})
EXTENSION_FORMAT = {
    ".png": "png",
    ".apng": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".jfif": "jpeg",
    ".gif": "gif",
    ".webp": "webp",
    ".avif": "avif",
    ".svg": "svg",
    ".ico": "ico",
    ".cur": "ico",
    ".bmp": "bmp",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".heic": "heic",
}
FORMAT_NAMES = {
    "png": "a PNG image",
    "jpeg": "a JPEG image",
    "gif": "a GIF image",
    "webp": "a WebP image",
    "avif": "an AVIF image",
    "svg": "an SVG image",
    "ico": "an icon (ICO)",
    "bmp": "a BMP bitmap",
    "tiff": "a TIFF image",
    "heic": "a HEIC photo",
    "pdf": "a PDF document",
    "zip": "a ZIP archive (e.g. a .docx or .pptx)",
    "gzip": "a gzip archive",
    "html": "an HTML page",
    "xml": "an XML document",
    "text": "a text file",
    "binary": "not a known image format",
}

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)
HEAD_BYTES = 32
SVG_HEAD_BYTES = 1024


def is_image_name(uri: str) -> bool:
    return posixpath.splitext(uri)[1].lower() in IMAGE_EXTENSIONS


def sniff(head: bytes) -> str:
    """The format of a file from its first bytes (32, or up to 1 KB when it starts like markup)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        brands = head[8:32]
        if b"avif" in brands or b"avis" in brands:
            return "avif"
        if any(b in brands for b in (b"heic", b"heix", b"mif1", b"msf1")):
            return "heic"
        return "binary"
    if head[:4] == b"\x00\x00\x01\x00" or head[:4] == b"\x00\x00\x02\x00":
        return "ico"
    if head[:2] == b"BM":
        return "bmp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    return _sniff_text(head)


def _sniff_text(head: bytes) -> str:
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if b"\x00" in head or not text:
        return "binary"
    if text.startswith(b"<"):
        lowered = text.lower()
        svg = lowered.find(b"<svg")
        html = min(
            (i for i in (lowered.find(b"<html"), lowered.find(b"<!doctype html")) if i >= 0),
            default=-1,
        )
        if svg >= 0 and (html < 0 or svg < html):
            return "svg"
        return "html" if html >= 0 or lowered.startswith(b"<head") else "xml"
    try:
        text.decode()
    except UnicodeDecodeError:
        return "binary"
    return "text"


@dataclass(frozen=True, slots=True)  # thousands of them live through the whole build
class Entry:
    """A file MkDocs knows of, under its docs-relative, `/`-separated path."""

    uri: str
    # On disk, when the file lies in docs_dir; None when a plugin or the theme provides it.
    path: str | None
    url: str  # MkDocs' `File.url`, relative to the site root
    # False when MkDocs leaves it out of the site (dotfiles, `exclude_docs`, drafts in a build).
    published: bool = True


@dataclass(frozen=True)
class FileInfo:
    size: int = 0
    format: str = ""  # as `sniff` names it; "" when nothing was read
    outside: bool = False  # reached through a symlink leading outside docs/: not read
    error: str = ""


def default_excluded(uri: str) -> bool:
    """MkDocs' built-in exclusions: dotfiles and dotfolders, and a top-level `templates/`.

    https://github.com/mkdocs/mkdocs/blob/1.6.1/mkdocs/structure/files.py#L524
    """
    return uri.startswith("templates/") or any(part.startswith(".") for part in uri.split("/"))


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


class DocsIndex:
    """The files of docs/ by path, and what is known of those that pages reference."""

    def __init__(self, docs_dir: str, entries: Iterable[Entry], outside_dirs: Iterable[str] = ()):
        self.docs_dir = os.path.abspath(docs_dir)
        self._real_docs = os.path.realpath(self.docs_dir)
        self.files: dict[str, Entry] = {e.uri: e for e in entries}
        self.dirs: set[str] = set()
        for uri in self.files:
            parent = posixpath.dirname(uri)
            while parent and parent not in self.dirs:
                self.dirs.add(parent)
                parent = posixpath.dirname(parent)
        # Symlinked folders that lead outside docs/: never listed, so only their names are known.
        self.outside_dirs = frozenset(outside_dirs)
        # What MkDocs lists in such folders anyway (it follows symlinks): published, never read.
        self.linked_out: dict[str, Entry] = {}
        self._lower: dict[str, str] | None = None
        self._by_folder: dict[str, list[str]] | None = None
        self._by_name: dict[str, list[str]] | None = None
        self._near_in_folder: dict[str, _Names] = {}
        self._near_by_name: _Names | None = None
        self._info: dict[str, FileInfo] = {}
        self._real_dirs: dict[str, str] = {}

    @classmethod
    def from_entries(cls, docs_dir: str, entries: Iterable[Entry]) -> DocsIndex:
        """An index of files listed by someone else (MkDocs, which follows symlinked folders):
        the files of a symlinked folder that leads outside docs/ are left out, as `scan` does."""
        root = os.path.abspath(docs_dir)
        real_root = os.path.realpath(root)
        leaves: dict[str, bool] = {"": False}

        def outside(folder: str) -> bool:
            if (known := leaves.get(folder)) is None:
                parent = posixpath.dirname(folder)
                known = leaves[folder] = outside(parent) or (
                    os.path.islink(os.path.join(root, folder))
                    and not _inside(os.path.realpath(os.path.join(root, folder)), real_root)
                )
            return known

        kept: list[Entry] = []
        linked_out: dict[str, Entry] = {}
        for entry in entries:
            folder = posixpath.dirname(entry.uri)
            if entry.path and outside(folder):
                linked_out[entry.uri] = entry
            else:
                kept.append(entry)
        outside_dirs = {_topmost(posixpath.dirname(uri), outside) for uri in linked_out}
        index = cls(root, kept, outside_dirs)
        index.linked_out = linked_out
        return index

    @classmethod
    def scan(
        cls, docs_dir: str, *, excluded: Callable[[str], bool] = default_excluded
    ) -> DocsIndex:
        """One walk of docs_dir, for use without MkDocs (the build reuses MkDocs' own file list)."""
        root = os.path.abspath(docs_dir)
        real_root = os.path.realpath(root)
        entries: list[Entry] = []
        outside: list[str] = []
        seen = {real_root}
        stack = [""]
        while stack:
            rel = stack.pop()
            try:
                listing = list(os.scandir(os.path.join(root, rel)))
            except OSError:
                continue
            for de in listing:
                uri = f"{rel}/{de.name}" if rel else de.name
                try:
                    is_dir = de.is_dir()
                except OSError:
                    is_dir = False
                if not is_dir:
                    entries.append(Entry(uri, de.path, quote(uri), not excluded(uri)))
                    continue
                real = os.path.realpath(de.path)
                if de.is_symlink() and not _inside(real, real_root):
                    outside.append(uri)  # never listed: nothing outside docs/ is read
                elif real not in seen:  # a symlink back into docs/ is walked once
                    seen.add(real)
                    stack.append(uri)
        return cls(root, entries, outside)

    def inside(self, path: str) -> bool:
        """Whether the real path of a file lies in docs/ (symlinks followed)."""
        return _inside(os.path.realpath(path), self._real_docs)

    def published_images(self) -> list[str]:
        return sorted(
            u for u, e in self.files.items() if e.published and e.path and is_image_name(u)
        )

    def under_outside_dir(self, uri: str) -> bool:
        return bool(self.outside_dirs) and any(uri.startswith(d + "/") for d in self.outside_dirs)

    def case_insensitive(self, uri: str) -> str | None:
        """The real spelling of a path that only differs in letter case, if any."""
        if self._lower is None:
            self._lower = {}
            for known in (*self.files, *sorted(self.dirs)):
                self._lower.setdefault(known.lower(), known)
        return self._lower.get(uri.lower())

    def info(self, uri: str) -> FileInfo:
        """Size and format of a file in docs/, from its first bytes only; cached for the build."""
        if (cached := self._info.get(uri)) is not None:
            return cached
        entry = self.files[uri]
        info = self._read(entry.path) if entry.path else FileInfo(format="unknown")
        self._info[uri] = info
        return info

    def _read(self, path: str) -> FileInfo:
        try:
            fd = self.open_inside(path)
            if fd is None:
                return FileInfo(outside=True)
            try:
                size = os.fstat(fd).st_size
                head = os.read(fd, HEAD_BYTES)
                if head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"<" or (
                    head and head.isspace()
                ):
                    head += os.read(fd, SVG_HEAD_BYTES - len(head))
            finally:
                os.close(fd)
        except IsADirectoryError:
            return FileInfo(format="folder")
        except OSError as e:
            return FileInfo(error=e.strerror or str(e))
        return FileInfo(size=size, format=sniff(head) if size else "")

    def open_inside(self, path: str) -> int | None:
        """A descriptor of the file at `path`, or None (and nothing opened) when the file, or a
        symlink on the way to it, leads outside docs/."""
        folder, name = os.path.split(path)
        if (real_dir := self._real_dirs.get(folder)) is None:
            real_dir = self._real_dirs[folder] = os.path.realpath(folder)
        real = os.path.join(real_dir, name)
        if not _inside(real, self._real_docs):
            return None
        if _NOFOLLOW:
            # The open itself refuses a symlink: no extra system call for the usual file.
            try:
                return os.open(real, os.O_RDONLY | _NOFOLLOW)
            except OSError:
                if not stat.S_ISLNK(os.lstat(real).st_mode):
                    raise
        elif not stat.S_ISLNK(os.lstat(real).st_mode):
            return os.open(real, os.O_RDONLY | _BINARY)
        real = os.path.realpath(real)
        return os.open(real, os.O_RDONLY | _BINARY) if _inside(real, self._real_docs) else None

    def suggest(self, uri: str) -> str | None:
        """The existing image closest to a missing one: same folder first, then by name anywhere."""
        folder, name = posixpath.split(uri)
        if (in_folder := self._near_in_folder.get(folder)) is None:
            in_folder = self._near_in_folder[folder] = _Names(
                self._images_by_folder().get(folder, [])
            )
        if near := in_folder.closest(name, 0.6):
            return posixpath.join(folder, near)
        by_name = self.images_by_name()
        if same := by_name.get(name.lower()):
            return same[0]
        if self._near_by_name is None:
            self._near_by_name = _Names(list(by_name))
        if near := self._near_by_name.closest(name, 0.75):
            return by_name[near.lower()][0]
        return None

    def _images_by_folder(self) -> dict[str, list[str]]:
        if self._by_folder is None:
            self._by_folder = {}
            for uri in self.published_images():
                folder, name = posixpath.split(uri)
                self._by_folder.setdefault(folder, []).append(name)
        return self._by_folder

    def images_by_name(self) -> dict[str, list[str]]:
        if self._by_name is None:
            self._by_name = {}
            for uri in self.published_images():
                self._by_name.setdefault(posixpath.basename(uri).lower(), []).append(uri)
        return self._by_name


def _topmost(folder: str, outside: Callable[[str], bool]) -> str:
    while outside(posixpath.dirname(folder)):
        folder = posixpath.dirname(folder)
    return folder


# Up to this many names, a missing image is compared with every one of them. Beyond, only with
# those next to it in sorted order, by start and by end: comparing with all costs 20-50 ms for each
# broken image in a folder of 3,000 date-named screenshots, so a build grew with pages × images.
# A typo, a changed digit or a prefix added to an existing name still sorts next to that name; only
# a name with no close relative may get another suggestion than a full comparison would give.
EXHAUSTIVE = 200
NEIGHBOURS = 4


class _Names:
    """Image names a missing one may have been meant to be, compared without extensions (a shared
    `.png` would make any two names look alike)."""

    def __init__(self, candidates: list[str]) -> None:
        self.stems: dict[str, str] = {}
        for candidate in candidates:
            self.stems.setdefault(posixpath.splitext(candidate)[0].lower(), candidate)
        self.forward: list[str] = []
        self.backward: list[str] = []  # each stem reversed, so that bisect finds shared endings
        if len(self.stems) > EXHAUSTIVE:
            self.forward = sorted(self.stems)
            self.backward = sorted(stem[::-1] for stem in self.stems)

    def closest(self, name: str, cutoff: float) -> str | None:
        """The candidate whose name is most like `name` (difflib's ratio, at least cutoff)."""
        stem = posixpath.splitext(name)[0].lower()
        pool: list[str] | dict[str, None] = list(self.stems)
        if self.forward:
            pool = dict.fromkeys(_around(self.forward, stem))
            pool.update(dict.fromkeys(s[::-1] for s in _around(self.backward, stem[::-1])))
        match = difflib.get_close_matches(stem, list(pool), n=1, cutoff=cutoff)
        return self.stems[match[0]] if match else None


def _around(ordered: list[str], key: str) -> list[str]:
    at = bisect.bisect_left(ordered, key)
    return ordered[max(0, at - NEIGHBOURS) : at + NEIGHBOURS]


def display_path(path: str, project_dir: str) -> str:
    """A path as messages show it: relative to the project folder (mkdocs.yml's) when inside it."""
    path = os.path.abspath(path)
    try:
        relative = os.path.relpath(path, project_dir)
    except ValueError:  # another drive, on Windows
        return path
    if relative == ".." or relative.startswith(".." + os.sep):
        return path.replace(os.sep, "/")
    return relative.replace(os.sep, "/")
