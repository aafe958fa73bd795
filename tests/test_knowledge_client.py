"""The generated docker CLI knowledge: its help parser, and the committed file vs the client."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "update_cli_knowledge.py"
KNOWLEDGE = ROOT / "plugins" / "docker_notes" / "knowledge" / "10-docker.yaml"


def _load_script() -> Any:
    spec = importlib.util.spec_from_file_location("update_cli_knowledge", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolve their module through sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


ucl = _load_script()


# --------------------------------------------------------------------------- canned help pages

ROOT_HELP = """\
Usage:  docker [OPTIONS] COMMAND

A self-sufficient runtime for containers

Common Commands:
  run         Create and run a new container from an image
  ps          List containers

Management Commands:
  compose*    Docker Compose
  container   Manage containers

Swarm Commands:
  stack       Manage Swarm stacks

Commands:
  cp          Copy files/folders between a container and the local filesystem

Global Options:
      --config string      Location of client config files (default
                           "~/.docker")
  -D, --debug              Enable debug mode
  -H, --host list          Daemon socket to connect to

Run 'docker COMMAND --help' for more information on a command.

For more help on how to use Docker, head to https://docs.docker.com/go/guides/
"""

CONTAINER_HELP = """\
Usage:  docker container COMMAND

Manage containers

Commands:
  cp          Copy files/folders between a container and the local filesystem
  ls          List containers
  run         Create and run a new container from an image

Run 'docker container COMMAND --help' for more information on a command.
"""

STACK_HELP = """\
Usage:  docker stack COMMAND

Manage Swarm stacks

Commands:
  rm          Remove one or more stacks

Run 'docker stack COMMAND --help' for more information on a command.
"""

LS_HELP = """\
Usage:  docker {path} [OPTIONS]

List containers

Aliases:
  docker container ls, docker container list, docker container ps, docker ps

Options:
  -a, --all             Show all containers (default shows just running)
  -f, --filter filter   Filter output based on conditions provided
      --format string   Format output using a custom template:
                        'table':            Print output in table format
                        with column headers (default)
  -n, --last int        Show n last created containers (includes all
                        states) (default -1)
      --old-style       Use the old output (DEPRECATED)
"""

RUN_HELP = """\
Usage:  docker {path} [OPTIONS] IMAGE [COMMAND] [ARG...]

Create and run a new container from an image

Aliases:
  docker container run, docker run

Options:
      --add-host list                    Add a custom host-to-IP mapping
                                         (host:ip)
      --cgroupns string                  Cgroup namespace to use
                                         (host|private)
                                         'host':    Run the container in
                                         the Docker host's cgroup
                                         namespace
                                         '':        Use the cgroup
                                         namespace as configured by the
                                                    default-cgroupns-mode
                                         option on the daemon (default)
  -d, --detach                           Run container in background and
                                         print container ID
      --gpus gpu-request                 GPU devices to add to the container
                                         ('all' to pass all GPUs)
  -p, --publish list                     Publish a container's port(s) to
                                         the host
