"""Write items as draft articles: quoted front matter, a unique slug, no duplicates."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator import frontmatter, slugs
from generator.importing.item import TOOL, Item, text_key

SLUG_CHARS = 80  # a slug long enough to tell stories apart, short enough to read in a URL


class _Quoted(str):
    """A string written in double quotes, whatever it holds."""


class _Block(str):
    """A string written as a literal block (`|`)."""


class _Dumper(yaml.SafeDumper):
    """Front matter that reads back as written: every text quoted, the original a block."""


_Dumper.add_representer(_Quoted, lambda d, v: d.represent_scalar(
    "tag:yaml.org,2002:str", str(v), style='"'))
_Dumper.add_representer(_Block, lambda d, v: d.represent_scalar(
    "tag:yaml.org,2002:str", str(v), style="|"))


def dump(data: dict[str, Any]) -> str:
    """Write a mapping as YAML with unicode kept, keys in order, long lines unwrapped."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     width=10_000, default_flow_style=False)


def import_block(item: Item, imported: str) -> dict[str, Any]:
    """Return the draft's `import:` mapping: the provenance and the original text."""
    block: dict[str, Any] = {"tool": _Quoted(TOOL), "imported": _Quoted(imported),
                             "from": _Quoted(item.origin), "checksum": _Quoted(item.checksum),
                             "fields": {k: _Quoted(v) for k, v in item.fields}}
    if item.heuristic_date:
        block["heuristic_date"] = True
    for name in ("place", "agency", "caption"):
        if value := getattr(item, name):
            block[name] = _Quoted(value)
    block["original"] = _Block(item.text + "\n")
    return {"import": block}


def render(item: Item, briefing: str | None, imported: str) -> str:
    """Return the draft file's text: front matter, then the main text as its first body."""
    front: dict[str, Any] = {"title": _Quoted(item.title), "date": _Quoted(item.date)}
    for name in ("updated", "author", "source", "source_url"):
        if value := getattr(item, name):
            front[name] = _Quoted(value)
    front["draft"] = True
    if briefing:
        front["briefings"] = [_Quoted(briefing)]
    return f"---\n{dump(front)}{dump(import_block(item, imported))}---\n{item.text}\n"


@dataclass(frozen=True)
class Existing:
    """An article already in the site, as far as duplicates and slugs go."""

    path: Path
    slug: str
    source_url: str
    text_key: str  # of its import.original, "" when it was not imported


def _front(text: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(frontmatter.split(text).front)
    except (yaml.YAMLError, frontmatter.FrontMatterProblem):
        return {}
    return data if isinstance(data, dict) else {}


def existing(articles: Path) -> list[Existing]:
    """Read every article under the articles folder for its slug, source URL and original."""
    found = []
    for path in sorted(articles.rglob("*.md")) if articles.is_dir() else []:
        try:
            front = _front(frontmatter.decode(path.read_bytes()))
        except (OSError, UnicodeDecodeError):
            front = {}
        block = front.get("import")
        original = block.get("original") if isinstance(block, dict) else None
        slug = front.get("slug") or (path.parent.name if path.name == "index.md" else path.stem)
        url = front.get("source_url")
        found.append(Existing(path, str(slug), url if isinstance(url, str) else "",
                              text_key(original) if isinstance(original, str) else ""))
    return found


def duplicate(item: Item, known: list[Existing]) -> tuple[Existing, str] | None:
    """Return the article this item already is (same canonical URL or same text), and why."""
    key = text_key(item.text)
    for article in known:
        if item.source_url and article.source_url == item.source_url:
            return article, "the same source URL"
        if article.text_key == key:
            return article, "the same text"
    return None


def slug_for(title: str, mode: str, taken: set[str]) -> str:
    """Make a slug from a title, with -2, -3… when another article has it."""
    base = slugs.slugify(title, mode)
    if len(base) > SLUG_CHARS:
        base = base[:SLUG_CHARS].rsplit("-", 1)[0] or base[:SLUG_CHARS]
    if slugs.check(base) is not None:
        base = "imported"
    return slugs.unique(base, taken)


def create(path: Path, text: str) -> None:
    """Write a new file; never replace one (a file appearing meanwhile is an error)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


_IMPORT = re.compile(r"^import:[ \t]*\n(?:(?:[ \t].*|)\n)*", re.MULTILINE)


def refreshed(text: str, item: Item, imported: str) -> str | None:
    """Return the draft with its `import:` block replaced, or None if it has none to replace.

    Only that block changes: the editor's title, dates and body stay as they are.
    """
    parts = frontmatter.split(text)
    match = _IMPORT.search(parts.front + "\n")
    if match is None:
        return None
    front = (parts.front + "\n")[:match.start()] + dump(import_block(item, imported)) + (
        parts.front + "\n")[match.end():]
    return f"---\n{front.rstrip(chr(10))}\n---\n{parts.body}"


def replace(path: Path, text: str) -> None:
    """Swap in a draft's new text at once (a crash leaves the old one whole)."""
    temporary = path.with_name(f".{path.name}.import-tmp")
    temporary.write_text(text, encoding="utf-8", newline="\n")
    os.replace(temporary, path)
