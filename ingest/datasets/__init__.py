"""Dataset declarations: one module per dataset, each defining ``DATASET`` (listed in ``ingest.registry``)."""
