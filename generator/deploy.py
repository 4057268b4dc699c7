"""Publish the last build to a deploy target, uploading only what changed since the last deploy.

The target keeps a record of what was published there (RECORD: public paths and their
digests, nothing else). A deploy compares it with the build's own record of the output, so it
neither lists nor hashes the remote. Before changing anything it marks the files about to
change as pending in the record; then it uploads assets, pages, then feeds, the sitemap and
the search index (each before what links to it), deletes what the output no longer holds,
and writes the record last. A deploy interrupted anywhere leaves every old page in place,
and the next one redoes the pending files. Without a readable record it compares checksums
through rclone instead.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator import rclone
from generator.deploy_headers import PHASE_NAMES, PHASES, headers, in_order
from generator.ledger import exclusive, is_safe
from generator.model import DeploySettings, DeployTarget
from generator.rclone import DeployError
from generator.schema import suggest

RECORD = ".briefings-deploy.json"
RECORD_FORMAT = 1
SHOWN = 3  # paths shown of each kind in a plan

Echo = Callable[[str], None]


@dataclass(frozen=True)
class Plan:
    """What a deploy will do: uploads by phase, deletions, and what stays."""

    uploads: dict[str, list[str]]  # phase → paths, phases in upload order
    deletes: list[str]
    unchanged: int
    checked: bool = False  # no record on the target: the uploads were found by checksums
    pending: list[str] = field(default_factory=list)  # every path this deploy will touch

    @property
    def upload_count(self) -> int:
        """Return how many files go up."""
        return sum(len(paths) for paths in self.uploads.values())


def plan(output: Mapping[str, str], published: Mapping[str, str] | None,
         pending: Iterable[str] = (), differing: Iterable[str] = ()) -> Plan:
    """Compare the output with the target's record (None: use `differing`, from checksums)."""
    if published is None:
        changed = set(differing)
        return Plan(in_order(changed), [], len(output) - len(changed), True, sorted(changed))
    redo = set(pending)
    changed = {path for path, digest in output.items()
               if published.get(path) != digest or path in redo}
    deletes = sorted((set(published) | redo) - set(output))
    return Plan(in_order(changed), deletes, len(output) - len(changed), False,
                sorted(changed | set(deletes)))


def record_bytes(files: Mapping[str, str], pending: Iterable[str] = ()) -> bytes:
    """Return the record a target keeps: public paths and digests, and the paths in flight."""
    data = {"format": RECORD_FORMAT, "generator": "briefings",
            "files": dict(sorted(files.items())), "pending": sorted(pending)}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def read_record(data: bytes | None) -> tuple[dict[str, str], list[str]] | None:
    """Return (files, pending) of a target's record, or None when it is missing or unreadable."""
    if not data:
        return None
    try:
        doc = json.loads(data)
        files, pending = doc["files"], doc.get("pending", [])
        if doc.get("format") != RECORD_FORMAT or not isinstance(files, dict):
            return None
    except (ValueError, KeyError, TypeError):
        return None
    # Paths read from the target are checked like any path read back (ledger.is_safe).
    return ({p: str(d) for p, d in files.items() if is_safe(p)},
            [p for p in pending if is_safe(p)] if isinstance(pending, list) else [])


def choose(settings: DeploySettings, name: str | None) -> DeployTarget:
    """Return the target named (or the default one); an unknown name gets "did you mean"."""
    names = [t.name for t in settings.targets]
    if not names:
        raise DeployError("site.yaml has no deploy targets; add e.g.\n  deploy:\n    targets:\n"
                          "      production: {remote: \"s3:my-bucket/site\"}")
    wanted = name or settings.default
    if not wanted:
        raise DeployError("site.yaml names several deploy targets and no default; name one "
                          "(briefings deploy " + names[0] + ") or set deploy.default")
    for target in settings.targets:
        if target.name == wanted:
            return target
    hint = suggest(wanted, names).replace("allowed keys", "targets")
    raise DeployError(f"no deploy target named '{wanted}' in site.yaml; {hint}")


