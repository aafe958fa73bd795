"""The checks: each image reference of a page resolved as MkDocs resolves it, each problem a
finding with its position and a fix; orphaned images and a summary once all pages are seen.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field

from .files import (
    EXTENSION_FORMAT,
    FORMAT_NAMES,
    WEB_FORMATS,
    DocsIndex,
    Entry,
    is_image_name,
)
from .findings import BROKEN, Finding, Level
from .scan import ImageRef, scan, srcset_urls
from .urls import (
    Url,
    classify,
    for_markdown,
    leaves_docs,
    page_base,
    parseable,
    relative_path,
    relative_url,
    target_uri,
    unparseable,
    with_query,
)

_HOSTED_UNDER_SUB_PATH = "https://user.github.io/repo/"
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


@dataclass
class ImgAction:
    """What becomes of one `<img>` of the rendered page, found by its `src` (and `srcset`)."""

    src: str | None  # as the rendered tag carries it
    srcset: str | None
    raw: bool  # written as HTML by the author (MkDocs did not touch it)
    new_src: str | None = None
    new_srcset: str | None = None
    problems: list[Finding] = field(default_factory=list)  # broken-image findings, for the box
    alt: str | None = None
    text: str | None = None  # a raw tag as written (and as the rendered page has it)
    # That tag with new_src and new_srcset in it, once made (page.rewritten_tag).
    new_text: str | None = field(default=None, compare=False)


@dataclass
class PageReport:
    findings: list[Finding] = field(default_factory=list)
    actions: list[ImgAction] = field(default_factory=list)  # in source order
    # MkDocs' own warnings about these images, replaced by the findings: (message start, count).
    replaced_warnings: Counter[str] = field(default_factory=Counter)
    # For the run's totals, once the report is committed.
    referenced: set[str] = field(default_factory=set)  # docs files the page uses
    # The docs paths its images point at, there or not: a `mkdocs serve` rebuild checks the page
    # again when one of them appears, changes or goes.
    targets: set[str] = field(default_factory=set)
    references: int = 0
    remote: int = 0


@dataclass(frozen=True)
class _Problem:
    kind: str
    message: str


class Checker:
    """Checks the pages of one build (or one command-line run); holds nothing beyond it."""

    def __init__(
        self,
        index: DocsIndex,
        *,
        levels: dict[str, Level],
        max_bytes: int,
        docs_path: str = "docs",
    ) -> None:
        self.index = index
        self.levels = levels
        self.max_bytes = max_bytes
        self.docs_path = docs_path.rstrip("/") or "."
        self.referenced: set[str] = set()
        self.pages = 0
        self.references = 0
        self.remote = 0
        self.counts: Counter[str] = Counter()
        self._resolved: dict[
            tuple[str, str, bool], tuple[str | None, str | None, list[_Problem]]
        ] = {}

    # -- pages ---------------------------------------------------------------------------------

    def check_page(
        self,
        src_uri: str,
        markdown: str,
        *,
        line_offset: int = 0,
        page_url: str | None = None,
    ) -> PageReport:
        """Findings for one page; with `page_url`, also what to do with each rendered `<img>`.

        Counts for the summary only once `commit` takes the report: a page may be checked ahead
        of its rendering, and again if another plugin changes its Markdown in between.
        """
        found = scan(markdown, line_offset=line_offset)
        report = PageReport()
        path = f"{self.docs_path}/{src_uri}"
        seen: dict[tuple[str, int, int, str], Finding] = {}

        def add(kind: str, line: int, col: int, message: str) -> Finding | None:
            """The finding, reported once even when several images share a definition."""
            level = self.levels[kind]
            if level == "ignore":
                return None
            if (finding := seen.get((kind, line, col, message))) is None:
                finding = seen[kind, line, col, message] = Finding(
                    kind, level, path, line, col, message
                )
                report.findings.append(finding)
            return finding

        for link in found.links:
            if (used := self._link_target(src_uri, link)) is not None:
                report.referenced.add(used)
        for undefined in found.undefined:
            add(
                "undefined-reference",
                undefined.line,
                undefined.col,
                f"image reference '{undefined.text}' has no definition, so the page does not "
                f"show that image — add a line '[{undefined.ref_id}]: _resources/….png'",
            )

        tags: dict[int, ImgAction] = {}
        report.references = len(found.images)
        for ref in found.images:
            target, used, problems = self._resolve(src_uri, ref.url, ref.form)
            report.targets.update(t for t in (target, used) if t is not None)
            if used is not None:
                report.referenced.add(used)
            if problems and problems[0].kind == "remote":
                report.remote += 1
            broken = []
            for problem in problems:
                finding = add(problem.kind, ref.url_line, ref.url_col, problem.message)
                if finding and problem.kind in BROKEN:
                    broken.append(finding)
            reported = any(self.levels[p.kind] != "ignore" for p in problems)
            first_of_tag = ref.tag is None or id(ref.tag) not in tags
            if first_of_tag and (message := self._alt_problem(ref)):
                add("empty-alt", ref.line, ref.col, message)
            if ref.tag is None:
                action = ImgAction(ref.url, None, raw=False, problems=broken, alt=ref.alt)
                if page_url is not None:
                    action.src = self._rendered_src(ref.url, target, page_url)
                    if classify(ref.url).kind == "invalid":  # as safe_urls.py gives it to MkDocs
                        action.src = parseable(ref.url)
                report.actions.append(action)
                if reported and (warning := self._mkdocs_warning(src_uri, ref.url, target)):
                    report.replaced_warnings[warning] += 1
            else:
                if first_of_tag:
                    tags[id(ref.tag)] = ImgAction(
                        ref.tag.src, ref.tag.srcset, raw=True, alt=ref.tag.alt, text=ref.tag.text
                    )
                    report.actions.append(tags[id(ref.tag)])
                tags[id(ref.tag)].problems += broken
        if page_url is not None:
            for action in report.actions:
                if action.raw:
                    self._rewrite_raw(action, src_uri, page_url)
        report.findings.sort(key=lambda f: (f.line, f.col))
        return report

    def commit(self, report: PageReport) -> None:
        """Count a page's report in the run's totals (the summary, the orphans)."""
        self.pages += 1
        self.references += report.references
        self.remote += report.remote
        self.referenced |= report.referenced
        for finding in report.findings:
            self.counts[finding.level] += 1

    def mark_referenced(self, uri: str) -> None:
        """A docs-relative path used outside the pages (mkdocs.yml's logo, favicon, …)."""
        self.referenced.add(posixpath.normpath(uri.lstrip("/")))

    def mark_stylesheet(self, css_uri: str, css: str) -> None:
        """Images that a stylesheet of the site uses (`url(…)`, relative to the stylesheet)."""
        for m in _CSS_URL.finditer(css):
            if (used := self._link_target(css_uri, m[2])) is not None:
                self.referenced.add(used)

    @staticmethod
    def _link_target(src_uri: str, link: str) -> str | None:
        url = classify(link)
        if url.kind == "relative":
            return target_uri(src_uri, url.path)
        if url.kind == "absolute":
            return posixpath.normpath(url.path.lstrip("/"))
        return None

    # -- resolution ----------------------------------------------------------------------------

    def _resolve(
        self, src_uri: str, raw_url: str, form: str
    ) -> tuple[str | None, str | None, list[_Problem]]:
        """The docs file an image path resolves to, the file it uses (not an orphan: the same,
        or the real spelling of a case mismatch), and its problems."""
        # Pages of one folder share their lookups: screenshots are referenced again and again.
        key = (posixpath.dirname(src_uri), raw_url, form == "html")
        if (cached := self._resolved.get(key)) is None:
            target, problems = self._resolve_uncached(src_uri, raw_url, form)
            used = target
            if problems and problems[0].kind == "case-mismatch":
                used = self.index.case_insensitive(target_uri(src_uri, classify(raw_url).path))
            cached = self._resolved[key] = (target, used, problems)
        return cached

    def _resolve_uncached(
        self, src_uri: str, raw_url: str, form: str
    ) -> tuple[str | None, list[_Problem]]:
        url = classify(raw_url)
        quoted = f"'{raw_url}'"
        if url.kind == "data":
            return None, []
        if url.kind == "invalid":
            return None, [
                _Problem(
                    "missing",
                    f"image {quoted} is not an address a browser can load "
                    f"({unparseable(raw_url)}) — fix the address, or copy the image into "
                    f"{self.docs_path}/_resources/ and write its path",
                )
            ]
        if url.kind == "remote":
            return None, [
                _Problem(
                    "remote",
                    f"remote image {quoted} not checked (not fetched) — copy "
                    f"it into {self.docs_path}/_resources/ so that the site does not depend on "
                    "another host",
                )
            ]
        if url.kind == "empty":
            what = "<img> has no src attribute" if form == "html" else "image has an empty path"
            return None, [
                _Problem(
                    "missing",
                    f"{what} — write the path of the image file, e.g. '_resources/screenshot.png'",
                )
            ]
        if url.kind == "disk":
            name = url.path.replace("\\", "/").rsplit("/", 1)[-1]
            fix = self._copy_in(src_uri, name)
            return None, [
                _Problem(
                    "outside-docs",
                    f"image {quoted} is a file on the author's disk, not part of the site — {fix}",
                )
            ]
        if url.kind == "absolute":
            return self._absolute(src_uri, url, quoted)
        target = target_uri(src_uri, url.path)
        if leaves_docs(target):
            name = posixpath.basename(url.path)
            fix = self._copy_in(src_uri, name)
            return None, [
                _Problem(
                    "outside-docs",
                    f"image {quoted} lies outside {self.docs_path}/, so it is "
                    f"never read and never published — {fix}",
                )
            ]
        return target, self._file_problems(src_uri, url, target, quoted)

    def _absolute(self, src_uri: str, url: Url, quoted: str) -> tuple[str | None, list[_Problem]]:
        # As on a web server: nothing goes above the site's root.
        target = posixpath.normpath("/" + url.path.lstrip("/\\"))[1:]
        if not target or target in self.index.dirs:  # `/`, `/_resources/`: a folder
            return None, [self._not_found(src_uri, url, target or ".", quoted)]
        entry = self.index.files.get(target)
        relative = for_markdown(relative_path(target, src_uri))
        message = (
            f"image {quoted} is an absolute path: it breaks when the site is hosted under a "
            f"sub-path (e.g. {_HOSTED_UNDER_SUB_PATH})"
        )
        if entry is None:
            hint = self.index.suggest(target)
            message += f", and {self.docs_path}/{target} does not exist"
            if hint:
                relative = for_markdown(relative_path(hint, src_uri))
                return None, [_Problem("absolute-path", f"{message} — did you mean '{relative}'?")]
            return None, [_Problem("absolute-path", message)]
        return target, [_Problem("absolute-path", f"{message} — write '{relative}'")]

    def _file_problems(self, src_uri: str, url: Url, target: str, quoted: str) -> list[_Problem]:
        entry = self.index.files.get(target)
        if entry is None:
            return [self._not_found(src_uri, url, target, quoted)]
        if self.index.under_outside_dir(target):
            return [_symlinked_out(quoted, self.docs_path)]
        if not entry.published:
            return [
                _Problem(
                    "excluded",
                    f"image {quoted} is left out of the site (MkDocs excludes files and "
                    "folders whose name starts with '.', a top-level templates/ folder and what "
                    f"exclude_docs lists) — move it to {self.docs_path}/_resources/ or change "
                    "exclude_docs",
                )
            ]
        return self._content_problems(entry, quoted)

    def _not_found(self, src_uri: str, url: Url, target: str, quoted: str) -> _Problem:
        if self.index.under_outside_dir(target):
            return _symlinked_out(quoted, self.docs_path)
        if target in self.index.dirs or target == ".":
            folder = "" if target == "." else f"{target}/"
            inside = sorted(
                u for u in self.index.files if u.startswith(folder) and is_image_name(u)
            )
            example = (
                f", e.g. '{for_markdown(relative_path(inside[0], src_uri))}'" if inside else ""
            )
            return _Problem(
                "not-a-file",
                f"image {quoted} is a folder, not an image file — write "
                f"the path of an image inside it{example}",
            )
        actual = self.index.case_insensitive(target)
        if actual is not None:
            written = for_markdown(relative_path(actual, src_uri))
            return _Problem(
                "case-mismatch",
                f"image {quoted} exists as '{written}' (letter case "
                "differs): works on macOS/Windows disks, 404 on a Linux host — write "
                f"'{written}' or rename the file",
            )
        if "\\" in url.path:
            slashed = target_uri(src_uri, url.path.replace("\\", "/"))
            if slashed in self.index.files or self.index.case_insensitive(slashed):
                written = for_markdown(relative_path(slashed, src_uri))
                return _Problem(
                    "missing",
                    f"missing image {quoted}: a backslash is not a folder "
                    f"separator on the web — did you mean '{written}'?",
                )
        suggestion = self.index.suggest(target)
        if suggestion:
            written = for_markdown(relative_path(suggestion, src_uri))
            return _Problem("missing", f"missing image {quoted} — did you mean '{written}'?")
        return _Problem(
            "missing",
            f"missing image {quoted}: there is no "
            f"{self.docs_path}/{target} — add the file or fix the path",
        )

    def _content_problems(self, entry: Entry, quoted: str) -> list[_Problem]:
        info = self.index.info(entry.uri)
        if info.outside:
            return [_symlinked_out(quoted, self.docs_path)]
        if info.error:
            return [_Problem("not-a-file", f"image {quoted} cannot be read ({info.error})")]
        if info.format == "folder":
            return [_Problem("not-a-file", f"image {quoted} is a folder, not an image file")]
        if info.format == "unknown":  # provided by a plugin or theme, not read
            return []
        if info.size == 0:
            return [
                _Problem(
                    "empty-file",
                    f"image {quoted} is an empty file (0 bytes) — save or export the image again",
                )
            ]
        problems = []
        ext = posixpath.splitext(entry.uri)[1].lower()
        expected = EXTENSION_FORMAT.get(ext)
        actual = info.format
        what = FORMAT_NAMES.get(actual, actual)
        if actual not in WEB_FORMATS:
            fix = (
                "convert it to PNG or JPEG"
                if actual in ("bmp", "tiff", "heic")
                else "replace it with the image itself (PNG, JPEG, GIF, WebP, AVIF or SVG)"
            )
            shows = (
                "only some browsers show it"
                if actual in ("bmp", "tiff", "heic")
                else "browsers show a broken image"
            )
            problems.append(_Problem("not-an-image", f"image {quoted} is {what}: {shows} — {fix}"))
        elif expected is not None and expected != actual:
            name = posixpath.splitext(posixpath.basename(entry.uri))[0] + _EXTENSION[actual]
            if "svg" in (expected, actual):
                problems.append(
                    _Problem(
                        "not-an-image",
                        f"image {quoted} is {what} named '{ext}': "
                        f"browsers show a broken image — rename it to '{name}'",
                    )
                )
            else:
                problems.append(
                    _Problem(
                        "wrong-extension",
                        f"image {quoted} is {what} named "
                        f"'{ext}': browsers still show it, but servers send the "
                        f"wrong type — rename it to '{name}'",
                    )
                )
        if info.size > self.max_bytes:
            problems.append(
                _Problem(
                    "oversized",
                    f"image {quoted} is {_size(info.size)} (more than "
                    f"{_size(self.max_bytes)}): it slows the page down — resize "
                    "or compress it (e.g. save it as JPEG/WebP, or run pngquant)",
                )
            )
        return problems

    def _copy_in(self, src_uri: str, name: str) -> str:
        existing = self.index.images_by_name().get(name.lower()) if name else None
        if existing:
            return f"did you mean '{for_markdown(relative_path(existing[0], src_uri))}'?"
        rel = for_markdown(relative_path(f"_resources/{name or 'image.png'}", src_uri))
        return f"copy it into {self.docs_path}/_resources/ and write '{rel}'"

    @staticmethod
    def _alt_problem(ref: ImageRef) -> str | None:
        if ref.alt is not None and ref.alt.strip():
            return None
        if ref.alt is None:
            name = posixpath.basename(ref.url.split("?")[0].split("#")[0]) or "image"
            return (
                f"image '{ref.url}' has no alt attribute: screen readers read out its file name "
                f"'{name}' — add alt=\"what the image shows\""
            )
        example = f"![what the image shows]({ref.url})" if ref.form == "markdown" else None
        fix = f"describe it: '{example}'" if example else "describe what it shows in the alt text"
        return (
            f"image '{ref.url}' has no alt text: screen readers skip it as decorative, so its "
            f"content is lost to them — {fix}"
        )

    # -- the rendered page ---------------------------------------------------------------------

    def _rendered_src(self, raw_url: str, target: str | None, page_url: str) -> str:
        """The `src` MkDocs gives a Markdown image: rewritten when the target is a known file."""
        url = classify(raw_url)
        if target is None or url.kind != "relative":
            return raw_url
        entry = self.index.files.get(target) or self.index.linked_out.get(target)
        if entry is None:
            return raw_url
        return with_query(relative_url(entry.url, page_url), url.query, url.fragment)

    def _rewrite_raw(self, action: ImgAction, src_uri: str, page_url: str) -> None:
        """Rewrite a raw `<img>`'s relative paths as MkDocs rewrites Markdown images.

        Only needed where the page's URL is not next to its source (`foo.md` served as
        `foo/index.html` with `use_directory_urls`); elsewhere the author's text stays as is.
        https://github.com/mkdocs/mkdocs/issues/991
        """
        if page_base(page_url) == posixpath.dirname(src_uri):
            return
        if action.src is not None:
            new = self._rendered_src(action.src, self._target(src_uri, action.src), page_url)
            if new != action.src:
                action.new_src = new
        if action.srcset:
            parts, done, changed = [], 0, False
            for url, start, end in srcset_urls(action.srcset):
                new = self._rendered_src(url, self._target(src_uri, url), page_url)
                parts += [action.srcset[done:start], new]
                done, changed = end, changed or new != url
            if changed:
                action.new_srcset = "".join([*parts, action.srcset[done:]])

    def _target(self, src_uri: str, raw_url: str) -> str | None:
        url = classify(raw_url)
        return target_uri(src_uri, url.path) if url.kind == "relative" else None

    def _mkdocs_warning(self, src_uri: str, raw_url: str, target: str | None) -> str | None:
        """The start of the warning MkDocs logs for this Markdown image, if it logs one.

        Mirrors `_RelativePathTreeprocessor.path_to_url`:
        https://github.com/mkdocs/mkdocs/blob/1.6.1/mkdocs/structure/pages.py#L419-L516
        """
        url = classify(raw_url)
        prefix = f"Doc file '{src_uri}' contains "
        if url.kind == "absolute":
            return f"{prefix}an absolute link '{raw_url}', it was left as is."
        if url.kind != "relative":
            return None
        uri = target_uri(src_uri, url.path)
        entry = self.index.files.get(uri) or self.index.linked_out.get(uri)
        if entry is None:
            if not posixpath.splitext(url.path)[1]:
                return f"{prefix}an unrecognized relative link '{raw_url}', it was left as is."
            return f"{prefix}a link '{raw_url}', but the target"
        if not entry.published:
            return f"{prefix}a link to '{uri}' which is excluded from the built site."
        return None

    # -- after all pages -----------------------------------------------------------------------

    def orphans(self) -> Finding | None:
        """One finding listing the images in docs/ that nothing references."""
        level = self.levels["orphan"]
        if level == "ignore":
            return None
        orphans = [u for u in self.index.published_images() if u not in self.referenced]
        if not orphans:
            return None
        self.counts[level] += len(orphans)
        listing = "".join(f"\n  - {self.docs_path}/{u}" for u in orphans)
        n = len(orphans)
        return Finding(
            "orphan",
            level,
            f"{self.docs_path}/",
            0,
            0,
            f"{n} image{'s' * (n != 1)} in {self.docs_path}/ "
            f"{'are' if n != 1 else 'is'} not used by any page (published for nothing: "
            f"link or delete {'them' if n != 1 else 'it'}):{listing}",
        )

    def summary(self) -> str:
        refs = _plural(self.references, "reference")
        if self.remote:
            refs += f" ({self.remote} remote, not fetched)"
        problems = self.counts["warn"] + self.counts["info"]
        if not problems:
            result = "no problems"
        else:
            result = (
                f"{_plural(problems, 'problem')} ({_plural(self.counts['warn'], 'warning')}, "
                f"{self.counts['info']} info)"
            )
        return f"Images: {refs} on {_plural(self.pages, 'page')} checked, {result}."


_EXTENSION = {
    "png": ".png",
    "jpeg": ".jpg",
    "gif": ".gif",
    "webp": ".webp",
    "avif": ".avif",
    "svg": ".svg",
    "ico": ".ico",
}


def _symlinked_out(quoted: str, docs_path: str) -> _Problem:
    return _Problem(
        "outside-docs",
        f"image {quoted} is reached through a symlink that leads outside {docs_path}/, so it "
        f"is not read — copy the file into {docs_path}/ instead of linking to it",
    )


def _size(n: int) -> str:
    return (
        f"{n / 1_000_000:.1f} MB"
        if n >= 100_000
        else f"{n / 1000:.0f} KB"
        if n >= 1000
        else f"{n} bytes"
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"
