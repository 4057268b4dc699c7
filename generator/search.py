"""Build the full-text search index with Pagefind: one index (a shard) per year of articles.

Each shard is a whole Pagefind bundle in `pagefind/<year>/` (or `pagefind/<year>-<month>/`
for each month of a year of more than SHARD_ARTICLES articles), made from the pages of the
articles dated then (in the site's timezone), and `pagefind/shards.json` lists the
shards, newest first; the search page merges them with Pagefind's `mergeIndex`. A shard's
digest is the digest of its pages' (path, digest) pairs: when it is the previous build's,
the shard's files are kept as they are. So an edit re-indexes one year, not the site, and
Pagefind never holds more than the largest year in memory.

Pagefind is asked for the files in memory (GetFiles), never to write them: its service
acknowledges WriteFiles before the bytes reach the disk (Pagefind issue #1271, in 1.5.2 and
earlier), so a file read after that acknowledgement may be cut short. Every file is then
checked against what Pagefind reports before any is staged: a short or empty file fails the
build instead of being published.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

from generator import dates, routes
from generator.errors import OutputError
from generator.fingerprint import of_bytes
from generator.model import Site
from generator.output import Publisher

FOLDER = "pagefind/"
SHARDS = FOLDER + "shards.json"
SHARD_ARTICLES = 500  # a year of more articles is indexed month by month
AT_ONCE = 600  # pages that Pagefind processes may hold in memory together
LAYOUT = "1"  # part of every shard's digest: change it when the bundle's making changes
_KEY = re.compile(r"[0-9A-Za-z_-]{1,64}")
_COMPRESSED = (".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter", ".pagefind")
_REINSTALL = ("reinstall with `pip install 'pagefind[bin]'` or set `search: false` in "
              "site.yaml")


def shard_of(site: Site) -> list[tuple[str, str]]:
    """Return (page path, shard key) of each article page that search covers.

    The key is the article's year, or its year and month in a year of more than
    SHARD_ARTICLES articles: an edit then re-indexes one month of a large site, and Pagefind
    holds at most a month of it in memory (it takes about 0.3 MB an article).
    """
    zone = dates.zone(site.config.timezone)
    # Expired articles keep their page but leave every list: search included.
    moments = [(a, a.date.astimezone(zone)) for a in site.articles]
    per_year = Counter(moment.year for _, moment in moments)
    return [(routes.page_file(a.path),
             f"{m.year}-{m.month:02d}" if per_year[m.year] > SHARD_ARTICLES else str(m.year))
            for a, m in moments]


def update_index(publisher: Publisher, pages: Sequence[tuple[str, str]],
                 refresh: bool = True, jobs: int = 1, folder: str = FOLDER) -> None:
    """Index each shard of (page path, shard key) pages whose page digests changed.

    `folder` holds the index: each language of a multilingual site has its own (ko/pagefind/).
    """
    listing_path = folder + "shards.json"
    site = folder.removesuffix(FOLDER)  # "" or a language's folder, e.g. "ko/"
    previous = {path: d for path, d in publisher.previous.items() if path.startswith(folder)}
    if not refresh and previous and all(publisher.holds(p, d) for p, d in previous.items()):
        for path, digest in previous.items():
            publisher.unchanged(path, digest)  # the preview keeps its first index
        return
    shards: dict[str, list[str]] = {}
    for path, key in pages:
        if not _KEY.fullmatch(key):
            raise ValueError(f"search shard key {key!r} is not a plain folder name")
        shards.setdefault(key, []).append(path)
    ours = {listing_path}
    version = _version() if shards else ""
    by_shard: dict[str, list[str]] = {}  # the previous files of each shard, found in one pass
    for path in previous:
        by_shard.setdefault(path[len(folder):].partition("/")[0], []).append(path)
    todo: list[tuple[str, str, list[tuple[str, Path]]]] = []  # folder, digest, pages
    for key, paths in sorted(shards.items()):
        digest = _shard_digest(publisher, version, paths)
        old = by_shard.get(key, [])
        if old and all(publisher.holds(path, digest) for path in old):
            for path in old:
                publisher.unchanged(path, digest)
            ours.update(old)
            continue
        # Pagefind stores each page's URL from the site the index serves: a language's index
        # holds its pages without its folder, which the search page's base URL carries.
        todo.append((f"{folder}{key}/", digest,
                     [(p[len(site):], _page_file(publisher, p)) for p in paths]))
    # Pagefind indexes in processes of its own: up to `jobs` shards at once, as long as they
    # hold no more than AT_ONCE pages together (Pagefind takes about 0.3 MB a page), written
    # in order as they come (a shard's bundle is held only until it is staged).
    largest = max((len(pages) for _, _, pages in todo), default=1)
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, AT_ONCE // largest))) as pool:
        bundles = pool.map(lambda shard: index_pages(shard[2], shard[0]), todo)
        for (shard, digest, _), files in zip(todo, bundles, strict=True):
            for name, data in files:
                publisher.write(shard + name, data, digest)
                ours.add(shard + name)
    listing = json.dumps({"shards": sorted(shards, reverse=True)}).encode() + b"\n"
    if not publisher.unchanged(listing_path, of_bytes(listing)):
        publisher.write(listing_path, listing, of_bytes(listing))
    # Files of rebuilt or dropped shards that a caller recorded as kept are not kept.
    for path in [p for p in publisher.manifest if p.startswith(folder) and p not in ours]:
        del publisher.manifest[path]


def _shard_digest(publisher: Publisher, version: str, paths: list[str]) -> str:
    h = hashlib.blake2b(f"{LAYOUT}\0{version}\0".encode(), digest_size=16)
    for path in sorted(paths):
        digest = publisher.manifest.get(path)
        if digest is None:
            raise ValueError(f"search: the page {path} was not rendered in this build")
        h.update(f"{path}\0{digest}\0".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _page_file(publisher: Publisher, path: str) -> Path:
    staged = publisher.staging / path
    return staged if staged.is_file() else publisher.out / path


def _executable() -> str:
    from pagefind.service import get_executable  # honours PAGEFIND_BINARY_PATH

    found = get_executable()
    if found is None:
        raise OutputError(f"the Pagefind program was not found; {_REINSTALL}")
    return str(found)


def _version() -> str:
    """Return the Pagefind version: shards made by another one are made again."""
    try:
        done = subprocess.run([_executable(), "--version"], capture_output=True, check=True,
                              timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        raise OutputError(f"the Pagefind program does not run ({exc}); {_REINSTALL}") from None
    return done.stdout.decode("utf-8", "replace").strip()


def index_pages(pages: Sequence[tuple[str, Path]], label: str = FOLDER
                ) -> list[tuple[str, bytes]]:
    """Index (output path, HTML file) pages; return the checked bundle's (name, bytes)."""
    with tempfile.TemporaryDirectory(prefix="briefings-search-") as temp:
        site = Path(temp)
        for path, source in pages:
            target = site / path
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
        with _service(_executable()) as service:
            index = service.ask({"type": "NewIndex", "config": None}, "NewIndex")["index_id"]
            service.ask({"type": "AddDir", "index_id": index, "path": str(site)}, "IndexedDir")
            answer = service.ask({"type": "GetFiles", "index_id": index}, "GetFiles")
    try:
        files = {str(f["path"]): base64.b64decode(f["content"], validate=True)
                 for f in answer["files"]}
    except (KeyError, TypeError, ValueError) as exc:
        raise OutputError(f"Pagefind sent an unreadable search index for {label} ({exc}); "
                          f"{_REINSTALL}") from None
    check_bundle(files, label)
    return sorted(files.items())


