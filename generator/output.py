"""Publish the built files safely: only our own files, only what changed, all or nothing.

A build writes what changed into a staging folder beside the output. When nothing of the
old output exists, the staging folder is renamed into place. Otherwise a journal listing
the moves and deletions is written (and synced) first, then applied with one rename per
file while Ctrl-C and SIGTERM are held back; a build killed while applying (SIGKILL, power
loss) is completed from the journal by the next build before it does anything else.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Set
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import OutputError
from generator.signals import deferred

MANIFEST = ".briefings-manifest.json"
FORMAT = 2


@dataclass(frozen=True)
class Record:
    """What the previous build left in its manifest: the files it wrote, and its summary."""

    files: dict[str, str] = field(default_factory=dict)  # path → digest
    summary: dict[str, object] = field(default_factory=dict)  # "inputs", "pages", "feeds"…


def check_output_dir(site_root: Path, out: Path, force: bool = False
                     ) -> tuple[set[str], Record]:
    """Refuse an output folder whose replacement could destroy the user's files.

    Return every file now in it, and the previous build's record (read once here: it runs
    to megabytes for a large site). Files that Briefings did not write are allowed only
    with `force`, and they are left alone, never deleted.
    """
    site_root, out = site_root.resolve(), out.resolve()
    home = Path.home().resolve()
    precious = [site_root / "content", site_root / "themes", site_root / "site.yaml"]
    if out == Path(out.anchor) or out == home:
        raise OutputError(f"refusing to publish into {out}: choose a dedicated folder "
                          "such as public/")
    if out == site_root or site_root.is_relative_to(out):
        raise OutputError(f"refusing to publish into {out}: it contains the site itself; "
                          "choose a folder inside it such as public/")
    for item in precious:
        if out == item or out.is_relative_to(item):
            raise OutputError(f"refusing to publish into {out}: it is inside {item.name}; "
                              "choose a folder such as public/")
    recover(out)
    if not out.exists():
        return set(), Record()
    if not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder; remove it or choose another "
                          "output folder")
    existing = existing_files(out)
    record = read_record(out)
    foreign = sorted(existing - set(record.files) - {MANIFEST})
    if foreign and not force:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3
                                          else "")
        raise OutputError(f"{out} holds files that Briefings did not write ({shown}); move "
                          "them away, choose another output folder, or pass --force to "
                          "publish there anyway (those files are kept)")
    return existing, record


def _load(out: Path) -> object:
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def read_record(out: Path) -> Record:
    """Return the previous build's record (empty when there is none or it is unreadable)."""
    data = _load(out)
    if isinstance(data, list):  # the first format listed paths without digests
        return Record({p: "" for p in data if isinstance(p, str)})
    if not isinstance(data, dict):
        return Record()
    files, summary = data.get("files"), data.get("summary")
    return Record({p: d for p, d in files.items() if isinstance(p, str) and isinstance(d, str)}
                  if isinstance(files, dict) else {},
                  summary if isinstance(summary, dict) else {})


def existing_files(folder: Path) -> set[str]:
    """List every file under a folder, as relative paths with forward slashes."""
    found: set[str] = set()
    pending = [("", str(folder))]
    while pending:
        prefix, current = pending.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((prefix + entry.name + "/", entry.path))
                else:
                    found.add(prefix + entry.name)
    return found


def _journal(out: Path) -> Path:
    return out.with_name(f".{out.name}.journal.json")


def staging_of(out: Path) -> Path:
    """Return the staging folder of an output folder."""
    return out.with_name(f".{out.name}.staging")


def recover(out: Path) -> None:
    """Finish a publish that was killed while applying its journal."""
    journal = _journal(out)
    if not journal.exists():
        return
    try:
        plan = json.loads(journal.read_text(encoding="utf-8"))
        moves, deletes, manifest = plan["moves"], plan["deletes"], plan["manifest"]
        summary = plan.get("summary")
    except (OSError, ValueError, KeyError, TypeError):
        journal.unlink()  # written before anything moved, so nothing is half-applied
        return
    staging = staging_of(out)
    if not staging.is_dir():
        # The staged files are gone: publish what was moved, and have the rest rendered anew.
        manifest = {path: ("" if path in moves else digest) for path, digest in manifest.items()}
        summary = {}
    _apply(out, staging, moves, deletes, manifest, summary)


def _apply(out: Path, staging: Path, moves: list[str], deletes: list[str],
           manifest: dict[str, str], summary: dict[str, object] | None = None) -> None:
    for rel in moves:
        source, target = staging / rel, out / rel
        try:
            os.replace(source, target)  # the common case in one system call
            continue
        except OSError:
            pass  # a new folder, a folder in the way, or moved before an interruption
        if not source.exists():
            continue
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
    for rel in deletes:
        with contextlib.suppress(FileNotFoundError):
            (out / rel).unlink()
        _prune(out, (out / rel).parent)
    _write_manifest(out, manifest, summary)
    _journal(out).unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)


