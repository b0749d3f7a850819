"""Benchmarks: data at scale, every page's callbacks timed over HTTP beside their own SQL time."""
