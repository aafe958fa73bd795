"""The CLI knowledge: YAML files merged into small immutable objects with fast lookups.

The format is described in `knowledge/README.md`. Built-in files are read in name order, then the
user's files; each is merged over the result so far. Loading is cached per process and keyed by the
files' modification times, so `mkdocs serve` picks up an edited file on the next rebuild.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import os
import pickle
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "knowledge"

# Value types from `--help` and the structure kind they imply when a file names none.
_KIND_BY_VALUE = {
    "int": "number",
    "int64": "number",
    "uint": "number",
    "uint16": "number",
    "uint64": "number",
    "decimal": "number",
    "float": "number",
    "bytes": "bytes",
    "duration": "duration",
    "filter": "keyvalue",
    "map": "keyvalue",
    "port": "port",
    "mount": "mount",
}


class KnowledgeError(ValueError):
    """A knowledge file that cannot be read or does not follow the format."""


@dataclass(frozen=True)
class VersionNote:
    """What holds only from one release on (`since`) or up to one (`until`): notes written for
    Docker 28 read wrongly under 29, so the explanation says which release does what."""

    explain: str
    since: str = ""  # "Docker 29": this release and later
    until: str = ""  # "Docker 28": this release and earlier

    @property
    def when(self) -> str:
        if self.since and self.until:
            return f"From {self.since} to {self.until}"
        return f"Since {self.since}" if self.since else f"Up to {self.until}"


@dataclass(frozen=True)
class Option:
    names: tuple[str, ...]
    value: str | None = None
    kind: str = "string"
    help: str = ""
    explain: str = ""
    reference: str = ""
    hidden_names: tuple[str, ...] = ()
    deprecated: bool = False
    hidden: bool = False
    versions: tuple[VersionNote, ...] = ()

    @property
    def takes_value(self) -> bool:
        return self.value is not None

    @property
    def all_names(self) -> tuple[str, ...]:
        return self.names + self.hidden_names

    @property
    def title(self) -> str:
        return ", ".join(self.names or self.hidden_names)

    @property
    def long_name(self) -> str:
        return next((n for n in self.all_names if n.startswith("--")), self.all_names[0])

    @property
    def text(self) -> str:
        return self.explain or self.help


@dataclass(frozen=True)
class Arg:
    name: str
    role: str = "other"
    optional: bool = False
    repeat: bool = False
    explain: str = ""


@dataclass(frozen=True)
class Command:
    program: str
    path: tuple[str, ...]
    aliases: tuple[tuple[str, ...], ...] = ()
    usage: str = ""
    help: str = ""
    explain: str = ""
    reference: str = ""
    args: tuple[Arg, ...] = ()
    options: tuple[Option, ...] = ()
    interspersed: bool = True
    deprecated: bool = False
    plugin: bool = False
    versions: tuple[VersionNote, ...] = ()
    subcommands: frozenset[str] = frozenset()
    by_name: Mapping[str, Option] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_group(self) -> bool:
        return bool(self.subcommands)

    @property
    def display(self) -> str:
        return " ".join((self.program, *self.path))

    @property
    def text(self) -> str:
        return self.explain or self.help

    def option(self, name: str) -> Option | None:
        return self.by_name.get(name)


@dataclass(frozen=True)
class Program:
    name: str
    help: str = ""
    explain: str = ""
    reference: str = ""
    options: tuple[Option, ...] = ()
    by_name: Mapping[str, Option] = field(default_factory=dict, compare=False, repr=False)
    # Every path and alias path, mapped to its command; the empty path is the program itself.
    commands: Mapping[tuple[str, ...], Command] = field(default_factory=dict, repr=False)
    # The first words of commands (top-level subcommands and alias first words).
    first_words: frozenset[str] = frozenset()
    alias_of: tuple[str, tuple[str, ...]] | None = None
    # The knowledge is complete (generated from the CLI): unknown options are worth a warning.
    lint: bool = False

    @property
    def text(self) -> str:
        return self.explain or self.help

    def option(self, name: str) -> Option | None:
        return self.by_name.get(name)

    @property
    def root(self) -> Command:
        return self.commands[()]


@dataclass(frozen=True)
class Knowledge:
    programs: Mapping[str, Program]
    official_images: frozenset[str] = frozenset()
    sources: tuple[str, ...] = ()
    # Parsed commands by their text: the same line in many notes, or in every serve rebuild, is
    # parsed once while this knowledge is current (see parse.parse_cached).
    cache: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def program(self, word: str) -> Program | None:
        """The program a command word names: `docker`, `/usr/bin/docker`, `docker.exe` all find docker."""
        name = word.rsplit("/", 1)[-1]
        if name.lower().endswith(".exe"):
            name = name[:-4]
        return self.programs.get(name)

    def real_program(self, program: Program) -> tuple[Program, tuple[str, ...]]:
        """Follow `alias_of` (docker-compose → docker compose) to the program and path it stands for."""
        if program.alias_of is None:
            return program, ()
        target, path = program.alias_of
        real = self.programs.get(target)
        if real is None or path not in real.commands:
            return program, ()
        return real, path

    def command_names(self, program: Program, prefix: tuple[str, ...] = ()) -> list[str]:
        """The words that may follow `prefix` (for did-you-mean)."""
        n = len(prefix)
        return sorted({p[n] for p in program.commands if len(p) > n and p[:n] == prefix})


# --- loading -------------------------------------------------------------------------------------


@functools.cache  # the package's own files: listed once a process
def builtin_files() -> list[Path]:
    return sorted(BUILTIN_DIR.glob("*.yaml"))


def load(extra: Iterable[str | os.PathLike[str]] = ()) -> Knowledge:
    """The built-in knowledge merged with the user's files, cached while no file changes."""
    paths = [*builtin_files(), *(Path(p).resolve() for p in extra)]
    stamps = tuple((str(p), _mtime(p)) for p in paths)
    return _load_cached(stamps)


