"""Read briefings and articles from `content/` and check every field."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any

from generator import dates, markdown, slugs
from generator.errors import ContentError, Problem, display_path
from generator.frontmatter import FrontMatterProblem, decode, split
from generator.model import Article, Briefing, SiteConfig
from generator.schema import Field, flag, mapping, suggest, text, text_list, validate, whole
from generator.yamlload import Document, YamlProblem, load


def _raw(value: Any) -> Any:
    return value


ARTICLE_FIELDS = {
    "title": Field(text, required=True),
    "date": Field(_raw, required=True),
    "updated": Field(_raw),
    "author": Field(text),
    "source": Field(text),
    "source_url": Field(text),
    "briefings": Field(text_list),
    "tags": Field(text_list),
    "summary": Field(text),
    "draft": Field(flag),
    "slug": Field(text),
    "id": Field(text),
    "extra": Field(mapping),
}
BRIEFING_FIELDS = {
    "title": Field(text, required=True),
    "summary": Field(text),
    "weight": Field(whole),
    "updated": Field(_raw),
}


@dataclass(frozen=True)
class Parsed:
    """A content file's checked front matter and rendered body."""

    path: str
    values: dict[str, Any]
    doc: Document
    line_offset: int
    html: str
    first_paragraph: str


@dataclass(frozen=True)
class Content:
    """Every briefing and article of the site (drafts included), with slugs decided."""

    briefings: tuple[Briefing, ...]
    articles: tuple[Article, ...]


def _parse(path: Path, root: Path, fields: dict[str, Field], config: SiteConfig,
           problems: list[Problem]) -> Parsed | None:
    name = display_path(path, root)
    try:
        text_ = decode(path.read_bytes())
    except UnicodeDecodeError as exc:
        problems.append(Problem(name, None, f"is not UTF-8 text (bad byte at offset {exc.start}); "
                                "save the file as UTF-8"))
        return None
    except OSError as exc:
        problems.append(Problem(name, None, f"cannot be read: {exc.strerror}"))
        return None
    try:
        parts = split(text_)
        doc = load(parts.front)
    except (FrontMatterProblem, YamlProblem) as exc:
        line = exc.line
        if isinstance(exc, YamlProblem) and line is not None:
            line += 1  # the YAML starts on the line after the opening '---'
        problems.append(Problem(name, line, exc.message))
        return None
    offset = parts.front_line - 1
    if not isinstance(doc.data, dict):
        kind = "empty" if doc.data is None else (
            "a list" if isinstance(doc.data, list) else f"the single value {doc.data!r}")
        problems.append(Problem(name, parts.front_line, f"the front matter is {kind}, not a "
                                "mapping; write 'key: value' lines such as 'title: ...'"))
        return None
    values, found = validate(doc.data, fields, doc, name, line_offset=offset)
    problems.extend(found)
    html, first = markdown.render(parts.body, config.raw_html)
    return Parsed(name, values, doc, offset, html, first)


def _date(parsed: Parsed, key: str, tz: tzinfo, problems: list[Problem]) -> Any:
    if key not in parsed.values:
        return None
    try:
        return dates.parse(parsed.values[key], tz)
    except Exception as exc:
        line = parsed.doc.line(key)
        problems.append(Problem(parsed.path, line + parsed.line_offset if line else None,
                                f"'{key}': {exc}"))
        return None


def _slug(parsed: Parsed, default: str, problems: list[Problem]) -> str | None:
    slug = unicodedata.normalize("NFC", parsed.values.get("slug", default))
    why = slugs.check(slug)
    if why is None:
        return slug
    line = parsed.doc.line("slug")
    where = line + parsed.line_offset if line else None
    origin = "'slug'" if "slug" in parsed.values else "the file name (used as slug)"
    problems.append(Problem(parsed.path, where, f"{origin} {slug!r} {why}"))
    return None


def _files(folder: Path, root: Path, problems: list[Problem]) -> list[Path]:
    if not folder.is_dir():
        return []
    found = []
    real_root = root.resolve()
    for path in sorted(folder.rglob("*.md")):
        real = path.resolve()
        if not real.is_relative_to(real_root):
            problems.append(Problem(display_path(path, root), None, (
                f"is a symbolic link to {real}, outside the site; copy the file into "
                "the site instead")))
        elif path.is_file():
            found.append(path)
    return found


def read_content(root: Path, config: SiteConfig) -> Content:
    """Read `content/`; raise ContentError listing every problem in the tree."""
    tz = dates.zone(config.timezone)
    problems: list[Problem] = []
    briefings: list[Briefing] = []
    for path in _files(root / "content" / "briefings", root, problems):
        parsed = _parse(path, root, BRIEFING_FIELDS, config, problems)
        slug = _slug(parsed, path.stem, problems) if parsed else None
        if parsed is None or slug is None:
            continue
        updated = _date(parsed, "updated", tz, problems)
        v = parsed.values
        briefings.append(Briefing(parsed.path, slug, v.get("title", ""),
                                  v.get("summary") or parsed.first_paragraph,
                                  v.get("weight", 0), updated, parsed.html))
    known = {b.slug for b in briefings}
    articles: list[Article] = []
    for path in _files(root / "content" / "articles", root, problems):
        parsed = _parse(path, root, ARTICLE_FIELDS, config, problems)
        slug = _slug(parsed, path.stem, problems) if parsed else None
        if parsed is None or slug is None:
            continue
        article = _article(parsed, slug, config, known, tz, problems)
        if article is not None:
            articles.append(article)
    if problems:
        raise ContentError(problems)
    return Content(tuple(briefings), tuple(articles))


def _article(parsed: Parsed, slug: str, config: SiteConfig, known: set[str], tz: tzinfo,
             problems: list[Problem]) -> Article | None:
    v = parsed.values
    date = _date(parsed, "date", tz, problems)
    updated = _date(parsed, "updated", tz, problems)
    for ref in v.get("briefings", ()):
        if ref not in known:
            line = parsed.doc.line("briefings")
            hint = slugs_hint(ref, known)
            problems.append(Problem(parsed.path, line + parsed.line_offset if line else None,
                                    f"unknown briefing '{ref}'; {hint}"))
    if date is None or "title" not in v:
        return None
    permalink = config.base_url + f"articles/{slug}/"
    return Article(
        source_path=parsed.path, slug=slug, title=v["title"], date=date, updated=updated,
        author=v.get("author", ""), source=v.get("source", ""),
        source_url=v.get("source_url", ""), briefings=tuple(dict.fromkeys(v.get("briefings", ()))),
        tags=tuple(dict.fromkeys(v.get("tags", ()))),
        summary=v.get("summary") or parsed.first_paragraph, draft=v.get("draft", False),
        guid=v.get("id", permalink), html=parsed.html, extra=v.get("extra", {}),
    )


def slugs_hint(ref: str, known: set[str]) -> str:
    """Suggest the briefing slug an editor probably meant."""
    if not known:
        return "create content/briefings/<slug>.md first"
    return suggest(ref, sorted(known)).replace("allowed keys", "known briefings") + \
        f" (or create content/briefings/{ref}.md)"
