"""The plugin's options in mkdocs.yml, one sub-section per half of the plugin."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as opt

LEVELS = ("ignore", "info", "warn")


class CommandsConfig(base.Config):
    """`commands:` turns `> docker …` quote lines into annotated, copyable command blocks."""

    enabled = opt.Type(bool, default=True)
    # Extra knowledge files (same format as the built-in ones), relative to mkdocs.yml.
    knowledge = opt.ListOfPaths(default=[])
    # Also annotate docker commands in the author's own fenced bash/console/shell blocks.
    fenced = opt.Type(bool, default=False)


class ImagesConfig(base.Config):
    """`images:` checks that every image a note references resolves."""

    class _Levels(opt.DictOfItems[str]):
        """A misspelt finding kind fails the config instead of being silently ignored."""

        def run_validation(self, value: object) -> dict[str, str]:
            from .images.findings import KINDS

            levels: dict[str, str] = super().run_validation(value)
            if unknown := sorted(set(levels) - set(KINDS)):
                raise base.ValidationError(
                    f"unknown image finding kind(s) {', '.join(unknown)}; "
                    f"known kinds: {', '.join(KINDS)}"
                )
            return levels

    enabled = opt.Type(bool, default=True)
    # Level per finding kind: ignore, info or warn (warn fails `mkdocs build --strict`). Kinds and
    # their defaults: `docker_notes.images.findings.DEFAULT_LEVELS`.
    levels = _Levels(opt.Choice(LEVELS), default={})
    # Images larger than this many bytes are reported as oversized.
    max_bytes = opt.Type(int, default=1_000_000)
    # Replace a broken image by a visible box naming the problem: "serve" (only under
    # `mkdocs serve`), "always" or "never".
    show_in_page = opt.Choice(("serve", "always", "never"), default="serve")


class PluginConfig(base.Config):
    enabled = opt.Type(bool, default=True)
    # Rendered in a second process until 0.1; every build is one synchronous path now.
    parallel = opt.Deprecated(message="The option 'parallel' has no effect any more; remove it.")
    commands = opt.SubConfig(CommandsConfig)
    images = opt.SubConfig(ImagesConfig)
    # Notes keep the block structure their CommonMark editor shows (nested lists whatever the
    # indent, quotes and fences in list items…): the `docker_notes.structure` Markdown extension.
    commonmark = opt.Type(bool, default=True)