def _mtime(path: Path) -> float:
    try:
        stat = path.stat()
        return stat.st_mtime_ns + stat.st_size / 1e9
    except OSError as e:
        raise KnowledgeError(f"Cannot read knowledge file '{path}': {e.strerror}") from None


@functools.lru_cache(maxsize=8)
def _load_cached(stamps: tuple[tuple[str, float], ...]) -> Knowledge:
    cached = _disk_cache(stamps)
    if cached is not None:
        return cached
    merged: dict[str, Any] = {}
    for name, _ in stamps:
        merge_document(merged, read_document(Path(name)))
    result = build(merged, sources=tuple(name for name, _ in stamps))
    _write_disk_cache(stamps, result)
    return result


class LazyCommands(Mapping[tuple[str, ...], Command]):
    """A program's commands by path (and alias path), each unpickled the first time it is looked
    up: loading them all took most of the knowledge's 4 ms from the cache, and the notes of a
    site look up a few dozen of the hundreds."""

    def __init__(
        self, stored: dict[tuple[str, ...], bytes], paths: dict[tuple[str, ...], tuple[str, ...]]
    ) -> None:
        self._stored = stored  # pickled commands, by the first path of each
        self._paths = paths  # every path -> the path its command is stored under
        self._loaded: dict[tuple[str, ...], Command] = {}

    @classmethod
    def of(cls, commands: Mapping[tuple[str, ...], Command]) -> LazyCommands:
        stored: dict[tuple[str, ...], bytes] = {}
        paths: dict[tuple[str, ...], tuple[str, ...]] = {}
        first: dict[int, tuple[str, ...]] = {}  # an alias path finds its command's first path
        for path, command in commands.items():
            paths[path] = first.setdefault(id(command), path)
            if paths[path] == path:
                stored[path] = pickle.dumps(command, protocol=pickle.HIGHEST_PROTOCOL)
        return cls(stored, paths)

    def __getitem__(self, path: tuple[str, ...]) -> Command:
        key = self._paths[path]
        if (command := self._loaded.get(key)) is None:
            command = self._loaded[key] = pickle.loads(self._stored[key])
        return command

    def __contains__(self, path: object) -> bool:
        return path in self._paths

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def __reduce__(self) -> tuple[type[LazyCommands], tuple[Any, ...]]:
        return LazyCommands, (self._stored, self._paths)


def _lazy(k: Knowledge) -> Knowledge:
    """The knowledge as the disk cache keeps it: each program's commands loaded when used."""
    programs = {
        name: replace(program, commands=LazyCommands.of(program.commands))
        for name, program in k.programs.items()
    }
    return replace(k, programs=programs, cache={})


# Reading ~0.5 MB of YAML takes a few percent of a whole site build; the built knowledge is kept
# in the user's cache folder, keyed by each file's path and modification time.
def _cache_file(stamps: tuple[tuple[str, float], ...]) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    key = hashlib.sha256(repr((_FORMAT, stamps)).encode()).hexdigest()[:24]
    return base / "docker-notes" / f"knowledge-{key}.pickle"


_FORMAT = 3  # bump when the classes above change


def _disk_cache(stamps: tuple[tuple[str, float], ...]) -> Knowledge | None:
    try:
        with _cache_file(stamps).open("rb") as f:
            result = pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
        return None
    return result if isinstance(result, Knowledge) else None


