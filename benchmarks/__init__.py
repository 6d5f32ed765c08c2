"""Benchmarks of payment_request; run them with run.py (see README.md)."""
