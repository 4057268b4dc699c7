"""Read briefings and articles from `content/`: scan, parse (cached, in parallel), check."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from generator import claims, entities, languages, leaves, markdown, parallel, routes, slugs
from generator.cache import Store
from generator.errors import Problem
from generator.model import (
    Article,
    Briefing,
    Entity,
    Event,
    Note,
    Notice,
    SiteConfig,
    Standalone,
)
from generator.parse import (
    CHANGED,
    Bundle,
    Job,
    ParsedFile,
    Settings,
    cache_key,
    finding,
    parse_file,
    parse_job,
)
from generator.scan import BUNDLE, MARKDOWN_KINDS, STATIC, Found, Source, digest_of
from generator.schema import suggest

Progress = Callable[[str, int, int], None]
Listed = TypeVar("Listed", Article, Briefing)


@dataclass(frozen=True)
class Content:
    """Every briefing and article of the site (drafts included), with slugs decided."""

    briefings: tuple[Briefing, ...]
    articles: tuple[Article, ...]
    pages: tuple[Standalone, ...] = ()
    notes: tuple[Note, ...] = ()
    bundles: dict[str, Bundle] = field(default_factory=dict)  # folder → its files
    resized: dict[str, tuple[tuple[str, tuple[int, ...]], ...]] = field(default_factory=dict)
    statics: tuple[tuple[str, str, str], ...] = ()  # output path, file, digest (static/)
    warnings: tuple[Problem, ...] = ()
    # What was wrong: the files with problems are left out, so that the later checks
    # (editions, addresses) still run and the build reports everything at once.
    problems: tuple[Problem, ...] = ()
    entities: tuple[Entity, ...] = ()


def bundles_of(found: Found) -> dict[str, Bundle]:
    """Group the bundles' files by bundle folder, in path order."""
    grouped: dict[str, list[tuple[str, str, str]]] = {}
    for source, digest in found.files:
        if source.kind == "asset" and isinstance(digest, str):
            grouped.setdefault(source.bundle, []).append(
                (source.path[len(source.bundle):], source.file, digest))
    return {folder: tuple(files) for folder, files in grouped.items()}


def read_content(root: Path, config: SiteConfig, store: Store, found: Found, jobs: int = 1,
                 progress: Progress | None = None) -> Content:
    """Parse the files found; the problems in the tree are in the result's `problems`."""
    problems: list[Problem] = list(found.problems)
    settings = parse_settings(config)
    bundles = bundles_of(found)
    sources: list[tuple[Source, str]] = []
    statics: list[tuple[str, str, str]] = []
    for source, digest in found.files:
        if isinstance(digest, OSError):
            problems.append(Problem(source.path, None, f"cannot be read: {digest.strerror}"))
            continue
        if source.kind == "static":
            statics.append((source.path.removeprefix(STATIC + "/"), source.file, digest))
        if source.kind in MARKDOWN_KINDS:
            sources.append((source, digest))

    def keyed_by(chosen: Settings, kinds: tuple[str, ...]) -> list[tuple[str, Source, str]]:
        return [(cache_key(s.kind, s.path, digest, chosen, bundles.get(s.bundle, ())), s, digest)
                for s, digest in sources if s.kind in kinds]

    # Entities first: the articles are parsed looking for their names.
    first = keyed_by(settings, ("entity",))
    parsed = _parse(first, settings, bundles, store, jobs, progress)
    profiles = [(r, body_html(root, config, r.kind, r.path, key, store))
                for key, r in ((key, parsed[key]) for key, _, _ in first) if r.usable]
    profiles, versions = languages.entity_versions(profiles, config, problems)
    people = entities.from_records(profiles, config.language, problems)
    people = languages.with_versions(people, versions, problems)
    matcher = entities.matcher(people)
    if matcher is not None:
        settings = dataclasses.replace(settings, names=matcher.digest)
    rest = keyed_by(settings, tuple(k for k in MARKDOWN_KINDS if k != "entity"))
    with finding(entities.finder(matcher)):
        parsed.update(_parse(rest, settings, bundles, store, jobs, progress))
    keyed = first + rest
    store.remember({key: parsed[key] for key, _, _ in keyed if parsed[key].card != CHANGED})
    records = [(key, parsed[key]) for key, _, _ in keyed]
    for _, record in records:
        problems.extend(record.problems)
    briefings = [b for key, r in records if r.kind == "briefing" and r.usable
                 for b in [_briefing(r, body_html(root, config, r.kind, r.path, key, store),
                                     config, problems)] if b]
    citable = _citable(briefings, config)
    site_files = {path for path, _, _ in statics}
    articles = [a for key, r in records if r.kind == "article" and r.usable
                for a in [_article(r, key, config, citable, site_files, problems)] if a]
    by_path = {r.path: r for _, r in records}
    articles = entities.link(articles, by_path, people, problems)
    articles = claims.attach(articles, by_path, people,
                             config.timezone, problems)
    cast = {e.slug: e for e in people}
    briefings = [_with_events(b, by_path, cast, problems) for b in briefings]
    articles = [_with_events(a, by_path, cast, problems) for a in articles]
    standalone = [p for key, r in records if r.kind == "page" and r.usable
                  for p in [leaves.page(r, key, config, problems)] if p]
    # A briefing's notes sit in a folder named as its file: 한러-관계/ serves halleo-gwangye.
    notes = [dataclasses.replace(n, scope=citable.get(n.scope, n.scope))
             for key, r in records if r.kind == "note" and r.usable
             for n in [leaves.note(r, body_html(root, config, r.kind, r.path, key, store),
                                   set(citable), problems)] if n]
    briefings, articles, standalone = languages.assign(config, by_path, briefings, articles,
                                                       standalone, problems)
    warnings = [w for _, r in records for w in r.warnings]
    warnings += entities.shared(matcher, people)
    return Content(tuple(briefings), tuple(articles), tuple(standalone), tuple(notes), bundles,
                   {r.path[: -len(BUNDLE)]: r.resized for _, r in records if r.resized},
                   tuple(statics), tuple(warnings), tuple(problems), tuple(people))


