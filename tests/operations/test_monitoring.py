"""The dashboard and the alert rules in deploy/monitoring read only series the service exposes: a
renamed metric breaks them here, not silently on an operator's screen."""

import json
import re

import yaml
from prometheus_client.parser import text_string_to_metric_families

from tests.running_service import PROJECT_ROOT

MONITORING = PROJECT_ROOT / "deploy" / "monitoring"
SERIES = re.compile(r"\bkam_[a-z_]+")


async def exposed(anonymous) -> set[str]:
    await anonymous.get("/healthz")  # one request, so every labelled HTTP series has a sample
    text = (await anonymous.get("/metrics")).text
    names = set()
    for family in text_string_to_metric_families(text):
        names.add(family.name)
        names.update(sample.name for sample in family.samples)
        if family.type == "histogram":
            names.update(f"{family.name}_{suffix}" for suffix in ("bucket", "count", "sum"))
        if family.type == "counter":
            names.add(f"{family.name}_total")
    return names


async def test_every_dashboard_panel_reads_series_the_service_exposes(anonymous):
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    expressions = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    assert expressions
    used = {name for expression in expressions for name in SERIES.findall(expression)}
    assert used - await exposed(anonymous) == set()
    assert len({panel["id"] for panel in dashboard["panels"]}) == len(dashboard["panels"])


async def test_every_alert_reads_series_the_service_exposes(anonymous):
    rules = yaml.safe_load((MONITORING / "alert-rules.yaml").read_text())["groups"][0]["rules"]
    names = {rule["alert"] for rule in rules}
    assert {"KamServerErrors", "KamWebhookDeliveriesFailing", "KamJobQueueGrowing"} <= names
    used = {name for rule in rules for name in SERIES.findall(rule["expr"])}
    assert used - await exposed(anonymous) == set()
    assert all(rule["annotations"]["summary"] for rule in rules)
