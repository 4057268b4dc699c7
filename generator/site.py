"""Assemble read content into the Site: drafts, order, tags and URL collisions."""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from datetime import UTC, datetime

from generator import claims, images, slugs
from generator.content import Content
from generator.errors import ContentError, Problem
from generator.model import (
    ENTITY_TYPES,
    Article,
    Briefing,
    Site,
    SiteConfig,
    Standalone,
    Tag,
)
from generator.scan import BUNDLE


def status(article: Article, now: datetime, drafts: bool, future: bool) -> str:
    """Say what happens to an article: "listed", "draft", "scheduled" or "expired"."""
    if article.draft and not drafts:
        return "draft"
    if not future and (article.publish_date or article.date) > now:
        return "scheduled"
    if article.expires is not None and article.expires <= now:
        return "expired"
    return "listed"


def assemble(config: SiteConfig, content: Content, drafts: bool = False,
             now: datetime | None = None, future: bool = True) -> Site:
    """Order everything and check that no two files claim the same URL."""
    moment = now or datetime.max.replace(tzinfo=UTC)
    states = {a.key: status(a, moment, drafts, future) for a in content.articles}
    held = Counter(state for state in states.values() if state in ("draft", "scheduled"))
    expired = sorted((a for a in content.articles if states[a.key] == "expired"),
                     key=lambda a: (-a.date.timestamp(), a.slug))
    articles = [a for a in content.articles if states[a.key] == "listed"]
    # Newest first; the slug breaks ties so that the order never depends on the disk.
    articles.sort(key=lambda a: (-a.date.timestamp(), a.slug))
    briefings = sorted(content.briefings, key=lambda b: (b.weight, b.title.casefold(), b.slug))
    pages = sorted((p for p in content.pages if drafts or not p.draft),
                   key=lambda p: (p.weight, p.title.casefold(), p.slug))
    # The addresses of one language of a multilingual site are under its folder.
    _check_collisions([*articles, *expired], briefings, pages,
                      config.base_path[len(config.root_path):])
    tags = _tags(articles, config.slugify)
    tag_of_name = {name: tag for tag in tags for name in tag.spellings}
    by_briefing: dict[str, list[Article]] = {}
    by_tag: dict[str, list[Article]] = {}
    for article in articles:
        for slug in dict.fromkeys(article.briefings):
            by_briefing.setdefault(slug, []).append(article)
        for tag_slug in dict.fromkeys(tag_of_name[name].slug for name in article.tags):
            by_tag.setdefault(tag_slug, []).append(article)
    files, resized, problems = _files(content, [*articles, *expired, *pages])
    people = sorted(content.entities, key=lambda e: (ENTITY_TYPES.index(e.type),
                                                     e.name.casefold(), e.slug))
    about: dict[str, list[Article]] = {}
    mentioning: dict[str, list[Article]] = {}
    for article in articles:  # newest first, so each list is too
        for slug in article.about:
            about.setdefault(slug, []).append(article)
        for slug in article.mentions:
            mentioning.setdefault(slug, []).append(article)
    icons = [path for path, _, _ in content.statics if path in FAVICONS]
    return Site(config, tuple(articles), tuple(briefings), tags,
                {k: tuple(v) for k, v in by_briefing.items()},
                {k: tuple(v) for k, v in by_tag.items()}, tag_of_name,
                {b.slug: b for b in briefings}, tuple(expired), tuple(sorted(held.items())),
                tuple(pages), content.notes, files, resized, min(icons, default=""), problems,
                tuple(people), {e.slug: e for e in people},
                {k: tuple(v) for k, v in about.items()},
                {k: tuple(v) for k, v in mentioning.items()},
                claims.gather(content.articles, articles))


FAVICONS = ("favicon.svg", "favicon.ico", "favicon.png")  # the site's own, at its root


def _files(content: Content, published: list[Article | Standalone]
           ) -> tuple[tuple[tuple[str, str, str], ...],
                      tuple[tuple[str, str, str, tuple[int, ...]], ...], tuple[Problem, ...]]:
    """Return the files published as they are, and the images to resize, in path order.

    Only published pages bring their bundles' files: a draft's photo stays unpublished.
    Also return the files that would land on another's address.
    """
    files = [(path, file, digest) for path, file, digest in content.statics]
    statics = {path: file for path, file, _ in files}
    resized = []
    problems = []
    for item in published:
        if not item.source_path.endswith("/" + BUNDLE):
            continue
        folder = item.source_path[: -len(BUNDLE)]
        own = content.bundles.get(folder, ())
        names = {name for name, _, _ in own}
        if "index.html" in names:
            problems.append(Problem(folder + "index.html", None, (
                f"would replace the page {item.path}index.html; rename the file")))
        files += [(item.path + name, file, digest) for name, file, digest in own]
        by_name = {name: (file, digest) for name, file, digest in own}
        copies = []
        for name, widths in content.resized.get(folder, ()):
            file, digest = by_name[name]
            made = [images.variant_name(name, w) for w in widths]
            problems += [Problem(folder + copy, None, (
                f"has the name of a resized copy of {name}; rename it"))
                for copy in made if copy in names]
            copies += made
            resized.append((item.path + name, file, digest, widths))
        # A file of static/ where the bundle publishes one would make two writers of a path.
        problems += [Problem(f"static/{item.path + name}", None, (
            f"would be published at /{item.path + name}, where {folder} publishes its own "
            "file; rename or move it")) for name in [*names, *copies]
            if item.path + name in statics]
    return tuple(sorted(files)), tuple(sorted(resized)), tuple(problems)


def _check_collisions(articles: list[Article], briefings: list[Briefing],
                      pages: list[Standalone], folder: str = "") -> None:
    claimed: dict[str, str] = {}
    problems: list[Problem] = []
    items: list[Article | Briefing | Standalone] = [*briefings, *articles, *pages]
    for item in items:
        key = slugs.collision_key(item.path)
        first = claimed.setdefault(key, item.source_path)
        if first != item.source_path:
            problems.append(Problem(item.source_path, None, (
                f"writes the same URL /{folder}{item.path} as {first} (URLs that differ only in "
                "case or Unicode form collide on most disks); give one of them another "
                "'slug'")))
    if problems:
        raise ContentError(problems)


def _tags(articles: list[Article], mode: str) -> tuple[Tag, ...]:
    # Spellings that differ only in case share a page; different names that slugify alike
    # ("C++" and "C#") get a short stable suffix instead of silently merging.
    groups: dict[str, list[str]] = {}
    for name in sorted({t for a in articles for t in a.tags}):
        groups.setdefault(unicodedata.normalize("NFC", name).casefold(), []).append(name)
    taken: set[str] = set()
    tags = []
    for folded, spellings in sorted(groups.items()):
        slug = slugs.slugify(folded, mode)
        if slug in taken:
            slug = f"{slug}-{hashlib.sha1(folded.encode()).hexdigest()[:6]}"
        taken.add(slug)
        tags.append(Tag(spellings[0], slug, tuple(spellings)))
    return tuple(sorted(tags, key=lambda t: (t.name.casefold(), t.slug)))
