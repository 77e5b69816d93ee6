"""The RADIAN event rules, one table for the gateway (checked before sending) and the
simulated DIAN (checked on reception), so the two can never disagree.

Rule ids: ``AAD06`` (event CUDE), ``AAG01`` (receiver of a 034 is DIAN) and ``90`` (already
registered) are DIAN's (research/dian-tech.md §6.8, §7). DIAN's order rules are published in
the RADIAN annex, which the research could not reach; the ``LGC`` ids below are the gateway's
names for them, used identically by the simulator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import msgspec

from core.ubl.extensions import DIAN_NIT

EVENT_NAMES: dict[str, str] = {
    "030": "Acuse de recibo de Factura Electrónica de Venta",
    "031": "Reclamo de la Factura Electrónica de Venta",
    "032": "Recibo del bien y/o prestación del servicio",
    "033": "Aceptación expresa",
    "034": "Aceptación Tácita",
}
BUYER_EVENTS = frozenset({"030", "031", "032", "033"})
ISSUER_EVENTS = frozenset({"034"})

#: DIAN's claim concepts for 031 (research/dian-data/v19/claim_reasons_031.csv).
CLAIM_CONCEPTS: dict[str, str] = {
    "01": "Documento con inconsistencias",
    "02": "Mercancía no entregada totalmente",
    "03": "Mercancía no entregada parcialmente",
    "04": "Servicio no prestado",
}

#: Business days the buyer has, after the receipt of the goods (032), to claim; after them the
#: issuer may register the tacit acceptance (034). Weekends do not count (national holidays are
#: not modelled).
TACIT_TERM_BUSINESS_DAYS = 3

TACIT_NOTE = (
    "Manifiesto bajo la gravedad de juramento que transcurridos 3 días hábiles contados desde "
    "la creación del Recibo de bienes y servicios, el adquirente no manifestó expresamente la "
    "aceptación o rechazo de la referida factura, ni reclamó en contra de su contenido."
)

DUPLICATE_RULE = "90"
DUPLICATE_MESSAGE = "Documento procesado anteriormente."


class Refusal(msgspec.Struct, frozen=True):
    """A broken rule: its id, a Spanish message and the request field it is about."""

    rule: str
    message: str
    path: str = "code"


def _name(code: str) -> str:
    return f"{EVENT_NAMES.get(code, 'evento')} ({code})"


#: Events that must be registered before each one.
_PREREQUISITES: dict[str, str] = {"031": "030", "032": "030", "033": "032", "034": "032"}


def check_claim_concept(code: str, claim_concept: str | None) -> Refusal | None:
    """031 needs one of DIAN's claim concepts; the other events carry none."""
    if code == "031":
        if not claim_concept:
            return Refusal(
                "LGC08",
                "El Reclamo (031) requiere el concepto de reclamo (01 a 04).",
                "claim_concept",
            )
        if claim_concept not in CLAIM_CONCEPTS:
            return Refusal(
                "LGC08",
                f"El concepto de reclamo {claim_concept!r} no existe: use 01, 02, 03 o 04.",
                "claim_concept",
            )
    elif claim_concept:
        return Refusal(
            "LGC08",
            f"Solo el Reclamo (031) lleva concepto de reclamo, no el evento {code}.",
            "claim_concept",
        )
    return None


def check_order(code: str, registered: Collection[str]) -> Refusal | None:
    """The order DIAN enforces, given the events already registered on the invoice.

    030 before 031/032, 032 before 033/034; no acceptance (033/034) after a claim (031); no
    claim after an acceptance; one acceptance only. A repeated event is not an order problem:
    DIAN answers it with Regla 90.
    """
    if code not in EVENT_NAMES:
        return Refusal("LGC00", f"El evento {code!r} no existe: use 030, 031, 032, 033 o 034.")
    if code in registered:
        return None
    accepted = {"033", "034"} & set(registered)
    if code in {"033", "034"} and "031" in registered:
        return Refusal(
            "LGC02",
            f"No se puede registrar la {_name(code)}: la factura tiene un "
            f"{_name('031')} registrado.",
        )
    if accepted and code in {"031", "033", "034"}:
        done = sorted(accepted)[0]
        return Refusal(
            "LGC03",
            f"No se puede registrar el evento {_name(code)}: la factura ya tiene la "
            f"{_name(done)} registrada.",
        )
    needed = _PREREQUISITES.get(code)
    if needed is not None and needed not in registered:
        return Refusal(
            "LGC01",
            f"No se puede registrar el evento {_name(code)}: antes debe registrarse el "
            f"evento {_name(needed)}.",
        )
    return None


def tacit_term_end(receipt_date: dt.date) -> dt.date:
    """The last day of the buyer's term: the third business day after the receipt (032)."""
    day, counted = receipt_date, 0
    while counted < TACIT_TERM_BUSINESS_DAYS:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return day


def check_tacit_term(receipt_date: dt.date, today: dt.date) -> Refusal | None:
    """034 only once the buyer's term after the receipt of the goods (032) has run out."""
    end = tacit_term_end(receipt_date)
    if today <= end:
        return Refusal(
            "LGC05",
            "No se puede registrar la Aceptación Tácita (034) antes de que venza el plazo: "
            f"el adquiriente tiene hasta el {end.isoformat()} ({TACIT_TERM_BUSINESS_DAYS} días "
            "hábiles desde el Recibo del bien y/o prestación del servicio) para reclamar.",
        )
    return None


def check_tacit_credit(payment_form: str | None) -> Refusal | None:
    """A tacit acceptance makes a título valor of a credit sale only (payment form 2)."""
    if payment_form != "2":
        return Refusal(
            "LGC06",
            "La Aceptación Tácita (034) solo aplica a facturas a crédito (forma de pago 2).",
        )
    return None


def check_roles(
    code: str, *, sender: str, receiver: str, supplier: str, customer: str
) -> Refusal | None:
    """030-033: the buyer sends to the issuer; 034: the issuer sends to DIAN (AAG01)."""
    if code in ISSUER_EVENTS:
        if sender != supplier:
            return Refusal(
                "LGC04",
                f"Solo el emisor de la factura (NIT {supplier}) puede registrar la {_name(code)}.",
            )
        if receiver != DIAN_NIT:
            return Refusal(
                "AAG01", f"El receptor de la {_name(code)} debe ser la DIAN (NIT {DIAN_NIT})."
            )
        return None
    if sender != customer:
        return Refusal(
            "LGC04",
            f"Solo el adquiriente de la factura (NIT {customer}) puede registrar el evento "
            f"{_name(code)}.",
        )
    if receiver != supplier:
        return Refusal(
            "LGC04",
            f"El receptor del evento {_name(code)} debe ser el emisor de la factura "
            f"(NIT {supplier}).",
        )
    return None
