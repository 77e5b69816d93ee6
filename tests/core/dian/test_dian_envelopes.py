"""Request envelopes: golden shape per operation, and the server-side parser the simulator uses."""

from __future__ import annotations

import pytest
from lxml import etree

from core.dian.envelopes import build_envelope, endpoint_address, parse_request
from core.dian.errors import MalformedSoapRequest
from core.dian.soap import OPERATIONS, serialize

HAB = "https://vpfe-hab.dian.gov.co/WcfDianCustomerServices.svc"
HEAD = (
    '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:wcf="http://wcf.dian.colombia">'
    '<soap:Header xmlns:wsa="http://www.w3.org/2005/08/addressing">'
    "<wsa:Action>http://wcf.dian.colombia/IWcfDianCustomerServices/{op}</wsa:Action>"
    '<wsa:To xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-'
    'utility-1.0.xsd" wsu:Id="id-GOLDEN">' + HAB + "</wsa:To></soap:Header><soap:Body>"
)
TAIL = "</soap:Body></soap:Envelope>"

CASES = {
    "SendBillSync": (
        {"fileName": "z.zip", "contentFile": b"PK\x03\x04"},
        "<wcf:fileName>z.zip</wcf:fileName><wcf:contentFile>UEsDBA==</wcf:contentFile>",
    ),
    "SendBillAsync": (
        {"fileName": "z.zip", "contentFile": b"PK\x03\x04"},
        "<wcf:fileName>z.zip</wcf:fileName><wcf:contentFile>UEsDBA==</wcf:contentFile>",
    ),
    "SendTestSetAsync": (
        {"fileName": "z.zip", "contentFile": b"PK\x03\x04", "testSetId": "f1e2-set"},
        "<wcf:fileName>z.zip</wcf:fileName><wcf:contentFile>UEsDBA==</wcf:contentFile>"
        "<wcf:testSetId>f1e2-set</wcf:testSetId>",
    ),
    "SendEventUpdateStatus": (
        {"contentFile": b"PK\x03\x04"},
        "<wcf:contentFile>UEsDBA==</wcf:contentFile>",
    ),
    "GetStatus": ({"trackId": "cufe1"}, "<wcf:trackId>cufe1</wcf:trackId>"),
    "GetStatusZip": ({"trackId": "zip-key"}, "<wcf:trackId>zip-key</wcf:trackId>"),
    "GetNumberingRange": (
        {"accountCode": "900123456", "accountCodeT": "900654321", "softwareCode": "sw-1"},
        "<wcf:accountCode>900123456</wcf:accountCode><wcf:accountCodeT>900654321"
        "</wcf:accountCodeT><wcf:softwareCode>sw-1</wcf:softwareCode>",
    ),
    "GetXmlByDocumentKey": ({"trackId": "cufe2"}, "<wcf:trackId>cufe2</wcf:trackId>"),
}


def test_every_operation_has_a_case() -> None:
    assert set(CASES) == set(OPERATIONS)


@pytest.mark.parametrize("operation", sorted(CASES))
def test_envelope_is_golden(operation: str) -> None:
    params, body = CASES[operation]
    expected = (
        HEAD.format(op=operation) + f"<wcf:{operation}>{body}</wcf:{operation}>" + TAIL
    ).encode()
    envelope = build_envelope(operation, params, to=HAB, to_id="id-GOLDEN")
    assert serialize(envelope) == expected  # no whitespace anywhere
    assert etree.tostring(envelope, method="c14n") == etree.tostring(
        etree.fromstring(expected), method="c14n"
    )


@pytest.mark.parametrize("operation", sorted(CASES))
def test_parse_request_reads_back_every_operation(operation: str) -> None:
    params, _ = CASES[operation]
    request = parse_request(serialize(build_envelope(operation, params, to=HAB)))
    assert request.operation == operation
    assert request.action == f"http://wcf.dian.colombia/IWcfDianCustomerServices/{operation}"
    assert request.to == HAB
    for name, value in params.items():
        if isinstance(value, bytes):
            assert request.binary(name) == value
        else:
            assert request.params[name] == value


def test_to_ids_are_unique_and_url_loses_wsdl_query() -> None:
    first = build_envelope("GetStatus", {"trackId": "x"}, to=HAB)
    second = build_envelope("GetStatus", {"trackId": "x"}, to=HAB)
    ids = {
        e.find(".//{http://www.w3.org/2005/08/addressing}To").get(
            "{http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd}Id"
        )
        for e in (first, second)
    }
    assert len(ids) == 2
    assert endpoint_address(HAB + "?wsdl") == HAB


def test_builder_rejects_wrong_parameters() -> None:
    with pytest.raises(ValueError):
        build_envelope("GetStatus", {"trackId": "x", "extra": "y"}, to=HAB)
    with pytest.raises(ValueError):
        build_envelope("GetAcquirer", {}, to=HAB)


def _request(op_action: str, body: str, header_extra: str = "") -> bytes:
    return (
        '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:wcf="http://wcf.dian.colombia"><soap:Header '
        'xmlns:wsa="http://www.w3.org/2005/08/addressing">'
        f"{op_action}{header_extra}</soap:Header><soap:Body>{body}</soap:Body></soap:Envelope>"
    ).encode()


ACTION = "<wsa:Action>http://wcf.dian.colombia/IWcfDianCustomerServices/GetStatus</wsa:Action>"


@pytest.mark.parametrize(
    ("xml", "subcode"),
    [
        (b"<not-closed", None),
        (b'<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"/>', None),
        (
            _request("", "<wcf:GetStatus><wcf:trackId>1</wcf:trackId></wcf:GetStatus>"),
            "a:MessageAddressingHeaderRequired",
        ),
        (
            _request(ACTION.replace("GetStatus<", "GetAcquirer<"), "<wcf:GetAcquirer/>"),
            "a:ActionNotSupported",
        ),
        (
            _request(ACTION, "<wcf:GetStatusZip><wcf:trackId>1</wcf:trackId></wcf:GetStatusZip>"),
            None,
        ),
        (_request(ACTION, "<wcf:GetStatus/>"), None),
        (
            _request(
                ACTION,
                "<wcf:GetStatus><wcf:trackId>1</wcf:trackId><wcf:trackId>2"
                "</wcf:trackId></wcf:GetStatus>",
            ),
            None,
        ),
        (_request(ACTION, "<wcf:GetStatus><wcf:fileName>1</wcf:fileName></wcf:GetStatus>"), None),
    ],
)
def test_parse_request_rejects_what_dian_would_not_dispatch(
    xml: bytes, subcode: str | None
) -> None:
    with pytest.raises(MalformedSoapRequest) as caught:
        parse_request(xml)
    assert caught.value.subcode == subcode


def test_request_without_to_and_bad_base64() -> None:
    action = ACTION.replace("GetStatus<", "SendBillSync<")
    body = (
        "<wcf:SendBillSync><wcf:fileName>a.zip</wcf:fileName>"
        "<wcf:contentFile>!!notbase64</wcf:contentFile></wcf:SendBillSync>"
    )
    request = parse_request(_request(action, body))
    assert request.to is None
    with pytest.raises(MalformedSoapRequest):
        request.binary("contentFile")


def test_wrapped_base64_is_accepted() -> None:
    action = ACTION.replace("GetStatus<", "SendEventUpdateStatus<")
    body = (
        "<wcf:SendEventUpdateStatus><wcf:contentFile>UEsD\nBA==</wcf:contentFile>"
        "</wcf:SendEventUpdateStatus>"
    )
    assert parse_request(_request(action, body)).binary("contentFile") == b"PK\x03\x04"
