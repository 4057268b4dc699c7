"""Frozen data that flows through the build; no IO, no Jinja."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from generator import routes


@dataclass(frozen=True)
class FeedSettings:
    """How feeds are written."""

    items: int = 50
    full_content: bool = True


@dataclass(frozen=True)
class DigestSettings:
    """How digest editions are cut: one per calendar period that has articles."""

    enabled: bool = True
    period: str = "weekly"  # daily, weekly or monthly
    week_starts: int = 0  # 0 = Monday … 6 = Sunday
    timezone: str = ""  # empty: the site's
    title: str = ""  # empty: a default per period


@dataclass(frozen=True)
class SiteConfig:
    """The validated contents of `site.yaml`."""

    title: str
    base_url: str
    description: str = ""
    language: str = "en"
    timezone: str = "UTC"
    author: str = ""
    theme: str = "default"
    output_dir: str = "public"
    raw_html: str = "sanitize"
    paginate: int = 20
    slugify: str = "unicode"  # or "ascii": transliterated file-name slugs
    image: str = ""  # the default social-card image (URL, or path under the site)
    search: bool = True  # build a Pagefind full-text index and a search page
    feeds: FeedSettings = field(default_factory=FeedSettings)
    digests: DigestSettings = field(default_factory=DigestSettings)

    def permalink(self, path: str) -> str:
        """Return the absolute URL of a site path, percent-encoded (as feeds and sitemaps need)."""
        return self.base_url + quote(path, safe="/")

    @property
    def base_path(self) -> str:
        """Return the URL path prefix of the site, always ending in a slash."""
        rest = self.base_url.split("://", 1)[1]
        slash = rest.find("/")
        return rest[slash:] if slash >= 0 else "/"


@dataclass(frozen=True)
class Article:
    """One article, parsed and rendered, with its output path decided."""

    source_path: str
    slug: str
    title: str
    date: datetime
    updated: datetime | None
    author: str
    source: str
    source_url: str
    briefings: tuple[str, ...]
    tags: tuple[str, ...]
    summary: str
    draft: bool
    guid: str
    key: str  # the parse cache key, a digest of every byte the article came from
    card: str  # a digest of all but the body (ParsedFile.card): what lists can show
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    publish_date: datetime | None = None  # held back before this (default: date)
    expires: datetime | None = None  # left out of lists and feeds from this moment
    image: str = ""

    @property
    def path(self) -> str:
        """Return the output path of the article page, relative to the site root."""
        return routes.article(self.slug)


@dataclass(frozen=True)
class Briefing:
    """One topic briefing: the editor's standing overview."""

    source_path: str
    slug: str
    title: str
    summary: str
    weight: int
    updated: datetime | None
    html: str

    @property
    def path(self) -> str:
        """Return the output path of the briefing page."""
        return routes.briefing(self.slug)


@dataclass(frozen=True)
class Tag:
    """A tag, the slug of its page, and every spelling merged into it (e.g. "EU", "eu")."""

    name: str
    slug: str
    spellings: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        """Return the output path of the tag page."""
        return routes.tag(self.slug)


@dataclass(frozen=True)
class Site:
    """Everything read and assembled; the input of page planning."""

    config: SiteConfig
    articles: tuple[Article, ...]  # newest first
    briefings: tuple[Briefing, ...]  # by weight, then title
    tags: tuple[Tag, ...]  # by name
    by_briefing: dict[str, tuple[Article, ...]] = field(compare=False, hash=False)
    by_tag: dict[str, tuple[Article, ...]] = field(compare=False, hash=False)
    tag_of_name: dict[str, Tag] = field(compare=False, hash=False)
    briefing_of_slug: dict[str, Briefing] = field(compare=False, hash=False)
    expired: tuple[Article, ...] = ()  # pages still built, but listed nowhere
    held_back: tuple[tuple[str, int], ...] = ()  # (reason, count): drafts, scheduled

    @property
    def articles_and_expired(self) -> tuple[Article, ...]:
        """Return every article that gets a page."""
        return self.articles + self.expired

    def is_expired(self, article: Article) -> bool:
        """Tell whether an article's page is kept only as expired."""
        return article in self.expired

    def articles_in(self, briefing_slug: str) -> tuple[Article, ...]:
        """Return the articles of one briefing, newest first."""
        return self.by_briefing.get(briefing_slug, ())

    def articles_tagged(self, tag: Tag) -> tuple[Article, ...]:
        """Return the articles carrying one tag, newest first."""
        return self.by_tag.get(tag.slug, ())

    def tags_of(self, article: Article) -> tuple[Tag, ...]:
        """Return the Tag objects of an article, in the article's order."""
        known = self.tag_of_name  # an expired article's tag may be listed nowhere else
        if len(article.tags) < 2:
            return tuple(known[name] for name in article.tags if name in known)
        return tuple(dict.fromkeys(known[name] for name in article.tags if name in known))

    def briefings_of(self, article: Article) -> tuple[Briefing, ...]:
        """Return the briefings an article belongs to, in the article's order."""
        known = self.briefing_of_slug
        return tuple(known[s] for s in article.briefings if s in known)


@dataclass(frozen=True)
class Page:
    """A page to render: the template and the context it receives."""

    path: str  # output path relative to the site root, e.g. "articles/x/index.html"
    template: str
    context: dict[str, Any] = field(compare=False, hash=False)
    body_key: str | None = None  # the article whose rendered Markdown the page shows
    kind: str = "html"  # "html"; "email": CSS inlined into a self-contained page; "text"
    lastmod: datetime | None = None  # for the sitemap
    body_source: str | None = None  # the content file of that article, to load its body
    listed: bool = True  # in the sitemap and the search index (not the 404, not expired)


@dataclass(frozen=True)
class Output:
    """One file to write, as bytes."""

    path: str
    data: bytes


@dataclass(frozen=True)
class BuildResult:
    """What a build produced, for the summary line."""

    pages: int
    feeds: int
    files: int
    seconds: float
    output_dir: str
    timings: tuple[tuple[str, float], ...] = ()  # seconds per build phase
    held_back: tuple[tuple[str, int], ...] = ()  # (reason, count) of articles left out
    reason: str = ""  # why the build did the work it did (decide.Plan.reason)
