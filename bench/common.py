"""Shared benchmark helpers: machine details, stage timers, RSS sampling, the shared pages.

Every benchmark prints the machine it ran on and ratios against a baseline measured in the
same run, so a table in docs/benchmarks.md can always be traced to one command.
"""

from __future__ import annotations

import gzip
import json
import os
import platform
import sqlite3
import statistics
import sys
import tarfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The shared pages are third-party material: read them in place, never copy them here.
SHARED_BENCH = Path(os.environ.get("NEWSMON_SHARED_BENCH", ROOT.parent / "shared" / "bench"))
PACKAGES = ("scrapy", "trafilatura", "lxml", "langdetect", "sqlite-utils", "datasette",
            "twisted", "scrapy-redis", "redis", "psutil")

if str(ROOT) not in sys.path:  # `python bench/x.py` from the project root
    sys.path.insert(0, str(ROOT))


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def machine_info() -> dict[str, str]:
    """CPU, cores, RAM, OS, Python, SQLite and the versions of the packages that matter."""
    info = {
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count()),
        "ram": f"{_ram_gb():.1f} GB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        # Other processes on a 2-core box skew absolute times; same-run ratios less so.
        "load": " ".join(f"{v:.1f}" for v in os.getloadavg()),
    }
    for name in PACKAGES:
        try:
            info[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return info


def print_machine(title: str, command: str | None = None) -> dict[str, str]:
    """Print the header every benchmark starts with; return the machine details."""
    info = machine_info()
    print(f"# {title}")
    print(f"command: {command or ' '.join([Path(sys.executable).name, *sys.argv])}")
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    return info


def percentile(values: list[float], pct: float) -> float:
    """The `pct` percentile (nearest rank) of `values`; 0 for an empty list."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


@dataclass
class StageTimes:
    """Seconds spent per named stage, one entry per call, for totals and percentiles."""

    samples: dict[str, list[float]] = field(default_factory=dict)

    def add(self, stage: str, seconds: float) -> None:
        self.samples.setdefault(stage, []).append(seconds)

    def total(self, stage: str) -> float:
        return sum(self.samples.get(stage, []))

    def median(self, stage: str) -> float:
        values = self.samples.get(stage, [])
        return statistics.median(values) if values else 0.0


class Timer:
    """`with Timer() as t: ...; t.seconds` — perf_counter around a block."""

    def __enter__(self) -> Timer:
        self.started = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.started


def rss_bytes(pid: int) -> int:
    """Resident set size of `pid` from /proc (0 if it has gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


class RssSampler:
    """Samples a process's RSS on a background thread; `samples` is [(t, bytes)]."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        self.pid = pid
        self.interval = interval
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        started = time.monotonic()
        while not self._stop.is_set():
            value = rss_bytes(self.pid)
            if value:
                self.samples.append((time.monotonic() - started, value))
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak(self) -> int:
        return max((v for _, v in self.samples), default=0)

    def quarter_peaks(self) -> list[int]:
        """Peak RSS in each quarter of the run: flat means no growth with pages crawled."""
        if not self.samples:
            return []
        end = self.samples[-1][0] or 1.0
        quarters = [0, 0, 0, 0]
        for t, value in self.samples:
            index = min(3, int(4 * t / end))
            quarters[index] = max(quarters[index], value)
        return quarters


@dataclass
class Page:
    """One real page from the shared corpora, decoded the way the scorer decodes it."""

    corpus: str
    page_id: str
    url: str
    html: str


def _decode(raw: bytes) -> str:
    from trafilatura.utils import decode_file

    text = decode_file(raw)
    return text if isinstance(text, str) else raw.decode("utf-8", "replace")


def iter_aeb() -> Iterator[Page]:
    """The 181 article-extraction-benchmark pages."""
    base = SHARED_BENCH / "extraction_data" / "aeb"
    with gzip.open(base / "ground-truth.json.gz", "rt", encoding="utf8") as f:
        truth = json.load(f)
    for page_id in sorted(truth):
        with gzip.open(base / "html" / f"{page_id}.html.gz", "rt", encoding="utf8") as f:
            yield Page("aeb", page_id, truth[page_id].get("url", ""), f.read())


def iter_real_pages() -> Iterator[Page]:
    """The Pangea / Russian news / Russian WordPress pages in real_pages/."""
    base = SHARED_BENCH / "real_pages"
    index = json.loads((base / "index.json").read_text(encoding="utf8"))
    for entry in index["pages"]:
        with gzip.open(base / entry["file"], "rb") as f:
            yield Page("real_pages", entry["file"].split(".")[0], entry["url"], _decode(f.read()))


def iter_trafilatura_eval() -> Iterator[Page]:
    """trafilatura's 990 evaluation pages, streamed in one pass (evaldata.json comes first)."""
    path = SHARED_BENCH / "extraction_data" / "trafilatura_eval.tar.xz"
    urls_of: dict[str, list[str]] = {}
    with tarfile.open(path, "r|xz") as tar:
        for member in tar:
            if not member.isfile():
                continue
            raw = tar.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "evaldata.json":
                for url, entry in json.loads(raw).items():
                    urls_of.setdefault(entry["file"], []).append(url)
                continue
            name = member.name.split("/", 1)[-1]
            for url in sorted(urls_of.get(name, []))[:1]:
                yield Page("trafilatura", name, url, _decode(raw))


def iter_pages(corpora: tuple[str, ...]) -> Iterator[Page]:
    """Pages of the named corpora: aeb, real_pages, trafilatura."""
    sources = {"aeb": iter_aeb, "real_pages": iter_real_pages,
               "trafilatura": iter_trafilatura_eval}
    for name in corpora:
        yield from sources[name]()


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    """A Markdown table, so the output pastes straight into docs/benchmarks.md."""
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("---" for _ in headers) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