def check_bundle(files: dict[str, bytes], label: str = FOLDER) -> None:
    """Raise OutputError unless the files make a whole Pagefind bundle; name what is wrong."""

    def fail(problem: str) -> OutputError:
        return OutputError(f"the search index for {label} is incomplete: {problem} (build "
                           f"again; if it persists, {_REINSTALL})")

    for name, data in files.items():
        if not name or name.startswith("/") or ".." in name.split("/") or "\\" in name:
            raise fail(f"Pagefind named a file {name!r} outside its folder")
        if not data:
            raise fail(f"{name} is empty")
        if name.endswith(_COMPRESSED):
            try:
                gzip.decompress(data)  # checks the length and CRC in the gzip trailer
            except (OSError, EOFError, zlib.error):
                raise fail(f"{name} is cut short or damaged") from None
    for name in ("pagefind.js", "pagefind-entry.json"):
        if name not in files:
            raise fail(f"{name} is missing")
    try:
        entry = json.loads(files["pagefind-entry.json"])
        languages: dict[str, dict[str, Any]] = entry["languages"]
        pages = sum(int(language["page_count"]) for language in languages.values())
        needed = [f"pagefind.{language['hash']}.pf_meta" for language in languages.values()]
        needed += [f"wasm.{language['wasm']}.pagefind" for language in languages.values()
                   if language.get("wasm")]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise fail("pagefind-entry.json is cut short or damaged") from None
    for name in needed:
        if name not in files:
            raise fail(f"{name} is missing")
    fragments = sum(1 for name in files if name.startswith("fragment/"))
    if fragments != pages:
        raise fail(f"it lists {pages} pages but holds {fragments} of their fragments")


