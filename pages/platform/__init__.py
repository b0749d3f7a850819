"""Shared data platform pages for analysts."""
