"""Delivery of accepted documents to the buyer by e-mail (``core.delivery.emails``)."""
