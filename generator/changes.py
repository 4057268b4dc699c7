"""Find what changed in each digest period: new claims, changed stances, notices, debuts.

Pure: no IO, no clock. A period is read only from articles dated before its end, so that
publishing a later article never changes what an earlier edition says changed. Each thing
belongs to the period of the article that reports it (a position or a first appearance),
or of its notice's date (a correction or a significant update of an article dated before
the period's end). A briefing's editions show the site's changes that its own articles of
the period report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from generator.model import Article, Claim, Entity, Notice, Position, Site


@dataclass(frozen=True)
class NewClaim:
    """A claim first reported in the period, with its first position there."""

    claim: Claim  # with the positions reported before the period's end only
    party: Entity
    position: Position
    article: Article


@dataclass(frozen=True)
class StanceChange:
    """A party's position in the period that differs from its earlier stance on the claim."""

    claim: Claim  # with the positions reported before the period's end only
    party: Entity
    position: Position
    article: Article
    earlier: Position
    earlier_article: Article


@dataclass(frozen=True)
class Revision:
    """A correction or a significant update of an article; `number` counts from 1."""

    article: Article
    number: int
    notice: Notice
    kind: str  # "correction" or "update"

    @property
    def anchor(self) -> str:
        """Return its fragment on the article page (correction-2, update-1)."""
        return f"{self.kind}-{self.number}"


@dataclass(frozen=True)
class Debut:
    """An entity that no article dated before the period was about or mentioned."""

    entity: Entity
    article: Article  # the period's first article about or mentioning it


@dataclass(frozen=True)
class Changes:
    """What changed in one edition's period, each kind oldest first."""

    new_claims: tuple[NewClaim, ...] = ()
    stance_changes: tuple[StanceChange, ...] = ()
    corrections: tuple[Revision, ...] = ()
    updates: tuple[Revision, ...] = ()
    new_entities: tuple[Debut, ...] = ()

    def __bool__(self) -> bool:
        """Tell whether there is anything to show."""
        return bool(self.new_claims or self.stance_changes or self.corrections
                    or self.updates or self.new_entities)


def _in(article: Article, scope: str) -> bool:
    return not scope or scope in article.briefings


def _when(article: Article) -> tuple[datetime, str]:
    # Articles of the same moment are taken by path, whatever order the site lists them in.
    return article.date, article.source_path


@dataclass(frozen=True)
class History:
    """Everything dated, bucketed once by period, for every edition to read its own."""

    period_of: Callable[[datetime], date]  # the first day of the period of a moment
    site: Site
    # Claims by period of the first article reporting them; (position, article) there.
    new_claims: dict[date, list[tuple[Claim, tuple[tuple[Position, Article], ...]]]]
    stance_changes: dict[date, list[tuple[Claim, Position, Article, Position, Article]]]
    debuts: dict[date, list[tuple[Entity, tuple[Article, ...]]]]
    revisions: dict[date, list[Revision]]  # by the period of the notice's date

    def changes(self, start: datetime, until: datetime, scope: str = "") -> Changes:
        """Return what changed in [start, until), for a briefing's slug or site-wide ("")."""
        key = self.period_of(start)
        entities = self.site.entity_of_slug
        new_claims = []
        for claim, pairs in self.new_claims.get(key, ()):
            first = next(((p, a) for p, a in pairs if _in(a, scope)), None)
            if first is not None and first[0].by in entities:
                new_claims.append(NewClaim(_until(claim, until), entities[first[0].by], *first))
        changed = [StanceChange(_until(claim, until), entities[p.by], p, a, e, ea)
                   for claim, p, a, e, ea in self.stance_changes.get(key, ())
                   if _in(a, scope) and p.by in entities]
        debuts = []
        for entity, articles in self.debuts.get(key, ()):
            first_article = next((a for a in articles if _in(a, scope)), None)
            if first_article is not None:
                debuts.append(Debut(entity, first_article))
        revisions = [r for r in self.revisions.get(key, ())
                     if r.article.date < until and _in(r.article, scope)]
        return Changes(tuple(new_claims), tuple(changed),
                       tuple(r for r in revisions if r.kind == "correction"),
                       tuple(r for r in revisions if r.kind == "update"), tuple(debuts))


