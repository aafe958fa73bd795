"""Connects the command-block Markdown extension to MkDocs.

The plugin adds the extension itself (so a user enables one plugin), tells it each note's path and
text for `path:line:col` messages, routes its reports to the plugin logger (so warnings fail
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

from .commands import knowledge
from .extension import Diagnostic, DockerCommandsExtension, Note
from .fences import superfences_entries
from .images import line_offset

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.plugins import PrefixedLogger
    from mkdocs.structure.pages import Page

    from .config import CommandsConfig

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
        self.extension = DockerCommandsExtension(knowledge=self.knowledge_files, report=self.report)
        # What this build has reported: a note's text may be converted more than once (Material's
        # blog renders each post again for its excerpt), and each problem is told once.
        self.reported: set[Diagnostic] = set()
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
        if diagnostic in self.reported:
            return
        self.reported.add(diagnostic)
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
        if not file.abs_src_path:
            self.extension.notes.add(Note(file.src_uri, markdown))
            return
        if file.src_dir == self.docs_dir:
            path = f"{self.docs_path}/{file.src_uri}"
        else:
            path = os.path.relpath(file.abs_src_path, self.project_dir).replace(os.sep, "/")
        # The file is read again only to report a problem: its front matter's lines count then.
        lines_before = functools.cache(functools.partial(_lines_before, file, markdown))
        self.extension.notes.add(Note(path, markdown, lines_before))

    def on_serve(self, server: LiveReloadServer) -> None:
        for path in self.knowledge_files:
            server.watch(path)


def _lines_before(file: File, markdown: str) -> int:
    """Lines of the page's file before the Markdown MkDocs hands to plugins (front matter)."""
    try:
        return line_offset(file.content_string, markdown)
    except (OSError, UnicodeDecodeError):
        return 0
