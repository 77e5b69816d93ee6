"""DIAN responses: render -> parse round trips and hand-written fixtures of DIAN's real shape
(research/dian-tech.md §4.4), compared after C14N."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from core.dian.errors import SoapFaultError, UnexpectedSoapResponse
from core.dian.responses import (
    DianResponse,
    EventResponse,
    NumberRangeResponse,
    NumberRangeResponseList,
    UploadDocumentResponse,
    XmlParamsResponseTrackId,
    fault_from,
    format_rule_message,
    parse_dian_response,
    parse_dian_response_list,
    parse_event_response,
    parse_number_range_response_list,
    parse_rule_message,
    parse_upload_document_response,
    render_dian_response,
    render_dian_response_list,
    render_event_response,
    render_fault,
    render_number_range_response_list,
    render_upload_document_response,
)

FIXTURES = Path(__file__).parent / "fixtures"
APPLICATION_RESPONSE = (
    b'<ApplicationResponse xmlns="urn:oasis:names:specification:ubl:schema:xsd:'
    b'ApplicationResponse-2"><cbc:ResponseCode xmlns:cbc="urn:oasis:names:specification:ubl:'
    b'schema:xsd:CommonBasicComponents-2">02</cbc:ResponseCode></ApplicationResponse>'
)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def c14n(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml), method="c14n")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_accepted_send_bill_sync_fixture_parses_to_known_values() -> None:
    response = parse_dian_response(fixture("send_bill_sync_accepted.xml"), "SendBillSync")
    assert response == DianResponse(
        is_valid=True,
        status_code="00",
        status_description="Procesado Correctamente.",
        status_message="La Factura electrónica SETP990000002, ha sido autorizada.",
        error_messages=[
            "Regla: FAJ44b, Notificación: Nit o Documento de Identificación informado "
            "No se encuentra registrado en el RUT"
        ],
        xml_base64_bytes=APPLICATION_RESPONSE,
        xml_document_key="2b4b9b8f0e1c3d5a7f9e0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5"
        "c6d7e8f9a0b1c2d3e4f5a6b",
        xml_file_name="fv09001234560002400000002",
    )
    (notice,) = response.rule_messages
    assert (notice.rule, notice.rejection) == ("FAJ44b", False)
    assert not response.is_duplicate


@pytest.mark.parametrize(
    ("name", "created"),
    [
        ("send_bill_sync_accepted.xml", "2024-02-14T14:24:41.318"),
        ("send_bill_sync_rejected.xml", "2024-02-14T14:30:02.001"),
    ],
)
def test_dian_response_renders_exactly_dians_shape(name: str, created: str) -> None:
    original = fixture(name)
    response = parse_dian_response(original, "SendBillSync")
    rendered = render_dian_response("SendBillSync", response, created=at(created))
    assert c14n(rendered) == c14n(original)


def test_rejection_lists_every_rule_in_order() -> None:
    response = parse_dian_response(fixture("send_bill_sync_rejected.xml"))
    assert not response.is_valid
    assert response.status_code == "99"
    assert [(m.rule, m.rejection) for m in response.rule_messages] == [
        ("ZB01", True),
        ("FAD06", True),
    ]
    assert response.xml_base64_bytes is None


def test_get_status_zip_in_process_keeps_empty_code_and_nils() -> None:
    (item,) = parse_dian_response_list(fixture("get_status_zip_in_process.xml"))
    assert item == DianResponse(
        is_valid=False, status_code="", status_description="Batch en proceso de validación."
    )
    again = parse_dian_response_list(render_dian_response_list([item]))
    assert again == [item]


def test_get_status_zip_round_trip_with_several_documents() -> None:
    items = [
        DianResponse(
            is_valid=True,
            status_code="00",
            status_description="Procesado Correctamente.",
            status_message="La Factura electrónica SETP990000001, ha sido autorizada.",
            xml_base64_bytes=APPLICATION_RESPONSE,
            xml_document_key="abc",
            xml_file_name="fv1.xml",
        ),
        DianResponse(
            is_valid=False,
            status_code="2",
            status_description="Set de prueba con identificador 1234 se encuentra Aceptado.",
        ),
    ]
    rendered = render_dian_response_list(items, created=at("2024-01-01T00:00:00"))
    assert parse_dian_response_list(rendered, "GetStatusZip") == items
    root = etree.fromstring(rendered)
    result = root.find(".//{http://wcf.dian.colombia}GetStatusZipResult")
    assert [etree.QName(c).localname for c in result] == ["DianResponse", "DianResponse"]


@pytest.mark.parametrize("operation", ["SendBillSync", "GetStatus", "SendEventUpdateStatus"])
def test_dian_response_round_trip_per_operation(operation: str) -> None:
    response = DianResponse(
        is_valid=False,
        status_code="99",
        status_description="Validación contiene errores en campos mandatorios.",
        status_message="",
        error_messages=[
            format_rule_message("90", "Documento procesado anteriormente.", rejection=True)
        ],
        xml_document_key="cufe",
        xml_file_name="fv.xml",
    )
    rendered = render_dian_response(operation, response)
    parsed = parse_dian_response(rendered, operation)
    assert parsed == response
    assert parsed.is_duplicate
    root = etree.fromstring(rendered)
    action = root.find("{*}Header/{http://www.w3.org/2005/08/addressing}Action")
    assert action.text == f"http://wcf.dian.colombia/IWcfDianCustomerServices/{operation}Response"
    assert action.get("{http://www.w3.org/2003/05/soap-envelope}mustUnderstand") == "1"


def test_field_order_is_dians() -> None:
    rendered = render_dian_response("GetStatus", DianResponse(is_valid=True))
    result = etree.fromstring(rendered).find(".//{http://wcf.dian.colombia}GetStatusResult")
    assert [etree.QName(c).localname for c in result] == [
        "ErrorMessage",
        "IsValid",
        "StatusCode",
        "StatusDescription",
        "StatusMessage",
        "XmlBase64Bytes",
        "XmlBytes",
        "XmlDocumentKey",
        "XmlFileName",
    ]
    assert result.nsmap["b"] == "http://schemas.datacontract.org/2004/07/DianResponse"


def test_wrong_operation_is_unexpected() -> None:
    with pytest.raises(UnexpectedSoapResponse):
        parse_dian_response(fixture("send_bill_sync_accepted.xml"), "GetStatus")


def test_upload_document_response_fixtures() -> None:
    ok = parse_upload_document_response(fixture("send_test_set_async.xml"), "SendTestSetAsync")
    assert ok == UploadDocumentResponse(zip_key="6a1d1a2e-9c7f-4b8e-8f3a-2f8d3c1b0e55")
    rendered = render_upload_document_response(
        "SendTestSetAsync", ok, created=at("2024-02-14T14:30:00")
    )
    assert c14n(rendered) == c14n(fixture("send_test_set_async.xml"))

    failed = parse_upload_document_response(fixture("send_bill_async_errors.xml"))
    assert failed == UploadDocumentResponse(
        zip_key=None,
        error_message_list=[
            XmlParamsResponseTrackId(
                xml_file_name="z09001234560002400000001",
                success=False,
                processed_message="No fue encontrado ningun documento XML valido.",
                sender_code="900123456",
                document_key=None,
            )
        ],
    )
    assert (
        parse_upload_document_response(
            render_upload_document_response("SendBillAsync", failed), "SendBillAsync"
        )
        == failed
    )


def test_number_range_fixture_and_round_trip() -> None:
    original = fixture("get_numbering_range.xml")
    parsed = parse_number_range_response_list(original)
    assert parsed == NumberRangeResponseList(
        operation_code="100",
        operation_description="Acción completada OK.",
        ranges=[
            NumberRangeResponse(
                resolution_number="18760000001",
                resolution_date="2019-01-19",
                prefix="SETP",
                from_number=990000000,
                to_number=995000000,
                valid_date_from="2019-01-19",
                valid_date_to="2030-01-19",
                technical_key="fc8eac422eba16e22ffd8c6f94b3f40a6e38162c",
            )
        ],
    )
    rendered = render_number_range_response_list(parsed, created=at("2024-02-14T14:30:00"))
    assert c14n(rendered) == c14n(original)
    empty = NumberRangeResponseList(
        operation_code="301", operation_description="No se encontró rango para el NIT."
    )
    assert parse_number_range_response_list(render_number_range_response_list(empty)) == empty


def test_event_response_fixture_and_round_trip() -> None:
    original = fixture("get_xml_by_document_key_not_found.xml")
    parsed = parse_event_response(original)
    assert parsed == EventResponse(code="404", message="No se encontró el documento.")
    assert c14n(render_event_response(parsed, created=at("2024-02-14T14:30:00"))) == c14n(original)
    found = EventResponse(
        code="100", message="Accion completada OK", xml_bytes_base64=b"<Invoice/>"
    )
    rendered = render_event_response(found)
    assert base64.b64encode(b"<Invoice/>") in rendered
    assert parse_event_response(rendered, "GetXmlByDocumentKey") == found


def test_fault_fixture_raises_typed_error() -> None:
    original = fixture("fault_invalid_security.xml")
    with pytest.raises(SoapFaultError) as caught:
        parse_dian_response(original, "SendBillSync")
    error = caught.value
    assert (error.code, error.subcode) == ("s:Sender", "a:InvalidSecurity")
    assert error.reason == "An error occurred when verifying security for the message."
    assert not error.retriable
    rendered = render_fault(
        "s:Sender",
        "An error occurred when verifying security for the message.",
        subcode="a:InvalidSecurity",
        lang="en-US",
    )
    assert c14n(rendered) == c14n(original)


def test_receiver_fault_round_trip_is_retriable() -> None:
    fault = fault_from(
        render_fault("s:Receiver", "Error interno", subcode="a:InternalServiceFault")
    )
    assert fault is not None and fault.retriable
    assert (fault.code, fault.subcode, fault.reason) == (
        "s:Receiver",
        "a:InternalServiceFault",
        "Error interno",
    )


@pytest.mark.parametrize(
    "body",
    [fixture("http_503.html"), b"", b"<html><body>Service Unavailable</body></html>", b"not xml"],
)
def test_non_soap_bodies_are_unexpected(body: bytes) -> None:
    assert fault_from(body) is None
    with pytest.raises(UnexpectedSoapResponse):
        parse_dian_response(body)


def test_entities_are_not_expanded() -> None:
    evil = b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x "boom">]>' + fixture(
        "send_bill_sync_rejected.xml"
    ).replace(b"0f1e2d3c", b"&x;")
    with pytest.raises(UnexpectedSoapResponse):
        parse_dian_response(evil)


def test_rule_messages() -> None:
    text = format_rule_message("FAJ44b", "Nit no registrado", rejection=False)
    assert text == "Regla: FAJ44b, Notificación: Nit no registrado"
    assert parse_rule_message(text).message == "Nit no registrado"
    assert parse_rule_message("Documento con errores") is None
