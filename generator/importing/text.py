"""Read a plain-text scrape: title line, byline, dateline, photo caption, then the story."""
# ruff: noqa: RUF001, RUF003  (Cyrillic, fullwidth colons and dashes are what scrapes hold)

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import tzinfo

from generator.importing.furniture import Furniture
from generator.importing.item import Item, checksum
from generator.importing.when import written_date

# Labels a byline puts before its dates, in English, Korean and Russian.
_POSTED = r"(?:Posted|Published|Created|Date|입력|등록|게재|발행|Опубликовано|Дата публикации)"
_UPDATED = r"(?:Last updated|Updated|Modified|수정|업데이트|최종 수정|Обновлено|Изменено)"
_LABEL = re.compile(rf"\b({_POSTED}|{_UPDATED})\s*[:：]?\s*", re.IGNORECASE)
_BY = re.compile(r"^(?:by|from|автор|текст|글)\s*[:：]?\s+", re.IGNORECASE)
_REPORTER = re.compile(r"\s*(?:기자|특파원|선임기자|객원기자)\s*$")
_EMAIL = re.compile(r"\S+@\S+")
# "SEOUL, December 22 (AJP) -", "(서울=연합뉴스)", "МОСКВА, 22 декабря. /ТАСС/."
_DATELINES = (
    re.compile(r"^(?P<place>[^\W\d_][^,()\n]{0,40}?),\s*[^()\n]{0,40}?\((?P<agency>[^()\n]{1,40})\)"
               r"\s*[-–—]+\s*"),
    re.compile(r"^[\[(](?P<place>[^=\])\n]{1,30})=(?P<agency>[^\])\n]{1,30})[\])]\s*"),
    re.compile(r"^(?P<place>[А-ЯЁ][А-ЯЁ\- ]{1,40}),[^/\n]{0,40}/(?P<agency>[^/\n]{1,30})/\.?\s*"),
)
# Credits that make a short line a photo caption.
_CAPTION = re.compile(r"\b(?:photo|photograph|image|picture)s?\s*(?:by|:|courtesy|=)"
                      r"|\((?:photo|yonhap|ap|reuters|afp|getty)\b|사진\s*[=:제]|\[사진|ⓒ"
                      r"|фото\s*[:—–-]|фото:|\bфото\s", re.IGNORECASE)
CAPTION_MAX = 300
BYLINE_WINDOW = 6  # a byline sits within the first lines after the title


@dataclass(frozen=True)
class Byline:
    """What a byline line says."""

    author: str
    date: str
    updated: str


def byline(line: str, tz: tzinfo) -> Byline | None:
    """Read a byline ("By NAME Posted : DATE Updated : DATE"), or None if it is not one."""
    parts = _LABEL.split(line)
    head, labelled = parts[0], parts[1:]
    dates: dict[str, str] = {}
    for label, value in zip(labelled[::2], labelled[1::2], strict=True):
        kind = "updated" if re.fullmatch(_UPDATED, label, re.IGNORECASE) else "date"
        dates.setdefault(kind, written_date(value, tz))
    by = bool(_BY.match(head)) or bool(_REPORTER.search(_EMAIL.sub("", head)))
    if not dates.get("date") and not (by and len(line) < 120):
        return None
    author = _REPORTER.sub("", _EMAIL.sub("", _BY.sub("", head, count=1))).strip(" ,|·/")
    return Byline(author, dates.get("date", ""), dates.get("updated", ""))


def dateline(paragraph: str) -> tuple[str, str] | None:
    """Return (place, agency) from a paragraph's opening dateline, or None."""
    for pattern in _DATELINES:
        if match := pattern.match(paragraph):
            return match["place"].strip(), match["agency"].strip()
    return None


def is_caption(line: str) -> bool:
    """Tell whether a line is a photo caption or credit."""
    return len(line) <= CAPTION_MAX and bool(_CAPTION.search(line))


def escape(line: str) -> str:
    """Escape a plain line so Markdown shows it as written, not as markup."""
    line = re.sub(r"([\\`*_\[\]<])", r"\\\1", line)
    return re.sub(r"^(\s*)(#{1,6}\s|[-+]\s|\d{1,9}[.)]\s|>|=+\s*$|-+\s*$)", r"\1\\\2", line)


def read_text(raw: bytes, origin: str, tz: tzinfo, furniture: Furniture) -> Item:
    """Make an item of a plain-text scrape (UTF-8)."""
    lines = [" ".join(line.split()) for line in raw.decode("utf-8-sig").splitlines()]
    lines = [line for line in lines if line and line not in furniture]
    title = lines[0] if lines else ""
    rest = lines[1:]
    fields = [("title", "text")]
    by = None
    for index, line in enumerate(rest[:BYLINE_WINDOW]):
        if (by := byline(line, tz)) is not None:
            del rest[index]
            break
    captions: list[str] = []
    body: list[str] = []
    for line in rest:
        if is_caption(line):
            # The line before a caption that the caption repeats is the photo's own title.
            if body and line.startswith(body[-1].rstrip(".")):
                body.pop()
            captions.append(line)
        else:
            body.append(line)
    place = agency = ""
    for paragraph in body[:2]:
        if found := dateline(paragraph):
            place, agency = found
            fields += [("place", "dateline"), ("agency", "dateline"), ("source", "dateline")]
            break
    if by is not None:
        fields += [(name, "byline") for name in ("author", "date", "updated")
                   if getattr(by, name)]
    if captions:
        fields.append(("caption", "caption"))
    fields.append(("text", "text"))
    return Item(origin=origin, checksum=checksum(raw), title=title,
                text="\n\n".join(escape(line) for line in body),
                date=by.date if by else "", updated=by.updated if by else "",
                author=by.author if by else "", source=agency, place=place, agency=agency,
                caption="\n".join(captions), fields=tuple(fields))