def _parse(keyed: list[tuple[str, Source, str]], settings: Settings,
           bundles: dict[str, Bundle], store: Store, jobs: int, progress: Progress | None
           ) -> dict[str, ParsedFile]:
    """Return the parse records of these files, from the cache or parsed now in parallel."""
    parsed: dict[str, ParsedFile] = store.get_many(key for key, _, _ in keyed)
    missing: list[Job] = [(key, s.kind, s.path, s.file, digest, settings,
                           bundles.get(s.bundle, ()))
                          for key, s, digest in keyed if key not in parsed]
    if missing:
        # Stored as they arrive: the rendered bodies (most of the bytes) are never all held
        # in memory at once; pages fetch them back from the store.
        batch: list[tuple[str, ParsedFile, str]] = []
        for key, record, html in parallel.each(parse_job, missing, jobs, progress, "Parsing"):
            parsed[key] = record
            if record.card != CHANGED:  # never cache what was not read whole
                batch.append((key, record, html))
            if len(batch) == 256:
                store.put_many(batch)
                batch = []
        store.put_many(batch)
    return parsed


def parse_settings(config: SiteConfig) -> Settings:
    """Return the parse settings a site's config makes."""
    return Settings(config.raw_html, config.timezone, config.embeds, config.image_widths)


def body_html(root: Path, config: SiteConfig, kind: str, path: str, key: str,
              store: Store) -> str:
    """Return a file's rendered Markdown from the cache, or parse it again if the cache lost it.

    Root-relative links ("/about/") get the site's path prefix.
    """
    html = store.html(key)
    if html is None:
        raw = (root / path).read_bytes()
        html = parse_file(kind, path, raw, parse_settings(config), _bundle_on_disk(root, path))[1]
    return markdown.rebase(html, config.base_path)


def _bundle_on_disk(root: Path, path: str) -> Bundle:
    """List a bundle's files again (the cache lost its page's HTML, a rare case)."""
    if not path.endswith("/" + BUNDLE):
        return ()
    folder = root / path[: -len(BUNDLE)]
    return tuple((file.relative_to(folder).as_posix(), str(file), digest_of(file.read_bytes()))
                 for file in sorted(folder.rglob("*"))
                 if file.is_file() and file.name != BUNDLE and not file.name.startswith("."))


def _stem(path: str, config: SiteConfig) -> str:
    """Return the name a content file gives its page: a bundle's folder, else the file's."""
    # A page bundle is named by its folder (articles/<folder>/, as in Hugo); talks.ko.md is
    # talks in Korean on a multilingual site.
    stem = path.removesuffix("/" + BUNDLE).rsplit("/", 1)[-1].removesuffix(".md")
    return languages.split_stem(stem, config)[0]


def _slug(record: ParsedFile, config: SiteConfig, problems: list[Problem]) -> str | None:
    stem = _stem(record.path, config)
    if config.slugify == "ascii" and "slug" not in record.values:
        stem = slugs.slugify(stem, "ascii")
    slug = unicodedata.normalize("NFC", record.values.get("slug", stem))
    why = slugs.check(slug)
    if why is None:
        return slug
    origin = "'slug'" if "slug" in record.values else "the file name (used as slug)"
    problems.append(Problem(record.path, record.line("slug"), f"{origin} {slug!r} {why}"))
    return None


