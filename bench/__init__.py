"""Benchmarks of MRC Assistant: ``python -m bench`` (or ``make bench``)."""