def _until(claim: Claim, until: datetime) -> Claim:
    """Return the claim as known at a period's end: later articles' positions left out."""
    return Claim(claim.id, claim.text, claim.verdict,
                 tuple(pair for pair in claim.positions if pair[1].date < until))


def _remembered(period_of: Callable[[datetime], date]) -> Callable[[datetime], date]:
    """Return period_of, each moment worked out once (an article is asked about often)."""
    known: dict[datetime, date] = {}

    def remembered(moment: datetime) -> date:
        found = known.get(moment)
        if found is None:
            found = known[moment] = period_of(moment)
        return found

    return remembered


def history(site: Site, period_of: Callable[[datetime], date]) -> History:
    """Gather every dated change of the site's listed articles, by period."""
    period_of = _remembered(period_of)
    new_claims: dict[date, list[tuple[Claim, tuple[tuple[Position, Article], ...]]]] = {}
    stance_changes: dict[date, list[tuple[Claim, Position, Article, Position, Article]]] = {}
    for claim in site.claims:
        first = min(period_of(a.date) for _, a in claim.positions)
        new_claims.setdefault(first, []).append((claim, tuple(
            pair for pair in claim.positions if period_of(pair[1].date) == first)))
        for found in _stance_changes(claim, period_of):
            stance_changes.setdefault(period_of(found[2].date), []).append(found)
    for found_changes in stance_changes.values():
        found_changes.sort(key=lambda c: (c[1].date, *_when(c[2]), c[0].id, c[1].by))
    for found_claims in new_claims.values():
        found_claims.sort(key=lambda c: (c[1][0][0].date, *_when(c[1][0][1]), c[0].id))
    revisions: dict[date, list[Revision]] = {}
    for revision in _revisions(site.articles):
        revisions.setdefault(period_of(revision.notice.date), []).append(revision)
    return History(period_of, site, new_claims, stance_changes,
                   _debuts(site, period_of), revisions)


def _stance_changes(claim: Claim, period_of: Callable[[datetime], date]
                    ) -> Iterable[tuple[Claim, Position, Article, Position, Article]]:
    """Yield each position whose stance differs from its party's earlier one on the claim.

    The earlier one is the party's last before it (in the claim's order: by the position's
    date) among articles of the same period or before, as the edition knew them.
    """
    by_party: dict[str, list[tuple[Position, Article]]] = {}
    for pair in claim.positions:
        by_party.setdefault(pair[0].by, []).append(pair)
    for pairs in by_party.values():
        for index, (position, article) in enumerate(pairs):
            period = period_of(article.date)
            earlier = next((pair for pair in reversed(pairs[:index])
                            if period_of(pair[1].date) <= period), None)
            if earlier is not None and earlier[0].stance != position.stance:
                yield claim, position, article, *earlier


def _debuts(site: Site, period_of: Callable[[datetime], date]
            ) -> dict[date, list[tuple[Entity, tuple[Article, ...]]]]:
    """Return the entities by the period of their first article, with its articles on them."""
    seen: dict[str, list[Article]] = {}
    for article in sorted(site.articles, key=_when):
        for slug in dict.fromkeys((*article.about, *article.mentions)):
            seen.setdefault(slug, []).append(article)
    found: dict[date, list[tuple[Entity, tuple[Article, ...]]]] = {}
    for entity in site.entities:  # the entity index's order
        articles = seen.get(entity.slug)
        if not articles:
            continue
        first = period_of(articles[0].date)
        found.setdefault(first, []).append((entity, tuple(
            a for a in articles if period_of(a.date) == first)))
    return found


def _revisions(articles: Iterable[Article]) -> list[Revision]:
    """Return every correction and significant update (never a draft's), by date."""
    found = []
    for article in articles:
        if article.draft:  # as the corrections page: a draft's notices are issued nowhere
            continue
        for kind, notices in (("correction", article.corrections), ("update", article.updates)):
            found += [Revision(article, number, notice, kind)
                      for number, notice in enumerate(notices, 1) if notice.significant]
    # Ties by path, kind and number: the order never depends on the order of the input.
    found.sort(key=lambda r: (r.notice.date, r.article.path, r.kind, r.number))
    return found
