"""Read and validate `site.yaml` into a SiteConfig."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator import dates, languages
from generator.deploy_config import deploy_settings
from generator.errors import ConfigError, Problem
from generator.model import DeploySettings, DigestSettings, FeedSettings, SiteConfig
from generator.schema import (
    Field,
    Invalid,
    flag,
    mapping,
    positive,
    text,
    text_list,
    validate,
    web_url,
)
from generator.yamlload import Document, YamlProblem, load

CONFIG_FILE = "site.yaml"
RAW_HTML_MODES = ("sanitize", "allow", "escape")


def _base_url(value: Any) -> str:
    url = text(value).strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Invalid("expected an absolute http(s) URL such as https://example.org/")
    if parts.query or parts.fragment:
        raise Invalid("the base URL cannot have a query or fragment")
    return url if url.endswith("/") else url + "/"


def _language(value: Any) -> str:
    tag = text(value)
    dates.locale(tag)
    return tag


def _timezone(value: Any) -> str:
    name = text(value)
    dates.zone(name)
    return name


def _output_dir(value: Any) -> str:
    name = text(value).strip()
    if not name:
        raise Invalid("expected a folder name such as 'public'")
    return name


def _slugify(value: Any) -> str:
    mode = text(value)
    if mode not in ("unicode", "ascii"):
        raise Invalid("expected unicode (readable non-Latin slugs) or ascii (transliterated)")
    return mode


def _raw_html(value: Any) -> str:
    mode = text(value)
    if mode not in RAW_HTML_MODES:
        raise Invalid("expected one of " + ", ".join(RAW_HTML_MODES))
    return mode


# More would only lengthen the page: related.NEAREST bounds how far each list looks.
MAX_RELATED = 50


def _related(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_RELATED:
        raise Invalid(f"expected a whole number from 0 (no related coverage) to {MAX_RELATED}, "
                      "such as 5")
    return value


SITE_FIELDS = {
    "title": Field(text, required=True),
    "base_url": Field(_base_url, required=True),
    "description": Field(text),
    "language": Field(_language),
    "timezone": Field(_timezone),
    "author": Field(text),
    "theme": Field(text),
    "output_dir": Field(_output_dir),
    "paginate": Field(positive),
    "slugify": Field(_slugify),
    "image": Field(text),
    "corrections_policy": Field(text),
    "related": Field(_related),
    "search": Field(flag),
    "feeds": Field(mapping),
    "markdown": Field(mapping),
    "digests": Field(mapping),
    "images": Field(mapping),
    "newsletter": Field(mapping),
    "deploy": Field(mapping),  # checked by deploy_config; kept out of SiteConfig (its digest)
    "import": Field(mapping),
    "languages": Field(mapping),  # checked by languages.parse with default_language
    "default_language": Field(_language),
    "show_untranslated": Field(flag),
}
FEED_FIELDS = {"items": Field(positive), "full_content": Field(flag)}
PERIODS = ("daily", "weekly", "monthly")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _period(value: Any) -> str:
    period = text(value).lower()
    if period not in PERIODS:
        raise Invalid("expected one of " + ", ".join(PERIODS))
    return period


def _weekday(value: Any) -> int:
    day = text(value).lower()
    if day not in WEEKDAYS:
        raise Invalid("expected a day name such as monday or sunday")
    return WEEKDAYS.index(day)


# Sample values of each placeholder's type, to try a title pattern before any edition.
TITLE_SAMPLE = {"key": "2025-W52", "year": 2025, "week": 52, "month": "December 2025",
                "date": "22 December 2025", "start": "22 December 2025",
                "end": "28 December 2025"}


# Widest field a title may ask for: `{week:999999999}` would build a 1 GB string.
MAX_WIDTH = 100


def _widths_fit(pattern: str) -> bool:
    """Tell whether every field's width and precision is small and written out."""
    for _, field, spec, _ in string.Formatter().parse(pattern):
        if field is None or not spec:
            continue
        if "{" in spec:
            return False
        for number in re.findall(r"\d+", spec):
            number = number.lstrip("0")  # checked by length first: int() of 5,000 digits fails
            if len(number) > 3 or int(number or "0") > MAX_WIDTH:
                return False
    return True


def _title_pattern(value: Any) -> str:
    pattern = text(value)
    try:
        if not _widths_fit(pattern):
            raise Invalid(f"a placeholder's width is over {MAX_WIDTH} or is itself a "
                          "placeholder; write e.g. {week:02d}")
        pattern.format(**TITLE_SAMPLE)
    except Invalid:
        raise
    except Exception as exc:  # any broken placeholder ({x.y}, {x[0]}, {week:q}) is the user's
        raise Invalid(f"the title pattern has an unknown or broken placeholder ({exc}); use "
                      + ", ".join("{" + n + "}" for n in TITLE_SAMPLE)) from None
    return pattern


def _hosts(value: Any) -> tuple[str, ...]:
    hosts = tuple(h.strip().lower() for h in text_list(value))
    for host in hosts:
        if not host or "/" in host or ":" in host or " " in host:
            raise Invalid(f"expected host names such as www.youtube.com, got {host!r}")
    return hosts


