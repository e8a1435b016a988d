"""Benchmarks, run on demand (python benchmarks/NAME.py); a package so tests can import them."""
