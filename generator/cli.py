"""The `briefings` command: the only place that turns errors into messages and exit codes."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

import click

from generator import __version__
from generator.build import (
    EARLIEST,
    LATEST,
    LATEST_EPOCH,
    BuildOptions,
    build,
    default_jobs,
)
from generator.errors import BriefingsError, Interrupted, SiteError, terminal_safe
from generator.progress import progress_display


def _fail(exc: BriefingsError) -> None:
    if isinstance(exc, SiteError):
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        count = len(exc.problems)
        click.echo(f"Build failed: {count} problem{'s' if count != 1 else ''}; "
                   "nothing was written.", err=True)
    else:
        click.echo(f"error: {exc}", err=True)
        click.echo("Build failed; nothing was written.", err=True)
    sys.exit(1)


RANGE = "years 2 to 9998"  # EARLIEST to LATEST


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 date or date-time",
                                 param_hint="--now") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    try:
        within = EARLIEST <= moment <= LATEST
    except OverflowError:  # its offset takes it before year 1 in UTC
        within = False
    if not within:
        raise click.BadParameter(f"{value!r} is out of range; choose a moment in {RANGE}",
                                 param_hint="--now")
    return moment


def check_source_date_epoch() -> None:
    """Exit with status 2 unless SOURCE_DATE_EPOCH is unset, empty or a usable time."""
    # Checked here, before anything is read: a value the clock cannot represent failed deep
    # in the build with a traceback, and a malformed one would silently fall back to the
    # clock, making a build meant to be reproducible depend on when it runs.
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return
    if not (raw.isascii() and raw.isdigit()):
        why = "is not a whole number of seconds since 1970-01-01 UTC (e.g. 1767225600)"
    elif len(raw) > 12 or int(raw) > LATEST_EPOCH:
        why = (f"is out of range; set seconds since 1970-01-01 UTC up to "
               f"{LATEST_EPOCH} (the end of 9998), or unset it")
    else:
        return
    shown = raw if len(raw) <= 40 else raw[:40] + "…"
    click.echo(f"error: SOURCE_DATE_EPOCH: {shown!r} {why}", err=True)
    sys.exit(2)


def interrupt(signum: int, frame: FrameType | None) -> None:
    # SIGTERM ends a build the way Ctrl-C does, so the staging folder is cleaned up.
    raise KeyboardInterrupt


@contextlib.contextmanager
def _exit_when_interrupted() -> Iterator[None]:
    try:
        yield
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)


class _Group(click.Group):
    """The command group, ending with 130 when interrupted before a command takes over."""

    # Click turns a KeyboardInterrupt into "Aborted!" and exit 1; Ctrl-C or SIGTERM while
    # the options are read must end as one during the build does (README: exit 130).
    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        """Read the command line; an interruption exits 130."""
        with _exit_when_interrupted():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the chosen command; an interruption it does not handle exits 130."""
        with _exit_when_interrupted():
            return super().invoke(ctx)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefings")
def main() -> None:
    """Build topic briefing sites from Markdown articles."""


@main.command("build")
@click.option("--site", "site_root", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=".", show_default=True, help="The site folder (it holds site.yaml).")
@click.option("--output", "output_dir", type=click.Path(path_type=Path), default=None,
              help="Where to write the site [default: output_dir of site.yaml, public/].")
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--force", is_flag=True,
              help="Publish into an output folder that holds files Briefings did not write. "
                   "Those files are kept: never deleted, never overwritten.")
@click.option("--now", "now", default=None, metavar="ISO-DATE",
              help="The build's notion of now, for digest editions "
                   "[default: SOURCE_DATE_EPOCH, else the clock].")
@click.option("--future", is_flag=True,
              help="Also publish articles whose publish_date is still to come.")
@click.option("--include-current", is_flag=True,
              help="Also publish the digest edition whose period is still running.")
@click.option("--no-cache", is_flag=True,
              help="Ignore the build cache (.briefings-cache/) and render every page.")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None,
              help="Worker processes [default: one per CPU].")
@click.option("--no-wait", is_flag=True,
              help="Fail at once when another build is using the output or the cache, "
                   "instead of waiting for it.")
@click.option("--quiet", "-q", is_flag=True, help="Print errors only.")
@click.option("--verbose", "-v", is_flag=True,
              help="Also print why the build did what it did, and how long each phase took.")
