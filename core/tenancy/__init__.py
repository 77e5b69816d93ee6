"""Tenancy: the issuing companies and what each one holds.

One module per concern, each a small service whose methods are units of work of
``core.storage.database`` (callers hold no database state and get frozen Structs back):

``tenants``        companies: party, environment, software per DIAN channel, permissions, limits
``certificates``   the signing certificate (PKCS#12 and password encrypted at rest)
``ranges``         numbering ranges (resoluciones) and the active range of a document kind
``credentials``    API credentials per dialect and their token schemes; authentication
``quotas``         documents counted per month and year against the tenant's limits
``audit``          the audit log of authenticated requests, written in batches
``provisioning``   hands a tenant's setup to its environment (how the simulator learns it)

The composition root (``core.context``) builds them; ``provisioning`` is told of every change
through the ``on_change`` callback the others receive, so none of them imports it.
"""
