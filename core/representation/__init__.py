"""What the buyer receives besides DIAN's answer: the graphic representation (the PDF with its
QR) and the AttachedDocument.

``pdf`` renders the PDF and ``pdfs`` hands it out (rendered on demand, never stored);
``attached_document`` builds and signs the AttachedDocument container (pure CPU, no I/O) and
``attachments`` builds it once a document is accepted, stores it and hands it out.
"""
