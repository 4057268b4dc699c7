"""Plan the claim pages, and give briefing and entity pages the claims they show. Pure."""

from __future__ import annotations

import dataclasses

from generator import claims, routes
from generator.model import Claim, Entity, Page, Site
from generator.pages import HOME, Crumb, FeedLink, page


def parties(site: Site, found: tuple[Claim, ...]) -> dict[str, Entity]:
    """Return the entities taking a position on these claims, by slug."""
    known = site.entity_of_slug
    return {p.by: known[p.by] for c in found for p, _ in c.positions if p.by in known}


def claim_pages(site: Site, common: list[FeedLink], home: Crumb = HOME) -> list[Page]:
    """Plan the claim index and one page per claim: where each party stands, then every position."""
    if not site.claims:
        return []
    pages = [page(site, common, routes.CLAIMS, "claims.html", "", claims=claims.recent(site.claims),
                  parties=parties(site, site.claims), crumbs=(home,),
                  lastmod=max(c.positions[-1][0].date for c in site.claims))]
    crumbs = (home, Crumb("claims", routes.CLAIMS, key=True))
    for claim in site.claims:
        seen = dict.fromkeys(a for _, a in claim.positions)  # by first appearance
        pages.append(page(
            site, common, claim.path, "claim.html", claim.text, claim=claim,
            parties=parties(site, (claim,)), author=site.entity_of_slug.get(claims.author(claim)),
            appearances=tuple(seen), crumbs=crumbs, lastmod=claim.positions[-1][0].date))
    return pages


def annotate(site: Site, planned: list[Page]) -> list[Page]:
    """Add to the first page of each briefing and entity the claims and positions it shows."""
    if not site.claims:
        return planned
    done = []
    for planned_page in planned:
        context = planned_page.context
        pager = context.get("pager")
        if pager is not None and pager.number != 1:
            done.append(planned_page)
            continue
        if planned_page.template == "briefing.html":
            found = claims.of_articles(site.claims, site.articles_in(context["briefing"].slug))
            extra = {"claim_summary": found, "claim_parties": parties(site, found)}
        elif planned_page.template == "entity.html":
            extra = {"entity_positions": claims.of_entity(site.claims, context["entity"].slug)}
        else:
            done.append(planned_page)
            continue
        done.append(dataclasses.replace(planned_page, context={**context, **extra}))
    return done