def build_command(site_root: Path, output_dir: Path | None, drafts: bool, force: bool,
                  now: str | None, future: bool, include_current: bool, no_cache: bool,
                  jobs: int | None, no_wait: bool,
                  quiet: bool, verbose: bool) -> None:
    """Build the site into its output folder."""
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose cannot be used together")
    signal.signal(signal.SIGTERM, interrupt)
    if now is None:  # --now wins over SOURCE_DATE_EPOCH, which is then not read
        check_source_date_epoch()
    options = BuildOptions(site_root, output_dir, drafts, force, cache=not no_cache,
                           jobs=jobs or default_jobs(), now=_parse_now(now),
                           include_current=include_current, future=future,
                           wait=not no_wait,
                           on_wait=None if quiet else lambda text: click.echo(text, err=True))
    try:
        with progress_display(enabled=not quiet) as progress:
            result = build(replace(options, progress=progress))
    except BriefingsError as exc:
        _fail(exc)
        return
    except (KeyboardInterrupt, Interrupted) as exc:
        if isinstance(exc, Interrupted) and exc.published:
            click.echo("Interrupted after publishing; the new output is complete.", err=True)
        else:
            click.echo("Interrupted; the previous output is unchanged.", err=True)
        sys.exit(130)
    for warning in result.warnings:  # shown even with --quiet: something was dropped
        click.echo(f"warning: {terminal_safe(warning)}", err=True)
    if verbose:
        click.echo(f"Decision: {result.reason}")
        click.echo("Phases: " + ", ".join(f"{name} {seconds:.3f} s"
                                          for name, seconds in result.timings))
    if not quiet:
        click.echo(f"Built {result.pages} pages and {result.feeds} feeds "
                   f"({result.files} file{'' if result.files == 1 else 's'} changed) into "
                   f"{result.output_dir} "
                   f"in {result.seconds:.2f} s")
        if result.held_back:
            held = ", ".join(f"{n} {reason}" for reason, n in result.held_back)
            click.echo(f"Held back: {held} (--drafts and --future include them)")


@main.command("serve")
@click.option("--site", "site_root", type=click.Path(exists=True, file_okay=False,
              path_type=Path), default=".", show_default=True,
              help="The site folder (it holds site.yaml).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; the default serves this machine only.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (the next free one is used if it is busy).")
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--open", "open_page", is_flag=True, help="Open the site in a browser.")
@click.option("--poll", is_flag=True,
              help="Poll for changes (for Docker, WSL and network file systems).")
def serve_command(site_root: Path, host: str, port: int, drafts: bool, open_page: bool,
                  poll: bool) -> None:
    """Preview the site with live reload; builds into a temporary folder, never public/."""
    check_source_date_epoch()
    from generator.serve import serve

    try:
        serve(site_root, host, port, drafts, open_page, poll, log=log_line)
    except OSError as exc:
        click.echo(f"error: cannot serve on {host}:{port}: {exc.strerror or exc}", err=True)
        sys.exit(1)


def log_line(line: str) -> None:
    click.echo(line, err=line.startswith(("error:", "warning:")))


@main.command("deploy")
@click.argument("target", required=False)
@click.option("--site", "site_root", type=click.Path(exists=True, file_okay=False,
              path_type=Path), default=".", show_default=True,
              help="The site folder (it holds site.yaml).")
@click.option("--dry-run", is_flag=True, help="Print what would be uploaded and deleted; "
              "change nothing.")
@click.option("--yes", is_flag=True, help="Delete more files than deploy.max_deletes allows.")
@click.option("--build", "build_first", is_flag=True,
              help="Build first (else the last build is deployed, if the sources are "
                   "unchanged since).")
def deploy_command(target: str | None, site_root: Path, dry_run: bool, yes: bool,
                   build_first: bool) -> None:
    """Publish the last build to a deploy target of site.yaml, uploading only what changed."""
    signal.signal(signal.SIGTERM, interrupt)
    check_source_date_epoch()
    from generator.config import load_site
    from generator.deploy import choose, deploy, describe
    from generator.lastbuild import last_build

    root = site_root.resolve()
    try:
        config, settings = load_site(root)
        chosen = choose(settings, target)
        if build_first:
            result = build(BuildOptions(root, jobs=default_jobs(), on_wait=log_line))
            click.echo(f"Built {result.pages} pages ({result.files} files changed).", err=True)
        built = last_build(root, config)
        where = chosen.remote or f"git {chosen.git} {chosen.branch}"
        report = deploy(settings, chosen, root, built.out, built.lock, built.files, dry_run,
                        yes, log_line)
    except BriefingsError as exc:
        if isinstance(exc, SiteError):
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
        else:
            click.echo(f"error: {terminal_safe(str(exc))}", err=True)
        click.echo("Deploy failed.", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted; the target still serves a whole site (new files may be up); "
                   "deploy again to complete it.", err=True)
        sys.exit(130)
    lines = describe(report.plan)
    if dry_run:
        click.echo(f"Plan for '{chosen.name}' ({where}); nothing was changed (--dry-run):")
        click.echo("\n".join(lines))
        return
    if not report.plan.pending and not report.commit:
        click.echo(f"'{chosen.name}' ({where}) is up to date: {report.plan.unchanged} files, "
                   f"nothing to upload ({report.seconds:.2f} s).")
        return
    click.echo(f"Deployed to '{chosen.name}' ({where}): {report.uploaded} uploaded, "
               f"{report.deleted} deleted, {report.plan.unchanged} unchanged in "
               f"{report.seconds:.2f} s" + (f" (commit {report.commit[:12]})"
                                            if report.commit else "") + ".")


# The editor's commands live beside this module; only here are they given to `briefings`.
from generator.cli_editor import COMMANDS  # noqa: E402

for _command in COMMANDS:
    main.add_command(_command)
