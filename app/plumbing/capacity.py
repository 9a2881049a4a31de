"""How many workers a container runs and how many database connections each one pools.

The host's CPU count is the wrong measure in a container: a 64-core host may give it a quota of two
CPUs, and 64 workers with their pools would exhaust PostgreSQL's ``max_connections`` (100 by default)
many times over. The quota is read from the cgroup (v2, else v1); the connections are shared out of
one budget per ``kam serve``.
"""

import math
import os
from dataclasses import dataclass
from pathlib import Path

CGROUP = Path("/sys/fs/cgroup")
# One worker's pool below this would queue every other request; above it one CPU gains nothing.
MIN_POOL_SIZE, MAX_POOL_SIZE = 2, 10


def cpu_quota(cgroup: Path = CGROUP) -> int:
    """The CPUs this process may use: its affinity, capped by a cgroup quota rounded up, at least 1."""
    cpus = len(os.sched_getaffinity(0))
    quota = _cgroup_v2_quota(cgroup) or _cgroup_v1_quota(cgroup)
    if quota is not None:
        cpus = min(cpus, math.ceil(quota))
    return max(1, cpus)


def worker_count(setting: int | str) -> int:
    """``KAM_WORKERS``: a number, or ``auto`` for the CPU quota."""
    return cpu_quota() if setting == "auto" else int(setting)


def _cgroup_v2_quota(cgroup: Path) -> float | None:
    """``cpu.max`` holds ``<quota> <period>`` in microseconds, or ``max <period>`` when unlimited."""
    try:
        quota, period = (cgroup / "cpu.max").read_text().split()
    except (OSError, ValueError):
        return None
    return None if quota == "max" else int(quota) / int(period)


def _cgroup_v1_quota(cgroup: Path) -> float | None:
    try:
        quota = int((cgroup / "cpu" / "cpu.cfs_quota_us").read_text())
        period = int((cgroup / "cpu" / "cpu.cfs_period_us").read_text())
    except (OSError, ValueError):
        return None
    return None if quota <= 0 or period <= 0 else quota / period


@dataclass(frozen=True)
class ConnectionPlan:
    """Each worker's pool size and what the whole ``kam serve`` then opens at most."""

    workers: int
    pool_size: int
    total: int
    budget: int

    @property
    def warning(self) -> str | None:
        """What ``kam serve`` says at start when its workers may open more than the budget."""
        if self.total <= self.budget:
            return None
        return (
            f"{self.workers} workers open up to {self.total} database connections, more than "
            f"KAM_DB_MAX_CONNECTIONS={self.budget}: run the jobs in `kam worker` (KAM_RUN_JOBS=false), "
            "give fewer KAM_WORKERS, a smaller KAM_DB_POOL_SIZE or a larger budget"
        )


def plan_connections(
    *, budget: int, workers: int, queue_connections: int, pool_size: int | None = None
) -> ConnectionPlan:
    """Each worker keeps two pools of ``pool_size`` (the ORM's and the plain reads') beside the job
    queue's connections. Unless given, the pool size is the largest that keeps every worker within
    the budget."""
    if pool_size is None:
        share = budget // workers - queue_connections
        pool_size = max(MIN_POOL_SIZE, min(MAX_POOL_SIZE, share // 2))
    return ConnectionPlan(workers, pool_size, workers * (2 * pool_size + queue_connections), budget)
