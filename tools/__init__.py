"""Developer tools: data-file builders and reports, run by hand (``python -m tools.NAME``)."""
