"""The words a reader sees for each kind of token.

The knowledge files hold what each command and option means; this module puts it together for one
token (the option's explanation, the structure of its value, the parts of an image reference) and
says what the shell's own parts do.
"""

from __future__ import annotations

import re

from . import imageref, values
from .knowledge import Arg, Command, Knowledge, Option, Program, VersionNote
from .model import Explanation
from .suggest import distance
from .tokens import RawToken

__all__ = ["Explanation"]

SHELL_REFERENCE = "https://www.gnu.org/software/bash/manual/bash.html"
_SHELL_LINKS = {
    "operator": f"{SHELL_REFERENCE}#Lists",
    "pipe": f"{SHELL_REFERENCE}#Pipelines",
    "redirect": f"{SHELL_REFERENCE}#Redirections",
    "substitution": f"{SHELL_REFERENCE}#Command-Substitution",
    "variable": f"{SHELL_REFERENCE}#Shell-Parameter-Expansion",
    "quoting": f"{SHELL_REFERENCE}#Quoting",
    "comment": f"{SHELL_REFERENCE}#Comments",
}
_OPERATORS = {
    "|": "Pipe: the output of the command on the left becomes the input of the command on the right.",
    "|&": "Pipe, errors included: both output and error messages go to the command on the right.",
    "&&": "Runs the next command only if this one succeeded.",
    "||": "Runs the next command only if this one failed.",
    ";": "Ends the command; the next one runs after it, whether it succeeded or not.",
    ";;": "Ends a case branch.",
    "&": "Runs the command in the background, so the shell does not wait for it.",
    "(": "Starts a group of commands run in a subshell (a separate copy of the shell).",
    ")": "Ends a group of commands run in a subshell.",
}
_REDIRECTS = {
    ">": "Writes the command's output into the file that follows (replacing its content).",
    ">>": "Appends the command's output to the file that follows.",
    "<": "Feeds the file that follows to the command as its input.",
    "2>": "Writes the command's error messages into the file that follows.",
    "2>>": "Appends the command's error messages to the file that follows.",
    "2>&1": "Sends error messages to the same place as the normal output.",
    "&>": "Writes both output and error messages into the file that follows.",
    "<<<": "Feeds the text that follows to the command as its input.",
}
_PLACEHOLDER_PARTS = re.compile(r"<[^<>]+>|\[[^\[\]]+\]|\*[A-Z][A-Z0-9_]*\*")
_SUBSTITUTION = re.compile(r"\$\((?P<a>.*)\)|`(?P<b>[^`]*)`", re.S)
_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")
# `web:/etc/nginx/nginx.conf` in `docker cp`; not `C:\\dir` (a drive) nor `http://…` (a URL).
_CONTAINER_PATH = re.compile(r"^(?P<container>[A-Za-z0-9][\w.-]+):(?P<path>(?!//).*)$")
# Words that authors use as stand-ins: NAME_OF_INSTANCE, ImageName, container-id, XXXXXX.
_STAND_IN = re.compile(
    r"^(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,}|(?:[A-Z][a-z]+)+(?:Name|ID|Id|Tag)|x{3,}|X{3,}|"
    r"[a-z]+[-_](?:id|name)|(?:image|container)(?:name|id)?)(?:[:/](?:[A-Z][A-Za-z]*|TAG|tag))?$"
)


def _link(label: str, url: str) -> tuple[tuple[str, str], ...]:
    return ((label, url),) if url else ()


def _versions(notes: tuple[VersionNote, ...], prefix: str = "") -> tuple[tuple[str, str], ...]:
    return tuple((note.when, prefix + note.explain) for note in notes)


def _ref(command: Command) -> tuple[tuple[str, str], ...]:
    return _link(f"{command.display} reference", command.reference)


# --- shell parts ---------------------------------------------------------------------------------


def prompt(text: str) -> Explanation:
    return Explanation(
        text,
        "prompt",
        "The shell's prompt, shown in the notes to mark a command. You do not type it, "
        "and the copy button leaves it out.",
    )


def operator(text: str) -> Explanation:
    key = "pipe" if text.startswith("|") and text != "||" else "operator"
    return Explanation(
        text,
        "shell operator",
        _OPERATORS.get(text, "A shell operator."),
        links=_link("Bash manual", _SHELL_LINKS[key]),
    )


