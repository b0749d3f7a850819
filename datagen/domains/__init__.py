"""Data-build plug-ins, one module per domain; importing this package registers them all."""
from datagen.domains import hotline12319, reference, security  # noqa: F401