def _briefing(record: ParsedFile, html: str, config: SiteConfig,
              problems: list[Problem]) -> Briefing | None:
    slug = _slug(record, config, problems)
    v = record.values
    if slug is None:
        return None
    # Kept even without a title (already reported), so articles citing it raise no more.
    return Briefing(record.path, slug, v.get("title", ""),
                    v.get("summary") or record.first_paragraph, v.get("weight", 0),
                    v.get("updated"), html, v.get("summary", ""))


def _citable(briefings: list[Briefing], config: SiteConfig) -> dict[str, str]:
    """Map each name an article may cite a briefing by to its slug: the slug or file name."""
    # With `slugify: ascii` briefings/한러-관계.md is served as halleo-gwangye;
    # articles citing it by its file name, as they did before the switch, keep working.
    names = {unicodedata.normalize("NFC", _stem(b.source_path, config)): b.slug
             for b in briefings}
    return names | {b.slug: b.slug for b in briefings}  # a slug never means another briefing


def _cite(ref: str, citable: Mapping[str, str], mode: str) -> str | None:
    """Return the slug of the briefing an article's reference names, or None."""
    ref = unicodedata.normalize("NFC", ref)
    return citable.get(ref) or citable.get(slugs.slugify(ref, mode))


def _article(record: ParsedFile, key: str, config: SiteConfig, citable: Mapping[str, str],
             site_files: set[str], problems: list[Problem]) -> Article | None:
    v = record.values
    slug = _slug(record, config, problems)
    picture = None
    if "picture" in v and slug is not None:
        picture = leaves.picture(record, routes.article(slug), site_files, problems)
    known = sorted(set(citable.values()))
    cited = {ref: _cite(ref, citable, config.slugify) for ref in v.get("briefings", ())}
    for ref, found in cited.items():
        if found is None:
            # Offered by the slug it would have (한러-관게 → halleo-gwange ≈ halleo-gwangye).
            near = slugs.slugify(ref, config.slugify)
            hint = (suggest(near, known).replace("allowed keys", "known briefings")
                    if known else "no briefings exist yet")
            problems.append(Problem(record.path, record.line("briefings"),
                                    f"unknown briefing '{ref}'; {hint} (or create "
                                    f"content/briefings/{ref}.md)"))
    if slug is None or "date" not in v or "title" not in v:
        return None
    permalink = config.permalink(routes.article(slug))
    corrections = tuple(sorted((Notice(c["date"], c["text"]) for c in v.get("corrections", ())),
                               key=lambda n: (n.date, n.text)))
    updates = tuple(sorted((Notice(u["date"], u["text"], u["significant"])
                            for u in v.get("updates", ())), key=lambda n: (n.date, n.text)))
    # The article counts as modified only by a correction or a significant update (or the
    # `updated` the editor wrote), never by a typo fix: feeds and dateModified follow it.
    moved = [v.get("updated"), *(n.date for n in corrections),
             *(n.date for n in updates if n.significant)]
    updated = max((m for m in moved if m is not None), default=None)
    return Article(
        source_path=record.path, slug=slug, title=v["title"], date=v["date"],
        updated=updated, author=v.get("author", ""), source=v.get("source", ""),
        source_url=v.get("source_url", ""),
        briefings=tuple(dict.fromkeys(found or ref for ref, found in cited.items())),
        tags=tuple(dict.fromkeys(v.get("tags", ()))),
        summary=v.get("summary") or record.first_paragraph, draft=v.get("draft", False),
        guid=v.get("id", permalink), key=key, card=record.card, extra=v.get("extra", {}),
        publish_date=v.get("publish_date"), expires=v.get("expires"), image=v.get("image", ""),
        lede=v.get("summary", ""), picture=picture, corrections=corrections, updates=updates,
        key_development=v.get("key", False),
    )


def _with_events(item: Listed, records: dict[str, ParsedFile], known: Mapping[str, Entity],
                 problems: list[Problem]) -> Listed:
    """Give a briefing or an article the events of its front matter."""
    record = records[item.source_path]
    if "events" not in record.values:
        return item
    return dataclasses.replace(item, events=_events(record, known, problems))


def _events(record: ParsedFile, known: Mapping[str, Entity], problems: list[Problem]
            ) -> tuple[Event, ...]:
    """Make the events of one file's front matter; report each `about` naming no entity."""
    found = []
    path, line = record.path, record.line("events")
    for number, item in enumerate(record.values["events"], 1):
        missing = [slug for slug in item["about"] if slug not in known]
        problems += [Problem(path, line, f"'events' item {number}: 'about': "
                             f"{entities.unknown(slug, known)}") for slug in missing]
        found.append(Event(item["day"], item["precision"], item["title"], path, item["text"],
                           tuple(s for s in item["about"] if s in known), item["key"]))
    return tuple(found)
