from psycopg2 import IntegrityError

from odoo.tests import BaseCase, tagged
from odoo.tools import mute_logger

from odoo.addons.payment_request.tests.common import PaymentRequestCommon
from odoo.addons.payment_request.tests.common_hypothesis import (
    DIGITS,
    OGM_BASES,
    POSITIONS,
    SETTINGS,
    given,
    skip_without_hypothesis,
)
from odoo.addons.payment_request.tools import find_structured_references, is_valid_ogm, normalize_reference

from ..tools import format_ogm, ogm_check_digits


@tagged("post_install", "-at_install")
class TestOgm(BaseCase):
    def test_ogm_check_digits_97_when_remainder_is_zero(self):
        self.assertEqual(ogm_check_digits(97), 97)
        self.assertEqual(ogm_check_digits(0), 97)
        self.assertEqual(format_ogm(97), "+++000/0000/09797+++")
        self.assertTrue(is_valid_ogm(format_ogm(97)))
        self.assertEqual(format_ogm(654), "+++000/0000/65472+++")
        with self.assertRaises(ValueError):
            ogm_check_digits(10**10)


@tagged("post_install", "-at_install")
@skip_without_hypothesis
class TestOgmProperties(BaseCase):
    @SETTINGS
    @given(OGM_BASES)
    def test_every_formatted_ogm_is_valid_and_found(self, base):
        reference = format_ogm(base)
        self.assertTrue(is_valid_ogm(reference))
        digits = normalize_reference(reference)
        self.assertEqual(int(digits[:10]), base)
        self.assertEqual(find_structured_references(f"betaling {reference} dank u"), [digits])
        self.assertEqual(find_structured_references(f"ref:{digits}."), [digits])

    @SETTINGS
    @given(OGM_BASES, POSITIONS, DIGITS)
    def test_a_single_typo_is_detected(self, base, position, digit):
        digits = list(normalize_reference(format_ogm(base)))
        if digits[position] == str(digit):
            return
        digits[position] = str(digit)
        typo = "".join(digits)
        # mod 97 catches every single-digit substitution, except where the
        # check digits 97 and 00 stand for the same remainder.
        if typo[10:] not in ("00", "97"):
            self.assertFalse(is_valid_ogm(typo), typo)


@tagged("post_install", "-at_install")
class TestOgmReference(PaymentRequestCommon):
    def test_payment_reference_belgian_and_unique(self):
        requests = self.create_request(amount=100.0) | self.create_request(amount=100.0)
        references = requests.mapped("payment_reference")
        self.assertEqual(len(set(references)), 2)
        for reference in references:
            self.assertRegex(reference, r"^\+\+\+\d{3}/\d{4}/\d{5}\+\+\+$")
            self.assertTrue(is_valid_ogm(reference))
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            requests[1].payment_reference = requests[0].payment_reference
            requests.flush_recordset()
