"""Rank each article's related coverage: shared entities, briefings and tags, then time.

A candidate's score is a weighted sum over what it shares with the article:

| shared                                    | weight | why                                  |
|-------------------------------------------|--------|--------------------------------------|
| an entity both articles are about         | 8      | the same subject, by the editor's say|
| an entity both name (one may be about it) | 4      | the same people, found in the text   |
| a briefing                                | 2      | the same topic, but a broad one      |
| a tag                                     | 1      | the loosest link, often generic      |

Each weight is twice the next, so a shared `about` entity outweighs a shared briefing and a
shared tag together, and readers see stories on the same subject before stories that only
sit in the same briefing. Equal scores go to the article nearest in time to this one (not
the newest on the site: that would reshuffle every list whenever anything is published),
then to the smaller source path.

Only articles sharing something are candidates, so an article that shares nothing with A
never touches A's list: publishing it leaves A's page as it was. The work is bounded: a
shared entity, briefing or tag counts only for the NEAREST articles on either side in time
that carry it (a briefing of thousands offers twice NEAREST), and the offers are summed. So a
feature shared with a far-off article may go uncounted; the lists stay deterministic and
stable, since they depend only on articles that share a feature with A.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from itertools import compress, repeat
from operator import ge

from generator.model import Article, Site

ABOUT, MENTION, BRIEFING, TAG = 8, 4, 2, 1
# Articles a shared feature counts for, on each side in time: twice the default list, so
# that the five best are picked from up to 20 per feature; the work grows with it (about
# 0.35 s of CPU for 10,000 articles with 8 features each at 10, 0.5 s at 16).
NEAREST = 10

# Where an article sits in one feature's posting list, and the feature's weight.
Spot = tuple[list[int], int, int]


def features(site: Site, article: Article) -> dict[str, int]:
    """Return what an article can share with others, each with its weight."""
    found: dict[str, int] = {}
    for slug in article.about:
        found["e" + slug] = MENTION
        found["a" + slug] = ABOUT - MENTION  # both about it: its "e" and its "a" count
    for slug in article.mentions:
        found["e" + slug] = MENTION
    for slug in article.briefings:
        found["b" + slug] = BRIEFING
    known = site.tag_of_name  # by name, as site.tags_of, without making Tag tuples
    for name in article.tags:
        if name in known:
            found["t" + known[name].slug] = TAG
    return found


def related(site: Site, limit: int, only: set[str] | None = None
            ) -> dict[str, tuple[Article, ...]]:
    """Return each article page's related articles, best first, keyed by the page's path.

    Expired articles get a list too; only listed articles are ever in one. With `only`,
    just the pages of those paths (a rebuild of edited bodies) get one.
    """
    if limit <= 0:
        return {}
    # An article is known by its index in time order (source path breaking ties), so a
    # posting list of indexes is in time order as it is built.
    listed = sorted(site.articles, key=_order)
    order = [_order(a) for a in listed]
    postings: dict[str, list[int]] = {}
    spots: list[list[Spot]] = []
    for index, article in enumerate(listed):
        mine = []
        for feature, weight in features(site, article).items():
            posting = postings.setdefault(feature, [])
            mine.append((posting, len(posting), weight))
            posting.append(index)
        spots.append(mine)
    found = {article.path: _best(spots[index], 1, order[index][0], order, limit)
             for index, article in enumerate(listed) if only is None or article.path in only}
    for article in site.expired:  # in no posting list: offered where it would stand
        if only is not None and article.path not in only:
            continue
        at = bisect_left(order, _order(article))
        mine = [(posting, bisect_left(posting, at), weight)
                for feature, weight in features(site, article).items()
                for posting in [postings.get(feature)] if posting is not None]
        found[article.path] = _best(mine, 0, article.date.timestamp(), order, limit)
    return {path: tuple(listed[i] for i in best) for path, best in found.items()}


def _order(article: Article) -> tuple[float, str]:
    return article.date.timestamp(), article.source_path


def _best(spots: list[Spot], own: int, stamp: float, order: list[tuple[float, str]],
          limit: int) -> list[int]:
    """Return the indexes of one article's best candidates, best first.

    `own` is 1 where the article itself sits at its spot (it is listed), so that it is
    skipped, and 0 where the spot is only where it would stand.
    """
    offers: list[int] = []
    for posting, at, weight in spots:
        near = posting[max(0, at - NEAREST):at] + posting[at + own:at + own + NEAREST]
        offers += near * weight  # counted once per point of weight, in C
    score = Counter(offers)
    pool = list(score)
    if len(pool) > limit:  # only those scoring at least the limit-th best can make it
        floor = sorted(score.values(), reverse=True)[limit - 1]
        pool = list(compress(pool, map(ge, score.values(), repeat(floor))))
    pool.sort(key=lambda i: (-score[i], abs(order[i][0] - stamp), order[i][1]))
    return pool[:limit]
