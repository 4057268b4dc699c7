"""Parse, plan, render and publish: the stages a build runs once its inputs have changed.

Kept apart from `build` so that a build that finds nothing changed never imports the
Markdown, template, feed and search machinery at all.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import cast

from generator import (
    body_edits,
    freshness,
    parts,
    publishing,
    routes,
    site_files,
    theme,
)
from generator.cache import Store
from generator.content import parse_settings, read_content
from generator.decide import Facts, Plan, decide
from generator.editions import Editions
from generator.errors import ContentError, Interrupted
from generator.fingerprint import Digester, of_bytes
from generator.ledger import Record, recorded_warnings
from generator.model import BuildResult, Site, SiteConfig
from generator.output import Publisher, rewrite_summary
from generator.scan import Found
from generator.site import status
from generator.sitemap import robots, sitemap

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Inputs:
    """What the build read before deciding that something changed."""

    root: Path
    config: SiteConfig
    out: Path
    existing: Mapping[str, int]  # every file now in the output folder, with its size
    theme: theme.Theme
    found: Found
    statics: tuple[tuple[str, bytes, str], ...]  # output path, bytes, digest
    digester: Digester
    frame: str  # freshness.sources_digest of all of the above but the content files' bytes
    sources: str  # freshness.sources_digest of all of the above
    now: datetime
    edition_cut: tuple[bool, str]
    previous: dict[str, object]  # the summary the previous build left ({} with --no-cache)
    record: Record  # the previous build's record, as read once
    facts: Facts  # what the decision was made from
    cache_dir: Path | None  # where the record of the output is kept


@dataclass(frozen=True)
class Settings:
    """The options of this build that the stages use."""

    drafts: bool
    future: bool
    include_current: bool
    cache: bool
    jobs: int
    refresh_search: bool
    progress: Progress | None


def run(inputs: Inputs, settings: Settings, plan: Plan, store: Store, started: float,
        timings: list[tuple[str, float]]) -> BuildResult:
    """Build from the inputs into the output folder, publishing only a complete site."""

    def lap(name: str) -> None:
        _lap(timings, started, name)

    root, config, out, the_theme, digester = (inputs.root, inputs.config, inputs.out,
                                              inputs.theme, inputs.digester)
    existing, statics, now, options = inputs.existing, inputs.statics, inputs.now, settings
    publisher: Publisher | None = None
    previous = inputs.previous
    flags = (options.drafts, options.future, options.include_current)
    try:
        recalled = _recall(inputs, plan, store)
        lap("recall")
        if recalled is not None:
            # Cards, statuses and editions are as recorded: only the bodies' keys are new.
            window = cast("list[str | None]", previous["window"])  # checked by the plan
            structure = cast(str, previous["structure"])
            plan = decide(previous, replace(inputs.facts, structure=structure))
            # Only bodies whose cards (warnings included) are unchanged: the same warnings.
            kept = {**_summary(digester, inputs, recalled.states, window),
                    "structure": structure, "bodies": recalled.bodies,
                    "warnings": list(recorded_warnings(previous))}
            publisher = Publisher(out, existing, inputs.record, True, inputs.cache_dir)
            return _bodies_only(publisher, recalled.site, recalled.editions, kept, inputs,
                                options, store, started, timings, _held(recalled.states),
                                plan)
        content = read_content(root, config, store, inputs.found, options.jobs,
                               options.progress)
        lap("content")
        states = [status(a, now, options.drafts, options.future) for a in content.articles]
        summary = _summary(digester, inputs, states,
                           freshness.window(content.articles, now, config))
        structure = body_edits.structure(
            digester, config, flags, content, states, inputs.edition_cut,
            [(path, digest) for path, _, digest in statics])
        if plan.work == "parse":
            plan = decide(previous, replace(inputs.facts, inputs=cast(str, summary["inputs"]),
                                            structure=structure))
        if plan.work == "record" and not content.problems:
            # Only the clock moved: record the new window so the next build stops sooner.
            rewrite_summary(out, inputs.cache_dir, inputs.record, {**previous, **summary})
            lap("unchanged")
            return BuildResult(int(str(previous.get("pages", 0))),
                               int(str(previous.get("feeds", 0))), 0,
                               time.perf_counter() - started, str(out), tuple(timings),
                               _held(states), plan.reason, recorded_warnings(previous))
        summary["structure"] = structure
        summary["bodies"] = body_edits.bodies(content.articles)
        made = parts.make(config, content, options.drafts, now, options.future,
                          lambda site: publishing.editions_of(
                              site, now, options.include_current, the_theme.layers, root))
        problems = [*content.problems, *(p for part in made for p in part.site.problems),
                    *(p for part in made
                      for p in site_files.check_notes(part.site, part.editions, now))]
        own_robots = any(path == routes.ROBOTS for path, _, _ in content.statics)
        if problems:  # every problem at once: the addresses too, before nothing is kept
            raise ContentError(problems + publishing.plan_parts(
                made, config, the_theme.layers, root, content.statics, statics,
                own_robots)[1])
        summary["warnings"] = sorted(str(w) for w in content.warnings)
        single = len(made) == 1 and made[0].language is None
        site, editions = made[0].site, made[0].editions
        if options.cache and single:
            body_edits.save(store, inputs.frame, structure, inputs.found, states, content,
                            site, editions)
        if plan.work == "bodies" and single:
            publisher = Publisher(out, existing, inputs.record, True, inputs.cache_dir)
            return _bodies_only(publisher, site, editions, summary, inputs, options, store,
                                started, timings, _held(states), plan)
        per_part, problems = publishing.plan_parts(made, config, the_theme.layers, root,
                                                   content.statics, statics, own_robots)
        if problems:
            raise ContentError(problems)
        planned = [page for own in per_part for page in own]
        lap("plan")
        publisher = Publisher(out, existing, inputs.record, options.cache, inputs.cache_dir)
        stage = publishing.Stage(the_theme, digester, root, store,
                                 inputs.cache_dir if options.cache else None, options.jobs,
                                 options.progress, options.refresh_search)
        feed_count = sum(publishing.publish_part(part, own, publisher, stage)
                         for part, own in zip(made, per_part, strict=True))
        lap("render")
        alternates = parts.sitemap_alternates(planned)
        for extra in ([sitemap(config, planned, alternates)]
                      + ([] if own_robots else [robots(config)])):
            digest = of_bytes(extra.data)
            if not publisher.unchanged(extra.path, digest):
                publisher.write(extra.path, extra.data, digest)
        if not single:  # the site's own files, once, at the root of every language
            site_files.publish_statics(content.statics, publisher)
        for path, data, digest in statics:
            if not publisher.unchanged(path, digest):
                publisher.write(path, data, digest)
        publisher.summary = {**summary, "pages": len(planned), "feeds": feed_count}
        changed = publisher.commit()
        lap("publish")
    except KeyboardInterrupt:
        if publisher is not None and publisher.committed:
            raise Interrupted(published=True) from None
        if publisher is not None:
            publisher.abort()
        raise Interrupted(published=False) from None
    except BaseException:
        if publisher is not None:
            publisher.abort()
        raise
    finally:
        store.close()
    return BuildResult(len(planned), feed_count, changed, time.perf_counter() - started,
                       str(out), tuple(timings), _held(states), plan.reason,
                       recorded_warnings(summary))


def _summary(digester: Digester, inputs: Inputs, states: list[str],
             window: Sequence[str | None]) -> dict[str, object]:
    """Return what the next build compares: the inputs digest, the window, held-back counts."""
    # The statuses as one string: as a list of 30,000 items they cost a digest call apiece.
    return {"inputs": digester.digest("inputs", inputs.sources, " ".join(states),
                                      inputs.edition_cut),
            "parts": dict(inputs.facts.parts), "files": dict(inputs.facts.files),
            "window": list(window),
            "held": [list(pair) for pair in _held(states)]}


def _lap(timings: list[tuple[str, float]], started: float, name: str) -> None:
    timings.append((name, time.perf_counter() - started - sum(t for _, t in timings)))


def _recall(inputs: Inputs, plan: Plan, store: Store) -> body_edits.Recalled | None:
    """Return the kept model when the plan is to parse a few edited files within the span."""
    previous = inputs.previous
    if not (plan.work == "parse" and plan.edited
            and freshness.within(previous.get("window"), inputs.now)
            and isinstance(previous.get("bodies"), dict)):
        return None
    return body_edits.recall(store, inputs.frame, inputs.found, parse_settings(inputs.config),
                             previous)


def _bodies_only(publisher: Publisher, site: Site, editions: Editions,
                 summary: dict[str, object], inputs: Inputs, options: Settings, store: Store,
                 started: float, timings: list[tuple[str, float]],
                 held: tuple[tuple[str, int], ...], plan: Plan) -> BuildResult:
    """Render the pages and feeds of the edited bodies, then publish."""

    def lap(name: str) -> None:
        _lap(timings, started, name)

    page_count, feed_count = body_edits.rebuild(
        publisher, inputs.previous, site, editions, inputs.digester, inputs.theme,
        inputs.root, store, inputs.config, options.jobs, options.progress,
        options.refresh_search)
    lap("bodies")
    publisher.summary = {**summary, "pages": page_count, "feeds": feed_count}
    changed = publisher.commit()
    lap("publish")
    return BuildResult(page_count, feed_count, changed, time.perf_counter() - started,
                       str(inputs.out), tuple(timings), held, plan.reason,
                       recorded_warnings(summary))


def _held(states: list[str]) -> tuple[tuple[str, int], ...]:
    counts: dict[str, int] = {}
    for state in states:
        if state in ("draft", "scheduled"):
            counts[state] = counts.get(state, 0) + 1
    return tuple(sorted(counts.items()))
