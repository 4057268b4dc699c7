"""Render the pages that changed, across processes, straight into the staging folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator import parallel
from generator.cache import Store
from generator.content import body_html
from generator.errors import Problem, ThemeError
from generator.mail import inline_css
from generator.model import Page, SiteConfig
from generator.output import Publisher
from generator.theme import Theme, render_page


@dataclass(frozen=True)
class Job:
    """What every render worker needs; inherited through fork, never pickled."""

    theme: Theme
    pages: list[Page]
    digests: list[str]
    site_root: Path
    out: Path
    staging: Path
    store: Store
    config: SiteConfig


_JOB: Job | None = None


def _render(index: int) -> tuple[int, bool, Problem | None]:
    """Render page `index`; stage it unless its bytes equal the old file's."""
    job = _JOB
    assert job is not None
    page = job.pages[index]
    extra = None
    if page.body_key:
        extra = {"body": body_html(job.site_root, job.config, "article",
                                   page.context["article"].source_path, page.body_key,
                                   job.store)}
    result = render_page(job.theme, page, job.site_root, extra)
    if isinstance(result, Problem):
        return index, False, result
    if page.kind == "email":
        result = inline_css(result)
    data = result.encode("utf-8")
    try:
        if (job.out / page.path).read_bytes() == data:
            return index, False, None
    except OSError:
        pass
    target = job.staging / page.path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return index, True, None


def render_changed(job: Job, todo: list[int], publisher: Publisher, jobs: int,
                   progress: parallel.Progress | None = None) -> None:
    """Render the listed pages; raise ThemeError listing each distinct template problem."""
    global _JOB
    _JOB = job
    try:
        results = parallel.run(_render, todo, jobs, progress, "Rendering")
    finally:
        _JOB = None
    problems: dict[str, Problem] = {}
    for index, written, problem in results:
        if problem is not None:
            problems.setdefault(str(problem).split(" (rendering")[0], problem)
        else:
            page = job.pages[index]
            publisher.record(page.path, job.digests[index], written)
    if problems:
        raise ThemeError(list(problems.values()))