def describe(plan: Plan) -> list[str]:
    """Return the plan as lines: counts, and the first paths of each kind."""
    lines = []
    for name in PHASES:
        paths = plan.uploads[name]
        if paths:
            lines.append(f"  upload {len(paths)} {PHASE_NAMES[name]}: {_some(paths)}")
    if plan.deletes:
        lines.append(f"  delete {len(plan.deletes)}: {_some(plan.deletes)}")
    lines.append(f"  unchanged: {plan.unchanged}"
                 + (" (no deploy record on the target: compared by checksum)"
                    if plan.checked else ""))
    return lines


def _some(paths: list[str]) -> str:
    more = len(paths) - SHOWN
    return ", ".join(paths[:SHOWN]) + (f" and {more} more" if more > 0 else "")


@dataclass(frozen=True)
class Report:
    """What a deploy did."""

    target: DeployTarget
    plan: Plan
    uploaded: int  # files rclone (or git) wrote
    deleted: int
    seconds: float
    commit: str = ""  # git targets: the new commit, "" when none was made


def guard(target: DeployTarget, plan: Plan, max_deletes: int, yes: bool) -> None:
    """Stop a deploy that would delete more than max_deletes files, unless --yes."""
    if len(plan.deletes) > max_deletes and not yes:
        raise DeployError(f"deploy to '{target.name}' would delete {len(plan.deletes)} files, "
                          f"more than deploy.max_deletes ({max_deletes}); check the output "
                          "(briefings deploy --dry-run lists them), then pass --yes to delete "
                          "them")


def deploy(settings: DeploySettings, target: DeployTarget, root: Path, out: Path, lock: Path,
           files: Mapping[str, str], dry_run: bool = False, yes: bool = False,
           echo: Echo = print) -> Report:
    """Deploy the output's files (path → digest) to a target; raise DeployError on failure."""
    if RECORD in files:
        raise DeployError(f"the site publishes {RECORD}, the name deploy keeps its record "
                          "under; rename that file")
    started = time.perf_counter()
    # A build swapping files in while they are read would publish a mix of two builds.
    with exclusive(lock, True, echo):
        if target.git:
            from generator import ghpages

            return ghpages.deploy(settings, target, root, out, files, dry_run, yes, echo, started)
        return _to_remote(settings, target, out, files, dry_run, yes, echo, started)


def _to_remote(settings: DeploySettings, target: DeployTarget, out: Path,
               files: Mapping[str, str], dry_run: bool, yes: bool, echo: Echo,
               started: float) -> Report:
    remote = rclone.Remote(target.name, target.remote)
    known = read_record(rclone.cat(remote, RECORD))
    if known is None:
        the_plan = plan(files, None, differing=rclone.differing(remote, out, sorted(files)))
    else:
        the_plan = plan(files, known[0], known[1])
    if dry_run:
        return Report(target, the_plan, 0, 0, time.perf_counter() - started)
    guard(target, the_plan, settings.max_deletes, yes)
    if not the_plan.pending and known is not None:  # and none was pending in the record
        return Report(target, the_plan, 0, 0, time.perf_counter() - started)
    if known is not None and the_plan.pending:
        # Marked before anything moves: should this deploy stop halfway, the next one
        # redoes these files even if the output has gone back to what the record says.
        rclone.put(remote, RECORD, record_bytes(known[0], the_plan.pending),
                   "application/json", "no-cache")
    uploaded = 0
    for name in PHASES:
        groups: dict[tuple[str, str], list[str]] = {}
        for path in the_plan.uploads[name]:
            groups.setdefault(headers(path, settings.headers), []).append(path)
        for (kind, control), paths in sorted(groups.items()):
            uploaded += rclone.copy(remote, out, paths, kind, control)
    deleted = 0
    if the_plan.deletes:
        deleted = rclone.delete(remote, the_plan.deletes)
        rclone.remove_empty(remote, gone_folders(files, the_plan.deletes))
    rclone.put(remote, RECORD, record_bytes(files), "application/json", "no-cache")
    return Report(target, the_plan, uploaded, deleted, time.perf_counter() - started)


def gone_folders(kept: Iterable[str], deleted: Iterable[str]) -> list[str]:
    """Return the topmost folders that held deleted files and hold no kept one."""
    def parents(path: str) -> list[str]:
        parts = path.split("/")[:-1]
        return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]

    used = {folder for path in kept for folder in parents(path)}
    gone = {folder for path in deleted for folder in parents(path)} - used
    return sorted(f for f in gone if f.rpartition("/")[0] not in gone)
