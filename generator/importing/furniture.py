"""Recognise lines of page furniture (share, subscribe, copyright, close…) in a scrape."""
# ruff: noqa: RUF001  (fullwidth colons, guillemets and dashes end furniture lines)

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Whole lines that are the page's controls, not the story, in English, Korean and Russian.
# Compared casefolded, with spacing and trailing punctuation ignored; a site adds its own
# in site.yaml (import: furniture: [...]).
LINES = frozenset("""
share|share this|share this article|share this story|share on facebook|share on twitter
share on x|share on linkedin|share via email|email this story|email|print|print this page
tweet|copy link|link copied|subscribe|subscribe now|sign up|sign in|log in|newsletter
close|enlarge|enlarge image|enlarge this image|click to enlarge|view larger image|zoom
advertisement|sponsored|ad|related|related articles|related stories|related news
read more|read next|more stories|most read|most popular|comments|leave a comment
show comments|back to top|top|menu|skip to content|follow us|listen to this article
font size|bookmark|save|next article|previous article|recommended
기사 이미지 확대 보기|이미지 확대 보기|이미지 확대|확대 보기|확대|닫기|공유|공유하기|기사 공유
기사 공유하기|페이스북|카카오톡|카카오스토리|트위터|네이버 블로그|링크 복사|url 복사|주소 복사
인쇄|인쇄하기|프린트|스크랩|글자 크기|글씨 크기|글자크기|댓글|댓글 쓰기|관련 기사|관련기사
많이 본 뉴스|많이 본 기사|광고|기사 저장|북마크|좋아요|맨 위로|구독|구독하기|뉴스레터
기자 구독|이전 기사|다음 기사|목록|메뉴|전체 메뉴|검색
поделиться|поделитесь|подписаться|подпишитесь|подписаться на рассылку|закрыть
увеличить|увеличить изображение|увеличить фото|открыть в полном размере|распечатать
печать|версия для печати|реклама|читайте также|читать также|по теме|новости по теме
комментарии|комментировать|скопировать ссылку|ссылка скопирована|наверх|меню|поиск
следующая статья|предыдущая статья|в закладки|нравится|самое читаемое|популярное
""".strip().replace("\n", "|").split("|"))

# Phrases that mark a short line as a copyright or reuse notice wherever they appear.
NOTICES = ("©", "copyright", "all rights reserved", "무단전재", "무단 전재", "재배포 금지",
           "재배포금지", "저작권자", "все права защищены", "перепечатка", "при копировании")
NOTICE_MAX = 160  # longer lines are text that mentions copyright, not the notice itself

_TRAILING = re.compile(r"[\s:：.,;!|>›»→·•\-–—]+$")


def key(line: str) -> str:
    """Fold a line for comparison: NFKC, casefolded, spacing collapsed, no end punctuation."""
    folded = " ".join(unicodedata.normalize("NFKC", line).casefold().split())
    return _TRAILING.sub("", folded)


class Furniture:
    """The built-in furniture lines plus a site's own."""

    def __init__(self, extra: Iterable[str] = ()) -> None:
        self.lines = LINES | {key(line) for line in extra}

    def __contains__(self, line: object) -> bool:
        if not isinstance(line, str):
            return False
        folded = key(line)
        if not folded:
            return False
        if folded in self.lines:
            return True
        return len(folded) <= NOTICE_MAX and any(n in folded for n in NOTICES)