def redirect(text: str) -> Explanation:
    meaning = _REDIRECTS.get(text) or _REDIRECTS.get(text.lstrip("0123456789"), "A redirection.")
    return Explanation(
        text, "shell redirection", meaning, links=_link("Bash manual", _SHELL_LINKS["redirect"])
    )


def redirect_target(op: str, word: RawToken) -> Explanation:
    if op.startswith("<"):
        text = f"The file `{word.value}`, whose content becomes the command's input."
    elif "&" in op and word.value.isdigit():
        text = f"File descriptor {word.value}."
    else:
        text = f"The file `{word.value}` that receives the output."
    return Explanation(
        word.text,
        "file (shell redirection)",
        text,
        links=_link("Bash manual", _SHELL_LINKS["redirect"]),
    )


def comment(text: str) -> Explanation:
    return Explanation(
        text,
        "comment",
        "A comment: the author's note after the command. The shell ignores everything from `#` "
        "to the end of the line.",
        links=_link("Bash manual", _SHELL_LINKS["comment"]),
    )


def continuation() -> Explanation:
    return Explanation(
        "\\",
        "line continuation",
        "The command goes on on the next line: the shell reads these lines as one command.",
        links=_link("Bash manual", _SHELL_LINKS["quoting"]),
    )


def end_of_options() -> Explanation:
    return Explanation(
        "--", "end of options", "Everything after `--` is an argument, even if it starts with `-`."
    )


def generic(word: RawToken) -> Explanation:
    return Explanation(word.text, "argument", f"`{word.value}`.", specific=False)


# --- programs and subcommands --------------------------------------------------------------------


def program(
    prog: Program | None, typed: str, *, real: Program | None = None, path: tuple[str, ...] = ()
) -> Explanation:
    if prog is None:
        return Explanation(typed, "program", f"Runs the program `{typed}`.", specific=False)
    text = prog.text
    if real is not None and path and prog.alias_of:
        target = " ".join((real.name, *path))
        text = f"{text} Today the same commands are written `{target} …`."
    return Explanation(
        typed, "program", text, links=_link(f"{prog.name} reference", prog.reference)
    )


def subcommand(command: Command, program: Program, typed_path: tuple[str, ...]) -> Explanation:
    typed = " ".join((program.name, *typed_path))
    text = command.text or f"The `{typed}` command."
    label = "command group" if command.is_group else "subcommand"
    if typed_path != command.path:
        text += f" Short for `{command.display}`."
    if command.plugin:
        text += " It comes from a Docker CLI plugin."
    if command.deprecated:
        text += " Deprecated."
    return Explanation(
        typed_path[-1], label, text, links=_ref(command), versions=_versions(command.versions)
    )


# --- options and values --------------------------------------------------------------------------


def _option_text(option: Option) -> str:
    text = option.text or "An option."
    if option.deprecated and "deprecated" not in text.lower():
        text += " (deprecated)"
    return text


def option(opt: Option, command: Command, typed: str) -> Explanation:
    label = f"option of {command.display}"
    title = opt.title if typed in opt.names and len(opt.names) > 1 else typed
    if typed in opt.hidden_names:
        title = f"{typed} (also written {opt.title})"
    return Explanation(
        title,
        label,
        _option_text(opt),
        links=_option_link(opt, command),
        versions=_versions(opt.versions),
    )


def _option_link(opt: Option, command: Command) -> tuple[tuple[str, str], ...]:
    return _link(f"{command.display} reference", opt.reference or command.reference)


def short_options(
    flags: list[Option], command: Command, word: RawToken, value: str | None = None
) -> Explanation:
    """`-it` = `-i` + `-t`; `-p8080:80` = `-p` with its value glued on."""
    names = [f"`{(o.names or o.all_names)[0]}`" for o in flags]
    details = [f"{n} ({o.long_name}): {_option_text(o)}" for n, o in zip(names, flags, strict=True)]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
    if value is not None:
        details.extend(_value_details(flags[-1], value))
        text = f"{listed} with the value `{value}` written straight after it:"
        if len(flags) > 1:
            text = f"{listed} written together; the last one takes the value `{value}`:"
    else:
        text = f"{listed}, written together as `{word.text}`:"
    versions = tuple(
        v for n, o in zip(names, flags, strict=True) for v in _versions(o.versions, f"{n}: ")
    )
    # The long names in the title too: readers (and the search) know `-it` as interactive + tty.
    longs = [o.long_name for o in flags if o.long_name.startswith("--")]
    title = f"{word.text} ({', '.join(longs)})" if longs else word.text
    return Explanation(
        title,
        f"options of {command.display}",
        text,
        tuple(details),
        _ref(command),
        versions=versions,
    )


