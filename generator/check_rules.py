"""The checks that need the whole site: links, images, copied text, drafts, unused briefings.

Each returns warnings as Problems; the build itself never fails on them.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator import bundles, markdown, routes
from generator.errors import Problem
from generator.frontmatter import FrontMatterProblem, Parts, decode, split
from generator.model import Article, Briefing, SiteConfig
from generator.yamlload import Document, YamlProblem, load

RUN = 30  # consecutive words shared with the imported original that count as copied
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Markdown:
    """One content file read again: its front matter and its body, with where the body starts."""

    path: str  # relative to the site root
    page: str  # the folder of its page on the site ("articles/x/"), "" when it has none
    doc: Document
    body: str
    body_line: int  # the file line just before the body's first line

    def line(self, key: str) -> int | None:
        """Return the file line of a top-level front matter key, if it is there."""
        found = self.doc.line(key)
        return found + 1 if found is not None else None  # the YAML starts on line 2


def read_markdown(root: Path, path: str, page: str, bare: bool = False) -> Markdown | None:
    """Read a content file's front matter and body; None if it cannot be (the build says why).

    `bare`: the front matter is optional (an editor's note), as the build reads it.
    """
    try:
        text = decode((root / path).read_bytes())
        parts = split(text) if not bare or text.startswith("---") else Parts("", text, 1)
        doc = load(parts.front)
    except (OSError, UnicodeDecodeError, FrontMatterProblem, YamlProblem):
        return None
    # A bare note's body starts on the file's first line.
    return Markdown(path, page, doc, parts.body,
                    parts.front_line + len(parts.front.split("\n")) if parts.front else 0)


def broken_references(files: Iterable[Markdown], produced: set[str], config: SiteConfig,
                      held: dict[str, str], prefix: str = "") -> list[Problem]:
    """Report Markdown links and images to site paths that no page or file of the build makes.

    `held` maps the folders of articles this build leaves out to their files. `prefix` is
    the folder of the files' language on a multilingual site, where `/x/` leads; paths are
    then all from the site's root, and `config` is the whole site's.
    """
    problems = []
    folders = sorted({p.removesuffix(routes.PAGE) for p in produced if p.endswith(routes.PAGE)})
    for file in files:
        rendered = markdown.render_body(file.body, config.raw_html, config.embeds)
        for line, kind, url in rendered.references:
            name = bundles.local_name(url)
            if name is not None and (kind == "image" or "." in name.rsplit("/", 1)[-1]):
                continue  # a file beside the page: the build itself refuses a missing one
            target = _site_path(url, file.page, prefix)
            if target is None:
                where = "the site's folder" if config.base_path == "/" else config.base_path
                message = f"{kind} '{url}' leads outside {where}; fix the address"
            elif _exists(target, produced, config):
                continue
            elif (target.rstrip("/") + "/") in held:
                message = (f"{kind} '{url}' leads to {held[target.rstrip('/') + '/']}, which "
                           "is not published (a draft, or scheduled); publish it first or "
                           "remove the link")
            elif kind == "image":
                message = (f"image '{url}' not found: nothing is published at /{target}; put "
                           f"the file in static/{target} or fix the path")
            else:
                close = difflib.get_close_matches(target, folders, n=1, cutoff=0.75)
                hint = f"did you mean '/{close[0]}'?" if close else "fix or remove the link"
                message = f"link '{url}' leads to no page or file of the site; {hint}"
            problems.append(Problem(file.path, line + file.body_line, message))
    return problems


def _site_path(url: str, page: str, prefix: str = "") -> str | None:
    """Return the site path a Markdown URL leads to (no query or fragment), None if outside."""
    path = urlsplit(url).path
    if url.startswith("/"):
        return prefix + path.lstrip("/")
    joined = posixpath.normpath(posixpath.join(page or ".", path))
    if joined == ".." or joined.startswith("../"):
        return None
    joined = "" if joined == "." else joined
    return joined + "/" if path.endswith("/") and joined else joined


def _exists(target: str, produced: set[str], config: SiteConfig) -> bool:
    if target in produced or (config.search and target.startswith(routes.PAGEFIND)):
        return True
    # A folder's page; without its slash too, which static hosts redirect.
    folder = target if not target or target.endswith("/") else target + "/"
    return folder + routes.PAGE in produced


def copied_text(files: Iterable[Markdown]) -> list[Problem]:
    """Report each long run of words a published article shares with its imported original."""
    problems = []
    for file in files:
        original = _original(file.doc.data)
        if not original:
            continue
        words, lines = _words(file.body)
        source = _words(original)[0]
        seen = {tuple(source[i:i + RUN]) for i in range(len(source) - RUN + 1)}
        start = 0
        while start <= len(words) - RUN:
            if tuple(words[start:start + RUN]) not in seen:
                start += 1
                continue
            end = start + 1  # extend the run one window at a time
            while end <= len(words) - RUN and tuple(words[end:end + RUN]) in seen:
                end += 1
            count = end - start + RUN - 1
            problems.append(Problem(file.path, lines[start] + file.body_line, (
                f"shares {count} consecutive words with its imported original "
                f"(import.original), from '{_opening(file.body, lines, start)}…'; rewrite "
                "the passage in your own "
                "words, or quote and attribute it")))
            start = end + RUN - 1
    return problems


def _original(data: Any) -> str:
    block = data.get("import") if isinstance(data, dict) else None
    text = block.get("original") if isinstance(block, dict) else None
    return text if isinstance(text, str) else ""


def _words(text: str) -> tuple[list[str], list[int]]:
    """Return the text's words, folded, and the 1-based line of each."""
    words: list[str] = []
    lines: list[int] = []
    for number, line in enumerate(text.split("\n"), 1):
        for match in _WORD.finditer(line):
            words.append(match.group().casefold())
            lines.append(number)
    return words, lines


def _opening(body: str, lines: Sequence[int], start: int) -> str:
    """Return the first few words of a run, as written."""
    found = [m.group() for line in body.split("\n")[lines[start] - 1:]
             for m in _WORD.finditer(line)]
    # The run starts at its word's position within its line.
    before = sum(1 for i in range(start) if lines[i] == lines[start])
    return " ".join(found[before:before + 6])


def overdue_drafts(articles: Iterable[Article], files: dict[str, Markdown], now: datetime
                   ) -> list[Problem]:
    """Report drafts whose publish_date has passed: they were meant to be out by now."""
    problems = []
    for article in articles:
        if article.draft and article.publish_date is not None and article.publish_date <= now:
            file = files.get(article.source_path)
            line = file.line("draft") if file else None
            problems.append(Problem(article.source_path, line, (
                f"is still a draft, but its publish_date ({article.publish_date.isoformat()}) "
                "has passed; remove 'draft: true' to publish it, or move publish_date")))
    return problems


def unused_briefings(briefings: Iterable[Briefing], articles: Sequence[Article]
                     ) -> list[Problem]:
    """Report briefings that no article lists (drafts count: they will)."""
    listed = {slug for article in articles for slug in article.briefings}
    return [Problem(b.source_path, None, (
        f"no article lists the briefing '{b.slug}'; add it to an article's 'briefings', or "
        "delete the file if the topic is over")) for b in briefings if b.slug not in listed]
