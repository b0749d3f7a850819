"""The importable datasets by name: ``registry.get("hotline12319")`` → its ``Dataset`` declaration.

To add a dataset, declare ``DATASET`` in a new module of ``ingest/datasets/`` (docs/ingest.md): every module
there is found by name. Modules are imported on first use, never when ``ingest`` is imported.
"""
from __future__ import annotations

import functools
import importlib
import pkgutil

from ingest.schema import Dataset

def _modules() -> list[str]:
    import ingest.datasets as package

    return sorted(f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__) if not m.ispkg)


class UnknownDataset(LookupError):
    """No dataset of that name; the message is Chinese."""


@functools.cache
def datasets() -> dict[str, Dataset]:
    """Every importable dataset, by name."""
    found = (importlib.import_module(m).DATASET for m in _modules())
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
