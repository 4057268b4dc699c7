"""Check the claims articles record, and gather each claim's positions from listed articles."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from generator import dates, slugs
from generator.errors import Problem
from generator.model import STANCES, Article, Claim, Entity, Position, Site
from generator.schema import Invalid, nonempty, suggest

if TYPE_CHECKING:
    from generator.parse import ParsedFile

# `claim:` is the spelling of a position on a claim defined elsewhere; `id:` both.
KEYS = ("id", "claim", "text", "by", "stance", "quote", "date", "verdict")


def entries(value: Any) -> list[dict[str, str]]:
    """Accept a list of claim mappings of text values (checked further once all are read)."""
    if not isinstance(value, list):
        raise Invalid("expected a list of mappings, e.g. [{id: x, by: y, stance: asserts}]")
    found = []
    for number, item in enumerate(value, 1):
        if not isinstance(item, dict):
            raise Invalid(f"item {number} is not a mapping; write '- id: …' with by and stance")
        entry = {}
        for key, raw in item.items():
            if str(key) not in KEYS:
                raise Invalid(f"item {number}: unknown key '{key}'; {suggest(str(key), [*KEYS])}")
            try:
                entry[str(key)] = nonempty(raw)
            except Invalid as exc:
                raise Invalid(f"item {number}: '{key}' {exc}") from None
        found.append(entry)
    return found


def attach(articles: list[Article], records: dict[str, ParsedFile], people: Sequence[Entity],
           timezone: str, problems: list[Problem]) -> list[Article]:
    """Give each article the positions its front matter records; report every mistake."""
    known = {e.slug for e in people}
    tz = dates.zone(timezone)
    done = []
    for article in articles:
        record = records[article.source_path]
        line = record.line("claims")
        positions = []
        for number, entry in enumerate(record.values.get("claims", ()), 1):
            position = _position(entry, article, known, tz)
            if isinstance(position, str):
                problems.append(Problem(article.source_path, line,
                                        f"'claims' item {number}: {position}"))
            else:
                positions.append(position)
        # Whoever takes a position in an article is in its story: the article mentions them
        # (so it is on their page and in their feed) unless it is about them.
        takers = {p.by for p in positions} - set(article.about)
        mentions = tuple(sorted(set(article.mentions) | takers))
        done.append(dataclasses.replace(article, positions=tuple(positions), mentions=mentions))
    problems += _definitions(done, records)
    return done


def _position(entry: dict[str, str], article: Article, known: set[str],
              tz: Any) -> Position | str:
    """Return the position an entry records, or what is wrong with it."""
    cid = entry.get("id") or entry.get("claim", "")
    if "id" in entry and "claim" in entry and entry["id"] != entry["claim"]:
        return "give the claim's id once ('id' or 'claim'), not two different ones"
    if not cid:
        return "missing 'id': the claim's id, e.g. id: seoul-moscow-talks"
    why = slugs.check(cid)
    if why is not None:
        return f"the id {cid!r} {why}"
    by, stance = entry.get("by", ""), entry.get("stance", "")
    if not by:
        return f"missing 'by': the id of the entity taking this position on '{cid}'"
    if by not in known:
        hint = (suggest(by, sorted(known)).replace("allowed keys", "known entities")
                if known else "no entities exist yet")
        return f"'by': unknown entity '{by}'; {hint} (or create content/entities/{by}.md)"
    if stance not in STANCES:
        what = f"unknown stance '{stance}'; " if stance else "missing 'stance'; "
        hint = suggest(stance, [*STANCES]).replace("allowed keys", "stances are") if stance \
            else "stances are " + ", ".join(STANCES)
        return what + hint
    if "verdict" in entry and "text" not in entry:
        return "'verdict' goes with the claim's 'text', where the claim is defined"
    date = article.date
    if "date" in entry:
        try:
            date = dates.parse(entry["date"], tz)
        except Invalid as exc:
            return f"'date': {exc}"
    return Position(cid, by, stance, date, entry.get("quote", ""), entry.get("text", ""),
                    entry.get("verdict", ""))


def _definitions(articles: list[Article], records: dict[str, ParsedFile]) -> list[Problem]:
    """Report a claim defined twice, and positions on a claim defined nowhere."""
    problems = []
    defined: dict[str, str] = {}
    # The earliest article keeps the definition; a later one is told to drop its text.
    for article in sorted(articles, key=lambda a: (a.date, a.source_path)):
        for position in article.positions:
            if not position.text:
                continue
            first = defined.setdefault(position.claim, article.source_path)
            if first != article.source_path or sum(
                    p.text != "" for p in article.positions if p.claim == position.claim) > 1:
                where = records[first].line("claims")
                problems.append(Problem(article.source_path, records[
                    article.source_path].line("claims"), (
                    f"the claim '{position.claim}' is defined (given 'text') here and in "
                    f"{first}{f':{where}' if where else ''}; keep its text in one place and "
                    "give only its id, by and stance elsewhere")))
                break
    for article in articles:
        missing = dict.fromkeys(p.claim for p in article.positions if p.claim not in defined)
        for cid in missing:
            hint = (suggest(cid, sorted(defined)).replace("allowed keys", "defined claims")
                    + "; or " if defined else "")
            problems.append(Problem(article.source_path, records[article.source_path].line(
                "claims"), f"unknown claim '{cid}': no article gives its 'text'; {hint}"
                "give 'text' where the claim is first reported"))
    return problems


def gather(everything: Iterable[Article], listed: Sequence[Article]) -> tuple[Claim, ...]:
    """Return the claims with a position in a listed article, by id, positions by date.

    A claim's text and verdict are its definition's wherever it is (a draft may define a
    claim that published articles report); its positions come from listed articles only.
    """
    texts = {p.claim: (p.text, p.verdict) for a in everything for p in a.positions if p.text}
    found: dict[str, list[tuple[Position, Article]]] = {}
    for article in listed:
        for position in article.positions:
            if position.claim in texts:
                found.setdefault(position.claim, []).append((position, article))
    order = {id(a): n for n, a in enumerate(listed)}  # newest first; ties: written order
    return tuple(Claim(cid, *texts[cid], tuple(sorted(
        pairs, key=lambda pair: (pair[0].date, pair[1].date, -order[id(pair[1])]))))
        for cid, pairs in sorted(found.items()))


def recent(claims: Iterable[Claim]) -> tuple[Claim, ...]:
    """Return claims with the latest position first (ties by id)."""
    return tuple(sorted(claims, key=lambda c: (-c.positions[-1][0].date.timestamp(), c.id)))


def of_articles(claims: Iterable[Claim], articles: Iterable[Article]) -> tuple[Claim, ...]:
    """Return the claims on which one of these articles reports a position, latest first."""
    keys = {a.source_path for a in articles}
    return recent(c for c in claims if any(a.source_path in keys for _, a in c.positions))


def of_entity(claims: Iterable[Claim], slug: str) -> tuple[tuple[Claim, Position, Article], ...]:
    """Return an entity's positions with their claims, newest first."""
    found = [(c, p, a) for c in claims for p, a in c.positions if p.by == slug]
    return tuple(sorted(found, key=lambda t: (-t[1].date.timestamp(), t[0].id)))


def author(claim: Claim) -> str:
    """Return the slug of the first entity asserting a claim, or ""."""
    return next((p.by for p, _ in claim.positions if p.stance == "asserts"), "")


def parties(site: Site, found: tuple[Claim, ...]) -> dict[str, Entity]:
    """Return the entities taking a position on these claims, by slug."""
    known = site.entity_of_slug
    return {p.by: known[p.by] for c in found for p, _ in c.positions if p.by in known}


def briefing_context(site: Site, slug: str) -> dict[str, Any]:
    """Return what a briefing's first page shows of claims (nothing on a site without)."""
    if not site.claims:
        return {}
    found = of_articles(site.claims, site.articles_in(slug))
    return {"claim_summary": found, "claim_parties": parties(site, found)}


def entity_context(site: Site, slug: str) -> dict[str, Any]:
    """Return what an entity's first page shows of its positions (nothing without claims)."""
    return {"entity_positions": of_entity(site.claims, slug)} if site.claims else {}
