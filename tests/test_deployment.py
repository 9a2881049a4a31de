"""The compose file deploys what docs/deploying.md tells: PgBouncer in transaction mode before two
API replicas that run no jobs, a worker that runs them on a direct connection, one migration first."""

import yaml

from tests.running_service import PROJECT_ROOT

COMPOSE = yaml.safe_load((PROJECT_ROOT / "deploy" / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]


def test_the_api_runs_on_two_replicas_through_pgbouncer_and_runs_no_jobs():
    api = SERVICES["api"]
    assert api["deploy"]["replicas"] == 2
    assert "@pgbouncer:" in api["environment"]["KAM_DATABASE_URL"]
    assert api["environment"]["KAM_DATABASE_PGBOUNCER"] == "true"
    assert api["environment"]["KAM_RUN_JOBS"] == "false"
    assert api["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_pgbouncer_pools_by_transaction_in_front_of_postgresql():
    assert SERVICES["pgbouncer"]["environment"]["POOL_MODE"] == "transaction"
    assert SERVICES["pgbouncer"]["environment"]["DB_HOST"] == "postgres"


def test_the_worker_and_the_migration_reach_postgresql_directly():
    for name in ("worker", "migrate"):
        assert "@postgres:" in SERVICES[name]["environment"]["KAM_DATABASE_URL"], name
    assert SERVICES["worker"]["command"] == ["kam", "worker"]
    assert SERVICES["migrate"]["command"] == ["kam", "migrate"]


def test_the_balancer_checks_readiness_and_is_the_only_published_port():
    assert "health_uri /readyz" in COMPOSE["configs"]["caddyfile"]["content"]
    published = {name for name, service in SERVICES.items() if service.get("ports")}
    assert published == {"balancer"}
