"""Start a new site: site.yaml, an example briefing and article, .gitignore, a CI workflow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from string import Template

from generator import dates
from generator.config import SITE_FIELDS
from generator.errors import BriefingsError
from generator.new_file import quoted
from generator.schema import Invalid

STARTERS = Path(__file__).parent / "starter"  # one folder of examples per language
DEFAULT_TITLES = {"en": "My briefings", "ko": "나의 브리핑"}
DEFAULT_ZONES = {"ko": "Asia/Seoul"}  # else UTC, until the editor sets theirs
BRIEFING = "example"
OUTPUT = "public"
# Each file init writes, and the starter file it is made from.
FILES = (("site.yaml", "site.yaml"), (f"content/briefings/{BRIEFING}.md", "briefing.md"),
         ("content/articles/welcome.md", "article.md"), (".gitignore", "gitignore"))
# Written as it is, in every language: the CI workflow that builds and deploys the site.
WORKFLOW = (".github/workflows/publish.yml", "publish.yml")


@dataclass(frozen=True)
class Starter:
    """What `briefings init` was asked for."""

    title: str | None = None
    language: str = "en"
    base_url: str = "https://example.org/"
    timezone: str | None = None


def plan(starter: Starter, now: datetime) -> dict[str, str]:
    """Return each file of the new site (path → text); raise BriefingsError on a bad option."""
    language = _checked("--language", "language", starter.language)
    base = language.replace("_", "-").split("-")[0].lower()
    zone = _checked("--timezone", "timezone",
                    starter.timezone or DEFAULT_ZONES.get(base, "UTC"))
    title = starter.title if starter.title is not None else DEFAULT_TITLES.get(
        base, DEFAULT_TITLES["en"])
    if not title.strip():
        raise BriefingsError("--title: the site's title must not be empty")
    values = {
        "title": quoted(title.strip()), "language": quoted(language),
        "base_url": quoted(_checked("--base-url", "base_url", starter.base_url)),
        "timezone": quoted(zone), "briefing": BRIEFING, "output_dir": OUTPUT,
        "date": quoted(now.astimezone(dates.zone(zone)).replace(microsecond=0).isoformat()),
    }
    folder = STARTERS / (base if (STARTERS / base).is_dir() else "en")
    files = {rel: Template((folder / name).read_text(encoding="utf-8")).substitute(values)
             for rel, name in FILES}
    return {**files, WORKFLOW[0]: (STARTERS / WORKFLOW[1]).read_text(encoding="utf-8")}


def _checked(option: str, key: str, value: str) -> str:
    """Check an option as site.yaml's own check of that key would."""
    try:
        return str(SITE_FIELDS[key].check(value))
    except Invalid as exc:
        raise BriefingsError(f"{option}: {exc}") from None


def write(folder: Path, files: dict[str, str]) -> list[str]:
    """Write the files into the folder, refusing if any is there already; return their paths."""
    if folder.exists() and not folder.is_dir():
        raise BriefingsError(f"{folder} is a file; choose a folder for the new site")
    there = [rel for rel in files if (folder / rel).exists() or (folder / rel).is_symlink()]
    if there:
        raise BriefingsError(f"{folder} already holds {', '.join(there)}; init never "
                             "overwrites a file: choose an empty folder or move them away")
    written = []
    for rel, text in files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8") as handle:  # never overwrite, even racing
            handle.write(text)
        written.append(rel)
    return written
