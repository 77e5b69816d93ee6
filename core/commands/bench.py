"""``pasarela bench``: measurements of the gateway, one subcommand each.

``pasarela bench pipeline --docs N --lines L`` times the CPU path of one document on one core —
canonical document → totals → UBL → CUFE/CUDE → XAdES signature → ZIP — in memory, with a
generated certificate and the demo-like sample tenant. The last line is machine-readable::

    pipeline docs_per_s=<float> mean_ms=<float> signature_share=<float>

``signature_share`` is the fraction of a document's time spent in the XAdES signature (the
document digest, the three small C14Ns, the RSA operation), timed by signing the same documents
again once their signatures are taken out.

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
from collections.abc import Callable, Sequence
from typing import NamedTuple, TypeVar

from lxml import etree

from core.commands import mount_commands
from core.contracts import Command
from core.model import Document
from core.pipeline import PreparedDocument, prepare_document
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
from core.signing.xades import sign_xades
from core.ubl.namespaces import DS_NS
from core.xml_parsing import parse_xml

WARMUP_DOCS = 20
T = TypeVar("T")


class BenchFigures(NamedTuple):
    """What a sample-document bench measured; ``signature_share`` only for the pipeline."""

    docs_per_s: float
    mean_ms: float
    signature_share: float | None = None

    def line(self, name: str) -> str:
        line = f"{name} docs_per_s={self.docs_per_s:.1f} mean_ms={self.mean_ms:.3f}"
        if self.signature_share is not None:
            line += f" signature_share={self.signature_share:.3f}"
        return line


BenchRun = Callable[[int, int, str], BenchFigures]  # (docs, lines, kind code)


def bench_command(benches: Sequence[Command]) -> Command:
    """``pasarela bench``, with ``benches`` (core's and plugins') as its subcommands."""

    def configure(parser: argparse.ArgumentParser) -> None:
        mount_commands(
            parser.add_subparsers(dest="bench_command", metavar="BENCH", required=True), benches
        )

    names = ", ".join(bench.name for bench in benches)
    return Command(name="bench", help=f"benchmarks ({names})", configure=configure)


def _configure(default_docs: int, default_lines: int) -> Callable[[argparse.ArgumentParser], None]:
    """The options every sample-document bench takes."""

    def configure(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--docs", type=int, default=default_docs, help="documents")
        parser.add_argument("--lines", type=int, default=default_lines, help="lines per document")
        parser.add_argument(
            "--document-type",
            default="01",
            help="code of an installed document kind that declares a sample (01, 91, 92, 20 ...)",
        )

    return configure


def _bench(name: str, help: str, default_docs: int, default_lines: int, run: BenchRun) -> Command:
    """A bench over sample documents whose last line is ``NAME docs_per_s=… mean_ms=…[ …]``."""
    add_options = _configure(default_docs, default_lines)

    def handle(args: argparse.Namespace) -> int:
        if args.docs < 1 or args.lines < 1:
            sys.stderr.write("--docs y --lines deben ser mayores que cero\n")
            return 2
        figures = run(args.docs, args.lines, args.document_type)
        sys.stdout.write(figures.line(name) + "\n")
        return 0

    def configure(parser: argparse.ArgumentParser) -> None:
        add_options(parser)
        parser.set_defaults(func=handle)

    return Command(name=name, help=help, configure=configure)


class _Samples:
    """What both benches set up outside the timed loop: plugins, the sample tenant, range and
    a generated certificate, and ``count`` distinct sample documents of one kind."""

    def __init__(self, type_code: str, lines: int, count: int) -> None:
        self.plugins = get_plugin_manager()
        self.registry = build_registry(self.plugins)
        self.document_type = self.registry.document_types.get(type_code)
        self.environment = self.registry.environments.get("habilitacion")
        self.tenant = sample_tenant()
        self.numbering_range = sample_numbering_range(self.document_type)
        self.identity = load_pkcs12(*generate_test_pkcs12(nit=SAMPLE_NIT, name=SUPPLIER.name))
        first = self.numbering_range.from_number
        self.documents = [
            sample_document(self.document_type, lines=lines, number=first + i) for i in range(count)
        ]

    def prepare(self, document: Document) -> PreparedDocument:
        return prepare_document(
            document,
            document_type=self.document_type,
            tenant=self.tenant,
            numbering_range=self.numbering_range,
            environment=self.environment,
            identity=self.identity,
            plugin_manager=self.plugins,
        )


def _timed(work: Callable[[T], object], items: Sequence[T]) -> BenchFigures:
    """Run ``work`` on the first ``WARMUP_DOCS`` items untimed, then on the rest; return
    items/s and mean ms of the timed ones."""
    for item in items[:WARMUP_DOCS]:
        work(item)
    timings = []
    clock = time.perf_counter
    started = clock()
    for item in items[WARMUP_DOCS:]:
        t0 = clock()
        work(item)
        timings.append(clock() - t0)
    elapsed = clock() - started
    return BenchFigures(len(timings) / elapsed, statistics.fmean(timings) * 1000)


def _signature_taken_out(xml: bytes) -> etree._Element:
    """The tree of one of our signed documents as it was before ``sign_xades`` ran."""
    root = parse_xml(xml)
    signature = root.find(f".//{{{DS_NS}}}Signature")
    assert signature is not None
    container = signature.getparent()
    assert container is not None
    container.remove(signature)
    return root


def run_pipeline_bench(docs: int, lines: int, type_code: str = "01") -> BenchFigures:
    """Prepare ``docs`` distinct documents of ``lines`` lines: docs/s, mean ms and the share
    of the signature.

    Set-up (plugins, certificate, canonical documents) is outside the timed loop, as it is
    outside a request in the gateway; a short warm-up fills the caches first. The signature
    is then timed alone on the same documents, re-signed once their signatures are removed.
    """
    samples = _Samples(type_code, lines, WARMUP_DOCS + docs)
    prepared: list[PreparedDocument] = []
    figures = _timed(lambda document: prepared.append(samples.prepare(document)), samples.documents)
    unsigned = [(_signature_taken_out(p.xml), p.issued_at) for p in prepared]
    signing = _timed(lambda item: sign_xades(item[0], samples.identity, item[1]), unsigned)
    return figures._replace(signature_share=signing.mean_ms / figures.mean_ms)


def run_pdf_bench(docs: int, lines: int, type_code: str = "01") -> BenchFigures:
    """Render ``docs`` distinct PDFs of ``lines`` lines: PDFs/s and mean ms.

    The documents are prepared (numbered, totalled, coded, signed) outside the timed loop:
    only what ``GET …/pdf`` adds to a stored document is measured.
    """
    samples = _Samples(type_code, lines, WARMUP_DOCS + docs)
    representations = [
        prepared_representation(
            samples.prepare(document),
            registry=samples.registry,
            tenant=samples.tenant,
            numbering_range=samples.numbering_range,
            environment_id=samples.environment.id,
        )
        for document in samples.documents
    ]
    return _timed(render_pdf, representations)


PIPELINE = _bench(
    "pipeline",
    "time canonical → totals → UBL → CUFE → signature → ZIP on one core",
    default_docs=1000,
    default_lines=5,
    run=run_pipeline_bench,
)
PDF = _bench(
    "pdf",
    "time the graphic representation (PDF with QR) of prepared documents on one core",
    default_docs=200,
    default_lines=20,
    run=run_pdf_bench,
)
