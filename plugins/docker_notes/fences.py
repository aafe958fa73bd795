"""Optional: annotate docker commands inside the author's own fenced `bash`/`console` blocks.

Off by default (`commands: fenced: true` in the plugin, or this formatter as a custom fence of
pymdownx.superfences). A fence without a docker command, or with options such as `hl_lines` or
`title` that our block cannot honour, is highlighted by superfences exactly as before. In a
`console` fence only the command lines are copied, without prompts or output.
"""

from __future__ import annotations

from typing import Any

from .commands import detect
from .commands.model import ParsedCommand
from .commands.parse import PROMPT_RE
from .commands.render import PlainLine, render_fence
from .commands.tokens import UnbalancedQuote

LANGUAGES = ("bash", "sh", "shell", "zsh", "console", "shell-session")
_OUTPUT_LANGUAGES = ("console", "shell-session")


def format_fence(
    src: str, language: str, class_name: str, options: dict[str, Any], md: Any, **kwargs: Any
) -> str:
    blockprocessors = md.parser.blockprocessors
    # Registry has no get()
    processor = blockprocessors["docker_notes"] if "docker_notes" in blockprocessors else None  # noqa: SIM401
    if processor is None or options:
        return _highlight(src, language, options, md, **kwargs)
    state = processor.state
    session = language in _OUTPUT_LANGUAGES
    items: list[ParsedCommand | PlainLine] = []
    for line in _logical_lines(src.rstrip("\n").split("\n")):
        command = None
        if detect.detect_cached(line.split("\n", 1)[0], state.knowledge).kind == detect.COMMAND:
            try:
                command = processor.parse_lines(line.split("\n"))
            except UnbalancedQuote:
                command = None
        if command is not None:
            items.append(command)
            continue
        prompt = PROMPT_RE.match(line)
        # In a console session, a line without a prompt is what the last command printed.
        items.append(PlainLine(line, prompt.end() if prompt else 0, session and not prompt))
    if not any(isinstance(i, ParsedCommand) for i in items):
        return _highlight(src, language, options, md, **kwargs)
    state.blocks += 1
    return render_fence(items, f"dn-{state.blocks}", state.seen)


def _logical_lines(lines: list[str]) -> list[str]:
    """Lines joined where a backslash continues a command."""
    out: list[str] = []
    for line in lines:
        if out and out[-1].rstrip().endswith("\\"):
            out[-1] += "\n" + line
        else:
            out.append(line)
    return out


def _highlight(src: str, language: str, options: dict[str, Any], md: Any, **kwargs: Any) -> str:
    """What superfences does with any other fence (Pygments through pymdownx.highlight)."""
    fenced = md.preprocessors["fenced_code_block"]
    result: str = fenced.highlight(src=src, language=language, options=options, md=md, **kwargs)
    return result


def superfences_entries() -> list[dict[str, Any]]:
    """custom_fences entries for pymdownx.superfences."""
    return [{"name": name, "class": "highlight", "format": format_fence} for name in LANGUAGES]
