"""The DIAN simulator: a SOAP 1.2 server that speaks ``WcfDianCustomerServices``.

It is a product feature (DESIGN §5): the embedded default runs it inside the gateway, and
``pasarela simulator`` runs it standalone for load and reliability tests.
"""
