"""Memoised board callbacks: the serialised result, keyed by the inputs, the viewer and the data versions.

A board callback's warm cost used to be the pandas shaping of cached frames plus building and serialising
Plotly figures (60–90 ms for three figures at city scale). The result of a callback depends only on its
inputs, on what the viewer may see (district scope, roles, a share link's scope) and on the data; so the
first call stores its result as JSON and later calls with the same key return it parsed (a few ms).

- Parameters whose name starts with ``_`` (the refresh tick, button clicks) are not part of the key: a
  wall display's five-minute refresh is served from the cache until the data change.
- An import bumps its dataset's version, so the next call misses at once; ``timeout`` (default: the
  boards' refresh interval) bounds how stale anything that depends on the clock can get.
- Permission is checked before any callback runs (``security.web.gate``); the viewer in the key keeps
  a district-scoped user from ever seeing a city-wide result, or the reverse.
- Results holding ``no_update`` or a ``Patch`` are returned as they are and not stored.
"""
from __future__ import annotations

import functools
import hashlib
import inspect
import json
from typing import Callable

import orjson
from dash import Patch
from dash._callback import NoUpdate
from plotly.io.json import to_json_plotly

from extensions import cache
from queries import data_versions
from security.context import viewer

DEFAULT_TIMEOUT = 300  # the boards' refresh interval (components.board.REFRESH_MS)


def _storable(result) -> bool:
    items = result if isinstance(result, (list, tuple)) else [result]
    return not any(isinstance(x, (NoUpdate, Patch)) for x in items)


def memo_callback(*datasets: str, timeout: int = DEFAULT_TIMEOUT, namespace: str = "") -> Callable:
    """Decorate a callback function (under ``@callback``) so that its result is served from the cache.

    ``datasets`` are the data the callback reads; their versions are part of the key. ``namespace``
    tells apart callbacks made by one factory for several pages (their functions share a name).
    """

    def decorate(fn: Callable) -> Callable:
        params = list(inspect.signature(fn).parameters)
        keep = [i for i, name in enumerate(params) if not name.startswith("_")]
        name = f"memo:{fn.__module__}.{fn.__qualname__}:{namespace}"

        @functools.wraps(fn)
        def wrapper(*args):
            material = [[args[i] for i in keep if i < len(args)], viewer(), data_versions(*datasets)]
            digest = hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()
            key = f"{name}:{digest[:40]}"
            stored = cache.get(key)
            if stored is not None:
                return orjson.loads(stored)
            result = fn(*args)
            if not _storable(result):
                return result
            text = to_json_plotly(list(result) if isinstance(result, tuple) else result)
            cache.set(key, text, timeout=timeout)
            return orjson.loads(text)

        wrapper.uncached = fn
        return wrapper

    return decorate