def option_with_value(
    opt: Option, command: Command, word: RawToken, name: str, value: str
) -> Explanation:
    details = tuple(_value_details(opt, value))
    return Explanation(
        word.text,
        f"option of {command.display}",
        _option_text(opt),
        details,
        _option_link(opt, command),
        versions=_versions(opt.versions),
    )


def value(opt: Option, command: Command, word: RawToken, knowledge: Knowledge) -> Explanation:
    label = f"value of {opt.long_name}"
    details = _value_details(opt, word.value, knowledge)
    text = f"The value of `{opt.long_name}`" + (
        f": {_first_sentence(opt.help)}" if opt.help else "."
    )
    if opt.kind == "image":
        ref = imageref.parse_image(word.value)
        where, parts = imageref.describe(ref, knowledge.official_images)
        return Explanation(word.text, label, where, parts, _image_links(ref, command))
    details.extend(_placeholder_details(word))
    return Explanation(word.text, label, text, tuple(details), _option_link(opt, command))


def _value_details(opt: Option, raw: str, knowledge: Knowledge | None = None) -> list[str]:
    kind = opt.kind
    if kind in ("name", "string", "number", "path", "flag"):
        if kind == "flag" and raw.lower() in ("true", "false"):
            return [f"`{raw}`: turns the option {'on' if raw.lower() == 'true' else 'off'}"]
        return _substitution_details(raw)
    if kind == "container":
        return values.link(raw)
    if kind == "image":
        ref = imageref.parse_image(raw)
        return list(imageref.describe(ref, knowledge.official_images if knowledge else ())[1])
    return values.explain_value(kind, raw) + _substitution_details(raw)


def _substitution_details(raw: str) -> list[str]:
    lines = []
    for m in _SUBSTITUTION.finditer(raw):
        inner = (m.group("a") or m.group("b") or "").strip()
        lines.append(f"`{m.group(0)}`: the shell runs `{inner}` first and puts its output here")
    for m in _VARIABLE.finditer(_SUBSTITUTION.sub("", raw)):
        name = m.group(1)
        meaning = "your current directory" if name == "PWD" else "its value"
        lines.append(f"`${name}`: a shell variable; the shell puts {meaning} here")
    return lines


def _placeholder_details(word: RawToken) -> list[str]:
    return [
        f"replace `{p}` with your own value"
        for p in _PLACEHOLDER_PARTS.findall(word.value)
        if word.placeholder or p.startswith("*")
    ]


def _first_sentence(text: str) -> str:
    """The CLI's help up to its first full stop or colon, without `(default …)`."""
    text = re.sub(r"\s*\(default:? [^)]*\)", "", text).strip()
    text = re.split(r"(?<=[.:])\s", text, maxsplit=1)[0].rstrip(":")
    return text if text.endswith((".", "!", "?")) else text + "."


def unknown_option(word: RawToken, command: Command, guess: str) -> Explanation:
    text = f"Not an option of `{command.display}`."
    if guess:
        text += f" Did you mean `{guess}`?"
    return Explanation(word.text, "unknown option", text, links=_ref(command), specific=False)


# --- positional arguments ------------------------------------------------------------------------


def _image_links(ref: imageref.ImageRef, command: Command) -> tuple[tuple[str, str], ...]:
    hub = ref.hub_url()
    return (*(_link("Docker Hub page", hub) if hub else ()), *_ref(command))


def image(word: RawToken, arg: Arg, command: Command, knowledge: Knowledge) -> Explanation:
    label = f"image ({arg.name})"
    if imageref.is_image_id(word.value):
        return Explanation(
            word.text,
            label,
            "An image, given by its ID (the start of its "
            "content digest, as `docker images` lists it).",
            links=_ref(command),
        )
    if word.has_substitution:
        return Explanation(
            word.text,
            label,
            arg.explain or "The image.",
            tuple(_substitution_details(word.value)),
            _ref(command),
        )
    ref = imageref.parse_image(word.value)
    where, parts = imageref.describe(ref, knowledge.official_images)
    text = f"{arg.explain} {where}".strip() if arg.explain else where
    if ref.problem and _STAND_IN.match(word.value):
        text = f"{arg.explain or 'The image.'} `{word.value}` is a placeholder: replace it with your image."
        parts = ()
    return Explanation(word.text, label, text, parts, _image_links(ref, command))


