"""hypothesis for the property tests, optional: a plain Odoo runner without it
skips them (``skip_without_hypothesis``), and CI, which has it
(requirements-test.txt), refuses that skip (conftest.py)."""

import unittest

try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:
    given = settings = st = None

if given:
    SETTINGS = settings(max_examples=300, deadline=None, derandomize=True)
    OGM_BASES = st.integers(min_value=0, max_value=10**10 - 1)
    RF_PAYLOADS = st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=21)
    OGM_CHECKS = st.integers(min_value=0, max_value=99)
    POSITIONS = st.integers(min_value=0, max_value=11)
    DIGITS = st.integers(min_value=0, max_value=9)
    TEXTS = st.text(max_size=200)
else:

    def SETTINGS(test):
        return test

    def given(*strategies):
        return SETTINGS

    OGM_BASES = RF_PAYLOADS = OGM_CHECKS = POSITIONS = DIGITS = TEXTS = None

skip_without_hypothesis = unittest.skipUnless(
    st, "missing tool: the Python library hypothesis (pip install -r requirements-test.txt)"
)
