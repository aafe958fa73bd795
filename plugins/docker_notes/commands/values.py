"""The structure of option values, in plain words: `8080:80` is host port 8080 → container port 80.

Which option has which kind of value is data (`kind:` in the knowledge files); how each kind is taken
apart is here, one small function per kind.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Each function returns the lines explaining the value's parts (empty when nothing useful to add).
Explainer = Callable[[str], list[str]]

_PORT = re.compile(
    r"^(?:(?P<ip>\[[0-9a-fA-F:.]+\]|\d{1,3}(?:\.\d{1,3}){3}|localhost):)?"
    r"(?:(?P<host>\d+(?:-\d+)?)?:)?(?P<container>\d+(?:-\d+)?)(?:/(?P<proto>tcp|udp|sctp))?$"
)
_WINDOWS_PATH = re.compile(r"^[A-Za-z]:[\\/]")
_BYTES = re.compile(r"^(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>[kmgtpKMGTP]?)(?:i?[bB])?$")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_UNITS = {"": "bytes", "k": "KiB", "m": "MiB", "g": "GiB", "t": "TiB", "p": "PiB"}
_DURATION_WORDS = {"ns": "ns", "us": "µs", "µs": "µs", "ms": "ms", "s": "s", "m": "min", "h": "h"}
_RESTART = {
    "no": "never restart the container (the default)",
    "always": "always restart it, also when the Docker engine starts again",
    "unless-stopped": "restart it unless you stopped it yourself",
    "on-failure": "restart it only when it exits with an error",
}
_NETWORK_MODES = {
    "bridge": "the default bridge network",
    "host": "the host's own network (no isolation; ports need no publishing)",
    "none": "no network at all",
}
KNOWN_ARCHES = {"amd64", "arm64", "arm", "386", "ppc64le", "s390x", "riscv64", "mips64le"}


def explain_value(kind: str, value: str) -> list[str]:
    explainer = _EXPLAINERS.get(kind)
    if explainer is None or not value:
        return []
    return explainer(value)


def port(value: str) -> list[str]:
    m = _PORT.match(value)
    if not m:
        return [f"`{value}` is not of the form `[IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`"]
    proto = (m["proto"] or "tcp").upper()
    lines = []
    if m["host"]:
        lines.append(f"host port {m['host']} → container port {m['container']} ({proto})")
    elif value.count(":") >= 1:
        lines.append(
            f"container port {m['container']} ({proto}) on a random free host port "
            "(`docker port` shows which)"
        )
    else:
        lines.append(f"container port {m['container']} ({proto})")
    if m["ip"]:
        lines.append(f"only on the host address {m['ip']}")
    return lines


def volume(value: str) -> list[str]:
    source, rest = _split_volume_source(value)
    parts = rest.split(":") if rest else []
    if source is None:
        return [f"anonymous volume mounted at `{value}` in the container"]
    lines = []
    if _is_host_path(source):
        lines.append(f"host folder or file `{source}` (a bind mount)")
    else:
        lines.append(f"named volume `{source}` (Docker creates it if it does not exist)")
    if parts:
        lines.append(f"→ appears in the container at `{parts[0]}`")
    for opt in ",".join(parts[1:]).split(","):
        if opt:
            lines.append(_VOLUME_OPTIONS.get(opt, f"mount option `{opt}`"))
    return lines


_VOLUME_OPTIONS = {
    "ro": "`ro`: read-only inside the container",
    "rw": "`rw`: read-write (the default)",
    "z": "`z`: relabel for SELinux, shared between containers",
    "Z": "`Z`: relabel for SELinux, private to this container",
    "cached": "`cached`: a macOS performance hint",
    "delegated": "`delegated`: a macOS performance hint",
    "consistent": "`consistent`: a macOS performance hint",
    "nocopy": "`nocopy`: do not copy the image's files into a new volume",
}


def _split_volume_source(value: str) -> tuple[str | None, str]:
    """`src:dst[:opts]`; a Windows drive letter's colon is part of the source."""
    skip = 2 if _WINDOWS_PATH.match(value) else 0
    colon = value.find(":", skip)
    if colon < 0:
        return None, value
    return value[:colon], value[colon + 1 :]


def _is_host_path(source: str) -> bool:
    stripped = source.strip("\"'")
    return stripped.startswith(("/", ".", "~", "$", "\\")) or bool(_WINDOWS_PATH.match(stripped))


