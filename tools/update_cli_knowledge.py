"""Regenerate the generated layer of the CLI knowledge from the installed docker client.

Walks `docker --help` recursively (every management command and every command it lists),
parses the help pages and writes `plugins/docker_notes/knowledge/10-docker.yaml`.

    python tools/update_cli_knowledge.py            # rewrite the file
    python tools/update_cli_knowledge.py --check    # exit 1 if names, arity or aliases changed
    python tools/update_cli_knowledge.py --stdout   # print instead of writing

The functions (`parse_help`, `parse_usage`, `collect`, `render`, `structural_diff`) take text or a
`run` callable, so tests can feed them canned help pages.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "plugins" / "docker_notes" / "knowledge" / "10-docker.yaml"
PROGRAM = "docker"
REFERENCE_BASE = "https://docs.docker.com/reference/cli/docker/"
PROGRAM_EXPLAIN = (
    "The Docker command-line client. It sends what you ask to the Docker engine, "
    "which does the work."
)
TIMEOUT = 20.0
WORKERS = 16

Run = Callable[[Sequence[str]], str]


# --------------------------------------------------------------------------- help pages


@dataclass
class Option:
    names: list[str]
    value: str | None
    help: str
    deprecated: bool = False


@dataclass
class Listed:
    name: str
    help: str
    plugin: bool = False


@dataclass
class HelpPage:
    path: str
    usage: list[str]
    description: str
    aliases: list[str] = field(default_factory=list)
    commands: list[Listed] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    global_options: list[Option] = field(default_factory=list)

    @property
    def is_group(self) -> bool:
        return bool(self.commands)

    @property
    def summary(self) -> str:
        """First paragraph of the description, on one line."""
        paragraph = self.description.strip().split("\n\n")[0]
        return " ".join(paragraph.split())


_HEADER = re.compile(r"^([A-Z][A-Za-z ]*):$")
_USAGE = re.compile(r"^Usage:\s+(.*)$")
_LISTED = re.compile(r"^  (\S+?)(\*?)\s{2,}(.*)$")
_OPTION = re.compile(
    r"^\s{2,}(?:(?P<short>-[^-\s]),\s+)?(?P<long>--[A-Za-z0-9][\w.-]*)"
    r"(?: (?P<value>[^\s-]\S*))?(?:\s{2,}(?P<help>.*))?$"
)
_SHORT_ONLY = re.compile(
    r"^\s{2,}(?P<short>-[^-\s])(?: (?P<value>[^\s-]\S*))?(?:\s{2,}(?P<help>.*))?$"
)
_DEPRECATED = re.compile(r"\bdeprecated\b", re.IGNORECASE)
_KNOWN_SECTIONS = ("Aliases", "Options", "Global Options", "Examples")


def _is_known_section(title: str) -> bool:
    return title in _KNOWN_SECTIONS or title.endswith("Commands")


def _one_line(parts: Iterable[str]) -> str:
    return " ".join(" ".join(parts).split())


def parse_options(lines: Sequence[str]) -> list[Option]:
    """Options of one `Options:` section; wrapped help lines are joined into one line."""
    options: list[Option] = []
    texts: list[list[str]] = []
    for line in lines:
        if not line.strip():
            continue
        match = _OPTION.match(line) or _SHORT_ONLY.match(line)
        # A continuation line is indented to the help column, far past the option column.
        if match and len(line) - len(line.lstrip()) <= 6:
            groups = match.groupdict()
            names = [n for n in (groups.get("short"), groups.get("long")) if n]
            options.append(Option(names=names, value=groups.get("value"), help=""))
            texts.append([groups.get("help") or ""])
        elif texts:
            texts[-1].append(line.strip())
    for option, text in zip(options, texts, strict=True):
        option.help = _one_line(text)
        option.deprecated = bool(_DEPRECATED.search(option.help))
    return options


def parse_help(text: str, path: str | None = None) -> HelpPage:
    """Parse one `docker ... --help` page.

    `path` is the command path the page was asked for (`container ls`); without it the path is
    read from the usage line.
    """
    lines = text.expandtabs(8).splitlines()
    usage_forms: list[str] = []
    description: list[str] = []
    sections: dict[str, list[str]] = {}
    current: str | None = None  # None: before the usage line; "": description
    for line in lines:
        usage = _USAGE.match(line)
        if usage and current is None:
            usage_forms.append(usage.group(1).strip())
            current = "usage"
            continue
        if current is None:
            continue  # warnings printed before the page
        if current == "usage":
            if line.strip() and line[0].isspace():
                usage_forms.append(line.strip())
                continue
            current = ""
        header = _HEADER.match(line)
        if header and (_is_known_section(header.group(1)) or current not in ("", None)):
            current = header.group(1)
            sections.setdefault(current, [])
            continue
        if current == "":
            description.append(line)
        elif line and not line[0].isspace():
            current = "footer"  # "Run 'docker COMMAND --help' ..." and the like
            sections.setdefault(current, []).append(line)
        else:
            sections[current].append(line)

    aliases = [
        _strip_program(a.strip())
        for a in " ".join(sections.get("Aliases", [])).split(",")
        if a.strip()
    ]
    if path is None:
        path = _path_from_usage(usage_forms[0] if usage_forms else "", aliases)
    prefixes = sorted({path, *aliases}, key=lambda p: -len(p.split()))
    usage = [_strip_path(_strip_program(form), prefixes) for form in usage_forms]

    commands: list[Listed] = []
    for title, body in sections.items():
        if not title.endswith("Commands"):
            continue
        for line in body:
            listed = _LISTED.match(line)
            if listed:
                commands.append(
                    Listed(
                        listed.group(1), " ".join(listed.group(3).split()), bool(listed.group(2))
                    )
                )
    return HelpPage(
        path=path,
        usage=usage,
        description="\n".join(description).strip("\n"),
        aliases=aliases,
        commands=commands,
        options=parse_options(sections.get("Options", [])),
        global_options=parse_options(sections.get("Global Options", [])),
    )


def _strip_program(text: str) -> str:
    return text[len(PROGRAM) + 1 :] if text.startswith(PROGRAM + " ") else text


def _strip_path(form: str, prefixes: Sequence[str]) -> str:
    for prefix in prefixes:
        if prefix and (form == prefix or form.startswith(prefix + " ")):
            return form[len(prefix) :].strip()
    return form


def _path_from_usage(form: str, aliases: Sequence[str]) -> str:
    rest = _strip_program(form)
    for alias in sorted(aliases, key=lambda p: -len(p.split())):
        if rest == alias or rest.startswith(alias + " "):
            return alias
    words = []
    for word in rest.split():
        if not re.fullmatch(r"[a-z][a-z0-9-]*", word):
            break
        words.append(word)
    return " ".join(words)


# --------------------------------------------------------------------------- usage -> args

# Metavariable (as written, or with its `[:TAG]`-style suffix removed) -> role.
ROLES: dict[str, str] = {
    "IMAGE": "image",
    "SOURCE_IMAGE": "image",
    "TARGET_IMAGE": "image",
    "NAME[:TAG|@DIGEST]": "image",
    "NAME[:TAG]": "image",
    "REPOSITORY": "image",
    "MANIFEST_LIST": "image",
    "MANIFEST": "image",
    "CONTAINER": "container",
    "COMMAND": "command",
    "ARG": "argument",
    "PATH|URL|-": "context",
    "NETWORK": "network",
    "VOLUME": "volume",
    "SERVICE": "service",
    "SRC_PATH": "path",
    "DEST_PATH": "path",
    "FILE": "path",
    "FILE|-": "path",
    "file|-": "path",
    "file|URL|-": "path",
    "KEYFILE": "path",
    "PLUGIN-DATA-DIR": "path",
    "NEW_NAME": "name",
    "URL": "url",
}

# Default explanations by metavariable first, then by role; hand-written files replace them.
EXPLAINS: dict[str, str] = {
    "CONTAINER": "The container: its name or ID.",
    "IMAGE": "The image: its name, optionally with `:tag` or `@digest`, or its ID.",
    "SOURCE_IMAGE": "The existing image: its name with an optional `:tag`, or its ID.",
    "TARGET_IMAGE": "The new name for the image, with an optional `:tag`.",
    "NAME[:TAG|@DIGEST]": "The image name, optionally with `:tag` or `@digest`; `latest` if none.",
    "NAME[:TAG]": "The image name with an optional `:tag`; `latest` if none.",
    "REPOSITORY": "An image name (repository), optionally with `:tag`.",
    "MANIFEST_LIST": "The name of the manifest list (a multi-platform image).",
    "MANIFEST": "The name of an image manifest.",
    "COMMAND": "The command to run in the container instead of the image's default.",
    "ARG": "Arguments passed to that command.",
    "PATH|URL|-": "The build context: a directory, a Git or tarball URL, or `-` for stdin.",
    "NETWORK": "The network: its name or ID.",
    "VOLUME": "The volume: its name.",
    "SERVICE": "The service: its name or ID.",
    "SERVICE|TASK": "The service or one of its tasks: a name or ID.",
    "SERVICE=REPLICAS": "A service and the number of tasks it should run, as `name=3`.",
    "SRC_PATH": "The source path; `-` reads a tar archive from standard input.",
    "DEST_PATH": "The destination path; `-` writes a tar archive to standard output.",
    "NEW_NAME": "The new name.",
    "NAME|ID": "The object: its name or ID.",
    "NODE": "The Swarm node: its hostname or ID.",
    "SECRET": "The Swarm secret: its name or ID.",
    "CONFIG": "The Swarm config: its name or ID.",
    "STACK": "The stack: its name.",
    "CONTEXT": "The context: its name.",
    "PLUGIN": "The plugin: its name, optionally with `:tag`.",
    "SERVER": "The registry server, such as `ghcr.io`; Docker Hub if omitted.",
    "TERM": "The words to search for.",
    "TASK": "The Swarm task: its ID.",
    "CHECKPOINT": "The checkpoint: its name.",
    "KEY=VALUE": "A setting as `KEY=VALUE`.",
    "FILE|-": "A file, or `-` for standard input or output.",
    "file|-": "A file to read, or `-` for standard input.",
    "file|URL|-": "A tar archive: a file, a URL, or `-` for standard input.",
    "KEYFILE": "The private key file.",
    "PLUGIN-DATA-DIR": "A directory holding the plugin's `config.json` and `rootfs`.",
    "PRIVATE_PORT": "A port of the container, optionally with `/tcp` or `/udp`.",
    "REMOTE": "The plugin to upgrade to: its name, optionally with `:tag`.",
    "HOST:PORT": "The address of a manager of the swarm to join.",
    "(worker|manager)": "Which token: the one for joining as a worker or as a manager.",
    "ps OPTIONS": "Options for `ps`, run on the container's processes.",
    "self|NODE": "The Swarm node: its hostname or ID, or `self` for the current node.",
}

ROLE_EXPLAINS: dict[str, str] = {
    "image": "The image: its name, optionally with `:tag` or `@digest`, or its ID.",
    "container": "The container: its name or ID.",
    "command": "The command to run in the container.",
    "argument": "Arguments passed to that command.",
    "context": "The build context: a directory, a URL, or `-` for standard input.",
    "network": "The network: its name or ID.",
    "volume": "The volume: its name.",
    "service": "The service: its name or ID.",
    "path": "A file or directory path; `-` means standard input or output.",
    "name": "The new name.",
    "url": "A URL.",
    "other": "",
}

# Where a metavariable means something else in one command: (command, name) -> role, explain.
ARG_OVERRIDES: dict[tuple[str, str], tuple[str, str]] = {
    ("trust key generate", "NAME"): ("name", "The name of the new key pair."),
    ("trust signer add", "NAME"): ("name", "The name of the new signer."),
    ("trust signer remove", "NAME"): ("other", "The signer: its name."),
}

_SUFFIX = re.compile(r"\[[:/@][^\]]*\]$|:[A-Z_]+$")


@dataclass
class Arg:
    name: str
    optional: bool = False
    repeat: bool = False


def parse_usage(form: str) -> list[Arg]:
    """Positional arguments of one usage form (the part after `docker <path>`)."""
    # `PATH | URL | -` is one alternative, written with spaces.
    text = re.sub(r"\s*\|\s*", "|", form.strip())
    tokens = _split_top(text)
    args: list[Arg] = []
    for token in tokens:
        if token in ("[OPTIONS]", "OPTIONS"):
            continue
        optional = token.startswith("[") and _closing(token, 0) == len(token) - 1
        if optional:
            token = token[1:-1]
        repeat = token.endswith("...")
        if repeat:
            token = token[:-3]
        # `NAME|ID [NAME|ID...]`, `[CONTEXT] [CONTEXT...]`, `self|NODE [NODE...]`: one argument
        # that repeats.
        if args and optional and repeat and token in (args[-1].name, *args[-1].name.split("|")):
            args[-1].repeat = True
            continue
        args.append(Arg(token, optional=optional, repeat=repeat))
    return args


def _split_top(text: str) -> list[str]:
    tokens, depth, current = [], 0, ""
    for char in text:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        if char == " " and depth == 0:
            if current:
                tokens.append(current)
            current = ""
        else:
            current += char
    if current:
        tokens.append(current)
    return tokens


def _closing(token: str, start: int) -> int:
    depth = 0
    for index in range(start, len(token)):
        if token[index] == "[":
            depth += 1
        elif token[index] == "]":
            depth -= 1
            if depth == 0:
                return index
    return -1


def role_of(name: str) -> str:
    for key in (name, _SUFFIX.sub("", name)):
        if key in ROLES:
            return ROLES[key]
    return "other"


def explain_of(name: str, role: str) -> str:
    for key in (name, _SUFFIX.sub("", name)):
        if key in EXPLAINS:
            return EXPLAINS[key]
    return ROLE_EXPLAINS.get(role, "")


def _arg_base(name: str) -> str:
    """`CONTAINER:SRC_PATH` and `SRC_PATH|-` both name the argument SRC_PATH."""
    alternatives = [a.split(":", 1)[-1] for a in name.split("|")]
    return next((a for a in alternatives if a != "-"), name)


def args_of(usage: Sequence[str], path: str = "") -> list[dict[str, Any]]:
    forms = [parse_usage(form) for form in usage]
    if not forms:
        return []
    if len(forms) > 1 and len({len(f) for f in forms}) == 1:
        # Several forms (docker cp): one entry per position, named after what the forms share.
        merged = []
        for position in zip(*forms, strict=True):
            names = {_arg_base(a.name) for a in position}
            name = position[0].name if len(names) > 1 else names.pop()
            # No default explain: what the argument is depends on the form.
            entry: dict[str, Any] = {"name": name, "role": role_of(name)}
            if any(a.optional for a in position):
                entry["optional"] = True
            if any(a.repeat for a in position):
                entry["repeat"] = True
            merged.append(entry)
        return merged
    result = []
    for arg in forms[0]:
        role = role_of(arg.name)
        explain = explain_of(arg.name, role)
        role, explain = ARG_OVERRIDES.get((path, arg.name), (role, explain))
        entry = {"name": arg.name, "role": role}
        if arg.optional:
            entry["optional"] = True
        if arg.repeat:
            entry["repeat"] = True
        if explain:
            entry["explain"] = explain
        result.append(entry)
    return result


# --------------------------------------------------------------------------- walking the client


def clean_env() -> dict[str, str]:
    """A fixed environment, so the pages do not depend on who runs the script."""
    return {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        # Defaults shown in the help read "~/.docker/..." instead of a real home directory, and
        # no user config or user CLI plugin is loaded (the run happens in an empty directory).
        "HOME": "~",
        "DOCKER_CLI_HINTS": "false",
        # An unreachable engine: with a reachable one the client hides commands it does not
        # support (swarm, experimental), and the pages would depend on the machine.
        "DOCKER_HOST": "unix:///nonexistent/docker.sock",
        # Keeps `docker build` the client's own command even where buildx is installed.
        "DOCKER_BUILDKIT": "0",
        "LANG": "C",
        "LC_ALL": "C",
    }


def make_runner(docker: str | None = None, timeout: float = TIMEOUT) -> Run:
    executable = docker or shutil.which(PROGRAM)
    if not executable:
        raise FileNotFoundError("docker client not found on PATH")
    # Kept alive by the closure; removed when the runner is garbage-collected or at exit.
    workdir = tempfile.TemporaryDirectory(prefix="docker-help-")
    env = clean_env()

    def run(argv: Sequence[str]) -> str:
        done = subprocess.run(
            [executable, *argv],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd=workdir.name,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"docker {' '.join(argv)} failed: {done.stderr.strip()}")
        return done.stdout

    return run


def client_version(run: Run) -> str:
    match = re.search(r"version (\S+?),", run(["--version"]))
    return match.group(1) if match else "unknown"


def walk(run: Run, workers: int = WORKERS) -> dict[str, HelpPage]:
    """Every help page the client lists, by the path it was asked for ("" is `docker --help`)."""
    pages: dict[str, HelpPage] = {"": parse_help(run(["--help"]), path="")}
    todo = [""]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while todo:
            wanted = [
                f"{parent} {listed.name}".strip()
                for parent in todo
                for listed in pages[parent].commands
                if not listed.plugin
            ]
            wanted = [p for p in dict.fromkeys(wanted) if p not in pages]
            texts = pool.map(lambda p: run([*p.split(), "--help"]), wanted)
            for path, text in zip(wanted, texts, strict=True):
                pages[path] = parse_help(text, path=path)
            todo = [p for p in wanted if pages[p].is_group]
    # A canonical path that no group lists (none in docker 28, but cheap to cover).
    missing = [
        page.aliases[0] for page in pages.values() if page.aliases and page.aliases[0] not in pages
    ]
    for path in dict.fromkeys(missing):
        pages[path] = parse_help(run([*path.split(), "--help"]), path=path)
    return pages


# Not a flag of any docker command; only its being rejected matters.
_PROBE_FLAG = "--no-such-flag-for-probing"


def reads_options_after_args(run: Run, path: str) -> bool:
    """Whether the command still reads its own options after a positional argument.

    `--help` comes first, so the client shows help instead of running the command; the unknown
    flag after a positional is an error only when the command reads options there (cobra's
    interspersed flags). Asked rather than read from the usage because not only the commands
    with a COMMAND metavariable stop there: in docker 28 `container commit`, `container top` and
    `image tag` do too.
    """
    try:
        run([*path.split(), "--help", "probe", _PROBE_FLAG])
    except RuntimeError:
        return True
    return False


# Commands whose page in Docker's reference is another command's. `docker build` runs buildx
# (BuildKit) since Docker 23: the page of `docker image build` is the legacy builder's ("only relevant
# if you're building Windows containers"), and what a reader runs is documented under buildx.
_REFERENCE_PAGES = {"image build": "buildx build"}


def reference(path: str) -> str:
    page = _REFERENCE_PAGES.get(path, path)
    return REFERENCE_BASE + "".join(word + "/" for word in page.split())


def _sort_key(path: str) -> list[str]:
    return path.split()


def _option_data(option: Option) -> dict[str, Any]:
    data: dict[str, Any] = {"names": list(option.names)}
    if option.value:
        data["value"] = option.value
    if option.help:
        data["help"] = option.help
    if option.deprecated:
        data["deprecated"] = True
    return data


def collect(run: Run | None = None, workers: int = WORKERS, probe: bool = True) -> dict[str, Any]:
    """The knowledge data of the client `run` talks to (the installed one by default).

    With `probe`, whether a command reads options after its arguments is asked of the client;
    without, it is read from the usage (a COMMAND metavariable ends the command's options).
    """
    run = run or make_runner()
    pages = walk(run, workers=workers)
    root = pages[""]
    shorts: dict[str, str] = {}
    for parent, page in pages.items():
        for listed in page.commands:
            shorts[f"{parent} {listed.name}".strip()] = listed.help

    commands: dict[str, dict[str, Any]] = {}
    aliases: dict[str, list[str]] = {}
    for path, page in pages.items():
        if not path:
            continue
        canonical = page.aliases[0] if page.aliases else path
        names = aliases.setdefault(canonical, [])
        for alias in [path, *page.aliases]:
            if alias != canonical and alias not in names:
                names.append(alias)

    interspersed: dict[str, bool] = {}
    if probe:
        leaves = [p for p in aliases if not pages[p].is_group]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            answers = pool.map(lambda p: reads_options_after_args(run, p), leaves)
            interspersed = dict(zip(leaves, answers, strict=True))

    for path in sorted(aliases, key=_sort_key):
        page = pages[path]
        entry: dict[str, Any] = {}
        if aliases[path]:
            entry["aliases"] = sorted(aliases[path], key=_alias_order(page))
        if not page.is_group:
            entry["usage"] = "\n".join(page.usage)
        entry["help"] = shorts.get(path) or page.summary
        entry["reference"] = reference(path)
        if not page.is_group:
            args = args_of(page.usage, path)
            has_command = any(a["role"] == "command" for a in args)
            if not interspersed.get(path, not has_command):
                entry["interspersed"] = False
            if args:
                entry["args"] = args
        if page.options:
            entry["options"] = [_option_data(o) for o in page.options]
        commands[path] = entry

    program: dict[str, Any] = {
        "help": shorts.get("") or root.summary,
        "explain": PROGRAM_EXPLAIN,
        "reference": REFERENCE_BASE,
        "options": [_option_data(o) for o in root.global_options],
        "commands": commands,
    }
    return {"programs": {PROGRAM: program}}


def _alias_order(page: HelpPage) -> Callable[[str], tuple[int, str]]:
    """Aliases in the order the client lists them; spellings it only lists elsewhere last."""
    listed = {alias: index for index, alias in enumerate(page.aliases)}
    return lambda alias: (listed.get(alias, len(listed)), alias)


# --------------------------------------------------------------------------- output


class _Flow(list):  # type: ignore[type-arg]
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(
    _Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True)
)
_Dumper.add_representer(str, _represent_str)


def _styled(value: Any, key: str | None = None) -> Any:
    """Short lists of spellings in flow style, the rest in block style."""
    if isinstance(value, dict):
        return {k: _styled(v, k) for k, v in value.items()}
    if isinstance(value, list):
        if key in ("names", "aliases", "hidden_names"):
            return _Flow(value)
        return [_styled(v) for v in value]
    return value


def header(version: str) -> str:
    return (
        f"# Generated by tools/update_cli_knowledge.py from the --help pages of the docker client"
        f" {version}.\n"
        "# Do not edit by hand: run the script again instead. Hand-written explanations, hidden\n"
        "# option spellings and corrections go in the other files of this folder, which are\n"
        "# merged over this one (see README.md).\n"
    )


def render(data: dict[str, Any], version: str) -> str:
    body = yaml.dump(
        _styled(data),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return header(version) + body


def version_of(text: str) -> str | None:
    match = re.search(r"docker client (\S+)\.\n", text)
    return match.group(1) if match else None


# --------------------------------------------------------------------------- --check


def _long_name(names: Sequence[str]) -> str:
    return next((n for n in names if n.startswith("--")), names[-1] if names else "")


def _shape(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per command ("" for the program): aliases, interspersed, options by long name."""
    program = (data.get("programs") or {}).get(PROGRAM) or {}
    shape: dict[str, dict[str, Any]] = {}
    entries = {"": program, **(program.get("commands") or {})}
    for path, entry in entries.items():
        entry = entry or {}
        options = {
            _long_name(o.get("names") or ()): (
                sorted(o.get("names") or ()),
                o.get("value") is not None,
            )
            for o in entry.get("options") or ()
        }
        shape[path] = {
            "aliases": sorted(entry.get("aliases") or ()),
            "interspersed": entry.get("interspersed", True) is not False,
            "options": options,
        }
    return shape


_ARITY = {True: "takes a value", False: "flag"}


def structural_diff(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Differences in command paths, aliases, option names and arity, one line each."""
    before, after = _shape(old), _shape(new)
    lines: list[str] = []
    for path in sorted(before.keys() - after.keys(), key=_sort_key):
        lines.append(f"- command: docker {path}")
    for path in sorted(after.keys() - before.keys(), key=_sort_key):
        lines.append(f"+ command: docker {path}")
    for path in sorted(before.keys() & after.keys(), key=_sort_key):
        label = f"docker {path}".strip()
        was, now = before[path], after[path]
        if was["aliases"] != now["aliases"]:
            lines.append(f"~ aliases of {label}: {was['aliases']} -> {now['aliases']}")
        if was["interspersed"] != now["interspersed"]:
            lines.append(
                f"~ interspersed of {label}: {was['interspersed']} -> {now['interspersed']}"
            )
        old_options, new_options = was["options"], now["options"]
        for name in sorted(old_options.keys() - new_options.keys()):
            lines.append(f"- option: {label} {', '.join(old_options[name][0])}")
        for name in sorted(new_options.keys() - old_options.keys()):
            lines.append(f"+ option: {label} {', '.join(new_options[name][0])}")
        for name in sorted(old_options.keys() & new_options.keys()):
            (old_names, old_value), (new_names, new_value) = old_options[name], new_options[name]
            if old_names != new_names:
                lines.append(f"~ names of {label} {name}: {old_names} -> {new_names}")
            if old_value != new_value:
                lines.append(
                    f"~ arity of {label} {name}: {_ARITY[old_value]} -> {_ARITY[new_value]}"
                )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file")
    parser.add_argument("--stdout", action="store_true", help="print instead of writing")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="file to write or check")
    parser.add_argument("--docker", help="docker executable (default: from PATH)")
    options = parser.parse_args(argv)

    try:
        run = make_runner(options.docker)
    except FileNotFoundError as error:
        print(f"{error}; install the docker client (no engine needed)", file=sys.stderr)
        return 2
    version = client_version(run)
    data = collect(run)
    text = render(data, version)
    if options.check:
        if not options.output.exists():
            print(f"{options.output} does not exist", file=sys.stderr)
            return 1
        committed = options.output.read_text(encoding="utf-8")
        differences = structural_diff(yaml.safe_load(committed), data)
        if differences:
            print(
                f"{options.output.name} differs from docker {version} "
                f"(generated from {version_of(committed)}):",
                file=sys.stderr,
            )
            print("\n".join(differences), file=sys.stderr)
            return 1
        if committed != text:
            print(f"{options.output.name}: same commands and options; texts differ (regenerate).")
        return 0
    if options.stdout:
        sys.stdout.write(text)
    else:
        options.output.write_text(text, encoding="utf-8")
        program = data["programs"][PROGRAM]
        print(f"wrote {options.output} ({summary(program)})")
    return 0


def summary(program: dict[str, Any]) -> str:
    commands = program["commands"]
    aliases = sum(len(c.get("aliases") or ()) for c in commands.values())
    options = sum(len(c.get("options") or ()) for c in commands.values())
    groups = sum(1 for c in commands.values() if "usage" not in c)
    return (
        f"{len(commands)} commands ({groups} groups), {aliases} aliases, "
        f"{options} command options, {len(program['options'])} global options"
    )


if __name__ == "__main__":
    sys.exit(main())
