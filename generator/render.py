"""Render the pages that changed, across processes, straight into the staging folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator import parallel
from generator.cache import Store
from generator.content import body_html
from generator.errors import OutputError, Problem, ThemeError
from generator.fingerprint import Digester
from generator.mail import inline_css
from generator.model import Page, SiteConfig
from generator.output import Publisher
from generator.theme import Theme, render_page


@dataclass(frozen=True)
class Job:
    """What every render worker needs; inherited through fork, never pickled."""

    theme: Theme
    pages: list[Page]
    digester: Digester
    site_root: Path
    store: Store
    config: SiteConfig


_JOB: tuple[Job, Publisher] | None = None


def _render(index: int) -> tuple[str, bool, Problem | None]:
    """Digest page `index`; render and stage it unless the previous output already holds it.

    Return its digest, whether it was staged, and its problem if it failed to render.
    """
    assert _JOB is not None
    job, publisher = _JOB
    page = job.pages[index]
    # Digesting here rather than in the parent spreads it over the workers too.
    digest = job.digester.digest(page.path, page.template, page.context, page.body_key)
    if publisher.holds(page.path, digest):
        return digest, False, None
    extra = None
    if page.body_key and page.body_source:
        extra = {"body": body_html(job.site_root, job.config, "article", page.body_source,
                                   page.body_key, job.store)}
    result = render_page(job.theme, page, job.site_root, extra)
    if isinstance(result, Problem):
        return digest, False, result
    if page.kind == "email":
        result = inline_css(result)
    data = result.encode("utf-8")
    try:
        if (publisher.out / page.path).read_bytes() == data:
            return digest, False, None
    except OSError:
        pass
    target = publisher.staging / page.path
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    except OSError as exc:  # a full disk: one clean line, and the published site stays
        raise OutputError(f"cannot stage {page.path} beside {publisher.out} ({exc.strerror}); "
                          "free some space or check permissions, then build again") from None
    return digest, True, None


def render_changed(job: Job, publisher: Publisher, jobs: int,
                   progress: parallel.Progress | None = None) -> list[str]:
    """Render every page whose digest changed; return all the pages' digests, in order.

    Raise ThemeError listing each distinct template problem.
    """
    global _JOB
    _JOB = (job, publisher)
    try:
        results = parallel.run(_render, range(len(job.pages)), jobs, progress, "Rendering")
    finally:
        _JOB = None
    problems: dict[str, Problem] = {}
    for page, (digest, written, problem) in zip(job.pages, results, strict=True):
        if problem is not None:
            problems.setdefault(str(problem).split(" (rendering")[0], problem)
        else:  # kept, rendered to the same bytes, or staged: the digest is this build's
            publisher.record(page.path, digest, written)
    if problems:
        raise ThemeError(list(problems.values()))
    return [digest for digest, _, _ in results]
