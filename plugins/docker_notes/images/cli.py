"""`python -m docker_notes check`: the image checks of a build, without the build (pre-commit fast).

Reads mkdocs.yml as plain YAML (its `!ENV` and `!!python/name:` tags read as nothing), takes the
plugin's `images:` options from it, and prints the findings a build would log, as
`path:line:col: level: message`; exits 1 when any is a warning, 0 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import Any

import yaml

from .check import Checker
from .files import DocsIndex, default_excluded, display_path
from .findings import Finding, Level, levels_with
from .source import split_front_matter

PLUGIN_NAME = "docker-notes"
# Markdown files MkDocs renders as pages (`mkdocs.utils.markdown_extensions`).
PAGE_EXTENSIONS = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without MkDocs: any tag (`!ENV`, `!relative`, `!!python/name:…`) is None."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "check",
        help="check the notes' images without building the site",
        description="Check that every image the notes reference resolves, as `mkdocs build` "
        "with the docker-notes plugin does. Exits 1 on any warning.",
    )
    parser.add_argument(
        "docs_dir", nargs="?", help="the notes folder (default: docs_dir of mkdocs.yml, or docs)"
    )
    parser.add_argument(
        "-f",
        "--config",
        "--config-file",
        dest="config",
        help="mkdocs.yml to read the plugin's options from (default: ./mkdocs.yml if present)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config_path = args.config or ("mkdocs.yml" if os.path.isfile("mkdocs.yml") else None)
    try:
        settings = _load(config_path) if config_path else {}
        options = _plugin_options(settings)
        levels = levels_with(options.get("levels"))
        max_bytes = int(options.get("max_bytes", 1_000_000))
    except (OSError, yaml.YAMLError, ValueError, TypeError) as e:
        print(f"error: {config_path}: {e}", file=sys.stderr)
        return 2
    project_dir = os.path.dirname(os.path.abspath(config_path)) if config_path else os.getcwd()
    docs_dir = args.docs_dir or os.path.join(project_dir, str(settings.get("docs_dir") or "docs"))
    if not os.path.isdir(docs_dir):
        print(f"error: {docs_dir}: no such folder", file=sys.stderr)
        return 2
    findings, checker = check_docs(
        docs_dir,
        levels=levels,
        max_bytes=max_bytes,
        docs_path=display_path(docs_dir, project_dir),
        excluded=_exclusions(settings.get("exclude_docs")),
        config_references=_theme_images(settings),
        stylesheets=[s for s in settings.get("extra_css") or [] if isinstance(s, str)],
    )
    if args.format == "json":
        json.dump(
            {
                "findings": [vars(f) for f in findings],
                "summary": checker.summary(),
                "pages": checker.pages,
                "references": checker.references,
            },
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        print()
    else:
        for finding in findings:
            print(format_finding(finding))
        print(checker.summary())
    return 1 if any(f.level == "warn" for f in findings) else 0


def format_finding(finding: Finding) -> str:
    """`path:line:col: level: message`, as compilers print it (editors jump to the place)."""
    level = "warning" if finding.level == "warn" else finding.level
    return f"{finding.location}: {level}: {finding.message}"


def check_docs(
    docs_dir: str,
    *,
    levels: dict[str, Level],
    max_bytes: int,
    docs_path: str,
    excluded: Callable[[str], bool] = default_excluded,
    config_references: list[str] | None = None,
    stylesheets: list[str] | None = None,
) -> tuple[list[Finding], Checker]:
    """All pages of a docs folder checked, as a build would check them."""
    index = DocsIndex.scan(docs_dir, excluded=excluded)
    checker = Checker(index, levels=levels, max_bytes=max_bytes, docs_path=docs_path)
    findings: list[Finding] = []
    for uri in config_references or []:
        checker.mark_referenced(uri)
    for uri in stylesheets or []:
        if (entry := index.files.get(uri)) and entry.path:
            try:
                with open(entry.path, encoding="utf-8-sig") as f:
                    checker.mark_stylesheet(uri, f.read())
            except (OSError, UnicodeDecodeError):
                pass
    for uri, entry in sorted(index.files.items()):
        if not entry.published or not entry.path or not uri.endswith(PAGE_EXTENSIONS):
            continue
        if not index.inside(entry.path):
            print(f"{docs_path}/{uri}: a symlink leading outside docs/: not read", file=sys.stderr)
            continue
        try:
            with open(entry.path, encoding="utf-8-sig") as f:
                body, offset = split_front_matter(f.read())
        except (OSError, UnicodeDecodeError) as e:
            print(f"{docs_path}/{uri}: cannot be read: {e}", file=sys.stderr)
            continue
        report = checker.check_page(uri, body, line_offset=offset)
        checker.commit(report)
        findings += report.findings
    if orphans := checker.orphans():
        findings.append(orphans)
    return findings, checker


def _load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        data = yaml.load(f, Loader=_TolerantLoader)  # a SafeLoader subclass: safe
    return data if isinstance(data, dict) else {}


def _plugin_options(settings: dict[str, Any]) -> dict[str, Any]:
    plugins = settings.get("plugins") or []
    items = (
        plugins.items()
        if isinstance(plugins, dict)
        else (next(iter(p.items())) if isinstance(p, dict) and p else (p, None) for p in plugins)
    )
    for name, options in items:
        if name == PLUGIN_NAME and isinstance(options, dict):
            images = options.get("images")
            return images if isinstance(images, dict) else {}
    return {}


def _exclusions(exclude_docs: object) -> Callable[[str], bool]:
    """MkDocs' exclusions: its defaults, plus `exclude_docs` (gitignore patterns) when set."""
    if not isinstance(exclude_docs, str) or not exclude_docs.strip():
        return default_excluded
    # pathspec is what MkDocs itself matches `exclude_docs` with; it comes with MkDocs.
    import pathspec

    spec = pathspec.GitIgnoreSpec.from_lines(exclude_docs.splitlines())
    return lambda uri: default_excluded(uri) or spec.match_file(uri)


def _theme_images(settings: dict[str, Any]) -> list[str]:
    theme = settings.get("theme")
    if not isinstance(theme, dict):
        return []
    return [v for k in ("logo", "favicon") if isinstance(v := theme.get(k), str) and "://" not in v]
