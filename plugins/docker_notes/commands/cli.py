"""`python -m docker_notes explain "docker run -it ubuntu bash"`: a command's tokens, in the terminal.

The same explanations as the site's command blocks, and the same problems the build would report.
"""

from __future__ import annotations

import argparse
import textwrap

from . import detect, knowledge, lookalike
from .parse import parse_command
from .tokens import UnbalancedQuote


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "explain",
        help="explain each token of a command line, as the site's command blocks do",
        description="Explain each token of a command line, as the site's command blocks do. "
        "Exits 1 when the line has a problem the build would warn about.",
    )
    parser.add_argument("line", help='the command line, e.g. "docker run -it ubuntu bash"')
    parser.add_argument(
        "-k", "--knowledge", action="append", default=[], help="extra knowledge file (YAML)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        k = knowledge.load(args.knowledge)
    except knowledge.KnowledgeError as e:
        print(e)
        return 2
    text = detect.unescape_markdown(args.line)[0]
    try:
        parsed = parse_command(text, k)
    except UnbalancedQuote as e:
        print(f"{args.line}\n{' ' * e.position}^ {e}")
        return 1
    # Invisible characters written out: a bidi control would reorder the terminal's line.
    shown = [lookalike.visible(t.text) for t in parsed.tokens]
    width = max(map(len, shown), default=0)
    for text, token in zip(shown, parsed.tokens, strict=True):
        explanation = token.explanation
        head = f"{text:<{width}}  {explanation.label}"
        print(head)
        body = [explanation.text, *(f"- {d}" for d in explanation.details)]
        body += [f"{when}: {text}" for when, text in explanation.versions]
        body += [f"{label}: {url}" for label, url in explanation.links]
        for line in body:
            print(textwrap.indent(textwrap.fill(line.replace("`", ""), 96), " " * (width + 2)))
    warnings = [p for p in parsed.problems if p.level == "warning"]
    for problem in parsed.problems:
        print(f"{problem.level}: col {problem.offset + 1}: {problem.message}; {problem.fix}")
    return 1 if warnings else 0