def mount(value: str) -> list[str]:
    words = {
        "src": "source",
        "source": "source",
        "dst": "target",
        "destination": "target",
        "target": "target",
        "type": "type",
        "readonly": "read-only",
        "ro": "read-only",
    }
    lines = []
    for field in value.split(","):
        key, _, val = field.partition("=")
        name = words.get(key, key)
        lines.append(f"{name}: `{val}`" if val else f"`{key}`: {name}")
    return lines


def keyvalue(value: str) -> list[str]:
    stripped = value.strip("\"'")
    key, sep, val = stripped.partition("=")
    if not sep:
        return [f"`{key}` with the value it has in your shell (or `true` for a label)"]
    return [f"`{key}` = `{val}`" if val else f"`{key}` set to an empty value"]


def bytes_(value: str) -> list[str]:
    m = _BYTES.match(value)
    if not m:
        return [f"`{value}` is not a size such as `512m` or `2g`"]
    unit = _UNITS[m["unit"].lower()]
    return [f"{m['n']} {unit}" + (" (Docker counts in powers of 1024)" if m["unit"] else "")]


def duration(value: str) -> list[str]:
    parts = _DURATION_PART.findall(value)
    if not parts or "".join(n + u for n, u in parts) != value:
        if value.isdigit():
            return [f"{value} seconds"]
        return [f"`{value}` is not a duration such as `30s` or `1m30s`"]
    return [" ".join(f"{n} {_DURATION_WORDS[u]}" for n, u in parts)]


def template(value: str) -> list[str]:
    stripped = value.strip("\"'")
    if stripped in ("json", "table"):
        return [f"`{stripped}`: print the output as {stripped}"]
    fields = re.findall(r"\{\{\s*(?:json\s+)?\.?([\w.]+)", stripped)
    lines = ["a Go template: text with `{{…}}` fields filled in for each result"]
    if stripped.startswith("table"):
        lines.append("`table`: in columns with headers")
    if fields:
        lines.append("fields: " + ", ".join(f"`.{f}`" for f in dict.fromkeys(fields)))
    return lines


def restart(value: str) -> list[str]:
    policy, _, count = value.partition(":")
    meaning = _RESTART.get(policy)
    if meaning is None:
        return [f"`{value}` is not a restart policy (no, always, unless-stopped, on-failure[:N])"]
    return [f"`{policy}`: {meaning}" + (f", at most {count} times" if count else "")]


def platform(value: str) -> list[str]:
    lines = []
    for item in value.split(","):
        os_, _, rest = item.partition("/")
        arch, _, variant = rest.partition("/")
        line = f"`{item}`: {os_ or '?'} on {arch or '?'}" + (f" ({variant})" if variant else "")
        if arch and arch not in KNOWN_ARCHES:
            line += f" — `{arch}` is not an architecture Docker knows"
        lines.append(line)
    return lines


def network(value: str) -> list[str]:
    if value in _NETWORK_MODES:
        return [f"`{value}`: {_NETWORK_MODES[value]}"]
    if value.startswith("container:"):
        return [f"share the network of the container `{value.partition(':')[2]}`"]
    return [f"the network named `{value}` (create it with `docker network create`)"]


def user(value: str) -> list[str]:
    name, sep, group = value.partition(":")
    kind = "user ID" if name.isdigit() else "user"
    line = f"{kind} `{name}`"
    if sep:
        line += f", group {'ID ' if group.isdigit() else ''}`{group}`"
    return [line]


def link(value: str) -> list[str]:
    name, sep, alias = value.partition(":")
    if sep:
        return [f"container `{name}`, reachable under the host name `{alias}`"]
    return [f"container `{name}`"]


def host(value: str) -> list[str]:
    name, sep, ip = value.partition(":") if "=" not in value else value.partition("=")
    return [f"host name `{name}` → address `{ip}`"] if sep else []


_EXPLAINERS: dict[str, Explainer] = {
    "port": port,
    "volume": volume,
    "mount": mount,
    "keyvalue": keyvalue,
    "bytes": bytes_,
    "duration": duration,
    "template": template,
    "restart": restart,
    "platform": platform,
    "network": network,
    "user": user,
    "link": link,
    "host": host,
}
