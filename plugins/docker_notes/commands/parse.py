"""Give every token of a command line its role and explanation, using the CLI knowledge.

`parse_command("docker run -it ubuntu bash", knowledge)` returns the tokens `docker` (program), `run`
(subcommand), `-it` (two options), `ubuntu` (image), `bash` (the command run in the container), each
with an explanation, and the problems found (an unknown option, a missing value...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import explain as ex
from . import lookalike
from .knowledge import Arg, Command, Knowledge, Option, Program
from .model import (
    ARGUMENT,
    COMMAND,
    COMMENT,
    CONTINUATION,
    IMAGE,
    INFO,
    OPTION,
    PLACEHOLDER,
    PROGRAM,
    PROMPT,
    SHELL,
    SUBCOMMAND,
    UNKNOWN,
    VALUE,
    ParsedCommand,
    Problem,
    Token,
)
from .suggest import closest
from .tokens import OPERATOR, REDIRECT, WORD, RawToken, UnbalancedQuote, scan

# Prompts people copy from their terminal: `$ `, `# `, `＄ `, `$> `, `PS> `, `PS C:\Users\me> `,
# `user@host:~$ `. The prompt is shown but never copied.
PROMPT_RE = re.compile(
    r"^(?:PS(?: [A-Za-z]:\\[^>\n]*)?>|[\w.-]+@[\w.-]+(?::[^\s$#]*)?[$#]|\$>|[$#＄])[ \t]+"
)
# Programs that run the rest of the line as a command.
WRAPPERS = frozenset({"sudo", "time", "nohup", "exec", "command"})


def parse_command(text: str, knowledge: Knowledge) -> ParsedCommand:
    """Tokens and problems of one command (continuation lines included). May raise UnbalancedQuote.

    A command with look-alike characters (`docker run –it ubuntu`, see lookalike.py) is read as
    meant, and the result put back on the text as written, with a warning for each."""
    if text.isascii():
        return _parse(text, knowledge)  # the usual line: no look-alike can be in it
    m = PROMPT_RE.match(text)
    start = m.end() if m else 0
    reading = lookalike.read(text, start)
    if not reading.found:
        return _parse(text, knowledge)
    quotes = True
    try:
        parsed = _parse(reading.text, knowledge)
    except UnbalancedQuote:
        # Curly quotes that do not pair up (`it’s`): read them as the shell does, as letters.
        quotes = False
        reading = lookalike.read(text, start, quotes=quotes)
        try:
            parsed = _parse(reading.text, knowledge)
        except UnbalancedQuote as e:
            raise UnbalancedQuote(str(e), reading.origin[e.position]) from None
    if reading.ambiguous:
        # A dash that starts a word may stand for `--` (`—rm`) or for `-` (`–it`): the reading
        # docker makes more sense of wins.
        other = lookalike.read(text, start, quotes=quotes, flip=True)
        try:
            flipped = _parse(other.text, knowledge)
        except UnbalancedQuote:
            flipped = None
        if flipped is not None and _score(flipped) < _score(parsed):
            reading, parsed = other, flipped
    return lookalike.restore(text, reading, parsed)


def _score(parsed: ParsedCommand) -> tuple[int, int, int]:
    """Fewer warnings, fewer words only generically explained, fewer problems: the better reading."""
    unknown = sum(not t.explanation.specific for t in parsed.tokens)
    return sum(p.level != INFO for p in parsed.problems), unknown, len(parsed.problems)


def _parse(text: str, knowledge: Knowledge) -> ParsedCommand:
    parsed = ParsedCommand(text)
    offset = 0
    m = PROMPT_RE.match(text)
    if m:
        prompt = m.group().rstrip()
        parsed.tokens.append(Token(prompt, 0, len(prompt), PROMPT, ex.prompt(prompt)))
        parsed.prompt_end = offset = m.end()
    raw = [_shift(t, offset) for t in scan(text[offset:])]
    _Parser(parsed, knowledge).run(raw)
    return parsed


_CACHE_LIMIT = 20_000


def parse_cached(text: str, knowledge: Knowledge) -> ParsedCommand:
    """`parse_command`, remembered per knowledge; callers must not change the result."""
    cache = knowledge.cache
    parsed = cache.get(text)
    if parsed is None:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        parsed = cache[text] = parse_command(text, knowledge)
    return parsed


def _shift(token: RawToken, offset: int) -> RawToken:
    if not offset:
        return token
    return RawToken(
        token.kind,
        token.text,
        token.start + offset,
        token.end + offset,
        token.value,
        token.quoted,
        token.has_substitution,
        token.placeholder,
    )


@dataclass
class _Parser:
    parsed: ParsedCommand
    knowledge: Knowledge
    # The words of the simple command being read; `i` is the next one.
    words: list[RawToken] = field(default_factory=list)
    i: int = 0
    # Report unknown options and missing arguments (only for programs known completely).
    strict: bool = True
    # Run by another program (`xargs docker port`), which supplies arguments we cannot see.
    nested: bool = False

    # --- splitting into simple commands --------------------------------------------------------

    def run(self, raw: list[RawToken]) -> None:
        segment: list[RawToken] = []
        pending_redirect: RawToken | None = None
        for tok in raw:
            if tok.kind == OPERATOR:
                self._simple_command(segment)
                segment = []
                self._add(tok, SHELL, ex.operator(tok.text))
            elif tok.kind == REDIRECT:
                self._add(tok, SHELL, ex.redirect(tok.text))
                pending_redirect = tok
            elif tok.kind == COMMENT:
                self._add(tok, COMMENT, ex.comment(tok.text))
            elif tok.kind == WORD and pending_redirect is not None:
                self._add(tok, ARGUMENT, ex.redirect_target(pending_redirect.text, tok))
                pending_redirect = None
            else:
                segment.append(tok)  # words and continuations
        self._simple_command(segment)
        self.parsed.tokens.sort(key=lambda t: t.start)

    def _simple_command(self, segment: list[RawToken]) -> None:
        if not segment:
            return
        for tok in segment:
            if tok.kind != WORD:
                self._add(tok, CONTINUATION, ex.continuation())
        self.words = [t for t in segment if t.kind == WORD]
        self.i = 0
        self.nested = False
        while self.i < len(self.words):
            first = self.words[self.i]
            name = first.value.rsplit("/", 1)[-1]
            if name in WRAPPERS and self.i + 1 < len(self.words):
                self._add(first, PROGRAM, ex.program(self.knowledge.program(name), first.text))
                self.i += 1
                continue
            program = self.knowledge.program(first.value)
            if program is not None and self._has_subcommands(program):
                self._with_subcommands(program)
            else:
                self._other_program(program, role=PROGRAM)
            return

    # --- programs with subcommands: docker, docker-compose, a user's kubectl --------------------

    def _has_subcommands(self, program: Program) -> bool:
        real, path = self.knowledge.real_program(program)
        root = real.commands.get(path)
        return root is not None and root.is_group

    def _with_subcommands(self, program: Program) -> None:
        first = self._next()
        real, path = self.knowledge.real_program(program)
        self.strict = real.lint
        self._add(first, PROGRAM, ex.program(program, first.text, real=real, path=path))
        node = real.commands.get(path) or real.commands[()]
        typed: tuple[str, ...] = ()
        while node.is_group and self._more():
            word = self._peek()
            if word.value.startswith("-") and word.value != "-":
                self._option(node, real)
                continue
            candidate = real.commands.get((*path, word.value))
            if candidate is None and self._after_unknown_option():
                # Probably the value of the unknown option just before: the subcommand may follow.
                self._next()
                self._add(word, UNKNOWN, ex.unknown_word(word, node))
                continue
            if candidate is None:
                self._unknown_subcommand(real, path, word)
                return self._rest_as_arguments(node)
            self._next()
            path = (*path, word.value)
            typed = (*typed, word.value)
            self._add(word, SUBCOMMAND, ex.subcommand(candidate, real, path))
            node = candidate
        if node.is_group:
            return  # `docker network` alone prints the group's help
        self._arguments(node, real)

    def _arguments(self, command: Command, program: Program) -> None:
        slots = list(command.args)
        filled = [0] * len(slots)
        slot = 0
        options_done = False
        while self._more():
            word = self._peek()
            arg = slots[slot] if slot < len(slots) else None
            # `--` ends the options; it also separates a command from its arguments
            # (`kubectl exec pod -- sh`).
            if word.value == "--" and (
                not options_done or (arg is not None and arg.role == COMMAND)
            ):
                self._next()
                self._add(word, OPTION, ex.end_of_options())
                options_done = True
                continue
            if not options_done and word.value.startswith("-") and len(word.value) > 1:
                self._option(command, program)
                continue
            if arg is not None and arg.role == COMMAND:
                self._container_command(command, arg)
                return
            self._next()
            self._positional(word, command, arg)
            if arg is not None:
                filled[slot] += 1
                if not arg.repeat:
                    slot += 1
            if not command.interspersed:
                options_done = True
        missing = [a.name for a, n in zip(slots, filled, strict=False) if not a.optional and not n]
        if (
            missing
            and self.strict
            and not self.nested
            and not self._has_placeholder_or_substitution()
        ):
            end = self.words[-1].end if self.words else 0
            names = " ".join(missing)
            self._problem(
                end,
                f"`{command.display}` needs {names}",
                f"add the {names.lower()} after the options",
                level=INFO,
            )

    def _has_placeholder_or_substitution(self) -> bool:
        return any(w.placeholder or w.has_substitution for w in self.words)

    def _positional(self, word: RawToken, command: Command, arg: Arg | None) -> None:
        if word.placeholder:
            self._add(word, PLACEHOLDER, ex.placeholder(word, arg, command))
            return
        if arg is not None and arg.role == "image":
            explanation = ex.image(word, arg, command, self.knowledge)
            self._add(word, IMAGE, explanation)
            hint = ex.image_typo(word, self.knowledge)
            if hint:
                self._problem(word.start, hint[0], hint[1], level=INFO)
            return
        if arg is None and not self.strict:
            self._add(word, ARGUMENT, ex.program_argument(word, command))
            return
        self._add(word, ARGUMENT, ex.argument(word, arg, command))

    def _container_command(self, command: Command, arg: Arg) -> None:
        """The rest is a program run by this one: in a container (docker run), by xargs, sudo..."""
        word = self._peek()
        if word.placeholder:
            self._next()
            self._add(word, PLACEHOLDER, ex.placeholder(word, arg, command))
        if not self._more():
            return
        program = self.knowledge.program(self._peek().value)
        if program is not None and self._has_subcommands(program):
            self.nested = True
            self._with_subcommands(program)  # `xargs -n1 docker port`
        else:
            self._other_program(program, role=COMMAND, inside=command)

    def _rest_as_arguments(self, command: Command) -> None:
        while self._more():
            word = self._next()
            self._add(
                word,
                UNKNOWN if not word.placeholder else PLACEHOLDER,
                ex.unknown_word(word, command),
            )

    # --- options --------------------------------------------------------------------------------

    def _after_unknown_option(self) -> bool:
        tokens = self.parsed.tokens
        return bool(tokens) and tokens[-1].role == UNKNOWN and tokens[-1].text.startswith("-")

    def _option(self, command: Command, program: Program) -> None:
        word = self._next()
        text = word.value
        if text.startswith("--") or (len(text) > 2 and text[2] == "="):
            # `--name=web`, `--rm`, and the one-letter `-p=false`
            name, eq, value = text.partition("=")
            option = command.option(name)
            if option is None:
                return self._unknown_option(word, command, name)
            if eq:
                if (
                    self.strict
                    and not option.takes_value
                    and value.lower() not in ("true", "false")
                ):
                    self._problem(word.start, f"`{name}` takes no value", f"write `{name}` alone")
                return self._add(
                    word, OPTION, ex.option_with_value(option, command, word, name, value)
                )
            return self._option_value(word, option, command)
        option = command.option(text)
        if option is not None:  # a one-dash option with a long name (`-all` in some programs)
            return self._option_value(word, option, command)
        self._short_options(word, command)

    def _short_options(self, word: RawToken, command: Command) -> None:
        """`-it`, `-dit`, `-p8080:80`, `-v/host:/ctr`: letters of flags, the last may carry a value."""
        letters = word.value[1:]
        long_guess = command.option("--" + letters) if len(letters) > 1 else None
        flags: list[Option] = []
        for k, letter in enumerate(letters):
            option = command.option("-" + letter)
            if option is None:
                return self._unknown_option(word, command, "-" + letter, long_guess)
            if option.takes_value:
                glued = letters[k + 1 :].lstrip("=")
                if glued:
                    self._add(
                        word, OPTION, ex.short_options([*flags, option], command, word, value=glued)
                    )
                    return
                if flags:
                    self._add(word, OPTION, ex.short_options([*flags, option], command, word))
                else:
                    self._add(word, OPTION, ex.option(option, command, word.text))
                self._take_value(word, option, command)
                return
            flags.append(option)
        if long_guess is not None:
            spelled = " ".join("-" + c for c in letters)
            self._problem(
                word.start,
                f"`{word.text}` is read as `{spelled}`",
                f"write `--{letters}` (two dashes) for the long option",
            )
        if len(flags) == 1:
            self._add(word, OPTION, ex.option(flags[0], command, word.text))
        else:
            self._add(word, OPTION, ex.short_options(flags, command, word))

    def _option_value(self, word: RawToken, option: Option, command: Command) -> None:
        self._add(word, OPTION, ex.option(option, command, word.text))
        if option.takes_value:
            self._take_value(word, option, command)

    def _take_value(self, word: RawToken, option: Option, command: Command) -> None:
        if not self._more():
            self._problem(
                word.end,
                f"`{word.text}` needs a value",
                f"write the {option.value or 'value'} after `{word.text}`",
            )
            return
        value = self._next()
        role = PLACEHOLDER if value.placeholder else VALUE
        self._add(value, role, ex.value(option, command, value, self.knowledge))

    def _unknown_option(
        self, word: RawToken, command: Command, name: str, long_guess: Option | None = None
    ) -> None:
        if not self.strict:  # partial knowledge: an option we do not know is just an argument
            self._add(word, ARGUMENT, ex.program_argument(word, command))
            return
        known = [n for o in command.options for n in o.names]
        guess = long_guess.long_name if long_guess is not None else closest(name, known) or ""
        where = f"`{command.display}`"
        message = f"`{name}` is not an option of {where}"
        if name != word.value.partition("=")[0]:
            message = f"`{word.text}`: `{name}` is not an option of {where}"
        fix = f"did you mean `{guess}`?" if guess else f"see `{command.display} --help`"
        self._problem(word.start, message, fix)
        self._add(word, UNKNOWN, ex.unknown_option(word, command, guess))

    def _unknown_subcommand(self, program: Program, path: tuple[str, ...], word: RawToken) -> None:
        choices = self.knowledge.command_names(program, path)
        close = closest(word.value, choices)
        where = " ".join((program.name, *path))
        fix = f"did you mean `{where} {close}`?" if close else f"see `{where} --help`"
        self._problem(word.start, f"`{word.value}` is not a subcommand of `{where}`", fix)

    # --- other programs (in pipelines, or run inside a container) --------------------------------

    def _other_program(
        self, program: Program | None, *, role: str, inside: Command | None = None
    ) -> None:
        """A program we know only in part (grep, bash...): its known options and arguments."""
        first = self._next()
        if role == COMMAND and inside is not None:
            self._add(first, COMMAND, ex.container_command(first, program, inside))
        else:
            self._add(first, PROGRAM, ex.program(program, first.text))
        self.strict = False
        if program is None:
            while self._more():
                word = self._next()
                role_of_word = PLACEHOLDER if word.placeholder else ARGUMENT
                self._add(word, role_of_word, ex.program_argument(word, None, first.value))
            return
        self._arguments(program.root, program)

    # --- bookkeeping ----------------------------------------------------------------------------

    def _more(self) -> bool:
        return self.i < len(self.words)

    def _peek(self) -> RawToken:
        return self.words[self.i]

    def _next(self) -> RawToken:
        word = self.words[self.i]
        self.i += 1
        return word

    def _add(self, tok: RawToken, role: str, explanation: ex.Explanation) -> None:
        self.parsed.tokens.append(Token(tok.text, tok.start, tok.end, role, explanation))

    def _problem(self, offset: int, message: str, fix: str = "", level: str = "warning") -> None:
        self.parsed.problems.append(Problem(offset, message, fix, level))
