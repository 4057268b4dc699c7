"""Errors the build reports to the user; the CLI alone turns them into messages."""

from __future__ import annotations

import re
import reprlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Longest message a Problem keeps: real ones are one line; a longer one quotes the input.
MAX_MESSAGE = 1000

# Characters that must not reach a terminal raw: C0 and C1 controls and DEL (a newline
# forges an error line, ESC and CSI start escape sequences), the bidirectional overrides
# and isolates that reorder what is shown, line separators, and lone surrogates (a file
# name that is not UTF-8, which would also make printing fail).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                     "\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for an undecodable byte
        return f"\\x{code - 0xDC00:02x}"
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """Escape control characters (as \\n, \\x1b, \\u202e) so text shows as one inert line."""
    return _UNSAFE.sub(_escape, text)


# Bounded in both work and length, whatever the value's size or nesting.
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother, _SHORT.maxlong = 3, 80, 80, 80
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxdict = _SHORT.maxset = _SHORT.maxfrozenset = 8


def shorten(value: Any) -> str:
    """Return a short repr of a value for a message, eliding the middle of long ones."""
    if isinstance(value, int) and value.bit_length() > 10_000:
        return "a number of over 3,000 digits"  # past what Python will turn into text
    return _SHORT.repr(value)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the user's input, located as precisely as known."""

    path: str
    line: int | None
    message: str

    def __post_init__(self) -> None:
        # A message that quotes the input may be huge; it is stored, cached and shown.
        if len(self.message) > MAX_MESSAGE:
            object.__setattr__(self, "message", self.message[:MAX_MESSAGE] + "…")

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return terminal_safe(f"{where}: {self.message}")


class LineProblem(Exception):
    """A problem found while reading one text, at a 1-based line when known."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class BriefingsError(Exception):
    """Base of every error the user can fix."""

    def __str__(self) -> str:
        # Messages name the user's paths, which may hold any character.
        return terminal_safe(super().__str__())


class SiteError(BriefingsError):
    """The site has one or more problems; each is reported, then the build stops."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        # One line per problem, each already made safe.
        return "\n".join(str(p) for p in self.problems)


class ConfigError(SiteError):
    """`site.yaml` is missing or invalid."""


class ContentError(SiteError):
    """Articles or briefings are invalid."""


class ThemeError(SiteError):
    """A template is missing or fails to render."""


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM arrived; `published` tells whether the new output was already out."""

    def __init__(self, published: bool) -> None:
        super().__init__("interrupted")
        self.published = published


class OutputError(BriefingsError):
    """The output folder cannot be used safely."""


def display_path(path: Path, root: Path) -> str:
    """Show a path relative to the site root when it lies inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
