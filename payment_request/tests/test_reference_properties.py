from odoo.tests import BaseCase, tagged

from ..tools import (
    find_structured_references,
    format_rf,
    is_valid_ogm,
    is_valid_rf,
    normalize_reference,
)
from .common_hypothesis import (
    OGM_BASES,
    OGM_CHECKS,
    RF_PAYLOADS,
    SETTINGS,
    TEXTS,
    given,
    skip_without_hypothesis,
)


@tagged("post_install", "-at_install")
@skip_without_hypothesis
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
