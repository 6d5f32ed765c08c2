import unittest

from odoo.tests import BaseCase, tagged

from ..tools import (
    find_structured_references,
    format_rf,
    is_valid_ogm,
    is_valid_rf,
    normalize_reference,
)

try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:
    # hypothesis is a test requirement of the harness (requirements-test.txt),
    # not of Odoo: a plain Odoo runner without it skips these tests (and CI,
    # which has it, refuses that skip: conftest.py).
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


@tagged("post_install", "-at_install")
@unittest.skipUnless(st, "missing tool: the Python library hypothesis (pip install -r requirements-test.txt)")
class TestStructuredReferenceProperties(BaseCase):
    @SETTINGS
    @given(OGM_BASES, OGM_CHECKS)
    def test_wrong_check_digits_are_refused(self, base, check):
        expected = base % 97 or 97
        digits = f"{base:010d}{check:02d}"
        self.assertEqual(is_valid_ogm(digits), check == expected)

    @SETTINGS
    @given(RF_PAYLOADS)
    def test_every_formatted_rf_is_valid_and_found(self, payload):
        reference = format_rf(payload)
        self.assertTrue(is_valid_rf(reference))
        compact = normalize_reference(reference)
        self.assertEqual(compact, reference.replace(" ", ""))
        self.assertIn(compact, find_structured_references(f"paid {reference} thanks"))

    @SETTINGS
    @given(TEXTS)
    def test_any_text_is_handled(self, text):
        for found in find_structured_references(text):
            self.assertTrue(is_valid_ogm(found) or is_valid_rf(found))
        normalized = normalize_reference(text)
        self.assertTrue(normalized is None or is_valid_ogm(normalized) or is_valid_rf(normalized))
