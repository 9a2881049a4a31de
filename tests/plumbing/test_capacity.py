"""Workers from the container's CPU quota, and each worker's share of the database connections."""

import pytest

from app.plumbing import capacity
from app.plumbing.capacity import cpu_quota, plan_connections, worker_count

HOST_CPUS = set(range(64))


@pytest.fixture
def on_a_large_host(monkeypatch):
    monkeypatch.setattr(capacity.os, "sched_getaffinity", lambda _pid: HOST_CPUS)


@pytest.mark.parametrize(
    ("cpu_max", "expected"),
    [("200000 100000", 2), ("150000 100000", 2), ("50000 100000", 1), ("max 100000", 64)],
)
def test_a_cgroup_v2_quota_caps_the_host_cpus(tmp_path, on_a_large_host, cpu_max, expected):
    (tmp_path / "cpu.max").write_text(cpu_max + "\n")
    assert cpu_quota(tmp_path) == expected


@pytest.mark.parametrize(("quota", "expected"), [("400000", 4), ("-1", 64)])
def test_a_cgroup_v1_quota_caps_the_host_cpus(tmp_path, on_a_large_host, quota, expected):
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text(quota)
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text("100000")
    assert cpu_quota(tmp_path) == expected


def test_without_a_cgroup_the_cpus_the_process_may_use_count(tmp_path, on_a_large_host):
    assert cpu_quota(tmp_path / "absent") == 64


def test_a_quota_never_raises_the_count_above_the_cpus_the_process_may_use(tmp_path, monkeypatch):
    monkeypatch.setattr(capacity.os, "sched_getaffinity", lambda _pid: {0, 1})
    (tmp_path / "cpu.max").write_text("800000 100000")
    assert cpu_quota(tmp_path) == 2


def test_workers_auto_is_the_quota_and_a_number_is_itself(monkeypatch):
    monkeypatch.setattr(capacity, "cpu_quota", lambda: 3)
    assert worker_count("auto") == 3
    assert worker_count(5) == 5


def test_one_worker_keeps_the_full_pools_beside_its_job_queue():
    plan = plan_connections(budget=60, workers=1, queue_connections=13)
    assert (plan.pool_size, plan.total, plan.warning) == (10, 33, None)


def test_more_workers_share_the_budget_with_smaller_pools():
    plan = plan_connections(budget=60, workers=4, queue_connections=0)
    assert (plan.pool_size, plan.total, plan.warning) == (7, 56, None)


def test_workers_too_many_for_the_budget_keep_the_smallest_pools_and_say_so():
    plan = plan_connections(budget=60, workers=64, queue_connections=13)
    assert plan.pool_size == 2
    assert plan.total == 64 * 17
    assert plan.warning is not None
    assert "64 workers open up to 1088 database connections" in plan.warning
    assert "KAM_DB_MAX_CONNECTIONS=60" in plan.warning


def test_the_budget_is_met_exactly_at_its_edge():
    plan = plan_connections(budget=40, workers=2, queue_connections=0)
    assert (plan.pool_size, plan.total, plan.warning) == (10, 40, None)
    assert plan_connections(budget=39, workers=2, queue_connections=0).pool_size == 9
    assert plan_connections(budget=39, workers=2, queue_connections=0, pool_size=10).warning is not None


def test_a_pool_size_given_is_kept_and_counted_against_the_budget():
    kept = plan_connections(budget=60, workers=2, queue_connections=0, pool_size=10)
    assert (kept.pool_size, kept.total, kept.warning) == (10, 40, None)
    over = plan_connections(budget=60, workers=2, queue_connections=13, pool_size=20)
    assert (over.pool_size, over.total) == (20, 106)
    assert over.warning is not None and "KAM_DB_POOL_SIZE" in over.warning