def image_typo(word: RawToken, knowledge: Knowledge) -> tuple[str, str] | None:
    ref = imageref.parse_image(word.value)
    if ref.problem and not _STAND_IN.match(word.value) and not word.has_substitution:
        return (
            f"`{word.value}` is not a valid image reference: {ref.problem}",
            "write it as `name[:tag]`, e.g. `ubuntu:24.04`",
        )
    if ref.tag and ref.tag != "latest" and distance(ref.tag, "latest") == 1:
        return (f"the tag `{ref.tag}` looks like a typo", "did you mean `latest`?")
    if ref.official and not ref.tag and not ref.digest:
        close = imageref.closest_official(ref.name, knowledge.official_images)
        if close:
            return (
                f"`{ref.name}` is not an official image on Docker Hub",
                f"did you mean `{close}`?",
            )
    return None


def argument(word: RawToken, arg: Arg | None, command: Command) -> Explanation:
    if arg is None:
        return Explanation(
            word.text,
            f"argument of {command.display}",
            f"An extra argument to `{command.display}`.",
            links=_ref(command),
            specific=False,
        )
    text = arg.explain or f"The {arg.name.lower()}."
    details = _substitution_details(word.value)
    if arg.role == "container" and not word.has_substitution:
        if imageref.is_image_id(word.value):
            details.append("given by its ID (the start of it is enough)")
        elif _STAND_IN.match(word.value):
            details.append(
                f"`{word.value}` looks like a placeholder: replace it with your container"
            )
        elif ":" not in word.value:
            details.append(f"the container named `{word.value}`")
    if arg.role == "path" and (m := _CONTAINER_PATH.match(word.value)):
        details.append(f"`{m['path']}` inside the container `{m['container']}`")
    return Explanation(word.text, f"{arg.name} argument", text, tuple(details), _ref(command))


def placeholder(word: RawToken, arg: Arg | None, command: Command) -> Explanation:
    what = arg.explain if arg and arg.explain else ""
    parts = _PLACEHOLDER_PARTS.findall(word.text) or [word.text]
    text = "A placeholder: replace " + " and ".join(f"`{p}`" for p in parts)
    text += " (brackets included) with your own value."
    if what:
        text = f"{what} {text}"
    return Explanation(word.text, "placeholder", text, links=_ref(command))


def unknown_word(word: RawToken, command: Command) -> Explanation:
    return Explanation(
        word.text,
        "argument",
        f"An argument to `{command.display}`.",
        links=_ref(command),
        specific=False,
    )


def container_command(word: RawToken, prog: Program | None, command: Command) -> Explanation:
    if word.value.startswith("-") and command.path[-1:] != ("exec",):
        return Explanation(
            word.text,
            "argument for the image's program",
            "An argument for the image's own program (its ENTRYPOINT): Docker "
            "passes everything after the image name on to it.",
            links=_ref(command),
        )
    runs = "The program to run inside the container"
    if command.path[-1:] == ("exec",):
        runs = "The program to run inside the running container"
    if prog is not None and prog.text:
        text = f"{runs}: `{word.value}`. {prog.text}"
        return Explanation(
            word.text,
            "command in the container",
            text,
            links=_link(f"{prog.name} reference", prog.reference),
        )
    text = f"{runs}: `{word.value}`, instead of the image's default command."
    specific = True
    if command.path[-1:] == ("exec",):
        text = f"{runs}: `{word.value}`."
    return Explanation(
        word.text, "command in the container", text, links=_ref(command), specific=specific
    )


def program_argument(
    word: RawToken, command: Command | None, program_word: str = ""
) -> Explanation:
    """An argument of a program we only know in part: say whose argument it is."""
    name = command.display if command is not None else program_word
    details = tuple(_substitution_details(word.value) + _placeholder_details(word))
    if word.placeholder:
        text = "A placeholder: replace it (brackets included) with your own value."
        return Explanation(word.text, "placeholder", text, details)
    links = _ref(command) if command is not None else ()
    return Explanation(
        word.text,
        f"argument of {name.rsplit('/', 1)[-1]}",
        f"An argument passed to `{name}`.",
        details,
        links,
        specific=False,
    )
