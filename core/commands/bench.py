"""``pasarela bench``: measurements of the gateway, one subcommand each.

``pasarela bench pipeline --docs N --lines L`` times the CPU path of one document on one core —
canonical document → totals → UBL → CUFE/CUDE → XAdES signature → ZIP — in memory, with a
generated certificate and the demo-like sample tenant. The last line is machine-readable::

    pipeline docs_per_s=<float> mean_ms=<float>

``pasarela bench pdf --docs N --lines L`` times the graphic representation of documents
prepared beforehand (layout, QR, PDF bytes), ending with ``pdf docs_per_s=<float>
mean_ms=<float>``.

``pasarela bench http`` (``core.commands.bench_http``) is core's other benchmark; plugins add
theirs through the ``pasarela_register_benches`` hook (``Command``s mounted as
``pasarela bench NAME``; the simulator's ``pasarela bench simulator`` is one).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence

from core.commands import mount_commands
from core.contracts import Command
from core.pipeline import prepare_document
from core.plugins import build_registry, get_plugin_manager
from core.representation.pdf import render_pdf
from core.representation.pdfs import prepared_representation
from core.sample_documents import (
    SAMPLE_NIT,
    SUPPLIER,
    sample_document,
    sample_numbering_range,
    sample_tenant,
)
from core.signing.certificates import load_pkcs12
from core.signing.testcerts import generate_test_pkcs12

WARMUP_DOCS = 20


def bench_command(benches: Sequence[Command]) -> Command:
    """``pasarela bench``, with ``benches`` (core's and plugins') as its subcommands."""

    def configure(parser: argparse.ArgumentParser) -> None:
        mount_commands(
            parser.add_subparsers(dest="bench_command", metavar="BENCH", required=True), benches
        )

    names = ", ".join(bench.name for bench in benches)
    return Command(name="bench", help=f"benchmarks ({names})", configure=configure)


def configure_pipeline(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--docs", type=int, default=1000, help="documents to prepare")
    parser.add_argument("--lines", type=int, default=5, help="lines per document")
    parser.add_argument(
        "--document-type",
        default="01",
        help="code of an installed document kind that declares a sample (01, 91, 92, 20 ...)",
    )
    parser.set_defaults(func=handle_pipeline)


PIPELINE = Command(
    name="pipeline",
    help="time canonical → totals → UBL → CUFE → signature → ZIP on one core",
    configure=configure_pipeline,
)


def handle_pipeline(args: argparse.Namespace) -> int:
    if args.docs < 1 or args.lines < 1:
        sys.stderr.write("--docs y --lines deben ser mayores que cero\n")
        return 2
    docs_per_s, mean_ms = run_pipeline_bench(args.docs, args.lines, args.document_type)
    sys.stdout.write(f"pipeline docs_per_s={docs_per_s:.1f} mean_ms={mean_ms:.3f}\n")
    return 0


def run_pipeline_bench(docs: int, lines: int, type_code: str = "01") -> tuple[float, float]:
    """Prepare ``docs`` distinct documents of ``lines`` lines; return (docs/s, mean ms).

    Set-up (plugins, certificate, canonical documents) is outside the timed loop, as it is
    outside a request in the gateway; a short warm-up fills the caches first.
    """
    pm = get_plugin_manager()
    registry = build_registry(pm)
    document_type = registry.document_types.get(type_code)
    environment = registry.environments.get("habilitacion")
    tenant = sample_tenant()
    numbering_range = sample_numbering_range(document_type)
    identity = load_pkcs12(*generate_test_pkcs12(nit=SAMPLE_NIT, name=SUPPLIER.name))
    first = numbering_range.from_number
    documents = [
        sample_document(document_type, lines=lines, number=first + i)
        for i in range(docs + WARMUP_DOCS)
    ]

    def prepare(document):  # type: ignore[no-untyped-def]
        return prepare_document(
            document,
            document_type=document_type,
            tenant=tenant,
            numbering_range=numbering_range,
            environment=environment,
            identity=identity,
            plugin_manager=pm,
        )

    for document in documents[:WARMUP_DOCS]:
        prepare(document)
    timings = []
    clock = time.perf_counter
    started = clock()
    for document in documents[WARMUP_DOCS:]:
        t0 = clock()
        prepare(document)
        timings.append(clock() - t0)
    elapsed = clock() - started
    return docs / elapsed, statistics.fmean(timings) * 1000


def configure_pdf(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--docs", type=int, default=200, help="PDFs to render")
    parser.add_argument("--lines", type=int, default=20, help="lines per document")
    parser.add_argument(
        "--document-type",
        default="01",
        help="code of an installed document kind that declares a sample (01, 91, 92, 20 ...)",
    )
    parser.set_defaults(func=handle_pdf)


PDF = Command(
    name="pdf",
    help="time the graphic representation (PDF with QR) of prepared documents on one core",
    configure=configure_pdf,
)


def handle_pdf(args: argparse.Namespace) -> int:
    if args.docs < 1 or args.lines < 1:
        sys.stderr.write("--docs y --lines deben ser mayores que cero\n")
        return 2
    docs_per_s, mean_ms = run_pdf_bench(args.docs, args.lines, args.document_type)
    sys.stdout.write(f"pdf docs_per_s={docs_per_s:.1f} mean_ms={mean_ms:.3f}\n")
    return 0


def run_pdf_bench(docs: int, lines: int, type_code: str = "01") -> tuple[float, float]:
    """Render ``docs`` distinct PDFs of ``lines`` lines; return (PDFs/s, mean ms).

    The documents are prepared (numbered, totalled, coded, signed) outside the timed loop:
    only what ``GET …/pdf`` adds to a stored document is measured.
    """
    pm = get_plugin_manager()
    registry = build_registry(pm)
    document_type = registry.document_types.get(type_code)
    environment = registry.environments.get("habilitacion")
    tenant = sample_tenant()
    numbering_range = sample_numbering_range(document_type)
    identity = load_pkcs12(*generate_test_pkcs12(nit=SAMPLE_NIT, name=SUPPLIER.name))
    first = numbering_range.from_number
    representations = [
        prepared_representation(
            prepare_document(
                sample_document(document_type, lines=lines, number=first + i),
                document_type=document_type,
                tenant=tenant,
                numbering_range=numbering_range,
                environment=environment,
                identity=identity,
            ),
            registry=registry,
            tenant=tenant,
            numbering_range=numbering_range,
            environment_id=environment.id,
        )
        for i in range(WARMUP_DOCS + docs)
    ]
    for representation in representations[:WARMUP_DOCS]:
        render_pdf(representation)
    timings = []
    clock = time.perf_counter
    started = clock()
    for representation in representations[-docs:]:
        t0 = clock()
        render_pdf(representation)
        timings.append(clock() - t0)
    elapsed = clock() - started
    return docs / elapsed, statistics.fmean(timings) * 1000
