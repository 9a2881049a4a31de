"""The database's figures as Prometheus gauges, read at each scrape by the worker scraped: they are
the database's, not a process's, so no worker keeps or adds them up."""

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from app.jobs.queue import LANES
from app.operations.repository import DatabaseFigures

JOB_STATES = {"todo": "waiting", "doing": "running"}


class _Figures(Collector):
    def __init__(self, figures: DatabaseFigures | None) -> None:
        self.figures = figures

    def collect(self) -> Iterator[Metric]:
        figures = self.figures
        up = GaugeMetricFamily(
            "kam_database_figures_up", "1 when the figures below could be read from the database at this scrape."
        )
        up.add_metric([], 0 if figures is None else 1)
        yield up
        if figures is None:
            return
        jobs = GaugeMetricFamily(
            "kam_jobs", "Jobs in the queue by queue and state (waiting, running).", labels=["queue", "state"]
        )
        for queue in LANES:
            for status, state in JOB_STATES.items():
                jobs.add_metric([queue, state], figures.jobs.get((queue, status), 0))
        yield jobs
        yield GaugeMetricFamily(
            "kam_webhook_deliveries_pending",
            "Webhook deliveries not yet delivered nor given up.",
            value=figures.pending_deliveries,
        )
        yield GaugeMetricFamily(
            "kam_webhook_oldest_pending_delivery_age_seconds",
            "How long the oldest pending delivery has waited since its event (0: none pending).",
            value=figures.oldest_pending_delivery_seconds,
        )
        yield GaugeMetricFamily(
            "kam_events_feed_lag_seconds",
            "How long the oldest event not yet in the feed has waited for older transactions to end (0: none).",
            value=figures.feed_lag_seconds,
        )
        yield GaugeMetricFamily(
            "kam_judgement_backlog_accounts",
            "Live accounts whose computed view the judgement has still to look at (counted up to 10,000).",
            value=figures.judgement_backlog,
        )
        yield GaugeMetricFamily(
            "kam_judgement_lag_seconds",
            "How long the oldest view that no longer holds has waited for the judgement (0: none).",
            value=figures.judgement_lag_seconds,
        )


def figures_exposition(figures: DatabaseFigures | None) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Figures(figures))
    return generate_latest(registry)
