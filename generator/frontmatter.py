"""Split a content file into its YAML front matter and Markdown body."""

from __future__ import annotations

from dataclasses import dataclass

from generator.errors import LineProblem
from generator.xmlchars import strip_forbidden


class FrontMatterProblem(LineProblem):
    """The file's front matter fences are wrong."""


@dataclass(frozen=True)
class Parts:
    """Front matter text, body text, and the file line where the front matter starts."""

    front: str
    body: str
    front_line: int  # 1-based line of the first YAML line


def decode(raw: bytes) -> str:
    """Decode UTF-8 (a BOM is allowed) and normalise line endings to \\n."""
    text = raw.decode("utf-8-sig")
    return strip_forbidden(text.replace("\r\n", "\n").replace("\r", "\n"))


def split(text: str) -> Parts:
    """Split `---` fenced front matter from the body."""
    if not text.strip():
        raise FrontMatterProblem(None, "the file is empty; start it with front matter "
                                 "between '---' lines (at least title and date)")
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise FrontMatterProblem(1, "no front matter; start the file with a line '---', "
                                 "the YAML keys, then another '---'")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return Parts("\n".join(lines[1:index]), "\n".join(lines[index + 1:]), 2)
    raise FrontMatterProblem(1, "the front matter opened on line 1 is never closed; "
                             "add a line '---' after the last key")
