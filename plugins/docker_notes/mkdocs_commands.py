"""Connects the command-block Markdown extension to MkDocs.

The plugin adds the extension itself (so a user enables one plugin), gives it the build's notes
for `path:line:col` messages (mkdocs_notes.py) and the plugin's reporter (so warnings fail
`mkdocs build --strict`), ships the block's CSS and JavaScript, and has `mkdocs serve` watch the
user's knowledge files.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from .commands import knowledge
from .extension import DockerCommandsExtension
from .fences import superfences_entries
from .notes import NoteSources, Reporter

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer

    from .config import CommandsConfig

ASSETS = Path(__file__).parent / "assets"
SITE_ASSETS = "assets/docker-notes"
EXTENSION_NAMES = ("docker_notes", "docker_notes.extension")


class CommandBlocks:
    def __init__(
        self,
        config: CommandsConfig,
        mkdocs_config: MkDocsConfig,
        notes: NoteSources,
        report: Reporter,
    ):
        self.mkdocs_config = mkdocs_config
        self.knowledge_files = [str(p) for p in config.knowledge]
        try:
            knowledge.load(self.knowledge_files)  # fail early, naming the file, on a broken YAML
        except knowledge.KnowledgeError as e:
            raise PluginError(str(e)) from None
        self.extension = DockerCommandsExtension(
            knowledge=self.knowledge_files, notes=notes, report=report
        )
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

    def on_files(self, files: Files) -> Files:
        for path in sorted(ASSETS.iterdir()):
            if path.suffix in (".css", ".js"):
                files.append(
                    File.generated(
                        self.mkdocs_config, f"{SITE_ASSETS}/{path.name}", abs_src_path=str(path)
                    )
                )
        return files

    def on_serve(self, server: LiveReloadServer) -> None:
        for path in self.knowledge_files:
            server.watch(path)
