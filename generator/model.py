"""Frozen data that flows through the build; no IO, no Jinja."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from generator import routes
from generator.errors import Problem


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
    unsubscribe: str = ""  # written into each email as it is, e.g. "{$unsubscribe}"


# Hosts an <iframe> may load from under raw_html: sanitize (markdown.embeds in site.yaml).
DEFAULT_EMBEDS = ("www.youtube.com", "youtube.com", "www.youtube-nocookie.com",
                  "player.vimeo.com", "datawrapper.dwcdn.net", "flo.uri.sh",
                  "public.flourish.studio")
# Widths of the resized copies of raster images (images.widths); never wider than the original.
DEFAULT_WIDTHS = (480, 960, 1600)


@dataclass(frozen=True)
class HeaderRule:
    """Headers for the deployed files whose site path matches a glob (deploy.headers)."""

    match: str  # "static/**", "**/*.html": ** spans folders, * stays within one
    cache_control: str = ""
    content_type: str = ""  # empty: the type Briefings knows for the file's extension


@dataclass(frozen=True)
class DeployTarget:
    """Where `briefings deploy` publishes: an rclone remote, or a branch of a git repository."""

    name: str
    remote: str = ""  # any rclone remote or local path ("s3:bucket/site", "/srv/www")
    git: str = ""  # a repository path or URL ("." is the site's own)
    branch: str = "gh-pages"


@dataclass(frozen=True)
class DeploySettings:
    """The deploy: section of site.yaml; credentials are never here (rclone's config has them)."""

    default: str = ""
    max_deletes: int = 256
    targets: tuple[DeployTarget, ...] = ()
    headers: tuple[HeaderRule, ...] = ()  # first match wins; then the default rules


@dataclass(frozen=True)
class Language:
    """One language of a multilingual site (site.yaml `languages:`)."""

    code: str  # a BCP 47 tag: "en", "ko"
    title: str = ""  # the site's name in it ("" : the site's title)
    description: str = ""
    path: str = ""  # its folder under the site root: "" (at the root) or e.g. "ko"


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
    embeds: tuple[str, ...] = DEFAULT_EMBEDS  # iframe hosts allowed when sanitizing
    image_widths: tuple[int, ...] = DEFAULT_WIDTHS
    subscribe_url: str = ""  # newsletter.subscribe_url: a call to subscribe, when set
    corrections_policy: str = ""  # a site path or URL of the policy, for the publisher
    related: int = 5  # articles in each article page's "Related coverage"; 0: none
    import_folder: str = "articles/imported"  # import.folder: under content/, for drafts
    import_furniture: tuple[str, ...] = ()  # import.furniture: the site's own furniture lines
    # The site's languages, the default first (empty: one language, `language`, as ever).
    languages: tuple[Language, ...] = ()
    # List each language's untranslated articles in the other languages' lists too, marked.
    show_untranslated: bool = False
    # In one language's own config: the whole site's base URL, where the theme's assets and
    # the site's own files live ("": the same as base_url).
    root_url: str = ""
    feeds: FeedSettings = field(default_factory=FeedSettings)
    digests: DigestSettings = field(default_factory=DigestSettings)

    def permalink(self, path: str) -> str:
        """Return the absolute URL of a site path, percent-encoded (as feeds and sitemaps need)."""
        return self.base_url + quote(path, safe="/")

    @property
    def base_path(self) -> str:
        """Return the URL path prefix of the site, always ending in a slash."""
        return _path_of(self.base_url)

    @property
    def root_path(self) -> str:
        """Return the URL path of the whole site (of all its languages), ending in a slash."""
        return _path_of(self.root_url or self.base_url)


def _path_of(url: str) -> str:
    rest = url.split("://", 1)[1]
    slash = rest.find("/")
    return rest[slash:] if slash >= 0 else "/"


@dataclass(frozen=True)
class Picture:
    """An image to show: where it is, its size when known, and its resized copies."""

    src: str  # a site path ("articles/x/photo.jpg") or an absolute URL
    alt: str = ""
    credit: str = ""
    caption: str = ""
    width: int | None = None  # None for remote images, whose size is not read
    height: int | None = None
    variants: tuple[tuple[str, int], ...] = ()  # (site path, width) of each resized copy

    @property
    def remote(self) -> bool:
        """Tell whether the image lives on another site."""
        return "://" in self.src


@dataclass(frozen=True)
class Notice:
    """A correction or an update of an article, dated and said in the editor's words."""

    date: datetime
    text: str
    significant: bool = True  # a correction always is; an update when the editor says so


@dataclass(frozen=True)
class Event:
    """Something that happened, dated as exactly as known, that a timeline shows."""

    day: date  # the first day of its date: 2024-10 is 2024-10-01
    precision: str  # "year", "month" or "day" (events.PRECISIONS)
    title: str
    source_path: str  # the briefing or article whose front matter lists it
    text: str = ""
    about: tuple[str, ...] = ()  # entity slugs
    key: bool = True  # an event an editor adds is a key development unless marked not


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
    summary: str  # the editor's summary, else the body's first paragraph (lists, meta, feeds)
    draft: bool
    guid: str
    key: str  # the parse cache key, a digest of every byte the article came from
    card: str  # a digest of all but the body (ParsedFile.card): what lists can show
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    publish_date: datetime | None = None  # held back before this (default: date)
    expires: datetime | None = None  # left out of lists and feeds from this moment
    image: str = ""  # the featured image as written in front matter
    picture: Picture | None = None  # the featured image, resolved
    lede: str = ""  # the summary the editor wrote, shown above the body; never derived
    corrections: tuple[Notice, ...] = ()  # oldest first
    updates: tuple[Notice, ...] = ()  # oldest first
    about: tuple[str, ...] = ()  # the entities it is about (their slugs), as written
    mentions: tuple[str, ...] = ()  # the entities it mentions besides, found in its text
    positions: tuple[Position, ...] = ()  # its front matter's claims, in the order written
    key_development: bool = False  # front matter `key: true`
    events: tuple[Event, ...] = ()  # events its front matter adds to the timelines
    lang: str = ""  # the language it is written in ("": the site's)
    translation: str = ""  # what its translations share (multilingual sites), else ""

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
    lede: str = ""  # the summary the editor wrote, shown above the overview; never derived
    events: tuple[Event, ...] = ()  # events its front matter adds to its timeline
    lang: str = ""  # the language it is written in ("": the site's)
    translation: str = ""  # what its translations share (multilingual sites), else ""

    @property
    def path(self) -> str:
        """Return the output path of the briefing page."""
        return routes.briefing(self.slug)


@dataclass(frozen=True)
class Standalone:
    """A page of its own under content/pages/ (About, Contact, a corrections policy)."""

    source_path: str
    slug: str  # its folder under the site root, e.g. "about" or "about/team"
    title: str
    summary: str
    menu: str  # "header", "footer" or "" (in no menu)
    weight: int
    key: str  # the parse cache key of its body
    updated: datetime | None = None
    draft: bool = False  # published only with --drafts
    lang: str = ""  # the language it is written in ("": the site's)
    translation: str = ""  # what its translations share (multilingual sites), else ""

    @property
    def path(self) -> str:
        """Return the output path of the page."""
        return routes.standalone(self.slug)


# The kinds of entity, in the order the entity index groups them.
ENTITY_TYPES = ("person", "organization", "country", "place", "event", "other")


@dataclass(frozen=True)
class Entity:
    """Someone or something the stories are about: a person, an organization, a country…"""

    source_path: str
    slug: str  # its id, from the file name: content/entities/<slug>.md
    type: str  # one of ENTITY_TYPES
    names: tuple[tuple[str, str], ...]  # (language, name), the site language's first
    aliases: tuple[tuple[str, str], ...]  # (language or "", alias)
    wikidata: str  # "Q…" or ""
    description: str
    member_of: str  # another entity's slug, or ""
    html: str  # the editor's profile
    # Its profile in other languages (<id>.ko.md on a multilingual site): (language,
    # description, profile HTML).
    versions: tuple[tuple[str, str, str], ...] = ()

    @property
    def name(self) -> str:
        """Return its name in the site's language (or its first name)."""
        return self.names[0][1]

    @property
    def path(self) -> str:
        """Return the output path of the entity's page."""
        return routes.entity(self.slug)

    @property
    def wikidata_url(self) -> str:
        """Return its Wikidata page, or ""."""
        return f"https://www.wikidata.org/wiki/{self.wikidata}" if self.wikidata else ""


# The stances a position may take on a claim, in the order pages explain them.
STANCES = ("asserts", "confirms", "denies", "disputes", "declines_to_comment", "retracts")


@dataclass(frozen=True)
class Position:
    """Where one entity stands on one claim, as one article reports it."""

    claim: str  # the claim's id
    by: str  # the entity's slug
    stance: str  # one of STANCES
    date: datetime  # the article's date unless the position gives its own
    quote: str = ""
    text: str = ""  # the claim's text, in the one position that defines the claim
    verdict: str = ""  # the editor's rating of the claim, given with its definition


@dataclass(frozen=True)
class Claim:
    """A disputed statement, with every listed article's position on it, oldest first."""

    id: str
    text: str
    verdict: str
    positions: tuple[tuple[Position, Article], ...]  # (position, the article reporting it)

    @property
    def path(self) -> str:
        """Return the output path of the claim's page."""
        return routes.claim(self.id)

    def latest(self) -> tuple[tuple[Position, Article], ...]:
        """Return each party's latest position, in the order the parties first spoke."""
        last: dict[str, tuple[Position, Article]] = {}
        for pair in self.positions:
            last[pair[0].by] = pair  # a key keeps its first place when its value changes
        return tuple(last.values())


@dataclass(frozen=True)
class Note:
    """The editor's note of one digest edition, shown before its articles."""

    source_path: str
    scope: str  # "" for a site-wide edition, else the briefing slug
    edition: str  # the edition's key, e.g. "2025-W52"
    html: str


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
    pages: tuple[Standalone, ...] = ()  # by weight, then title
    notes: tuple[Note, ...] = ()
    files: tuple[tuple[str, str, str], ...] = ()  # published as they are: (path, file, digest)
    resized: tuple[tuple[str, str, str, tuple[int, ...]], ...] = ()  # (path, file, digest, widths)
    favicon: str = ""  # the site's own icon in static/, which replaces the theme's
    problems: tuple[Problem, ...] = ()  # files that would land on another's address
    entities: tuple[Entity, ...] = ()  # by type (ENTITY_TYPES order), then name
    entity_of_slug: dict[str, Entity] = field(default_factory=dict, compare=False, hash=False)
    # Each entity's listed articles that are about it, and those that only mention it.
    about_entity: dict[str, tuple[Article, ...]] = field(default_factory=dict, compare=False,
                                                         hash=False)
    mentioning: dict[str, tuple[Article, ...]] = field(default_factory=dict, compare=False,
                                                       hash=False)
    claims: tuple[Claim, ...] = ()  # with a position in a listed article, by id

    def entities_of(self, article: Article) -> tuple[Entity, ...]:
        """Return the entities an article is about, then those it mentions."""
        known = self.entity_of_slug
        return tuple(known[s] for s in (*article.about, *article.mentions) if s in known)

    def menu(self, name: str) -> tuple[Standalone, ...]:
        """Return the pages of one menu ("header" or "footer"), in order."""
        return tuple(p for p in self.pages if p.menu == name)

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
    warnings: tuple[str, ...] = ()  # what was removed from the input (the sanitizer's)
