"""Graphic representation of issued documents: the PDF with its QR (DESIGN §1)."""
