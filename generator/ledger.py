"""What a build remembers of the output it wrote, kept where no reader of the site can see it.

The output folder is untrusted and public: it is deployed as it is, and anyone who can put a
file into it (a committed `public/`, a shared deploy folder) must not be able to steer the
next build. So the output holds only a marker naming the published files (the proof that
Briefings wrote them, so that it deletes nothing else), and everything private (digests,
the summary that decides the next build, the journal of a publish in progress) lives in
the cache folder beside site.yaml. Every path read back from either is checked to be a
plain relative path inside the output before it is used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import re
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import OutputError

MARKER = ".briefings-manifest.json"
MARKER_FORMAT = 3
RECORD_FORMAT = 1
# A published path: segments of anything but separators, NUL and control characters; no
# empty, "." or ".." segment, no leading slash.
_SEGMENT = re.compile(r"[^/\\\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class Record:
    """What the previous build wrote: each file's digest and size, and its summary."""

    files: dict[str, str] = field(default_factory=dict)  # path → digest ("" when unknown)
    sizes: dict[str, int] = field(default_factory=dict)  # path → size in bytes
    summary: dict[str, object] = field(default_factory=dict)  # "inputs", "pages", "feeds"…
    # The files still in the output at the size they were written (set by check_output_dir):
    # a file truncated or replaced by hand is written again.
    kept: frozenset[str] = frozenset()

    @property
    def intact(self) -> bool:
        """Tell whether every file the previous build wrote is still there, at its size."""
        return len(self.kept) == len(self.files)


def is_safe(rel: object) -> bool:
    """Tell whether a path read from a record stays inside the output folder."""
    if not isinstance(rel, str) or not rel:
        return False
    return all(part not in (".", "..") and _SEGMENT.fullmatch(part)
               for part in rel.split("/"))


def confined(out: Path, rel: str) -> Path:
    """Return out/rel, refusing a path or a folder on the way that leads out of the output."""
    if not is_safe(rel):
        raise OutputError(f"refusing to touch {rel!r}: it is not a path inside {out}")
    folder = out
    for part in rel.split("/")[:-1]:
        folder = folder / part
        if folder.is_symlink():
            raise OutputError(f"refusing to write through the symbolic link {folder}: "
                              "remove it from the output folder")
    return out / rel


def read_marker(out: Path, existing: Container[str] = ()) -> list[str] | None:
    """Return the published paths the marker names, or None when there is no valid marker.

    A path among `existing` (found by walking the output) is inside it by construction;
    any other must pass `is_safe`.
    """
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    # Earlier formats: a list of paths, or {"files": {path: digest}, "summary": …}.
    files = data.get("files") if isinstance(data, dict) else data
    if not isinstance(files, (list, dict)):
        return None
    return sorted(p for p in files if (p in existing or is_safe(p)) and p != MARKER)


def marker_bytes(paths: Iterator[str] | list[str]) -> bytes:
    """Return the marker's bytes for these published paths."""
    text = json.dumps({"format": MARKER_FORMAT, "generator": "briefings",
                       "files": sorted(paths)}, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def write_marker(folder: Path, paths: list[str]) -> None:
    """Write the marker atomically, keeping an unchanged one as it is (and its mtime)."""
    data = marker_bytes(paths)
    target = folder / MARKER
    with contextlib.suppress(OSError):
        if target.read_bytes() == data:
            return
    temp = folder / (MARKER + ".tmp")
    temp.write_bytes(data)
    os.replace(temp, target)


def _key(out: Path) -> str:
    return hashlib.blake2b(str(out).encode("utf-8", "surrogateescape"),
                           digest_size=12).hexdigest()


def record_path(cache_dir: Path, out: Path) -> Path:
    """Return where the record of an output folder is kept in the cache."""
    return cache_dir / "outputs" / f"{_key(out)}.record"


def journal_path(cache_dir: Path, out: Path) -> Path:
    """Return where the journal of a publish into an output folder is kept in the cache."""
    return cache_dir / "outputs" / f"{_key(out)}.journal"


def read_record(cache_dir: Path | None, out: Path, published: list[str]) -> Record:
    """Return the record of the output, if it describes exactly the files the marker names."""
    if cache_dir is None:
        return Record({p: "" for p in published})
    try:
        # Pickled, not JSON: at 10,000 articles the record holds some 60,000 entries, and
        # JSON took a tenth of a second each way. The cache is the build's own folder.
        with open(record_path(cache_dir, out), "rb") as handle:
            form, where, digests, sizes, summary = pickle.load(handle)
        if form != RECORD_FORMAT or where != str(out):
            raise ValueError("another format or output")
        if not (isinstance(digests, dict) and isinstance(sizes, dict)
                and isinstance(summary, dict)):
            raise TypeError("not a record")
    except Exception:  # missing, damaged or foreign: trust only the marker
        return Record({p: "" for p in published})
    if sorted(digests) != published:
        # Written by another build than the one whose files are there: trust only the marker.
        return Record({p: "" for p in published})
    return Record(digests, sizes, summary)


def write_record(cache_dir: Path | None, out: Path, files: dict[str, str],
                 sizes: dict[str, int], summary: dict[str, object]) -> None:
    """Keep the record of what this build published; failing to costs only speed."""
    if cache_dir is None:
        return
    path = record_path(cache_dir, out)
    temp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temp, "wb") as handle:
            pickle.dump((RECORD_FORMAT, str(out), files, sizes, summary), handle,
                        pickle.HIGHEST_PROTOCOL)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()
            path.unlink()  # a stale record would make the next build trust old digests


def write_journal(path: Path, plan: dict[str, object]) -> None:
    """Write a publish's journal and sync it to disk before anything moves."""
    with open(path, "wb") as handle:
        pickle.dump(plan, handle, pickle.HIGHEST_PROTOCOL)
        handle.flush()
        os.fsync(handle.fileno())


def read_journal(path: Path) -> dict[str, Any]:
    """Return a journal's plan; raise ValueError when it is damaged."""
    try:
        with open(path, "rb") as handle:
            plan = pickle.load(handle)
    except Exception as exc:
        raise ValueError(f"damaged journal: {exc}") from None
    if not isinstance(plan, dict):
        raise ValueError("damaged journal")
    return plan


@contextlib.contextmanager
def exclusive(lock_file: Path, wait: bool, on_wait: object = None) -> Iterator[None]:
    """Hold an exclusive lock on a file for the block; wait for it, or refuse at once."""
    import fcntl

    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(f"cannot write beside {lock_file.parent / lock_file.name[1:-5]} "
                          f"({exc.strerror}); check that its folder exists and is writable, "
                          "or pass another --output") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise OutputError(f"another build is using {lock_file.parent} (it holds "
                                  f"{lock_file.name}); wait for it to finish, or build "
                                  "without --no-wait to wait for it") from None
            if callable(on_wait):
                on_wait(f"waiting for another build to finish (it holds {lock_file})…")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def recorded_warnings(summary: Mapping[str, object]) -> tuple[str, ...]:
    """Return the warnings a build recorded: they are shown again until fixed."""
    found = summary.get("warnings")
    return tuple(str(w) for w in found) if isinstance(found, list) else ()
