"""Connects the command-block Markdown extension to MkDocs.

The plugin adds the extension itself (so a user enables one plugin), gives it each page's path and
source for `path:line:col` messages, routes its reports to the plugin logger (so warnings fail
`mkdocs build --strict`), ships the block's CSS and JavaScript, and has `mkdocs serve` watch the
user's knowledge files.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from .blocks import put_blocks, remade, restore_deferred, slimmed
from .commands import knowledge
from .extension import Diagnostic, DockerCommandsExtension
from .fences import superfences_entries
from .images import line_offset

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.plugins import PrefixedLogger
    from mkdocs.structure.pages import Page

    from .config import CommandsConfig
    from .prework import Prework

ASSETS = Path(__file__).parent / "assets"
SITE_ASSETS = "assets/docker-notes"
EXTENSION_NAMES = ("docker_notes", "docker_notes.extension")


class CommandBlocks:
    def __init__(
        self,
        config: CommandsConfig,
        mkdocs_config: MkDocsConfig,
        log: PrefixedLogger,
    ):
        self.log = log
        self.mkdocs_config = mkdocs_config
        self.knowledge_files = [str(p) for p in config.knowledge]
        try:
            knowledge.load(self.knowledge_files)  # fail early, naming the file, on a broken YAML
        except knowledge.KnowledgeError as e:
            raise PluginError(str(e)) from None
        self.project_dir = os.path.dirname(mkdocs_config.config_file_path or "") or os.getcwd()
        self.docs_dir = mkdocs_config.docs_dir
        self.docs_path = os.path.relpath(self.docs_dir, self.project_dir).replace(os.sep, "/")
        self.extension = DockerCommandsExtension(
            knowledge=self.knowledge_files, report=self.report, defer_explanations=True
        )
        # Page -> its blocks and their stand-ins, from rendering until the page is written.
        self.deferred: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
        self.prework: Prework | None = None
        # Page -> the commands' texts of its blocks made ahead; once written, page -> where, and
        # the texts of the blocks the second process is to put in (plain tuples of strings, which
        # the garbage collector soon stops looking at: the pages of a large site wait for them
        # between MkDocs' two passes); the last page written, to tell the worker of.
        self._planned: dict[str, tuple[tuple[str, ...], ...]] = {}
        self._held: dict[str, tuple[str, tuple[tuple[str, ...], ...]]] = {}
        self._written_last: tuple[str, int] | None = None
        extensions = mkdocs_config.markdown_extensions
        # Listed by name too (as Zensical needs): one instance only, ours, with the plugin's logger.
        extensions[:] = [e for e in extensions if e not in EXTENSION_NAMES]
        extensions.append(self.extension)
        if config.fenced:
            self._annotate_fences(mkdocs_config)
        for name in sorted(p.name for p in ASSETS.iterdir()):
            uri = f"{SITE_ASSETS}/{name}"
            if name.endswith(".css") and uri not in mkdocs_config.extra_css:
                mkdocs_config.extra_css.append(uri)
            elif name.endswith(".js") and uri not in mkdocs_config.extra_javascript:
                mkdocs_config.extra_javascript.append(uri)

    def _annotate_fences(self, mkdocs_config: MkDocsConfig) -> None:
        if "pymdownx.superfences" not in mkdocs_config.markdown_extensions:
            raise PluginError(
                "docker-notes: 'commands: fenced: true' needs the pymdownx.superfences extension"
            )
        superfences = mkdocs_config.mdx_configs.setdefault("pymdownx.superfences", {})
        custom = superfences.setdefault("custom_fences", [])
        taken = {entry.get("name") for entry in custom}
        custom.extend(e for e in superfences_entries() if e["name"] not in taken)

    def report(self, diagnostic: Diagnostic) -> None:
        (self.log.warning if diagnostic.level == "warning" else self.log.info)("%s", diagnostic)

    def on_files(self, files: Files) -> Files:
        for path in sorted(ASSETS.iterdir()):
            if path.suffix in (".css", ".js"):
                files.append(
                    File.generated(
                        self.mkdocs_config, f"{SITE_ASSETS}/{path.name}", abs_src_path=str(path)
                    )
                )
        return files

    def on_page_markdown(self, markdown: str, page: Page) -> None:
        file = page.file
        plan = self.prework.plan(file.src_uri) if self.prework else ()
        if plan:
            self._planned[file.src_uri] = tuple(block.texts for block in plan)
        if not file.abs_src_path:
            self.extension.set_page(file.src_uri, markdown, plan)
            return
        if file.src_dir == self.docs_dir:
            path = f"{self.docs_path}/{file.src_uri}"
        else:
            path = os.path.relpath(file.abs_src_path, self.project_dir).replace(os.sep, "/")
        # The file is read again only to report a problem: its front matter's lines count then.
        lines_before = functools.partial(_lines_before, file, markdown)
        self.extension.set_page(path, markdown, plan, lines_before)

    def on_page_content(self, page: Page) -> None:
        self.deferred[page.file.src_uri] = (self.extension.deferred, self.extension.stand_ins)

    def on_page_context(self, page: Page) -> None:
        """Once the search plugins have indexed the page's stand-ins, their text goes: with it,
        glightbox's parse of each written page faulted in three times the memory it does without
        the plugin (1,000 notes: 0.71 s against 0.46 s)."""
        made = self.deferred.get(page.file.src_uri)
        if made and made[1] and page.content:
            page.content = slimmed(page.content, made[1])

    def on_post_page(self, output: str, page: Page) -> str:
        """The explanations go back in after the search plugins have indexed the page. Those of
        a page whose blocks all came from the second process, it puts in once MkDocs has written
        the page (so the build neither gets nor copies them)."""
        src_uri = page.file.src_uri
        blocks, stand_ins = self.deferred.pop(src_uri, ({}, {}))
        planned = self._planned.pop(src_uri, ())
        if self.prework and self._written_last is not None:
            self.prework.written(*self._written_last)  # MkDocs has written it since
        self._written_last = (src_uri, 0) if self.prework else None
        # Blocks whose HTML the second process holds: "" (the page's first ones; see leave_plan).
        held = [block_id for block_id, html in blocks.items() if not html]
        if held:
            blocks = {block_id: html for block_id, html in blocks.items() if html}
            texts = planned[: len(held)]
            # MkDocs writes a page that is not all white space (`output.strip()` would copy it).
            if self.prework and page.file.abs_dest_path and output and not output.isspace():
                self._held[src_uri] = (page.file.abs_dest_path, texts)
                self._written_last = (src_uri, len(held))
            else:  # not written by MkDocs, or no second process to tell: made here
                remade_html = remade(texts, self.knowledge, {}, None)
                blocks.update(zip(held, remade_html, strict=True))
        output, lost = restore_deferred(output, blocks, stand_ins)
        self._lost(src_uri, lost)
        return output

    def on_post_build(self) -> None:
        """Wait for the second process to put the blocks into the last pages; the pages it did
        not confirm (it failed), the build puts right."""
        if not self.prework:
            return
        if self._written_last is not None:
            self.prework.written(*self._written_last)
            self._written_last = None
        written = self.prework.finish() if self._held else {}
        for src_uri, (dest, texts) in self._held.items():
            lost = written.get(src_uri) if written is not None else None
            if lost is None:
                lost = put_blocks(dest, remade(texts, self.knowledge, {}, None))
            self._lost(src_uri, lost)
        self._held.clear()

    def _lost(self, src_uri: str, lost: list[str]) -> None:
        if lost:
            self.log.warning(
                "%s: the explanations of %d command block(s) could not be put back "
                "(another plugin changed their stand-ins)",
                src_uri,
                len(lost),
            )

    @property
    def knowledge(self) -> knowledge.Knowledge:
        return self.extension.knowledge

    def use(self, prework: Prework) -> None:
        """Take each page's blocks from what the second process makes (see prework.py)."""
        self.prework = prework

    def on_serve(self, server: LiveReloadServer) -> None:
        for path in self.knowledge_files:
            server.watch(path)


def _lines_before(file: File, markdown: str) -> int:
    """Lines of the page's file before the Markdown MkDocs hands to plugins (front matter)."""
    try:
        return line_offset(file.content_string, markdown)
    except (OSError, UnicodeDecodeError):
        return 0
