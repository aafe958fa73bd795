"""Build the notes with Zensical, the successor of Material for MkDocs, from the same mkdocs.yml.

    python3 tools/zensical_build.py [--out build/zensical] [--config-file mkdocs.yml] [--no-strict]

Zensical reads mkdocs.yml but runs no MkDocs plugin, so what our plugin does for MkDocs is done here
instead, in a generated copy of the project under OUT/project (the real mkdocs.yml stays MkDocs'):
the command blocks' Markdown extension and the one that keeps the notes' CommonMark structure
(unless the plugin's `commonmark: false`) are listed in `markdown_extensions`, and the blocks' CSS
and JavaScript are copied into the docs and listed in `extra_css` / `extra_javascript`. The site is
written to OUT/site.

Zensical and our package live in their own virtual environment (.venv-zensical by default), made on
first use and reused while pyproject.toml is unchanged. Our package goes in without its
dependencies: the Markdown extensions must work with what Zensical brings, without MkDocs, and
markdown-it-py (the structure extension's CommonMark parser).

With strict mode (the default) the build fails on Zensical's own warnings and, since Zensical does
not count them, on the command blocks' warnings too, as `mkdocs build --strict` does.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import runpy
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_VENV = PROJECT_DIR / ".venv-zensical"
DEFAULT_OUT = PROJECT_DIR / "build" / "zensical"
ASSETS = PROJECT_DIR / "plugins" / "docker_notes" / "assets"
SITE_ASSETS = "assets/docker-notes"
EXTENSION = "docker_notes"
STRUCTURE = "docker_notes.structure"
REQUIREMENT = "zensical"
# What our extensions need beyond what Zensical brings.
EXTRA_REQUIREMENTS = ("markdown-it-py>=3.0",)
_KEY_FILE = ".docker-notes-key"
_VERSION_FILE = ".zensical-version"


class Unavailable(Exception):
    """Zensical cannot be installed here (no wheel for this platform, no registry, no venv)."""


@dataclass(frozen=True)
class Environment:
    python: Path
    zensical_version: str
    seconds: float
    reused: bool


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _key(requirement: str) -> str:
    # The venv holds an editable install of this checkout and the dependencies pyproject names.
    digest = hashlib.sha256()
    for part in (requirement, *EXTRA_REQUIREMENTS, sys.version, str(PROJECT_DIR)):
        digest.update(part.encode() + b"\0")
    digest.update((PROJECT_DIR / "pyproject.toml").read_bytes())
    return digest.hexdigest()


def _run(command: list[str | Path], what: str, error: type[Exception]) -> str:
    result = subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()
        # pip's mirror notes drown the one line that says why.
        output = [line for line in output if not line.startswith("WARNING: Location")]
        raise error(f"{what} failed ({result.returncode}):\n" + "\n".join(output[-15:]))
    return result.stdout


def ensure_environment(venv: Path = DEFAULT_VENV, requirement: str = REQUIREMENT) -> Environment:
    """The venv's Python, with Zensical and our package; made anew when pyproject.toml changed."""
    started = time.perf_counter()
    key = _key(requirement)
    python = _venv_python(venv)
    key_file = venv / _KEY_FILE
    if python.exists() and key_file.exists() and key_file.read_text() == key:
        version = (venv / _VERSION_FILE).read_text().strip()
        return Environment(python, version, time.perf_counter() - started, reused=True)
    shutil.rmtree(venv, ignore_errors=True)
    _run([sys.executable, "-m", "venv", venv], "creating the virtual environment", Unavailable)
    pip = [python, "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    _run([*pip, requirement, *EXTRA_REQUIREMENTS], f"pip install {requirement}", Unavailable)
    # A failure here is ours, not the platform's: never a reason to skip.
    _run([*pip, "--no-deps", "--editable", PROJECT_DIR], "pip install -e .", RuntimeError)
    version = _run(
        [python, "-c", "import importlib.metadata as m; print(m.version('zensical'))"],
        "reading the Zensical version",
        RuntimeError,
    ).strip()
    (venv / _VERSION_FILE).write_text(version + "\n")
    # Written last, so that an interrupted install is redone rather than reused.
    key_file.write_text(key)
    return Environment(python, version, time.perf_counter() - started, reused=False)


# --- The generated project ------------------------------------------------------------------------


def load_config(path: Path) -> dict[str, Any]:
    """mkdocs.yml as plain data, its `!ENV` tags resolved now as MkDocs resolves them."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            names, default = [loader.construct_scalar(node)], None
        else:
            assert isinstance(node, yaml.SequenceNode), node
            values = node.value
            default = loader.construct_object(values[-1]) if len(values) > 1 else None
            names = [loader.construct_scalar(v) for v in values[:-1] or values]
        for name in names:
            if name in os.environ:
                return yaml.safe_load(os.environ[name])
        return default

    Loader.add_constructor("!ENV", env)
    with path.open(encoding="utf-8") as f:
        return yaml.load(f, Loader=Loader) or {}


def _commonmark(config: dict[str, Any]) -> bool:
    """The plugin's `commonmark` option as mkdocs.yml sets it (on unless set to false)."""
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and isinstance(entry.get("docker-notes"), dict):
            return entry["docker-notes"].get("commonmark", True) is not False
    return True


def _extension_names(extensions: list[Any]) -> set[str]:
    names: set[str] = set()
    for entry in extensions:
        names.update(entry if isinstance(entry, dict) else [entry])
    return names


def prepare(out: Path, config_file: Path) -> Path:
    """Lay out OUT/project for Zensical, which wants the docs and the site inside the config's folder."""
    import yaml

    config_file = config_file.resolve()
    root = config_file.parent
    config = load_config(config_file)
    project = out / "project"
    shutil.rmtree(out, ignore_errors=True)
    project.mkdir(parents=True)

    docs = project / "docs"
    shutil.copytree(root / config.get("docs_dir", "docs"), docs)
    config["docs_dir"] = "docs"
    config["site_dir"] = "site"
    theme = config.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        shutil.copytree(root / theme["custom_dir"], project / "overrides")
        theme["custom_dir"] = "overrides"

    extensions = config.get("markdown_extensions") or []
    if not _extension_names(extensions) & {EXTENSION, f"{EXTENSION}.extension"}:
        extensions.append(EXTENSION)
    if _commonmark(config) and not _extension_names(extensions) & {STRUCTURE}:
        extensions.append(STRUCTURE)
    config["markdown_extensions"] = extensions
    (docs / SITE_ASSETS).mkdir(parents=True)
    for path in sorted(ASSETS.iterdir()):
        key = {".css": "extra_css", ".js": "extra_javascript"}.get(path.suffix)
        if key:
            shutil.copy2(path, docs / SITE_ASSETS / path.name)
            config[key] = [*(config.get(key) or []), f"{SITE_ASSETS}/{path.name}"]

    generated = project / "mkdocs.yml"
    generated.write_text(
        f"# Generated by tools/zensical_build.py from {config_file}; edit that one instead.\n"
        + yaml.safe_dump(config, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    return generated


# --- Running Zensical (inside its venv) -----------------------------------------------------------


class _Count(logging.StreamHandler):
    def __init__(self) -> None:
        super().__init__(sys.stderr)
        self.setLevel(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        super().emit(record)


def run_zensical(config: Path, strict: bool) -> int:
    """`zensical build`, in this process, so that the command blocks' warnings can be counted."""
    warnings = _Count()
    logging.getLogger(EXTENSION).addHandler(warnings)
    sys.argv = ["zensical", "build", "--config-file", str(config)]
    if strict:
        sys.argv.append("--strict")
    code: Any = 0
    try:
        runpy.run_module("zensical", run_name="__main__", alter_sys=True)
    except SystemExit as e:
        code = e.code
    if code not in (0, None):
        return code if isinstance(code, int) else 1
    if strict and warnings.count:
        print(f"Aborted: {warnings.count} warning(s) from the command blocks.", file=sys.stderr)
        return 1
    return 0


def build_inside(out: Path, config_file: Path, strict: bool) -> int:
    """The half that runs with the venv's Python: generate the project, build, move the site out."""
    config = prepare(out, config_file)
    code = run_zensical(config, strict)
    if code == 0:
        shutil.move(config.parent / "site", out / "site")
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the work folder")
    parser.add_argument("--config-file", type=Path, default=PROJECT_DIR / "mkdocs.yml")
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV)
    parser.add_argument("--no-strict", dest="strict", action="store_false")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    out, config_file = args.out.resolve(), args.config_file.resolve()
    if args.inside:
        return build_inside(out, config_file, args.strict)

    try:
        env = ensure_environment(args.venv.resolve())
    except Unavailable as e:
        print(f"Zensical cannot be installed here: {e}", file=sys.stderr)
        return 3
    how = "reused" if env.reused else f"made in {env.seconds:.1f} s"
    print(f"Zensical {env.zensical_version} ({args.venv} {how})", flush=True)
    command = [str(env.python), __file__, "--inside", "--out", str(out)]
    command += ["--config-file", str(config_file)] + ([] if args.strict else ["--no-strict"])
    code = subprocess.run(command, check=False).returncode
    if code == 0:
        print(f"Site: {out / 'site'}")
    return code


if __name__ == "__main__":
    sys.exit(main())