def _prune(out: Path, folder: Path) -> None:
    while folder != out and folder.is_relative_to(out):
        try:
            folder.rmdir()  # only succeeds when empty: a user's file keeps its folder
        except OSError:
            return
        folder = folder.parent


def rewrite_summary(out: Path, files: dict[str, str], summary: dict[str, object]) -> None:
    """Record a new summary beside the same files (the manifest is replaced atomically)."""
    if out.is_dir():
        _write_manifest(out, files, summary)


def _write_manifest(folder: Path, manifest: dict[str, str],
                    summary: dict[str, object] | None = None) -> None:
    # One line: with an indent, json takes its pure-Python encoder, ten times slower.
    data = json.dumps({"format": FORMAT, "summary": summary or {},
                       "files": dict(sorted(manifest.items()))}, ensure_ascii=False)
    target = folder / MANIFEST
    with contextlib.suppress(OSError):
        if target.read_text(encoding="utf-8") == data + "\n":
            return  # unchanged: keep its mtime, like every other unchanged file
    temp = folder / (MANIFEST + ".tmp")
    temp.write_text(data + "\n", encoding="utf-8")
    os.replace(temp, target)


class Publisher:
    """Collect one build's files in staging, then publish them in one step."""

    def __init__(self, out: Path, existing: Set[str], record: Record,
                 reuse: bool = True) -> None:
        self.out = out.resolve()
        self.staging = staging_of(self.out)
        self.existing = existing
        self.previous = record.files
        self.previous_summary = record.summary
        self.reuse = reuse
        self.manifest: dict[str, str] = {}
        self.changed: list[str] = []
        self.summary: dict[str, object] = {}
        self.committed = False
        try:
            if self.staging.exists():
                shutil.rmtree(self.staging)
            self.staging.mkdir(parents=True)
        except OSError as exc:
            raise OutputError(f"cannot write beside {self.out} ({exc.strerror}); check that "
                              "its folder exists and is writable, or pass another --output"
                              ) from None

    def holds(self, path: str, digest: str) -> bool:
        """Tell whether the previous output already holds this file for this digest."""
        return self.reuse and self.previous.get(path) == digest and path in self.existing

    def unchanged(self, path: str, digest: str) -> bool:
        """Keep the previous output's file when it holds this digest; tell whether it did."""
        if self.holds(path, digest):
            self.manifest[path] = digest
            return True
        return False

    def old_bytes(self, path: str) -> bytes | None:
        """Return the previous bytes of a file, if the previous build wrote it."""
        if path not in self.previous:
            return None
        try:
            return (self.out / path).read_bytes()
        except OSError:
            return None

    def record(self, path: str, digest: str, written: bool) -> None:
        """Note a file of this build: written to staging, or identical to the old one."""
        self.manifest[path] = digest
        if written:
            self.changed.append(path)

    def write(self, path: str, data: bytes, digest: str) -> None:
        """Stage one file, unless its bytes equal the previous output's."""
        if self.old_bytes(path) == data:
            self.record(path, digest, written=False)
            return
        target = self.staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.record(path, digest, written=True)

    def commit(self) -> int:
        """Publish: swap in a first build, or apply the changes through the journal."""
        if not self.out.exists():
            _write_manifest(self.staging, self.manifest, self.summary)
            self.out.parent.mkdir(parents=True, exist_ok=True)
            with deferred():
                os.replace(self.staging, self.out)
                self.committed = True
            return len(self.changed)
        deletes = sorted(set(self.previous) - set(self.manifest))
        if (not self.changed and not deletes and self.previous == self.manifest
                and self.previous_summary == self.summary):
            shutil.rmtree(self.staging, ignore_errors=True)
            self.committed = True
            return 0
        journal = _journal(self.out)
        with deferred():
            with open(journal, "w", encoding="utf-8") as handle:
                # dumps, not dump: json.dump never uses the C encoder.
                handle.write(json.dumps({"moves": sorted(self.changed), "deletes": deletes,
                                         "manifest": self.manifest, "summary": self.summary},
                                        ensure_ascii=False))
                handle.flush()
                os.fsync(handle.fileno())
            _apply(self.out, self.staging, sorted(self.changed), deletes, self.manifest,
                   self.summary)
            self.committed = True
        return len(self.changed) + len(deletes)

    def abort(self) -> None:
        """Throw the staged files away; the previous output stays exactly as it was."""
        if _journal(self.out).exists():
            return  # publishing had begun: the next build completes it from the journal
        shutil.rmtree(self.staging, ignore_errors=True)
