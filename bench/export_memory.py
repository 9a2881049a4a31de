"""Benchmark: the whole list of accounts exported as CSV (or Excel) from a running service, with the
service's memory sampled while it streams.

    python bench/export_memory.py --accounts 1000000 [--format xlsx]

Reuses the demo portfolio of bench/run.py (seeded once under .data/bench, or on KAM_DATABASE_URL's
server), starts `kam serve` against it (one worker, no background jobs), and downloads
`GET /v1/accounts` with `Accept: text/csv`. Prints the rows, the time, the resident memory of the
service before the export and its peak during it.
"""

import argparse
import asyncio
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import admin_token, database  # noqa: E402
from tests.running_service import free_port  # noqa: E402

MEDIA = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
MB = 1024 * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--format", choices=sorted(MEDIA), default="csv")
    args = parser.parse_args()

    url = asyncio.run(database(args.accounts))
    token = asyncio.run(admin_token(url))
    port = free_port()
    env = {
        **os.environ,
        "KAM_DATABASE_URL": url,
        "KAM_PORT": str(port),
        "KAM_RUN_JOBS": "false",
        "KAM_LOG_LEVEL": "warning",
    }
    service = subprocess.Popen([sys.executable, "-m", "app.cli", "serve"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        process = psutil.Process(service.pid)
        before = process.memory_info().rss
        peak = before
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, process.memory_info().rss)
                time.sleep(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.perf_counter()
        size = lines = 0
        headers = {"Authorization": f"Bearer {token}", "Accept": MEDIA[args.format]}
        with httpx.stream("GET", f"{base}/v1/accounts", headers=headers, timeout=None) as answer:
            answer.raise_for_status()
            for chunk in answer.iter_bytes():
                size += len(chunk)
                lines += chunk.count(b"\n")
        elapsed = time.perf_counter() - started
        done.set()
        sampler.join()
    finally:
        service.terminate()
        service.wait(timeout=60)
    rows = f"{lines - 1:,} rows, " if args.format == "csv" else ""
    print(f"{args.accounts:,} accounts as {args.format}: {rows}{size / MB:,.0f} MB in {elapsed:.0f} s")
    print(f"service memory: {before / MB:,.0f} MB before, {peak / MB:,.0f} MB at the peak of the export")


if __name__ == "__main__":
    main()
