"""DIAN's SOAP answer as APIDIAN's ``ResponseDian`` (research §4.5, the 2022 capture)."""

from __future__ import annotations

from adapters.apidian.soap_json import response_dian

CAPTURE = """<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"
 xmlns:a="http://www.w3.org/2005/08/addressing"
 xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">
<s:Header><a:Action s:mustUnderstand="1">http://wcf.dian.colombia/IWcfDianCustomerServices/SendBillSyncResponse</a:Action>
<o:Security s:mustUnderstand="1"
 xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">
<u:Timestamp u:Id="_0"><u:Created>2022-07-05T15:16:38.656Z</u:Created>
<u:Expires>2022-07-05T15:21:38.656Z</u:Expires></u:Timestamp></o:Security></s:Header>
<s:Body><SendBillSyncResponse xmlns="http://wcf.dian.colombia"><SendBillSyncResult
 xmlns:b="http://schemas.datacontract.org/2004/07/DianResponse"
 xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
<b:ErrorMessage xmlns:c="http://schemas.microsoft.com/2003/10/Serialization/Arrays">
<c:string>Regla: DSDS01, Rechazo: Tipo de documento no disponible</c:string></b:ErrorMessage>
<b:IsValid>false</b:IsValid><b:StatusCode>99</b:StatusCode>
<b:StatusDescription>Validación contiene errores en campos mandatorios.</b:StatusDescription>
<b:XmlBytes i:nil="true"/><b:XmlDocumentKey>abc</b:XmlDocumentKey>
</SendBillSyncResult></SendBillSyncResponse></s:Body></s:Envelope>""".encode()


def test_the_capture_converts_as_apidian_shows_it() -> None:
    assert response_dian(CAPTURE) == {
        "Envelope": {
            "Header": {
                "Action": {
                    "_attributes": {"mustUnderstand": "1"},
                    "_value": "http://wcf.dian.colombia/IWcfDianCustomerServices/"
                    "SendBillSyncResponse",
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
                            "string": "Regla: DSDS01, Rechazo: Tipo de documento no disponible"
                        },
                        "IsValid": "false",
                        "StatusCode": "99",
                        "StatusDescription": "Validación contiene errores en campos mandatorios.",
                        "XmlBytes": {"_attributes": {"nil": "true"}},
                        "XmlDocumentKey": "abc",
                    }
                }
            },
        }
    }


def test_repeated_siblings_become_a_list_and_empty_elements_objects() -> None:
    soap = (
        b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>'
        b'<R xmlns:b="urn:b" xmlns:c="urn:c"><b:ErrorMessage><c:string>uno</c:string>'
        b"<c:string>dos</c:string></b:ErrorMessage><b:Vacio/></R></s:Body></s:Envelope>"
    )
    assert response_dian(soap) == {
        "Envelope": {"Body": {"R": {"ErrorMessage": {"string": ["uno", "dos"]}, "Vacio": {}}}}
    }
