"""Render the feeds that changed, over worker processes like the pages."""

from __future__ import annotations

import html
from pathlib import Path

from generator import feeds, i18n, parallel, routes, theme
from generator.cache import Store
from generator.content import body_html
from generator.digest_pages import notes_of
from generator.editions import Edition, Editions
from generator.errors import Problem, ThemeError
from generator.fingerprint import Digester
from generator.model import Article, Briefing, Output, Page, Site
from generator.output import Sink

# A feed takes about 25 ms (50 items, each body made absolute): worth a process from two on.
MIN_PER_JOB = 2

_JOB: tuple[Site, list[feeds.FeedSpec], Path, Store, dict[str, str]] | None = None


def _render(index: int) -> list[Output]:
    assert _JOB is not None
    site, specs, root, store, words = _JOB

    def body(article: Article) -> str:
        return body_html(root, site.config, "article", article.source_path, article.key, store)

    return feeds.render_feeds(site, specs[index], body, words)


# The words a feed item uses for positions on claims (English, for a theme that lacks them).
FEED_WORDS = {"claims": "Claims and positions", "stance_asserts": "says",
              "stance_confirms": "confirms", "stance_denies": "denies",
              "stance_disputes": "disputes", "stance_declines_to_comment": "declines to comment",
              "stance_retracts": "retracts"}


def feed_words(layers: tuple[Path, ...], language: str, root: Path) -> dict[str, str]:
    """Return the theme's words a feed item uses for positions on claims, in the language."""
    return i18n.patterns(layers, language, FEED_WORDS, {}, root)


def render_feeds(site: Site, specs: list[feeds.FeedSpec], root: Path, store: Store,
                 jobs: int, words: dict[str, str]) -> list[list[Output]]:
    """Render each spec's feed files, in order; workers inherit the site by fork."""
    global _JOB
    _JOB = (site, specs, root, store, words)
    try:
        return parallel.run(_render, range(len(specs)), jobs, min_per_job=MIN_PER_JOB)
    finally:
        _JOB = None


def publish_feeds(site: Site, digester: Digester, publisher: Sink, store: Store,
                  root: Path, jobs: int, words: dict[str, str]) -> int:
    """Stage the site, briefing and entity feeds whose items changed; return how many exist.

    `words` are feed_words: an item lists the positions on claims its article records.
    """
    todo: list[tuple[feeds.FeedSpec, str]] = []
    specs = feeds.specs(site)
    for spec in specs:
        # What the feed shows: its newest items, with their bodies (by their keys).
        items = spec.articles[: site.config.feeds.items]
        # Its items' tags too: a tag's name is the first spelling among all listed articles.
        # And their featured images: their size is read from the image, not the card.
        digest = digester.digest("feed", spec.path, spec.title, spec.description, items,
                                 [a.key for a in items], [site.tags_of(a) for a in items],
                                 [a.picture for a in items], site.config,
                                 feeds.positions_shown(site, items), words)
        paths = routes.feed_files(spec.path)
        if not all(publisher.unchanged(path, digest) for path in paths):
            todo.append((spec, digest))
    rendered = render_feeds(site, [spec for spec, _ in todo], root, store, jobs, words)
    for (_, digest), outputs in zip(todo, rendered, strict=True):
        for output in outputs:
            publisher.write(output.path, output.data, digest)
    return len(routes.FEEDS) * len(specs)


def publish_digest_feeds(site: Site, editions: Editions, digester: Digester,
                         publisher: Sink,
                         the_theme: theme.Theme, root: Path) -> int:
    """Stage the digest feeds (site-wide and per briefing) whose editions changed."""
    count = 0
    notes = notes_of(site)
    t = i18n.translator(the_theme.layers, site.config.language)
    scopes: list[tuple[Briefing | None, tuple[Edition, ...]]] = [(None, editions.site)]
    scopes += [(b, editions.by_briefing[b.slug]) for b in site.briefings
               if editions.by_briefing.get(b.slug)]
    for scope, own in scopes:
        if not own:
            continue
        count += len(routes.FEEDS)
        # The articles' featured images too, which a body may show: their size is read from
        # the image file, which the card (a digest of the parsed front matter) does not cover.
        pictures = [a.picture for e in own for g in e.groups for a in g.articles]
        digest = digester.digest("digest-feed", scope, own, pictures, site.config,
                                 [notes.get((e.scope, e.key)) for e in own])
        paths = routes.feed_files(routes.digests(scope.path if scope else ""))
        if all(publisher.unchanged(path, digest) for path in paths):
            continue
        bodies, summaries = {}, {}
        for edition in own:
            # In the site's language, as the email's preheader counts them.
            briefs = sum(1 for g in edition.groups if g.briefing is not None)
            counted = t("articles", n=edition.count)
            summaries[edition.key] = html.unescape(str(  # markup, made plain text again
                t("email_summary", articles=counted, briefings=t("briefings_count", n=briefs))
                if scope is None and briefs else counted))
            fragment = theme.render_page(the_theme, Page("", "digest_body.html", {
                "site": site.config, "edition": edition, "scope": scope,
                "note": notes.get((edition.scope, edition.key))}), root)
            if isinstance(fragment, Problem):
                raise ThemeError([fragment])
            bodies[edition.key] = fragment
        for output in feeds.render_digest_feeds(site, scope, own, bodies, summaries,
                                                editions.words):
            publisher.write(output.path, output.data, digest)
    return count
