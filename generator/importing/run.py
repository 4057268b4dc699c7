"""Import sources as drafts: read everything first, then write only if all of it was read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from generator import dates, schema
from generator.config import load_config
from generator.errors import ContentError, Problem
from generator.importing import drafts, sources
from generator.importing.feeds import FeedProblem, read_json_feed, read_xml_feed
from generator.importing.furniture import Furniture
from generator.importing.item import Item, text_key
from generator.importing.text import read_text
from generator.importing.webpage import NoText, read_page
from generator.slugs import collision_key


@dataclass(frozen=True)
class ImportOptions:
    """What `briefings import` was asked to do."""

    site_root: Path
    sources: tuple[str, ...]
    briefing: str | None = None
    dry_run: bool = False
    update: bool = False
    timezone: str | None = None  # for dates written without an offset [default: the site's]
    fetch: bool = False
    now: datetime | None = None  # the import time [default: the clock]


@dataclass(frozen=True)
class ImportResult:
    """What was (or, with --dry-run, would be) written, updated and skipped."""

    written: tuple[Path, ...]
    updated: tuple[Path, ...]
    skipped: int


def _items(raw: sources.Raw, tz: ZoneInfo, furniture: Furniture,
           problems: list[Problem]) -> list[Item]:
    try:
        if raw.kind == "feed":
            return read_xml_feed(raw.data, raw.origin, tz, furniture)
        if raw.kind == "json":
            return read_json_feed(raw.data, raw.origin, tz, furniture)
        if raw.kind == "html":
            item = read_page(raw.data, raw.origin, tz, furniture)
            if raw.url and not item.source_url:  # fetched: the address it came from
                item = replace(item, source_url=raw.url,
                               fields=(*item.fields, ("source_url", "fetch")))
            return [item]
        return [read_text(raw.data, raw.origin, tz, furniture)]
    except (FeedProblem, NoText) as exc:
        problems.append(Problem(raw.origin, None, str(exc)))
    except UnicodeDecodeError as exc:
        problems.append(Problem(raw.origin, None, f"is not UTF-8 text (bad byte at offset "
                                f"{exc.start}); save it as UTF-8"))
    return []


def _briefings(site_root: Path) -> list[str]:
    folder = site_root / "content" / "briefings"
    return sorted(p.stem for p in folder.glob("*.md")) if folder.is_dir() else []


def run_import(options: ImportOptions, say: Callable[[str], None]) -> ImportResult:
    """Import every source as a draft; raise ContentError, writing nothing, on any problem."""
    config = load_config(options.site_root)
    tz = dates.zone(options.timezone or config.timezone)
    furniture = Furniture(config.import_furniture)
    problems: list[Problem] = []
    known = _briefings(options.site_root)
    if options.briefing is not None and options.briefing not in known:
        problems.append(Problem("--briefing", None, f"no briefing {options.briefing!r}; "
                                + schema.suggest(options.briefing, known)))
    items = [item for raw in sources.collect(options.sources, options.fetch, problems)
             for item in _items(raw, tz, furniture, problems)]
    for item in items:
        if not item.title:
            problems.append(Problem(item.origin, None, "has no title; its first line (or the "
                                    "page's headline) should be the title"))
    if problems:
        raise ContentError(problems)
    now = (options.now or datetime.now(tz)).astimezone(tz).replace(microsecond=0)
    imported = now.isoformat()
    articles = options.site_root / "content" / "articles"
    folder = options.site_root / "content" / config.import_folder
    seen = drafts.existing(articles)
    taken = {collision_key(e.slug) for e in seen}
    written: list[Path] = []
    updated: list[Path] = []
    skipped = 0
    verb = "would write" if options.dry_run else "wrote"
    for item in items:
        if not item.text.strip():
            say(f"warning: {item.origin}: no text; skipped")
            skipped += 1
            continue
        if (found := drafts.duplicate(item, seen)) is not None:
            article, why = found
            shown = article.path.relative_to(options.site_root).as_posix()
            if options.update and article.text_key != text_key(item.text):
                refreshed = drafts.refreshed(article.path.read_text(encoding="utf-8"), item,
                                             imported)
                if refreshed is not None:
                    if not options.dry_run:
                        drafts.replace(article.path, refreshed)
                    say(f"{'would update' if options.dry_run else 'updated'} {shown}: "
                        f"its import.original now holds {item.origin}")
                    updated.append(article.path)
                    continue
            skipped += 1
            hint = "" if options.update else "; --update refreshes its original"
            say(f"skipped {item.origin}: already imported as {shown} ({why}{hint})")
            continue
        if not item.date:
            item = replace(item, date=imported, heuristic_date=True,
                           fields=(*item.fields, ("date", "import-time")))
        slug = drafts.slug_for(item.title, config.slugify, taken)
        taken.add(collision_key(slug))
        path = folder / f"{slug}.md"
        shown = path.relative_to(options.site_root).as_posix()
        if item.heuristic_date:
            how = ("the import time" if ("date", "import-time") in item.fields
                   else "a guess from the page (htmldate)")
            say(f"warning: {shown}: {item.origin} gives no date; used {how}, {item.date}; "
                "check it and set date before publishing")
        if not options.dry_run:
            drafts.create(path, drafts.render(item, options.briefing, imported))
        say(f"{verb} {shown}")
        written.append(path)
        seen.append(drafts.Existing(path, slug, item.source_url, text_key(item.text)))
    return ImportResult(tuple(written), tuple(updated), skipped)
