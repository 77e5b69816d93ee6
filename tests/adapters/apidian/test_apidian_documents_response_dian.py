"""``ResponseDian``: DIAN's SOAP answer converted the way APIDIAN's ``ubl21dian`` does
(research §4.5), checked on a SendBillSync answer shaped like the 2022 capture there."""

from __future__ import annotations

from adapters.apidian.soap_json import response_dian as soap_to_json

SOAP = """<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"
 xmlns:a="http://www.w3.org/2005/08/addressing"
 xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">
<s:Header><a:Action s:mustUnderstand="1"
>http://wcf.dian.colombia/IWcfDianCustomerServices/SendBillSyncResponse</a:Action>
<o:Security s:mustUnderstand="1"
 xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">
<u:Timestamp u:Id="_0"><u:Created>2022-07-05T15:16:38.656Z</u:Created>
<u:Expires>2022-07-05T15:21:38.656Z</u:Expires></u:Timestamp>
</o:Security></s:Header>
<s:Body><SendBillSyncResponse xmlns="http://wcf.dian.colombia"><SendBillSyncResult
 xmlns:b="http://schemas.datacontract.org/2004/07/DianResponse"
 xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
<b:ErrorMessage xmlns:c="http://schemas.microsoft.com/2003/10/Serialization/Arrays">
<c:string>Regla: FAJ44b, Notificación: Nit o Documento de Identificación informado No se
 encuentra registrado en el RUT.</c:string>
<c:string>Regla: FAD05e, Rechazo: Número de factura no existe para el número de
 autorización.</c:string>
</b:ErrorMessage>
<b:IsValid>false</b:IsValid><b:StatusCode>99</b:StatusCode>
<b:StatusDescription>Validación contiene errores en campos mandatorios.</b:StatusDescription>
<b:StatusMessage>Documento con errores en campos mandatorios.</b:StatusMessage>
<b:XmlBase64Bytes>PEE+PC9BPg==</b:XmlBase64Bytes>
<b:XmlBytes i:nil="true"/>
<b:XmlDocumentKey>abc</b:XmlDocumentKey><b:XmlFileName>fv09001664830002400000001</b:XmlFileName>
</SendBillSyncResult></SendBillSyncResponse></s:Body></s:Envelope>""".encode()


def test_soap_answer_as_apidian_json() -> None:
    assert soap_to_json(SOAP) == {
        "Envelope": {
            "Header": {
                "Action": {
                    "_attributes": {"mustUnderstand": "1"},
                    "_value": "http://wcf.dian.colombia/IWcfDianCustomerServices/SendBillSyncResponse",
                },
                "Security": {
                    "_attributes": {"mustUnderstand": "1"},
                    "Timestamp": {
                        "_attributes": {"Id": "_0"},
                        "Created": "2022-07-05T15:16:38.656Z",
                        "Expires": "2022-07-05T15:21:38.656Z",
                    },
                },
            },
            "Body": {
                "SendBillSyncResponse": {
                    "SendBillSyncResult": {
                        "ErrorMessage": {
                            "string": [
                                "Regla: FAJ44b, Notificación: Nit o Documento de "
                                "Identificación informado No se\n encuentra registrado en el RUT.",
                                "Regla: FAD05e, Rechazo: Número de factura no existe para el "
                                "número de\n autorización.",
                            ]
                        },
                        "IsValid": "false",
                        "StatusCode": "99",
                        "StatusDescription": "Validación contiene errores en campos mandatorios.",
                        "StatusMessage": "Documento con errores en campos mandatorios.",
                        "XmlBase64Bytes": "PEE+PC9BPg==",
                        "XmlBytes": {"_attributes": {"nil": "true"}},
                        "XmlDocumentKey": "abc",
                        "XmlFileName": "fv09001664830002400000001",
                    }
                }
            },
        }
    }


def test_one_error_is_a_string_and_none_is_an_empty_object() -> None:
    start = SOAP.index(b"<c:string>Regla: FAD05e")
    end = SOAP.index(b"</c:string>", start) + len(b"</c:string>")
    one = SOAP[:start] + SOAP[end:]
    result = soap_to_json(one)["Envelope"]["Body"]["SendBillSyncResponse"]["SendBillSyncResult"]
    assert isinstance(result["ErrorMessage"]["string"], str)
    empty = soap_to_json(SOAP.replace(b"<b:IsValid>false</b:IsValid>", b"<b:IsValid/>"))
    body = empty["Envelope"]["Body"]["SendBillSyncResponse"]["SendBillSyncResult"]
    assert body["IsValid"] == {}