"""

CP_HELP = """\
Usage:  docker {path} [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-
\tdocker cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH

Copy files/folders between a container and the local filesystem

Use '-' as the source to read a tar archive from stdin
and extract it to a directory destination in a container.

Aliases:
  docker container cp, docker cp

Options:
  -a, --archive       Archive mode (copy all uid/gid information)
  -L, --follow-link   Always follow symbol link in SRC_PATH
"""

STACK_RM_HELP = """\
Usage:  docker stack rm [OPTIONS] STACK [STACK...]

Remove one or more stacks

Aliases:
  docker stack rm, docker stack remove, docker stack down

Options:
  -d, --detach   Do not wait for stack removal (default true)
"""

PAGES = {
    "": ROOT_HELP,
    "container": CONTAINER_HELP,
    "stack": STACK_HELP,
    "ps": LS_HELP.format(path="ps"),
    "container ls": LS_HELP.format(path="container ls"),
    "run": RUN_HELP.format(path="run"),
    "container run": RUN_HELP.format(path="container run"),
    "cp": CP_HELP.format(path="cp"),
    "container cp": CP_HELP.format(path="container cp"),
    "stack rm": STACK_RM_HELP,
}

# Commands that stop reading options at their first argument, as the canned client answers.
NOT_INTERSPERSED = {"container run"}


def canned_run(argv: Sequence[str]) -> str:
    """A fake client: `--help` pages from PAGES, the interspersed probe from NOT_INTERSPERSED."""
    words = list(argv)
    if words == ["--version"]:
        return "Docker version 99.0.0, build abc\n"
    index = words.index("--help")
    path = " ".join(words[:index])
    if words[index + 1 :]:
        if path in NOT_INTERSPERSED:
            return PAGES[path]
        raise RuntimeError(f"unknown flag: {words[-1]}")
    if path not in PAGES:
        raise AssertionError(f"the walk asked for a page nobody lists: {path!r}")
    return PAGES[path]


# --------------------------------------------------------------------------- parse_help


def test_parse_options_with_and_without_values() -> None:
    page = ucl.parse_help(LS_HELP.format(path="container ls"), path="container ls")
    by_name = {o.names[-1]: o for o in page.options}
    assert list(by_name) == ["--all", "--filter", "--format", "--last", "--old-style"]
    assert by_name["--all"].names == ["-a", "--all"]
    assert by_name["--all"].value is None
    assert by_name["--filter"].value == "filter"
    assert by_name["--format"].names == ["--format"]
    assert by_name["--format"].value == "string"
    assert by_name["--last"].value == "int"


def test_parse_options_joins_multiline_help_and_keeps_defaults() -> None:
    page = ucl.parse_help(RUN_HELP.format(path="container run"), path="container run")
    by_name = {o.names[-1]: o for o in page.options}
    assert by_name["--add-host"].help == "Add a custom host-to-IP mapping (host:ip)"
    assert by_name["--detach"].help == "Run container in background and print container ID"
    assert by_name["--gpus"].value == "gpu-request"
    cgroupns = by_name["--cgroupns"].help
    assert "\n" not in cgroupns and "  " not in cgroupns
    assert cgroupns.startswith("Cgroup namespace to use (host|private) 'host': Run")
    assert cgroupns.endswith("default-cgroupns-mode option on the daemon (default)")
    ls = ucl.parse_help(LS_HELP.format(path="container ls"), path="container ls")
    last = next(o for o in ls.options if "--last" in o.names)
    assert last.help == "Show n last created containers (includes all states) (default -1)"


def test_parse_options_marks_deprecated() -> None:
    page = ucl.parse_help(LS_HELP.format(path="container ls"), path="container ls")
    deprecated = [o.names for o in page.options if o.deprecated]
    assert deprecated == [["--old-style"]]


def test_parse_aliases_usage_and_description() -> None:
    page = ucl.parse_help(LS_HELP.format(path="ps"), path="ps")
    assert page.aliases == ["container ls", "container list", "container ps", "ps"]
    assert page.usage == ["[OPTIONS]"]
    assert page.summary == "List containers"
    assert not page.is_group

    run = ucl.parse_help(RUN_HELP.format(path="container run"))
    assert run.path == "container run"  # read from the usage line
    assert run.usage == ["[OPTIONS] IMAGE [COMMAND] [ARG...]"]


def test_parse_two_usage_forms() -> None:
    page = ucl.parse_help(CP_HELP.format(path="container cp"), path="container cp")
    assert page.usage == [
        "[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-",
        "[OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH",
    ]
    assert page.summary == "Copy files/folders between a container and the local filesystem"
    assert "Use '-' as the source" in page.description


def test_parse_management_listing() -> None:
    page = ucl.parse_help(ROOT_HELP, path="")
    assert [(c.name, c.plugin) for c in page.commands] == [
        ("run", False),
        ("ps", False),
        ("compose", True),
        ("container", False),
        ("stack", False),
        ("cp", False),
    ]
    assert page.commands[0].help == "Create and run a new container from an image"
    assert page.options == []
    assert [o.names for o in page.global_options] == [
        ["--config"],
        ["-D", "--debug"],
        ["-H", "--host"],
    ]
    assert page.global_options[0].help == 'Location of client config files (default "~/.docker")'
    group = ucl.parse_help(CONTAINER_HELP, path="container")
    assert group.is_group
    assert [c.name for c in group.commands] == ["cp", "ls", "run"]
    assert group.usage == ["COMMAND"]


def test_parse_ignores_warnings_before_the_page() -> None:
    text = "DEPRECATED: The legacy builder is deprecated.\n\n" + STACK_RM_HELP
    page = ucl.parse_help(text, path="stack rm")
    assert page.usage == ["[OPTIONS] STACK [STACK...]"]
    assert [o.names for o in page.options] == [["-d", "--detach"]]
    assert not page.options[0].deprecated


# --------------------------------------------------------------------------- usage -> args


def _args(usage: str, path: str = "") -> list[tuple[str, str, bool, bool]]:
    return [
        (a["name"], a["role"], a.get("optional", False), a.get("repeat", False))
        for a in ucl.args_of([usage], path)
    ]


def test_args_from_usage() -> None:
    assert _args("[OPTIONS] IMAGE [COMMAND] [ARG...]") == [
        ("IMAGE", "image", False, False),
        ("COMMAND", "command", True, False),
        ("ARG", "argument", True, True),
    ]
    assert _args("[OPTIONS] CONTAINER [CONTAINER...]") == [("CONTAINER", "container", False, True)]
    assert _args("[OPTIONS] [CONTEXT] [CONTEXT...]") == [("CONTEXT", "other", True, True)]
    assert _args("[OPTIONS] self|NODE [NODE...]") == [("self|NODE", "other", False, True)]
    assert _args("[OPTIONS] PATH | URL | -") == [("PATH|URL|-", "context", False, False)]
    assert _args("[OPTIONS] NAME[:TAG|@DIGEST]") == [("NAME[:TAG|@DIGEST]", "image", False, False)]
    assert _args("SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]") == [
        ("SOURCE_IMAGE[:TAG]", "image", False, False),
        ("TARGET_IMAGE[:TAG]", "image", False, False),
    ]
    assert _args("[OPTIONS] CONTAINER [REPOSITORY[:TAG]]") == [
        ("CONTAINER", "container", False, False),
        ("REPOSITORY[:TAG]", "image", True, False),
    ]
    assert _args("CONTAINER NEW_NAME") == [
        ("CONTAINER", "container", False, False),
        ("NEW_NAME", "name", False, False),
    ]
    assert _args("[OPTIONS] NETWORK CONTAINER")[0] == ("NETWORK", "network", False, False)
    assert _args("[OPTIONS] [VOLUME]") == [("VOLUME", "volume", True, False)]
    assert _args("CONTAINER [ps OPTIONS]") == [
        ("CONTAINER", "container", False, False),
        ("ps OPTIONS", "other", True, False),
    ]
    assert _args("OPTIONS NAME REPOSITORY [REPOSITORY...]", "trust signer add") == [
        ("NAME", "name", False, False),
        ("REPOSITORY", "image", False, True),
    ]
    assert _args("") == []


def test_args_carry_default_explains() -> None:
    args = ucl.args_of(["[OPTIONS] CONTAINER COMMAND [ARG...]"])
    assert args[0]["explain"] == "The container: its name or ID."
    assert all(a["explain"] for a in args)
    unknown = ucl.args_of(["WIDGET"])
    assert unknown == [{"name": "WIDGET", "role": "other"}]


def test_args_of_two_forms_share_positions() -> None:
    args = ucl.args_of(
        ["[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-", "[OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH"]
    )
    assert args == [
        {"name": "SRC_PATH", "role": "path"},
        {"name": "DEST_PATH", "role": "path"},
    ]


# --------------------------------------------------------------------------- collect, render


def test_collect_from_canned_client() -> None:
    data = ucl.collect(run=canned_run, workers=2)
    program = data["programs"]["docker"]
    assert program["help"] == "A self-sufficient runtime for containers"
    assert program["reference"] == "https://docs.docker.com/reference/cli/docker/"
    assert [o["names"] for o in program["options"]] == [
        ["--config"],
        ["-D", "--debug"],
        ["-H", "--host"],
    ]
    assert "value" not in program["options"][1]

    commands = program["commands"]
    # The plugin (compose*) is not walked; top-level shortcuts fold into their canonical paths.
    assert list(commands) == [
        "container",
        "container cp",
        "container ls",
        "container run",
        "stack",
        "stack rm",
    ]
    assert commands["container"] == {
        "help": "Manage containers",
        "reference": "https://docs.docker.com/reference/cli/docker/container/",
    }
    ls = commands["container ls"]
    assert ls["aliases"] == ["container list", "container ps", "ps"]
    assert ls["usage"] == "[OPTIONS]"
    assert ls["reference"] == "https://docs.docker.com/reference/cli/docker/container/ls/"
    assert "interspersed" not in ls and "args" not in ls
    assert ls["options"][-1] == {
        "names": ["--old-style"],
        "help": "Use the old output (DEPRECATED)",
        "deprecated": True,
    }
    run = commands["container run"]
    assert run["aliases"] == ["run"]
    assert run["interspersed"] is False
    assert [a["name"] for a in run["args"]] == ["IMAGE", "COMMAND", "ARG"]
    assert commands["stack rm"]["aliases"] == ["stack remove", "stack down"]
    assert commands["container cp"]["usage"].splitlines()[1] == (
        "[OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH"
    )
    for entry in commands.values():
        assert "explain" not in entry
        assert all("explain" not in o for o in entry.get("options", ()))


def test_collect_without_probe_reads_interspersed_from_usage() -> None:
    data = ucl.collect(run=canned_run, workers=2, probe=False)
    commands = data["programs"]["docker"]["commands"]
    assert commands["container run"]["interspersed"] is False
    assert "interspersed" not in commands["container cp"]


def test_render_is_deterministic_and_readable() -> None:
    data = ucl.collect(run=canned_run, workers=2)
    text = ucl.render(data, "99.0.0")
    assert text == ucl.render(ucl.collect(run=canned_run, workers=1), "99.0.0")
    assert text.startswith("# Generated by tools/update_cli_knowledge.py")
    assert ucl.version_of(text) == "99.0.0"
    assert "aliases: [container list, container ps, ps]" in text
    assert "- names: [-a, --all]" in text
    assert "usage: |-\n" in text  # the two forms of cp
    assert yaml.safe_load(text) == data


def test_structural_diff() -> None:
    old = ucl.collect(run=canned_run, workers=2)
    assert ucl.structural_diff(old, old) == []
    new = yaml.safe_load(yaml.safe_dump(old))
    commands = new["programs"]["docker"]["commands"]
    commands["container ls"]["aliases"].remove("ps")
    commands["container ls"]["options"][0].pop("names")
    commands["container ls"]["options"][0]["names"] = ["--all"]
    commands["container run"]["options"][2]["value"] = "string"  # --detach
    del commands["stack rm"]
    commands["container wait"] = {"help": "Block until one or more containers stop"}
    assert ucl.structural_diff(old, new) == [
        "- command: docker stack rm",
        "+ command: docker container wait",
        "~ aliases of docker container ls: ['container list', 'container ps', 'ps'] -> "
        "['container list', 'container ps']",
        "~ names of docker container ls --all: ['--all', '-a'] -> ['--all']",
        "~ arity of docker container run --detach: flag -> takes a value",
    ]


# --------------------------------------------------------------------------- the installed client


def _docker_or_skip() -> Any:
    if shutil.which("docker") is None:
        pytest.skip("the docker client is not installed (docker not on PATH)")
    run = ucl.make_runner()
    committed = KNOWLEDGE.read_text(encoding="utf-8")
    installed, generated_from = ucl.client_version(run), ucl.version_of(committed)
    if installed != generated_from:
        pytest.skip(
            f"installed docker client is {installed}; {KNOWLEDGE.name} was generated from "
            f"{generated_from} (run tools/update_cli_knowledge.py to compare against this one)"
        )
    return run


def _arity(options: Sequence[Any]) -> dict[str, tuple[frozenset[str], bool]]:
    """Option name -> (all spellings, takes a value); from parsed options or YAML entries."""
    result = {}
    for option in options:
        if isinstance(option, dict):
            names, takes_value = option["names"], option.get("value") is not None
        else:
            names, takes_value = option.names, option.value is not None
        for name in names:
            result[name] = (frozenset(names), takes_value)
    return result


def test_committed_knowledge_matches_installed_client() -> None:
    run = _docker_or_skip()
    started = time.monotonic()
    pages = ucl.walk(run)
    elapsed = time.monotonic() - started

    program = yaml.safe_load(KNOWLEDGE.read_text(encoding="utf-8"))["programs"]["docker"]
    commands: dict[str, Any] = program["commands"]
    by_spelling = {path: path for path in commands}
    for path, entry in commands.items():
        for alias in entry.get("aliases", ()):
            assert alias not in by_spelling, f"{alias!r} names two commands"
            by_spelling[alias] = path

    listed = {path for path in pages if path}
    listed |= {alias for page in pages.values() for alias in page.aliases}
    missing = sorted(listed - by_spelling.keys())
    assert not missing, f"the client lists commands the data lacks: {missing}"
    unknown = sorted(by_spelling.keys() - listed)
    assert not unknown, f"the data has commands the client does not list: {unknown}"

    assert _arity(program["options"]) == _arity(pages[""].global_options), "global options differ"
    problems = []
    for path, page in pages.items():
        if not path:
            continue
        entry = commands[by_spelling[path]]
        assert ("usage" not in entry) == page.is_group, path
        expected, actual = _arity(page.options), _arity(entry.get("options", ()))
        for name in sorted(expected.keys() | actual.keys()):
            if expected.get(name) != actual.get(name):
                problems.append(
                    f"docker {path} {name}: client {expected.get(name)}, data {actual.get(name)}"
                )
    assert not problems, "\n".join(problems)
    # The whole walk runs in parallel: well under the 20 s the suite allows for it.
    assert elapsed < 20, f"walking the client's help took {elapsed:.1f} s"


def test_committed_knowledge_passes_check_mode() -> None:
    run = _docker_or_skip()
    committed = yaml.safe_load(KNOWLEDGE.read_text(encoding="utf-8"))
    differences = ucl.structural_diff(committed, ucl.collect(run))
    assert not differences, "\n".join(differences)


def test_knowledge_file_says_it_is_generated() -> None:
    head = KNOWLEDGE.read_text(encoding="utf-8").splitlines()[:4]
    assert head[0].startswith("# Generated by tools/update_cli_knowledge.py")
    assert any(re.search(r"Do not edit by hand", line) for line in head)
