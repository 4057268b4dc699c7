"""Errors the build reports to the user; the CLI alone turns them into messages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the user's input, located as precisely as known."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class LineProblem(Exception):
    """A problem found while reading one text, at a 1-based line when known."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class BriefingsError(Exception):
    """Base of every error the user can fix."""


class SiteError(BriefingsError):
    """The site has one or more problems; each is reported, then the build stops."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


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
