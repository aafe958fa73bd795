"""Keeps `mkdocs serve --dirty` (what `make serve` runs) correct, so that on a site of a thousand
notes an edit is served in about a second instead of after a full rebuild.

MkDocs' dirty rebuild renders only the pages whose source is newer than their output and leaves
the rest as the last build wrote them. That is right for the usual edit, the text of one note, and
wrong wherever a page shows what another holds. Before each rebuild this decides which outputs are
stale and removes them, so that MkDocs renders those pages again (a clean `mkdocs build` removes
them all):

- every page, when the site's shape changed: mkdocs.yml, a knowledge file, the plugin's assets,
  the theme's overrides; a note added, renamed or removed; a note's title, which the navigation of
  every page shows; the home page or another page with a template of its own (the home page lists
  the notes); on a small site, any edit (a full rebuild takes about a second there, and the home
  page shows each note's sections); and whenever more than one page is to be redone, because
  Material's search keeps its previous index for a dirty rebuild and replaces the entries of the
  first page rebuilt only (material/plugins/search/plugin.py, `generate_search_index`);
- else the note that changed, or the one page whose screenshots appeared, changed or went.

During the rebuild the pages MkDocs does not read get their titles from the last build (the
rebuilt page's navigation names them), and afterwards their image reports and command warnings are
carried over, so that the orphan summary and the warnings are those of the whole site as it now
stands. MkDocs' warning that a dirty build's navigation is inaccurate is held back: here it is not.

Every serve rebuild also keeps the theme's compiled templates (`CompiledTemplates`): MkDocs makes a
new Jinja environment for each build, which compiled Material's 43 templates again, 0.6-0.8 s of
each rebuild.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from mkdocs.structure.files import InclusionLevel
from mkdocs.utils import meta

from .images import PageReport
from .images.files import is_image_name

if TYPE_CHECKING:
    from collections.abc import Iterable

    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.nav import Navigation

    from .notes import Diagnostic

# Up to this many notes every rebuild is a full one: it takes about a second, and the home page
# shows each note's sections (`cards_up_to` in overrides/notes-index.html, at most this).
SMALL_SITE = 20

_MKDOCS_BUILD_LOGGER = "mkdocs.commands.build"
_DIRTY_WARNING = "A 'dirty' build is being performed"
_ATX_H1 = re.compile(r"^ {0,3}#(?:[ \t]|$)", re.M)
_SETEXT_H1 = re.compile(r"^ {0,3}=+[ \t]*$", re.M)
_RAW_H1 = re.compile(r"<h1[\s>]", re.I)


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates, kept in memory from one serve rebuild to the next; Jinja
    compiles a template again when its source changed (the bucket's checksum)."""

    def __init__(self) -> None:
        self.stored: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if (code := self.stored.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.stored[bucket.key] = bucket.bytecode_to_string()


class _AccurateNavigation(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(_DIRTY_WARNING)


@dataclass
class _Page:
    """What a rebuild needs to know of a page from the build that last rendered it."""

    title: str | None = None
    title_key: tuple[object, ...] = ()  # what the title comes from (see title_key)
    report: PageReport | None = None  # its image checks
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass
class Plan:
    """One rebuild: everything, or the pages named (whose outputs were removed)."""

    full: bool
    pages: set[str]
    why: str


class DirtyRebuilds:
    """Lives as long as `mkdocs serve` (the plugin instance persists across its rebuilds)."""

    def __init__(self) -> None:
        self.shape = ""
        self.pages: dict[str, _Page] = {}
        self.images: dict[str, tuple[int, int]] = {}
        self.outputs: dict[str, str] = {}  # each page of the last build -> its written file
        self.plan: Plan | None = None
        self.read: set[str] = set()  # pages MkDocs reads in this build
        self.path_of: dict[str, str] = {}  # a note's path in messages -> its src_uri
        self._files: Files | None = None
        self._baselevel = 1
        filter_ = _AccurateNavigation()
        logging.getLogger(_MKDOCS_BUILD_LOGGER).addFilter(filter_)

    # -- before the build ----------------------------------------------------------------------

    def start(self, config: MkDocsConfig, watched: Iterable[str]) -> None:
        self.read = set()
        self._config_shape = _fingerprint(config, watched)
        toc = config.mdx_configs.get("toc", {})
        self._baselevel = int(toc.get("baselevel", 1)) if "toc" in config.markdown_extensions else 1

    def on_files(self, files: Files, serving: bool) -> Plan:
        """Decide the rebuild and remove the outputs it makes stale."""
        self._files = files
        inclusion = InclusionLevel.is_in_serve if serving else InclusionLevel.is_included
        docs = {f.src_uri: f for f in files.documentation_pages(inclusion=inclusion)}
        images = {
            f.src_uri: _stamp(f.abs_src_path)
            for f in files
            if f.abs_src_path and is_image_name(f.src_uri)
        }
        shape = self._config_shape + "\n" + "\n".join(sorted(docs))
        plan = self._decide(shape, docs, images)
        if plan.full:
            # Pages of the last build that are gone: their outputs would still be served.
            for src_uri in set(self.outputs) - set(docs):
                _remove(self.outputs[src_uri])
            self.pages = {}
        for src_uri in docs if plan.full else plan.pages:
            _remove(docs[src_uri].abs_dest_path)
        self.shape, self.images, self.plan = shape, images, plan
        self.outputs = {uri: f.abs_dest_path for uri, f in docs.items()}
        return plan

    def _decide(
        self, shape: str, docs: dict[str, File], images: dict[str, tuple[int, int]]
    ) -> Plan:
        if not self.pages:
            return Plan(True, set(docs), "first build")
        if shape != self.shape:
            return Plan(True, set(docs), "the site's configuration or its set of notes changed")
        if len(docs) <= SMALL_SITE:
            return Plan(True, set(docs), f"a site of {SMALL_SITE} notes or fewer")
        changed_images = {
            uri.lower()
            for uri in set(images) ^ set(self.images)
            | {uri for uri in images if uri in self.images and images[uri] != self.images[uri]}
        }
        pages = {uri for uri, f in docs.items() if f.is_modified()}
        for uri in pages:
            before = self.pages.get(uri)
            text, page_meta = _source(docs[uri])
            if before is None or self.title_key(text, page_meta) != before.title_key:
                return Plan(True, set(docs), f"the title of {uri} may have changed")
            if uri == "index.md" or "template" in page_meta:
                return Plan(True, set(docs), f"{uri} may show other pages")
        if changed_images:
            pages |= {
                uri
                for uri, page in self.pages.items()
                if page.report is not None
                and any(t.lower() in changed_images for t in page.report.targets)
            }
        if len(pages) > 1:
            return Plan(True, set(docs), f"{len(pages)} pages to rebuild")
        return Plan(False, pages, "dirty")

    def title_key(self, markdown: str, page_meta: Mapping[str, Any]) -> tuple[object, ...]:
        """What a page's title comes from, besides its file name: front matter, else its first
        `<h1>` (a `#` heading when the toc's `baselevel` leaves it one)."""
        lines: list[str] = []
        if self._baselevel <= 1:
            lines += [m.group() for m in _ATX_H1.finditer(markdown)]
            lines += [m.group() for m in _SETEXT_H1.finditer(markdown)]
        lines += [m.group() for m in _RAW_H1.finditer(markdown)]
        return (page_meta.get("title"), tuple(lines))

    def on_nav(self, nav: Navigation) -> None:
        """The pages MkDocs will not read this time keep their titles of the last build."""
        if self.plan is None or self.plan.full:
            return
        for page in nav.pages:
            before = self.pages.get(page.file.src_uri)
            if page.file.src_uri not in self.plan.pages and before and before.title:
                page.title = before.title

    # -- during the build ----------------------------------------------------------------------

    def on_page_markdown(
        self, src_uri: str, path: str, markdown: str, page_meta: Mapping[str, Any]
    ) -> None:
        self.read.add(src_uri)
        self.path_of[path] = src_uri
        self.pages[src_uri] = _Page(title_key=self.title_key(markdown, page_meta))

    def on_report(self, src_uri: str, report: PageReport) -> None:
        if src_uri in self.pages:
            self.pages[src_uri].report = report

    def on_diagnostic(self, diagnostic: Diagnostic) -> None:
        src_uri = self.path_of.get(diagnostic.path)
        if src_uri is not None and src_uri in self.read:
            self.pages[src_uri].diagnostics.append(diagnostic)

    # -- after the build -----------------------------------------------------------------------

    def carried_over(self) -> list[_Page]:
        """The pages not read this time, whose reports and warnings still hold; the titles of
        those read are kept for the next rebuild."""
        files = self._files
        for src_uri in self.read:
            f = files.get_file_from_path(src_uri) if files else None
            if f is not None and f.page is not None:
                self.pages[src_uri].title = f.page.title
        return [page for uri, page in self.pages.items() if uri not in self.read]


def _fingerprint(config: MkDocsConfig, watched: Iterable[str]) -> str:
    """mkdocs.yml's text, and the size and time of every other file that shapes all pages."""
    digest = hashlib.sha256()
    if config.config_file_path:
        with contextlib.suppress(OSError):
            digest.update(Path(config.config_file_path).read_bytes())
    for path in watched:
        for found in sorted(_files_under(path)):
            digest.update(f"{found}\0{_stamp(found)}\n".encode())
    return digest.hexdigest()


def _files_under(path: str) -> Iterable[str]:
    if os.path.isdir(path):
        for folder, _, names in os.walk(path):
            yield from (os.path.join(folder, name) for name in names)
    else:
        yield path


def _stamp(path: str | None) -> tuple[int, int]:
    try:
        st = os.stat(path) if path else None
    except OSError:
        return (0, -1)
    return (st.st_mtime_ns, st.st_size) if st else (0, -1)


def _source(f: File) -> tuple[str, Mapping[str, Any]]:
    """A changed note's Markdown and front matter, as MkDocs will read them."""
    try:
        return meta.get_data(f.content_string)
    except (OSError, ValueError):
        return "", {}


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)
