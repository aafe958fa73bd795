"""The MkDocs plugin: configuration, logging and serve integration for the two halves.

Hooks stay thin: the command blocks live in a Python-Markdown extension (`extension.py`, also usable
without MkDocs), the image checks in the pure `images` package; `mkdocs_commands.py` and
`mkdocs_images.py` connect each half to MkDocs; `prework.py` does the work of both ahead, in a
second process, on large builds.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING, Any, Literal

import click
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import InclusionLevel

from . import prework
from .config import PluginConfig
from .extension import Diagnostic
from .mkdocs_commands import CommandBlocks, _lines_before
from .mkdocs_images import ImageChecks
from .prework import Job, Prework
from .structure.extension import CommonMarkStructureExtension

if TYPE_CHECKING:
    from mkdocs.config.base import ConfigErrors, ConfigWarnings
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page
    from mkdocs.utils.templates import TemplateContext

log = get_plugin_logger(__name__)


class DockerNotesPlugin(BasePlugin[PluginConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command: str = "build"
        self.dirty = False  # only the changed pages are rendered (`--dirty`, `--dirtyreload`)
        self.commands: CommandBlocks | None = None
        self.images: ImageChecks | None = None
        self.structure: CommonMarkStructureExtension | None = None
        self.prework: Prework | None = None
        # A second process started before on_config, and the docs folder it was started for.
        self._early: tuple[Prework, str] | None = None

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[ConfigErrors, ConfigWarnings]:
        errors, warnings = super().load_config(options, config_file_path)
        if not errors:
            self._spawn_prework_early(config_file_path)
        return errors, warnings

    def _spawn_prework_early(self, config_file_path: str | None) -> None:
        """On `mkdocs build` of a large site with its notes in the usual `docs/`, start the second
        process as soon as this plugin's options are read: Python has then started and imported the
        plugin by the time MkDocs renders its first pages, which it would otherwise do itself.
        on_config keeps it only if the build turns out to be what it was started for."""
        if _cli_command() not in ("build", "gh-deploy") or _cli_dirty() or not config_file_path:
            return
        docs_dir = os.path.join(os.path.dirname(config_file_path), "docs")
        if started := self._new_prework(docs_dir):
            self._early = (started, docs_dir)

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command = command
        self.dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        # Both halves are created anew on every (re)build, so no state survives a serve rebuild.
        self.commands = self.images = None
        self._close_prework()
        if not self.config.enabled:
            return config
        if self.config.commands.enabled:
            self.commands = CommandBlocks(self.config.commands, config, log)
        if self.config.images.enabled:
            self.images = ImageChecks(
                self.config.images, config, log, serving=self.command == "serve"
            )
        # --- CommonMark structure (structure/): one instance, ours, with the plugin's logger.
        self.structure = None
        if self.config.commonmark:
            self.structure = CommonMarkStructureExtension(report=_report)
            names = ("docker_notes.structure", "docker_notes_structure")
            config.markdown_extensions[:] = [
                e for e in config.markdown_extensions if e not in names
            ] + [self.structure]
        early, self._early = self._early, None
        if early and self.command != "serve" and _same_dir(early[1], config.docs_dir):
            self.prework = early[0]
        else:
            if early:
                early[0].close()
            # Started now (each rebuild of `mkdocs serve` too), Python starts while MkDocs lists
            # the files.
            self.prework = self._new_prework(config.docs_dir)
        return config

    def _new_prework(self, docs_dir: str) -> Prework | None:
        """A second process for a build of docs_dir, if it may help (see prework.py)."""
        config = self.config
        if not config.enabled or not config.parallel:
            return None
        if not (config.commands.enabled or config.images.enabled):
            return None
        if not prework.may_help(docs_dir, dirty=self.dirty):
            return None
        try:
            return Prework(self._knowledge_files())
        except OSError as e:  # no process can be started here: the build does it all
            log.debug("no second process (%s)", e)
            return None

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if self.commands:
            files = self.commands.on_files(files)
        if self.images:
            self.images.on_files(files)
        self._start_prework(files, config)
        return files

    def _knowledge_files(self) -> list[str] | None:
        """The command blocks' knowledge files; None when the command blocks are off."""
        commands = self.config.commands
        return [str(p) for p in commands.knowledge] if commands.enabled else None

    def _start_prework(self, files: Files, config: MkDocsConfig) -> None:
        if self.prework is None:
            return
        # The pages MkDocs renders: drafts too under `mkdocs serve`.
        serving = self.command == "serve"
        inclusion = InclusionLevel.is_in_serve if serving else InclusionLevel.is_included
        pages = [
            prework.Page(f.src_uri, f.abs_src_path, f.url, f.abs_dest_path)
            for f in files.documentation_pages(inclusion=inclusion)
            if f.abs_src_path
        ]
        if not prework.wanted(len(pages), dirty=self.dirty):
            self._close_prework()
            return
        self.prework.start(
            Job(
                pages,
                docs_dir=config.docs_dir,
                knowledge=self._knowledge_files(),
                images=self.images.job() if self.images else None,
                site_dir=config.site_dir,
            )
        )
        if self.commands:
            self.commands.use(self.prework)
        if self.images:
            self.images.prework = self.prework

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.prework:
            self.prework.collect()
        if self.commands:
            self.commands.on_page_markdown(markdown, page)
        if self.structure:  # CommonMark structure: which note, for its warnings' path:line
            file = page.file
            project = os.path.dirname(config.config_file_path or "") or os.getcwd()
            path = (
                os.path.relpath(file.abs_src_path, project) if file.abs_src_path else file.src_uri
            )
            # The file is read again only to report something (its front matter's lines count).
            count = functools.partial(_lines_before, file, markdown)
            self.structure.set_page(path.replace(os.sep, "/"), count if file.abs_src_path else None)
        if self.images:
            self.images.on_page_markdown(markdown, page)
        return markdown

    @event_priority(50)
    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Runs before glightbox (priority 0) so that rewritten raw `<img>` get the lightbox too."""
        if self.commands:
            self.commands.on_page_content(page)
        if self.images:
            html = self.images.on_page_content(html, page)
        return html

    @event_priority(-100)
    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        """Late: after the search plugins (priority 0) have indexed the blocks' stand-ins."""
        if self.commands:
            self.commands.on_page_context(page)
        return context

    @event_priority(-50)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        """Late: plugins that parse every written page (glightbox re-serialises each one) then
        handle the blocks' ids, not their full explanations."""
        if self.commands:
            output = self.commands.on_post_page(output, page)
        return output

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: object
    ) -> LiveReloadServer | None:
        if self.commands:
            self.commands.on_serve(server)
        return server

    @event_priority(100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Early: plugins that read the written pages then find the blocks in them."""
        if self.commands:
            self.commands.on_post_build()
        self._close_prework()
        if self.images:
            self.images.on_post_build()

    def on_build_error(self, *, error: Exception) -> None:
        self._close_prework()

    def _close_prework(self) -> None:
        if self.prework is None:
            return
        if self.prework.started:  # else the site had fewer notes than it takes
            log.debug(
                "a second process made the command blocks of %d pages, put them into %d "
                "written pages, and checked the images of %d pages",
                self.prework.plans_used,
                self.prework.pages_written,
                self.prework.reports_used,
            )
        if failed := self.prework.close():
            log.debug("the second process failed (exit status %d)", failed)
        self.prework = None


def _report(diagnostic: Diagnostic) -> None:
    log.warning("%s", diagnostic)


def _cli_command() -> str | None:
    """The `mkdocs` command being run (build, serve, …), before on_startup tells it; None when
    MkDocs is not run from its command line."""
    context = click.get_current_context(silent=True)
    return context.info_name if context is not None else None


def _cli_dirty() -> bool:
    """Whether MkDocs' command line asks for a dirty build (`--dirty`: only the changed pages)."""
    context = click.get_current_context(silent=True)
    params = context.params if context is not None else {}
    return params.get("clean") is False or params.get("build_type") == "dirty"


def _same_dir(a: str, b: str) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)
