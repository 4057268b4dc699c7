"""Plan the claim pages: the index, and each claim's parties and positions. Pure."""

from __future__ import annotations

from generator import claims, routes
from generator.model import Page, Site
from generator.pages import HOME, Crumb, FeedLink, page


def claim_pages(site: Site, common: list[FeedLink], home: Crumb = HOME) -> list[Page]:
    """Plan the claim index and one page per claim: where each party stands, then every position."""
    if not site.claims:
        return []
    pages = [page(site, common, routes.CLAIMS, "claims.html", "", claims=claims.recent(site.claims),
                  parties=claims.parties(site, site.claims), crumbs=(home,),
                  lastmod=max(c.positions[-1][0].date for c in site.claims))]
    crumbs = (home, Crumb("claims", routes.CLAIMS, key=True))
    for claim in site.claims:
        seen = dict.fromkeys(a for _, a in claim.positions)  # by first appearance
        pages.append(page(
            site, common, claim.path, "claim.html", claim.text, claim=claim,
            parties=claims.parties(site, (claim,)),
            author=site.entity_of_slug.get(claims.author(claim)),
            appearances=tuple(seen), crumbs=crumbs, lastmod=claim.positions[-1][0].date))
    return pages

