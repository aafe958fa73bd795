"""The MkDocs plugin: configuration, logging and serve integration for the two halves.

Hooks stay thin: the command blocks live in a Python-Markdown extension (`extension.py`, also usable
without MkDocs), the image checks in the pure `images` package; `mkdocs_commands.py` and
`mkdocs_images.py` connect each half to MkDocs, and `mkdocs_notes.py` reads the notes so that no
note stops the build and every message names its note's line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger

from .config import PluginConfig
from .mkdocs_commands import ASSETS, CommandBlocks
from .mkdocs_images import ImageChecks
from .mkdocs_notes import NotePages
from .mkdocs_serve import CompiledTemplates, DirtyRebuilds
from .notes import Diagnostic
from .structure.extension import CommonMarkStructureExtension

# The structure extension as a user may list it (for Zensical): the plugin adds its own instance.
STRUCTURE_NAMES = ("docker_notes.structure", "docker_notes_structure")

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

log = get_plugin_logger(__name__)


class DockerNotesPlugin(BasePlugin[PluginConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command: str = "build"
        self.commands: CommandBlocks | None = None
        self.images: ImageChecks | None = None
        self.notes: NotePages | None = None
        # What this build has reported: a note's text may be converted more than once (Material's
        # blog renders each post again for its excerpt), and each problem is told once.
        self.reported: set[Diagnostic] = set()
        # Under `mkdocs serve --dirty`, what keeps its rebuilds correct (mkdocs_serve.py): kept
        # from one rebuild to the next, as this instance lives as long as serve; `rebuilds` is
        # it in a build with the plugin enabled.
        self._dirty_serve: DirtyRebuilds | None = None
        self.rebuilds: DirtyRebuilds | None = None
        self.templates: CompiledTemplates | None = None  # under serve

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command = command
        if command == "serve":
            self.templates = CompiledTemplates()
        if command == "serve" and dirty:
            self._dirty_serve = DirtyRebuilds()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        # Everything is created anew on every (re)build, so no state survives a serve rebuild.
        self.commands = self.images = self.notes = self.rebuilds = None
        self.reported = set()
        if not self.config.enabled:
            return config
        self.rebuilds = self._dirty_serve
        self.notes = NotePages(config, self.report, report_images=not self.config.images.enabled)
        if self.config.commonmark:
            extensions = config.markdown_extensions
            extensions[:] = [e for e in extensions if e not in STRUCTURE_NAMES]
            extensions.append(
                CommonMarkStructureExtension(notes=self.notes.notes, report=self.report)
            )
        if self.config.commands.enabled:
            self.commands = CommandBlocks(
                self.config.commands, config, self.notes.notes, self.report
            )
        if self.config.images.enabled:
            self.images = ImageChecks(
                self.config.images, config, log, serving=self.command == "serve"
            )
        if self.rebuilds:
            # What shapes every page, besides mkdocs.yml itself.
            custom_dir = config.theme.custom_dir
            watched = [*map(str, self.config.commands.knowledge), str(ASSETS)]
            self.rebuilds.start(config, [*watched, *([custom_dir] if custom_dir else [])])
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if self.commands:
            files = self.commands.on_files(files)
        if self.images:
            self.images.on_files(files)
        if self.rebuilds:
            plan = self.rebuilds.on_files(files, serving=self.command == "serve")
            what = "every page" if plan.full else f"{len(plan.pages)} page(s)"
            log.info("Rebuilding %s (%s)", what, plan.why)
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        if self.rebuilds:
            self.rebuilds.on_nav(nav)
        return nav

    def on_env(
        self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        if self.templates and self.config.enabled:
            env.bytecode_cache = self.templates
        return env

    def report(self, diagnostic: Diagnostic) -> None:
        if diagnostic in self.reported:
            return
        self.reported.add(diagnostic)
        if self.rebuilds:
            self.rebuilds.on_diagnostic(diagnostic)
        (log.warning if diagnostic.level == "warning" else log.info)("%s", diagnostic)

    @event_priority(100)
    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        """Early, so that a plugin that reads pages its own way still has the last word."""
        return self.notes.read_source(page) if self.notes else None

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if not self.notes:
            return markdown
        note = self.notes.on_page_markdown(markdown, page)
        if self.rebuilds:
            self.rebuilds.on_page_markdown(page.file.src_uri, note.path, markdown, page.meta)
        report = None
        if self.images:
            assert note.lines_before is not None
            report = self.images.on_page_markdown(markdown, page, note.lines_before())
        if self.rebuilds and report is not None:
            self.rebuilds.on_report(page.file.src_uri, report)
        return markdown

    @event_priority(50)
    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Before glightbox (priority 0), so that the raw `<img>` whose address this rewrites get
        the lightbox with their new address."""
        if self.images:
            html = self.images.on_page_content(html, page)
        return html

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: object
    ) -> LiveReloadServer | None:
        if self.commands:
            self.commands.on_serve(server)
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.rebuilds:
            # The pages a dirty rebuild left as they were: their findings and warnings still hold.
            for page in self.rebuilds.carried_over():
                if self.images and page.report is not None:
                    self.images.carry_over(page.report)
                for diagnostic in page.diagnostics:
                    self.report(diagnostic)
        if self.images:
            self.images.on_post_build()
