"""The editor's way in: `briefings init`, `new`, `check` and `import`."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from generator.build import default_jobs
from generator.errors import BriefingsError, SiteError


def _refuse(exc: BriefingsError, written: str = "nothing was written") -> None:
    """Print an error of init or new (every problem of a site error) and exit 1."""
    lines = [str(p) for p in exc.problems] if isinstance(exc, SiteError) else [str(exc)]
    for line in lines:
        click.echo(f"error: {line}", err=True)
    click.echo(f"Stopped; {written}.", err=True)
    sys.exit(1)


@click.command("init")
@click.argument("folder", type=click.Path(path_type=Path), default=".")
@click.option("--title", default=None, help="The site's name [default: My briefings].")
@click.option("--language", default="en", show_default=True,
              help="Language of the site and of its example content (en, ko, …).")
@click.option("--base-url", default="https://example.org/", show_default=True,
              help="Where the site will be published.")
@click.option("--timezone", default=None,
              help="IANA timezone of the dates [default: Asia/Seoul for ko, else UTC].")
def init_command(folder: Path, title: str | None, language: str, base_url: str,
                 timezone: str | None) -> None:
    """Start a new site in FOLDER: site.yaml, an example briefing and article, .gitignore."""
    from generator.build import build_now
    from generator.scaffold import Starter, plan, write

    try:
        files = plan(Starter(title, language, base_url, timezone), build_now())
        written = write(folder, files)
    except BriefingsError as exc:
        _refuse(exc)
        return
    click.echo(f"Created a Briefings site in {folder}:")
    for rel in written:
        click.echo(f"  {rel}")
    site = "" if folder == Path(".") else f" --site {_shell_word(str(folder))}"
    click.echo("Next, preview it (it reloads as you edit), then start your first article:")
    click.echo(f"  briefings serve{site}")
    click.echo(f"  briefings new article \"Your first headline\"{site}")


def _shell_word(text: str) -> str:
    import shlex

    return shlex.quote(text)


@click.command("new")
@click.argument("kind", type=click.Choice(["article", "briefing", "page", "entity"]))
@click.argument("title")
@click.option("--site", "site_root", type=click.Path(exists=True, file_okay=False,
              path_type=Path), default=".", show_default=True,
              help="The site folder (it holds site.yaml).")
@click.option("--briefing", "briefings", multiple=True, metavar="SLUG",
              help="A briefing the article belongs to (repeat for more).")
@click.option("--type", "entity_type", default=None,
              type=click.Choice(["person", "organization", "country", "place", "event",
                                 "other"]),
              help="An entity's type.")
@click.option("--menu", default=None, type=click.Choice(["header", "footer"]),
              help="The menu that links a page.")
def new_command(kind: str, title: str, site_root: Path, briefings: tuple[str, ...],
                entity_type: str | None, menu: str | None) -> None:
    """Create a new KIND file titled TITLE (an article starts as a draft); print its path."""
    from generator.build import build_now
    from generator.new_file import Request, create

    if entity_type and kind != "entity":
        raise click.UsageError("--type is for entities only")
    if menu and kind != "page":
        raise click.UsageError("--menu is for pages only")
    try:
        rel = create(site_root, Request(kind, title, briefings, entity_type or "", menu or ""),
                     build_now())
    except BriefingsError as exc:
        _refuse(exc)
        return
    click.echo(site_root / rel)


@click.command("check")
@click.option("--site", "site_root", type=click.Path(exists=True, file_okay=False,
              path_type=Path), default=".", show_default=True,
              help="The site folder (it holds site.yaml).")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]),
              default="text", show_default=True,
              help="Lines of text, a JSON list, or GitHub Actions annotations.")
@click.option("--strict", is_flag=True, help="Also fail (exit 1) on warnings.")
@click.option("--drafts", is_flag=True, help="Check as `build --drafts` would.")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None,
              help="Worker processes [default: one per CPU].")
def check_command(site_root: Path, output_format: str, strict: bool, drafts: bool,
                  jobs: int | None) -> None:
    """Check the site as a build would, writing nothing; also warn of broken links, missing
    images, text copied from an imported original, overdue drafts and unused briefings."""
    from generator.build import build_now
    from generator.check import ERROR, as_github, as_json, as_text, check_site
    from generator.cli import check_source_date_epoch, interrupt  # the command's own group

    check_source_date_epoch()
    signal.signal(signal.SIGTERM, interrupt)
    findings = check_site(site_root, build_now(), drafts, jobs or default_jobs())
    if output_format == "json":
        click.echo(as_json(findings))
    else:
        for line in (as_github if output_format == "github" else as_text)(findings):
            click.echo(line)
    errors = sum(1 for f in findings if f.level == ERROR)
    warnings = len(findings) - errors
    click.echo(f"Checked: {errors} error{'' if errors == 1 else 's'}, "
               f"{warnings} warning{'' if warnings == 1 else 's'}.", err=True)
    if errors or (strict and warnings):
        sys.exit(1)


@click.command("import")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option("--site", "site_root", type=click.Path(exists=True, file_okay=False,
              path_type=Path), default=".", show_default=True,
              help="The site folder (it holds site.yaml).")
@click.option("--briefing", default=None, metavar="SLUG",
              help="The briefing the drafts belong to.")
@click.option("--dry-run", is_flag=True, help="Print what would be written; write nothing.")
@click.option("--update", is_flag=True,
              help="Refresh the original kept in drafts already imported from the same "
                   "source, instead of skipping them.")
@click.option("--timezone", default=None, metavar="TZ",
              help="IANA timezone of dates written without an offset [default: the site's].")
@click.option("--fetch", is_flag=True, help="Allow SOURCE to be an http(s) URL to download.")
def import_command(sources: tuple[str, ...], site_root: Path, briefing: str | None,
                   dry_run: bool, update: bool, timezone: str | None, fetch: bool) -> None:
    """Import saved pages, feeds or text scrapes (files or folders) as draft articles."""
    from generator.build import build_now
    from generator.cli import log_line
    from generator.dates import zone
    from generator.importing.run import ImportOptions, run_import
    from generator.schema import Invalid

    if timezone is not None:
        try:
            zone(timezone)
        except Invalid as exc:
            raise click.BadParameter(str(exc), param_hint="--timezone") from None
    options = ImportOptions(site_root, sources, briefing, dry_run, update, timezone, fetch,
                            build_now())
    try:
        result = run_import(options, log_line)
    except BriefingsError as exc:
        _refuse(exc)
        return
    except OSError as exc:
        _refuse(BriefingsError(f"{exc.filename}: cannot be written: {exc.strerror}"),
                "drafts listed above were written")
        return
    done = "would be written" if dry_run else "written"
    click.echo(f"{len(result.written)} draft{'' if len(result.written) == 1 else 's'} {done}, "
               f"{len(result.updated)} updated, {result.skipped} skipped"
               + (" (--dry-run: nothing was written)" if dry_run else "") + ".")


COMMANDS = (init_command, new_command, check_command, import_command)
