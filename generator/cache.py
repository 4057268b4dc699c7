"""The persistent build cache: parsed content and rendered Markdown, keyed by content hash.

Stored in SQLite (`.briefings-cache/cache.sqlite` beside site.yaml). Entries are keyed by
what produced them, never by mtime, so nothing can go stale; a deleted, truncated or
foreign cache is detected, thrown away and rebuilt.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SCHEMA = 3  # bump when what is stored changes shape
CACHE_DIR = ".briefings-cache"


class Store:
    """Key → (metadata, HTML) pairs; one connection per process (safe across fork)."""

    def __init__(self, path: Path | None) -> None:
        self._temp: tempfile.TemporaryDirectory[str] | None = None
        if path is None:  # --no-cache: the same code path, in a throwaway file
            self._temp = tempfile.TemporaryDirectory(prefix="briefings-nocache-")
            path = Path(self._temp.name) / "cache.sqlite"
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._snapshot: dict[str, Any] = {}

    def _open(self) -> sqlite3.Connection:
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        self._pid = os.getpid()
        try:
            self._conn = self._connect()
        except (sqlite3.Error, OSError):
            self._reset()
            self._conn = self._connect()
        return self._conn

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA:
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                conn.close()
                raise sqlite3.DatabaseError("a cache of another version or program")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE entry (key TEXT PRIMARY KEY, meta BLOB, html BLOB)")
            conn.execute(f"PRAGMA user_version={SCHEMA}")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    def _reset(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
        with contextlib.suppress(OSError):
            self._snapshot_path.unlink()
        for suffix in ("", "-wal", "-shm", "-journal"):
            target = Path(f"{self.path}{suffix}")
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    target.unlink()

    @property
    def _snapshot_path(self) -> Path:
        return self.path.with_name("snapshot.pickle")

    def _load_snapshot(self) -> dict[str, Any]:
        try:
            with open(self._snapshot_path, "rb") as handle:
                schema, entries = pickle.load(handle)
        except Exception:
            # Unpickling damaged bytes runs whatever calls they spell, so it can raise nearly
            # anything (OverflowError, MemoryError, RecursionError…): a list of some let the
            # rest fail every build until the cache was deleted by hand. Exception leaves
            # KeyboardInterrupt and SystemExit to stop the build.
            return {}
        return entries if schema == SCHEMA and isinstance(entries, dict) else {}

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """Return the stored metadata of every key present; a damaged cache returns none."""
        # The last build's records in one file load several times faster than row by row.
        self._snapshot = self._load_snapshot()
        found: dict[str, Any] = {}
        wanted: list[str] = []
        for key in keys:
            if key in self._snapshot:
                found[key] = self._snapshot[key]
            else:
                wanted.append(key)
        rows = self.lookup(wanted)
        if rows is None:
            return {}
        found.update(rows)
        return found

    def lookup(self, keys: list[str]) -> dict[str, Any] | None:
        """Return the stored metadata of the keys present, from the database alone."""
        found: dict[str, Any] = {}
        try:
            conn = self._open()
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                for key, meta in conn.execute(
                        f"SELECT key, meta FROM entry WHERE key IN ({marks})", chunk):
                    found[key] = pickle.loads(meta)
        except Exception:  # sqlite3.Error, or anything a damaged pickle raises (as above)
            self._reset()  # damaged: thrown away, and everything is parsed again
            return None
        return found

    def remember(self, entries: dict[str, Any]) -> None:
        """Keep exactly this build's records: a snapshot for the next build, no stale rows."""
        # Let go of the loaded records: the build keeps what it uses, and the rest of a
        # 30,000-article snapshot would stay in memory (and in every worker) to the end.
        snapshot, self._snapshot = self._snapshot, {}
        new = sum(1 for key in entries if key not in snapshot)
        stale = len(snapshot) - (len(entries) - new)
        # A few edited files are cheaper to fetch row by row next time than rewriting the
        # whole snapshot now (0.2 s at 10,000 articles); stale records in it are harmless,
        # since a key names exact bytes. Rewrite once the drift adds up.
        slack = 0 if not snapshot else max(64, len(entries) // 50)
        if new <= slack and stale <= slack:
            return
        self.keep_only(set(entries))
        temp = self._snapshot_path.with_suffix(f".{os.getpid()}.tmp")  # builds may overlap
        try:
            with open(temp, "wb") as handle:
                pickle.dump((SCHEMA, entries), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, self._snapshot_path)
        except OSError:
            with contextlib.suppress(OSError):
                temp.unlink()

    def put_many(self, items: Iterable[tuple[str, Any, str]]) -> None:
        """Store (key, metadata, html) triples; a failure only costs a re-parse next time."""
        rows = [(key, pickle.dumps(meta, protocol=pickle.HIGHEST_PROTOCOL), html)
                for key, meta, html in items]
        if not rows:
            return
        try:
            conn = self._open()
            conn.execute("BEGIN")
            conn.executemany("INSERT OR REPLACE INTO entry VALUES (?, ?, ?)", rows)
            conn.execute("COMMIT")
        except sqlite3.Error:
            self._reset()

    def html(self, key: str) -> str | None:
        """Return the rendered HTML of one key, or None when the cache lost it."""
        try:
            row = self._open().execute("SELECT html FROM entry WHERE key = ?",
                                       (key,)).fetchone()
        except sqlite3.Error:
            return None
        return str(row[0]) if row else None

    def keep_only(self, keys: set[str]) -> None:
        """Drop entries this build did not use, so the cache does not grow forever."""
        try:
            conn = self._open()
            stored = {k for (k,) in conn.execute("SELECT key FROM entry")}
            stale = [(k,) for k in stored - keys]
            if stale:
                conn.execute("BEGIN")
                conn.executemany("DELETE FROM entry WHERE key = ?", stale)
                conn.execute("COMMIT")
        except sqlite3.Error:
            self._reset()

    def close(self) -> None:
        """Close the connection and remove a throwaway cache."""
        if self._conn is not None and self._pid == os.getpid():
            self._conn.close()
        self._conn = None
        if self._temp is not None:
            self._temp.cleanup()