@contextlib.contextmanager
def _service(executable: str) -> Iterator[_Service]:
    """Run one `pagefind --service` process; stop it at the end of its input."""
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen([executable, "--service"], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=errors)
        except OSError as exc:
            raise OutputError(f"the Pagefind program does not run ({exc}); {_REINSTALL}"
                              ) from None
        try:
            yield _Service(process, errors)
        finally:
            with contextlib.suppress(OSError):
                if process.stdin is not None:
                    process.stdin.close()  # the service exits at the end of its input
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()


class _Service:
    """Ask a Pagefind service one message at a time."""

    # Its answers are read as they come, however long: the Python binding's reader stops at
    # 2 MiB (a year's index is larger) and polls every tenth of a second.

    def __init__(self, process: subprocess.Popen[bytes], errors: IO[bytes]) -> None:
        self._process = process
        self._errors = errors
        self._buffer = bytearray()
        self._sent = 0

    def ask(self, payload: dict[str, object], expected: str) -> dict[str, Any]:
        """Send one message and return Pagefind's answer, which must be of that type."""
        self._sent += 1
        message = {"message_id": self._sent, "payload": payload}
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(base64.b64encode(json.dumps(message).encode()) + b",")
            process.stdin.flush()
            scanned = 0
            while (end := self._buffer.find(b",", scanned)) < 0:
                scanned = len(self._buffer)
                chunk = os.read(process.stdout.fileno(), 1 << 20)
                if not chunk:
                    raise self._failure("it stopped before answering")
                self._buffer += chunk
        except OSError as exc:
            raise self._failure(f"it stopped ({exc.strerror or exc})") from None
        try:
            answer = json.loads(base64.b64decode(bytes(self._buffer[:end]), validate=True))
            del self._buffer[:end + 1]
            got = answer["payload"]
            kind = got["type"]
        except (ValueError, KeyError, TypeError):
            raise self._failure("its answer was unreadable") from None
        if kind == "Error":
            raise self._failure(f"it reported: {got.get('message')}")
        if kind != expected or answer.get("message_id") != self._sent:
            raise self._failure(f"it answered {kind!r} to {payload['type']!r}")
        return dict(got)

    def _failure(self, what: str) -> OutputError:
        self._errors.seek(0)
        said = self._errors.read()[-2000:].decode("utf-8", "replace").strip()
        detail = f" ({said.splitlines()[-1]})" if said else ""
        return OutputError(f"the Pagefind search index could not be built: {what}{detail}; "
                           f"{_REINSTALL}")
