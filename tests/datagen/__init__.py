"""Tests of the data-build framework and its plug-ins."""
