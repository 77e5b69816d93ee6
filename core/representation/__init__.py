"""What the buyer receives besides DIAN's answer: the AttachedDocument (and the PDF).

``attached_document`` builds and signs the AttachedDocument container (pure CPU, no I/O);
``attachments`` is the service that builds it once a document is accepted, stores it and
hands it out.
"""
