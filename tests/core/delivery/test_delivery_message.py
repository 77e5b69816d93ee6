"""The buyer's e-mail: DIAN's subject line, one ZIP under 2 MB, refused when larger."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from core.delivery.message import (
    MAX_ZIP_BYTES,
    AttachmentTooLarge,
    compose,
    delivery_zip,
    subject,
)


def test_subject_is_dian_s_five_fields_with_the_name_for_a_missing_trade_name() -> None:
    line = subject(
        nit="900373076", name="Ferretería; La Esquina", number="SETP990000001",
        type_code="01", trade_name=None,
    )  # fmt: skip
    assert line == "900373076;Ferretería, La Esquina;SETP990000001;01;Ferretería, La Esquina"
    assert line.count(";") == 4  # a ';' inside a field cannot shift the others


def test_the_zip_holds_the_files_and_is_the_same_bytes_each_time() -> None:
    files = [("ad0900373076000260000001.xml", b"<AttachedDocument/>"), ("SETP1.pdf", b"%PDF-1.4")]
    first, second = delivery_zip(files), delivery_zip(files)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.namelist() == [name for name, _ in files]
        assert archive.read("SETP1.pdf") == b"%PDF-1.4"


def test_a_zip_over_2_mb_is_refused() -> None:
    incompressible = os.urandom(MAX_ZIP_BYTES + 1024)
    with pytest.raises(AttachmentTooLarge, match="el máximo es 2097152"):
        delivery_zip([("grande.pdf", incompressible)])


def test_the_message_carries_one_zip_and_a_spanish_body() -> None:
    message = compose(
        sender="facturacion@demo.co", recipient="compras@cliente.co",
        subject_line="900373076;Demo;SETP1;01;Demo", issuer_name="Demo",
        buyer_name="Cliente", number="SETP1", unique_code="ab" * 48,
        zip_name="ad0900373076000260000001.zip", zip_bytes=b"PK\x05\x06" + b"\0" * 18,
    )  # fmt: skip
    attachments = list(message.iter_attachments())
    assert [(a.get_content_type(), a.get_filename()) for a in attachments] == [
        ("application/zip", "ad0900373076000260000001.zip")
    ]
    body = message.get_body(("plain",)).get_content()
    assert "le envía el documento electrónico SETP1" in body and "ab" * 48 in body
