"""HTTP benchmark with its own ruler: the service and a bare endpoint on the same database, driven by
the same load, side by side.

    python bench/http_load.py --accounts 10000 --workers 1 2

Seeds (or reuses) the demo portfolio of bench/run.py, starts `kam serve` (granian) and the bare app
(bench/bare.py, Starlette + asyncpg under uvicorn, the ruler the goals were set against) with the
same number of workers, and drives each with
wrk (`apt-get install wrk`): 32 connections for 10 seconds after a warm-up. Prints requests/s, p50
and p99 of each and the service's share of the bare throughput. Background jobs are off in the
measured service (`KAM_RUN_JOBS=false`), so only requests are measured. Machines are shared and
noisy: compare the ratios of one run, not runs; ``--rounds 3`` alternates three loads of each and
shows their medians.
"""

import argparse
import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from run import admin_token, database  # noqa: E402

CONNECTIONS = 32
SECONDS = 10
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code in (200, 404):
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{command[0]} did not start")


def load(url: str, headers: dict[str, str]) -> tuple[float, float, float]:
    """wrk's requests/s, p50 and p99 (ms) for ``url``, after a short warm-up."""
    flags = [item for name, value in headers.items() for item in ("-H", f"{name}: {value}")]
    base = ["wrk", "-t2", f"-c{CONNECTIONS}", "--latency", *flags]
    subprocess.run([*base, "-d2s", url], check=True, capture_output=True)
    out = subprocess.run([*base, f"-d{SECONDS}s", url], check=True, capture_output=True, text=True).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"{url} answered errors:\n{out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def percentile(name: str) -> float:
        value, unit = re.search(rf"{name}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * _UNITS[unit]

    return rate, percentile("50"), percentile("99")


async def prepare(accounts: int, name: str) -> tuple[str, str]:
    """The portfolio's database (seeded once) and an admin's API token."""
    url = await database(accounts, name)
    return url, await admin_token(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=3, help="loads of each, alternating; the medians are shown")
    parser.add_argument("--database", default="kam_bench_http", help="the database to seed (once) and read")
    parser.add_argument("--only", nargs="+", help="measure only the requests whose names contain one of these")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")

    url, token = asyncio.run(prepare(args.accounts, args.database))
    bare_dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    python = sys.executable
    rows = []
    for workers in args.workers:
        kam_port, bare_port = free_port(), free_port()
        kam = start(
            [python, "-m", "app.cli", "serve"],
            {
                "KAM_DATABASE_URL": url,
                "KAM_PORT": str(kam_port),
                "KAM_WORKERS": str(workers),
                "KAM_RUN_JOBS": "false",
                "KAM_LOG_LEVEL": "warning",
            },
            kam_port,
        )
        bare = start(
            [
                python,
                "-m",
                "uvicorn",
                "--app-dir",
                "bench",
                "bare:app",
                "--port",
                str(bare_port),
                "--workers",
                str(workers),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            {"BARE_DATABASE_URL": bare_dsn},
            bare_port,
        )
        try:
            auth = {"Authorization": f"Bearer {token}"}
            service = f"http://127.0.0.1:{kam_port}"
            some = httpx.get(f"{service}/v1/accounts", params={"limit": 1}, headers=auth).json()["items"][0]["id"]
            bare_url = f"http://127.0.0.1:{bare_port}"
            one = f"{bare_url}/accounts/{some}"
            screen = "contacts,opportunities,plans,team,financials,relationship_map"
            cases = [
                ("one account", f"{service}/v1/accounts/{some}", one),
                # The ratio that matters here is to the single read of the service (the screen's goal: 2x).
                ("account screen", f"{service}/v1/accounts/{some}?include={screen}", one),
                ("page of 50 accounts", f"{service}/v1/accounts?limit=50&sort=name", f"{bare_url}/accounts"),
                ("page of 50 contacts", f"{service}/v1/contacts?limit=50", f"{bare_url}/contacts"),
                ("page of 50 opportunities", f"{service}/v1/opportunities?limit=50", f"{bare_url}/opportunities"),
            ]
            cases = [case for case in cases if not args.only or any(word in case[0] for word in args.only)]
            for name, service_url, bare_url in cases:
                # Alternated, so a noisy moment of the machine falls on both alike.
                loads = [(load(service_url, auth), load(bare_url, {})) for _ in range(args.rounds)]
                measured, ruler = (_medians([pair[side] for pair in loads]) for side in (0, 1))
                rows.append((name, workers, measured, ruler))
                print(f"measured {name} with {workers} worker(s)", flush=True)
        finally:
            for process in (kam, bare):
                process.terminate()
                process.wait(30)

    print(f"\n{args.accounts} accounts; wrk, {CONNECTIONS} connections, {SECONDS} s each, medians of {args.rounds}\n")
    header = f"{'request':26} {'workers':>7} | {'kam req/s':>9} {'p50 ms':>7} {'p99 ms':>7} |"
    print(header + f" {'bare req/s':>10} {'p50 ms':>7} {'p99 ms':>7} | {'ratio':>5}")
    for name, workers, (rate, p50, p99), (bare_rate, bare_p50, bare_p99) in rows:
        print(
            f"{name:26} {workers:>7} | {rate:>9.0f} {p50:>7.2f} {p99:>7.2f} |"
            f" {bare_rate:>10.0f} {bare_p50:>7.2f} {bare_p99:>7.2f} | {rate / bare_rate:>5.2f}"
        )


def _medians(loads: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    rate, p50, p99 = (statistics.median(values) for values in zip(*loads, strict=True))
    return rate, p50, p99


if __name__ == "__main__":
    main()