def _write_disk_cache(stamps: tuple[tuple[str, float], ...], result: Knowledge) -> None:
    path = _cache_file(stamps)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            pickle.dump(_lazy(result), f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
        week_ago = time.time() - 7 * 86400
        for old in path.parent.glob("knowledge-*.pickle"):
            if old != path and old.stat().st_mtime < week_ago:
                old.unlink()
    except OSError:
        pass  # a read-only home: load from YAML every time


def read_document(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise KnowledgeError(f"Cannot read knowledge file '{path}': {e.strerror}") from None
    return parse_document(text, str(path))


def parse_document(text: str, source: str = "<knowledge>") -> dict[str, Any]:
    # Imported here: a build that finds the knowledge in its disk cache needs no YAML parser.
    import yaml

    # libyaml is ~10x faster; the pure-Python loader gives the same result.
    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as e:
        raise KnowledgeError(f"Knowledge file '{source}' is not valid YAML: {e}") from None
    if data is None:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("programs", {}), dict):
        raise KnowledgeError(
            f"Knowledge file '{source}' must be a mapping with a 'programs' mapping"
        )
    return data


# --- merging raw documents -----------------------------------------------------------------------

_UNITED_LISTS = ("aliases", "names", "hidden_names")


def merge_document(into: dict[str, Any], doc: Mapping[str, Any]) -> None:
    """Merge one raw knowledge document into another, following the rules in the format's README."""
    if "official_images" in doc:
        into["official_images"] = sorted(
            {*into.get("official_images", ()), *_as_list(doc["official_images"])}
        )
    programs = into.setdefault("programs", {})
    for name, raw in (doc.get("programs") or {}).items():
        raw = raw or {}
        target = programs.setdefault(name, {})
        for key, value in raw.items():
            if key == "commands":
                _merge_commands(target.setdefault("commands", {}), value or {})
            elif key in ("options", "command_options"):
                target[key] = _merge_options(target.get(key, []), value or [])
            else:
                target[key] = copy.deepcopy(value)


def _merge_commands(into: dict[str, Any], commands: Mapping[str, Any]) -> None:
    for key, raw in commands.items():
        path = _canonical_key(into, str(key))
        target = into.setdefault(path, {})
        for field_name, value in (raw or {}).items():
            if field_name == "options":
                target["options"] = _merge_options(target.get("options", []), value or [])
            elif field_name in _UNITED_LISTS:
                target[field_name] = _united(target.get(field_name, []), value)
            else:
                target[field_name] = copy.deepcopy(value)


def _canonical_key(commands: Mapping[str, Any], key: str) -> str:
    """A command named by one of its aliases merges into its canonical entry."""
    key = " ".join(key.split())
    if key in commands:
        return key
    for path, raw in commands.items():
        if key in (" ".join(str(a).split()) for a in (raw or {}).get("aliases", ())):
            return str(path)
    return key


def _merge_options(current: list[Any], new: Iterable[Any]) -> list[Any]:
    result = [dict(o) for o in current]
    for raw in new:
        raw = dict(raw or {})
        names = set(_as_list(raw.get("names"))) | set(_as_list(raw.get("hidden_names")))
        match = next(
            (
                o
                for o in result
                if names & (set(_as_list(o.get("names"))) | set(_as_list(o.get("hidden_names"))))
            ),
            None,
        )
        if match is None:
            result.append(copy.deepcopy(raw))
            continue
        for key, value in raw.items():
            if key in _UNITED_LISTS:
                match[key] = _united(match.get(key, []), value)
            else:
                match[key] = copy.deepcopy(value)
    return result


def _united(first: Any, second: Any) -> list[Any]:
    out: list[Any] = []
    for item in (*_as_list(first), *_as_list(second)):
        if item not in out:
            out.append(item)
    return out


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


# --- building objects ----------------------------------------------------------------------------


def build(raw: Mapping[str, Any], sources: tuple[str, ...] = ()) -> Knowledge:
    programs: dict[str, Program] = {}
    for name, data in (raw.get("programs") or {}).items():
        try:
            programs[str(name)] = _build_program(str(name), data or {})
        except (TypeError, ValueError, AttributeError) as e:
            raise KnowledgeError(f"Knowledge for program '{name}' is malformed: {e}") from None
    official = frozenset(str(i) for i in _as_list(raw.get("official_images")))
    return Knowledge(programs=programs, official_images=official, sources=sources)


def _build_program(name: str, data: Mapping[str, Any]) -> Program:
    options = tuple(_build_option(o) for o in _as_list(data.get("options")))
    # Options every command accepts (`--help`), known to each command but listed by none.
    common = _index(_build_option(o) for o in _as_list(data.get("command_options")))
    raw_commands: Mapping[str, Any] = data.get("commands") or {}
    paths = [tuple(str(k).split()) for k in raw_commands]
    children: dict[tuple[str, ...], set[str]] = {}
    for path in paths:
        if path:
            children.setdefault(path[:-1], set()).add(path[-1])
    reference = str(data.get("reference", ""))
    commands: dict[tuple[str, ...], Command] = {}
    for key, raw in raw_commands.items():
        path = tuple(str(key).split())
        command = _build_command(name, path, raw or {}, children.get(path, set()), reference)
        for option_name, option in common.items():
            command.by_name.setdefault(option_name, option)  # type: ignore[attr-defined]
        commands[path] = command
    # Aliases point at their command; a real path always wins over an alias spelling.
    for command in list(commands.values()):
        for alias in command.aliases:
            commands.setdefault(alias, command)
    root = _build_command(name, (), data, children.get((), set()), reference)
    commands.setdefault((), root)
    alias_of = None
    if data.get("alias_of"):
        target, *path_words = str(data["alias_of"]).split()
        alias_of = (target, tuple(path_words))
    return Program(
        name=name,
        help=root.help,
        explain=root.explain,
        reference=reference,
        options=options,
        by_name=root.by_name,
        commands=commands,
        first_words=frozenset(p[0] for p in commands if p),
        alias_of=alias_of,
        lint=bool(data.get("lint", False)),
    )


def _build_command(
    program: str,
    path: tuple[str, ...],
    data: Mapping[str, Any],
    subcommands: set[str],
    program_reference: str,
) -> Command:
    options = tuple(_build_option(o) for o in _as_list(data.get("options")))
    args = tuple(
        Arg(
            name=str(a.get("name", "ARG")),
            role=str(a.get("role", "other")),
            optional=bool(a.get("optional", False)),
            repeat=bool(a.get("repeat", False)),
            explain=str(a.get("explain", "")),
        )
        for a in _as_list(data.get("args"))
    )
    return Command(
        program=program,
        path=path,
        aliases=tuple(tuple(str(a).split()) for a in _as_list(data.get("aliases"))),
        usage=str(data.get("usage", "")),
        help=str(data.get("help", "")),
        explain=str(data.get("explain", "")),
        reference=str(data.get("reference", "")) or program_reference,
        args=args,
        options=options,
        interspersed=bool(data.get("interspersed", True)),
        deprecated=bool(data.get("deprecated", False)),
        plugin=bool(data.get("plugin", False)),
        versions=_build_versions(data.get("versions"), " ".join((program, *path))),
        subcommands=frozenset(subcommands),
        by_name=_index(options),
    )


def _build_option(data: Mapping[str, Any]) -> Option:
    names = tuple(str(n) for n in _as_list(data.get("names")))
    hidden_names = tuple(str(n) for n in _as_list(data.get("hidden_names")))
    if not names and not hidden_names:
        raise ValueError(f"an option without names: {dict(data)!r}")
    value = data.get("value")
    value = None if value in (None, False, "", "bool") else str(value)
    kind = str(data.get("kind") or (_KIND_BY_VALUE.get(value, "string") if value else "flag"))
    return Option(
        names=names,
        value=value,
        kind=kind,
        help=str(data.get("help", "")),
        explain=str(data.get("explain", "")),
        reference=str(data.get("reference", "")),
        hidden_names=hidden_names,
        deprecated=bool(data.get("deprecated", False)),
        hidden=bool(data.get("hidden", False)),
        versions=_build_versions(data.get("versions"), "/".join(names or hidden_names)),
    )


def _build_versions(raw: Any, owner: str) -> tuple[VersionNote, ...]:
    notes = []
    for item in _as_list(raw):
        if not isinstance(item, Mapping):
            raise ValueError(f"{owner}: a version note must be a mapping, not {item!r}")
        since, until = str(item.get("since") or ""), str(item.get("until") or "")
        explain = str(item.get("explain") or "")
        if not explain or not (since or until):
            raise ValueError(
                f"{owner}: a version note needs `explain` and `since` or `until`: {dict(item)!r}"
            )
        notes.append(VersionNote(explain, since, until))
    return tuple(notes)


def _index(options: Iterable[Option]) -> dict[str, Option]:
    index: dict[str, Option] = {}
    for option in options:
        for name in option.all_names:
            index.setdefault(name, option)
    return index
