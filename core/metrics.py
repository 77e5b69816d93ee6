"""Prometheus metrics of the gateway, served at ``/-/metrics`` (prometheus-client).

What is counted, in every process:

``pasarela_documents_total{kind,state}``          documents that reached a final state
``pasarela_dian_call_seconds{operation,outcome}``  each SOAP call to DIAN (histogram); outcome
                                                   ``ok``, ``http_<status>``, ``fault``,
                                                   ``timeout`` or ``connection``
``pasarela_job_retries_total{kind}``               jobs run again later (a pending document
                                                   asked about again, a delivery retried)
``pasarela_http_requests_total{dialect,status}``   HTTP requests answered, by dialect
``pasarela_http_request_seconds{dialect}``         their duration (histogram)
``pasarela_jobs_queued{kind}``                     jobs waiting in the queue, read from the
                                                   database when scraped (shared by processes)
``process_cpu_seconds_total``                      CPU time (user + system) of the gateway's
                                                   processes, summed over the workers

Several worker processes (``pasarela serve --workers N``) share one view through
prometheus-client's multi-process mode: ``PROMETHEUS_MULTIPROC_DIR`` names a directory where
each process writes its values; the serve command creates one when the variable is unset.
The CPU time is counted by each process when it answers a request and when it is scraped, so
the sum covers every worker up to its last request (``pasarela bench http`` reads it before and
after a run to report the gateway's CPU per document). Labels are bounded: document kind
codes, final states, SOAP operation names, dialect ids (derived from each registered dialect's
path prefix, never from the raw path) and statuses.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROCESS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"
NO_DIALECT = "-"  # operator routes, the portal, unknown paths

DOCUMENTS = Counter(
    "pasarela_documents", "Documentos que llegaron a un estado final", ("kind", "state")
)
DIAN_CALLS = Histogram(
    "pasarela_dian_call_seconds",
    "Duración de cada llamada SOAP a la DIAN, por operación y resultado",
    ("operation", "outcome"),
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
)
JOB_RETRIES = Counter("pasarela_job_retries", "Trabajos que se volvieron a programar", ("kind",))
HTTP_REQUESTS = Counter(
    "pasarela_http_requests", "Solicitudes HTTP respondidas", ("dialect", "status")
)
HTTP_SECONDS = Histogram(
    "pasarela_http_request_seconds",
    "Duración de las solicitudes HTTP, por dialecto",
    ("dialect",),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)

PROCESS_CPU = Counter(
    "process_cpu_seconds",
    "Tiempo de CPU (usuario y sistema) de los procesos de la pasarela, sumado entre procesos",
    registry=None,  # the default registry has prometheus-client's one-process figure
)


class _CpuClock:
    """Adds this process's CPU time since the last call to ``PROCESS_CPU``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counted = 0.0
        self._pid = os.getpid()

    def count(self) -> None:
        with self._lock:
            now = time.process_time()
            if os.getpid() != self._pid:  # a forked child starts its own clock
                self._pid, self._counted = os.getpid(), 0.0
            if now > self._counted:
                PROCESS_CPU.inc(now - self._counted)
                self._counted = now


count_process_cpu = _CpuClock().count


class DialectLabels:
    """Which dialect a request path belongs to: the longest registered path prefix it
    starts with (dialects without a prefix are told apart by their auth only)."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # longest first, so a nested prefix wins over the one containing it
        self._prefixes: Sequence[tuple[str, str]] = sorted(
            ((prefix.rstrip("/"), dialect) for prefix, dialect in prefixes.items() if prefix),
            key=lambda item: -len(item[0]),
        )

    def of(self, path: str, authenticated_as: str | None = None) -> str:
        if authenticated_as:
            return authenticated_as
        for prefix, dialect in self._prefixes:
            if path == prefix or path.startswith(prefix + "/"):
                return dialect
        return NO_DIALECT


def observe_request(dialect: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(dialect, str(status)).inc()
    HTTP_SECONDS.labels(dialect).observe(seconds)
    count_process_cpu()


def observe_dian_call(operation: str, outcome: str, seconds: float) -> None:
    DIAN_CALLS.labels(operation, outcome).observe(seconds)


def document_finished(kind: str, state: str) -> None:
    DOCUMENTS.labels(kind, state).inc()


def job_retried(kind: str) -> None:
    JOB_RETRIES.labels(kind).inc()


class _QueueDepth:
    """A collector of the queue depth read just before the scrape (one database query for
    every process, instead of a gauge each process would keep)."""

    def __init__(self, queued: Mapping[str, int]) -> None:
        self._queued = queued

    def collect(self) -> Iterable[Metric]:
        family = GaugeMetricFamily(
            "pasarela_jobs_queued", "Trabajos en espera en la cola", labels=("kind",)
        )
        for kind, count in sorted(self._queued.items()):
            family.add_metric((kind,), count)
        yield family


def exposition(queued: Mapping[str, int]) -> tuple[bytes, str]:
    """The text exposition format of every metric (all processes' in multi-process mode)
    plus the queue depth given; returns (body, content type)."""
    count_process_cpu()
    registry = CollectorRegistry()
    if os.environ.get(MULTIPROCESS_DIR_ENV):
        MultiProcessCollector(registry)
    else:
        for collector in _own_collectors():
            registry.register(collector)
    registry.register(_QueueDepth(queued))
    return generate_latest(registry), CONTENT_TYPE_LATEST


def _own_collectors() -> list[Any]:
    """The metrics of this process (single-process mode): ours, not the default registry's
    process and platform collectors (one process's figures would mislead with workers)."""
    return [DOCUMENTS, DIAN_CALLS, JOB_RETRIES, HTTP_REQUESTS, HTTP_SECONDS, PROCESS_CPU]


__all__ = (
    "MULTIPROCESS_DIR_ENV",
    "DialectLabels",
    "count_process_cpu",
    "document_finished",
    "exposition",
    "job_retried",
    "observe_dian_call",
    "observe_request",
)
