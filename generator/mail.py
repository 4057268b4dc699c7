"""Make an edition's email-ready: every style inlined in its HTML, its text part wrapped."""

from __future__ import annotations

import textwrap
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _inliner() -> Any:
    # Imported here: only digest emails need it, and most builds render none.
    import css_inline

    # Mail clients drop <style> blocks and never load stylesheets or scripts: styles go
    # onto each element; remote stylesheets are never fetched (the build stays offline and
    # deterministic).
    return css_inline.CSSInliner(keep_style_tags=False, keep_link_tags=False,
                                 load_remote_stylesheets=False)


def inline_css(html: str) -> str:
    """Inline the page's <style> rules into style attributes and drop the <style> tags."""
    return str(_inliner().inline(html))


class _Wrapper(textwrap.TextWrapper):
    """textwrap's rules, with the lines made in one pass.

    textwrap cuts an over-long word one line at a time and copies the rest of the word
    each time: quadratic in the word's length (a 10 MB word took some 40 s). Here a word is
    read at an offset instead, so each character is copied once. The loop is textwrap's
    `_wrap_chunks` for what Jinja's `wordwrap` uses: no indents, no line limit,
    whitespace dropped at the ends of lines.
    """

    def _wrap_chunks(self, chunks: list[str]) -> list[str]:
        width = self.width
        if width <= 0:
            raise ValueError(f"invalid width {width!r} (must be > 0)")
        # Where each chunk's trailing space starts: its rest from an offset is space
        # (as str.strip() has it) when the offset is past that point.
        ends = [len(chunk.rstrip()) for chunk in chunks]
        lines: list[str] = []
        index, offset = 0, 0  # the next chunk, and how much of it is used already
        count = len(chunks)
        while index < count:
            line: list[str] = []
            size = 0
            if lines and offset >= ends[index]:  # space at the start of a line is dropped
                index, offset = index + 1, 0
            while index < count and size + len(chunks[index]) - offset <= width:
                piece = chunks[index][offset:] if offset else chunks[index]
                line.append(piece)
                size += len(piece)
                index, offset = index + 1, 0
            if index < count and len(chunks[index]) - offset > width:
                offset = self._cut_long_word(chunks[index], offset, line, size)
                if offset == len(chunks[index]):
                    index, offset = index + 1, 0
            if line and not line[-1].strip():
                line.pop()
            if line:
                lines.append("".join(line))
        return lines

    def _cut_long_word(self, chunk: str, offset: int, line: list[str], size: int) -> int:
        """Put what fits of a too-long chunk on the line; return the new offset into it."""
        if not self.break_long_words:
            if not line:
                line.append(chunk[offset:])
                return len(chunk)
            return offset
        space = self.width - size
        end = offset + space
        if self.break_on_hyphens and len(chunk) - offset > space:
            # Break after the last hyphen that fits, if there is more than hyphens before it.
            hyphen = chunk.rfind("-", offset, end)
            if hyphen > offset and chunk[offset:hyphen].strip("-"):
                end = hyphen + 1
        line.append(chunk[offset:end])
        return end


def wrap(text: str, width: int = 79, break_long_words: bool = True,
         wrapstring: str | None = None, break_on_hyphens: bool = True) -> str:
    """Wrap text as Jinja's `wordwrap` filter does, in time linear in its length.

    Each line of the text is a paragraph wrapped on its own; lines are joined with
    `wrapstring` (a newline by default).
    """
    wrapper = _Wrapper(width=width, expand_tabs=False, replace_whitespace=False,
                       break_long_words=break_long_words, break_on_hyphens=break_on_hyphens)
    newline = "\n" if wrapstring is None else wrapstring
    return newline.join(newline.join(wrapper.wrap(line)) for line in text.splitlines())
