"""Make and check the URL segments of articles, briefings and tags."""

from __future__ import annotations

import re
import unicodedata

from slugify import slugify as python_slugify

# Letters and digits of any script, then dots, dashes and underscores: readable Unicode
# slugs as Hugo and Zola keep them; nothing that can climb out of the output folder.
MAX_BYTES = 200  # file names are limited to 255 bytes on most file systems
_SAFE = re.compile(r"[^\W_](?:[\w.-]*[\w-])?")
# A slug names a folder beside the list page of its kind (articles/index.html,
# briefings/index.html): that name would need a folder where the page's file is.
_TAKEN = frozenset({"index.html"})
# A run of Hangul syllables is one word: the sound changes happen inside it, not across spaces.
_HANGUL = re.compile("[\uac00-\ud7a3]+")


def check(slug: str) -> str | None:
    """Return why a slug is unusable as one URL segment, or None when it is fine."""
    if "\x00" in slug:
        return "contains a NUL byte"
    if len(slug.encode()) > MAX_BYTES:
        return f"is longer than {MAX_BYTES} bytes, more than file systems allow; shorten it"
    if not _SAFE.fullmatch(slug) or ".." in slug:
        return ("must be letters, digits, '-', '_' or '.', with no '/', '..' or spaces "
                "(e.g. 'seoul-moscow-talks')")
    if collision_key(slug) in _TAKEN:
        return ("is the name of the list page in the same folder (articles/index.html, "
                "briefings/index.html); choose another slug")
    return None


def slugify(name: str, mode: str = "unicode") -> str:
    """Turn a name into a URL segment: Unicode kept readable, or transliterated to ASCII."""
    text = unicodedata.normalize("NFC", name)
    if mode == "ascii":
        # python-slugify transliterates other scripts (Москва → moskva) with text-unidecode.
        text = python_slugify(_HANGUL.sub(_korean, text), allow_unicode=False) or text
    text = text.casefold()
    text = re.sub(r"[^\w\s-]", "", text)
    text = re.sub(r"[\s_-]+", "-", text).strip("-")
    text = text.encode()[:MAX_BYTES].decode(errors="ignore").strip("-")
    return text or "tag"


def _korean(word: re.Match[str]) -> str:
    """Write one Hangul word in the Revised Romanization of Korean (2000)."""
    # The RR writes what is said (its first rule), and official names are spelt so: 신라
    # silla, 종로 jongno, 국민 gungmin, 같이 gachi; hence 한러 관계 halleo-gwangye. Spelling
    # letter by letter (sinra, jongro, hanreo) is allowed only where the Hangul must be
    # restored from the Latin, which a slug never needs, and matches no sign or map.
    # "proper" mode applies the rule for nouns, which titles are made of: ㄱ, ㄷ, ㅂ before
    # ㅎ keep their h (북핵 bukhaek, 국회 gukhoe, not bukaek).
    # Imported on the first Korean word: ~30 ms that other sites need not pay.
    from hangulpy import romanize

    return romanize(word.group(), mode="proper")


def unique(slug: str, taken: set[str]) -> str:
    """Return the slug, or the slug with the first free suffix (-2, -3, …).

    `taken` holds the collision keys of the slugs in use; a suffix never takes the slug past
    MAX_BYTES.
    """
    candidate, number = slug, 1
    while collision_key(candidate) in taken:
        number += 1
        tail = f"-{number}"
        candidate = slug.encode()[: MAX_BYTES - len(tail)].decode(errors="ignore") + tail
    return candidate


def collision_key(path: str) -> str:
    """Fold a URL path so that paths colliding on case-insensitive disks compare equal."""
    return unicodedata.normalize("NFC", path).casefold()