def _widths(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        raise Invalid("expected a list of pixel widths such as [480, 960, 1600]")
    widths = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int) or not 16 <= item <= 8000:
            raise Invalid("expected whole numbers of pixels from 16 to 8000")
        widths.append(item)
    return tuple(sorted(set(widths)))


DIGEST_FIELDS = {"enabled": Field(flag), "period": Field(_period),
                 "week_starts": Field(_weekday), "timezone": Field(_timezone),
                 "title": Field(_title_pattern), "email": Field(mapping)}
EMAIL_FIELDS = {"unsubscribe": Field(text)}
MARKDOWN_FIELDS = {"raw_html": Field(_raw_html), "embeds": Field(_hosts)}
IMAGE_FIELDS = {"widths": Field(_widths)}
NEWSLETTER_FIELDS = {"subscribe_url": Field(web_url)}


def _import_folder(value: Any) -> str:
    folder = text(value).strip().strip("/")
    parts = folder.split("/")
    if parts[0] != "articles" or any(p in ("", ".", "..") for p in parts) or "\\" in folder:
        raise Invalid("expected a folder under content/ that starts with articles/, "
                      "such as articles/imported")
    return folder


IMPORT_FIELDS = {"folder": Field(_import_folder), "furniture": Field(text_list)}


def _languages(values: dict[str, Any], doc: Document) -> list[Problem]:
    """Read languages: and default_language into values; return what is wrong with them."""
    default = values.pop("default_language", None)
    if "languages" not in values:
        if default is None:
            return []
        return [Problem(CONFIG_FILE, doc.line("default_language"),
                        "'default_language' needs 'languages:'; for a site in one language "
                        "set 'language' instead")]
    try:
        found = languages.parse(values["languages"], default)
    except Invalid as exc:
        return [Problem(CONFIG_FILE, doc.line("languages"), f"'languages': {exc}")]
    if values.get("language", found[0].code) != found[0].code:
        return [Problem(CONFIG_FILE, doc.line("language"), (
            f"'language' is {values['language']} but the default language is "
            f"{found[0].code}; remove 'language' (languages: names them all)"))]
    values["languages"] = found
    values["language"] = found[0].code
    return []


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        why = ("not found; create site.yaml in the site folder (or pass --site DIR) "
               "with at least title and base_url")
    except UnicodeDecodeError as exc:
        why = f"is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8"
    except OSError as exc:
        why = f"cannot be read: {exc.strerror}"
    raise ConfigError([Problem(CONFIG_FILE, None, why)])


def load_config(site_root: Path) -> SiteConfig:
    """Read `site.yaml` from the site root; raise ConfigError listing every problem."""
    return load_site(site_root)[0]


def load_site(site_root: Path) -> tuple[SiteConfig, DeploySettings]:
    """Read `site.yaml` and its deploy: section; raise ConfigError listing every problem."""
    try:
        doc = load(_read(site_root / CONFIG_FILE))
    except YamlProblem as exc:
        raise ConfigError([Problem(CONFIG_FILE, exc.line, exc.message)]) from None
    if not isinstance(doc.data, dict):
        raise ConfigError([Problem(CONFIG_FILE, 1, "must be a mapping of keys to values "
                                   "(e.g. 'title: My briefings')")])
    values, problems = validate(doc.data, SITE_FIELDS, doc, CONFIG_FILE)
    feeds, feed_problems = validate(values.get("feeds", {}), FEED_FIELDS, doc, CONFIG_FILE,
                                    prefix=("feeds",))
    markdown, md_problems = validate(values.get("markdown", {}), MARKDOWN_FIELDS, doc, CONFIG_FILE,
                                     prefix=("markdown",))
    digests, digest_problems = validate(values.get("digests", {}), DIGEST_FIELDS, doc,
                                        CONFIG_FILE, prefix=("digests",))
    email, email_problems = validate(digests.pop("email", {}), EMAIL_FIELDS, doc, CONFIG_FILE,
                                     prefix=("digests", "email"))
    images, image_problems = validate(values.pop("images", {}), IMAGE_FIELDS, doc,
                                      CONFIG_FILE, prefix=("images",))
    newsletter, news_problems = validate(values.pop("newsletter", {}), NEWSLETTER_FIELDS, doc,
                                         CONFIG_FILE, prefix=("newsletter",))
    deploy, deploy_problems = deploy_settings(values.pop("deploy", {}), doc)
    imports, import_problems = validate(values.pop("import", {}), IMPORT_FIELDS, doc,
                                        CONFIG_FILE, prefix=("import",))
    problems += (feed_problems + md_problems + digest_problems + email_problems
                 + image_problems + news_problems + deploy_problems + import_problems)
    problems += _languages(values, doc)
    if problems:
        raise ConfigError(problems)
    values.pop("feeds", None)
    values.pop("markdown", None)
    values.pop("digests", None)
    if "widths" in images:
        values["image_widths"] = images["widths"]
    if "subscribe_url" in newsletter:
        values["subscribe_url"] = newsletter["subscribe_url"]
    values.update({f"import_{key}": value for key, value in imports.items()})
    return SiteConfig(feeds=FeedSettings(**feeds), digests=DigestSettings(**digests, **email),
                      **markdown, **values), deploy
