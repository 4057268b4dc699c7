"""Plan the digest pages: edition pages, their indexes, and email-ready copies. Pure."""

from __future__ import annotations

from generator import routes
from generator.editions import Edition, Editions
from generator.model import Briefing, Note, Page, Site
from generator.pages import FeedLink, common_feeds, digest_feeds, page


def notes_of(site: Site) -> dict[tuple[str, str], Note]:
    """Return the editors' notes by (briefing slug or "", edition key)."""
    return {(n.scope, n.edition): n for n in site.notes}


def _edition_pages(site: Site, common: list[FeedLink], all_editions: Editions,
                   editions: tuple[Edition, ...], scope: Briefing | None) -> list[Page]:
    notes = notes_of(site)
    own_feeds = digest_feeds(site, scope, all_editions)
    feeds = own_feeds if scope else []
    base = routes.digests(scope.path if scope else "")
    label = (all_editions.word("digests_of", name=scope.title) if scope
             else all_editions.word("digests"))
    pages = [page(site, common, base, "digests.html", label, editions=tuple(reversed(editions)),
                  scope=scope, extra_feeds=feeds, own_feeds=own_feeds)]
    for index, edition in enumerate(editions):
        previous = editions[index - 1] if index > 0 else None
        following = editions[index + 1] if index + 1 < len(editions) else None
        title = f"{scope.title}: {edition.title}" if scope else edition.title
        note = notes.get((edition.scope, edition.key))
        pages.append(page(site, common, edition.folder, "digest.html", title,
                          edition=edition, scope=scope, previous=previous, following=following,
                          extra_feeds=feeds, own_feeds=own_feeds, note=note))
        if scope is None:
            # Copies for the newsletter tool, not pages for readers: in no sitemap or index.
            for name, kind in (routes.EMAIL, routes.EMAIL_TEXT):
                pages.append(page(site, common, edition.folder + name, name, title, kind=kind,
                                  edition=edition, scope=scope, note=note, listed=False))
    return pages


def plan_digests(site: Site, editions: Editions) -> list[Page]:
    """Return every digest page: site-wide editions, then each briefing's."""
    if not site.config.digests.enabled:
        return []
    common = common_feeds(site, editions)
    pages = _edition_pages(site, common, editions, editions.site, None)
    for briefing in site.briefings:
        own = editions.by_briefing.get(briefing.slug, ())
        if own:
            pages.extend(_edition_pages(site, common, editions, own, briefing))
    return pages
