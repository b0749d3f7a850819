"""The importable datasets by name: ``registry.get("hotline12319")`` → its ``Dataset`` declaration.

To add a dataset, declare it in a module of ``ingest/datasets/`` and list the module in ``_MODULES``
(docs/ingest.md). Modules are imported on first use, never when ``ingest`` is imported.
"""
from __future__ import annotations

import functools
import importlib

from ingest.schema import Dataset

_MODULES = ("ingest.datasets.hotline12319",)


class UnknownDataset(LookupError):
    """No dataset of that name; the message is Chinese."""


@functools.cache
def datasets() -> dict[str, Dataset]:
    """Every importable dataset, by name."""
    found = (importlib.import_module(m).DATASET for m in _MODULES)
    return {d.name: d for d in found}


def get(name: str) -> Dataset:
    """One dataset; ``UnknownDataset`` for a name that is not registered."""
    try:
        return datasets()[name]
    except KeyError:
        raise UnknownDataset(f"未知数据集：'{name}'（可导入：{'、'.join(datasets())}）") from None


def names() -> list[str]:
    """The registered dataset names, sorted."""
    return sorted(datasets())


def titles() -> dict[str, str]:
    """Dataset name → Chinese title, for choosers."""
    return {name: d.title for name, d in datasets().items()}
