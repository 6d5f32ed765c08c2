from odoo.tests import BaseCase, tagged

from ..tools import (
    find_structured_references,
    format_rf,
    is_valid_ogm,
    is_valid_rf,
    normalize_reference,
)


@tagged("post_install", "-at_install")
class TestStructuredReference(BaseCase):
    def test_ogm_known_references(self):
        # Examples published by Belgian banks and by l10n_be.
        for reference in (
            "+++000/0000/65472+++",
            "+++240/2838/42818+++",
            "***240/2838/42818***",
            "240/2838/42818",
            "240283842818",
            "240 2838 42818",
            "+++090/9337/55493+++",
        ):
            with self.subTest(reference=reference):
                self.assertTrue(is_valid_ogm(reference))

    def test_ogm_invalid_references(self):
        for reference in (
            "+++240/2838/42819+++",  # wrong check digits
            "+++000/0000/00000+++",  # check digits 00 never occur
            "+++000/0000/00098+++",  # above 97
            "+++240/2838/42818***",  # mismatched delimiters
            "+++240/2838/42818",  # unclosed
            "2402838428181",  # 13 digits
            "24028384281",  # 11 digits
            "ABC/DEFG/HIJKL",
            "",
            None,
        ):
            with self.subTest(reference=reference):
                self.assertFalse(is_valid_ogm(reference))

    def test_rf(self):
        # The example of the ISO 11649 standard.
        self.assertEqual(format_rf("539007547034"), "RF18 5390 0754 7034")
        self.assertTrue(is_valid_rf("RF18 5390 0754 7034"))
        self.assertTrue(is_valid_rf("rf18539007547034"))
        self.assertFalse(is_valid_rf("RF19 5390 0754 7034"))
        self.assertFalse(is_valid_rf("RF18"))
        with self.assertRaises(ValueError):
            format_rf("not allowed!")

    def test_normalize_and_find(self):
        self.assertEqual(normalize_reference("***240/2838/42818***"), "240283842818")
        self.assertEqual(normalize_reference("RF18 5390 0754 7034"), "RF18539007547034")
        self.assertIsNone(normalize_reference("+++240/2838/42819+++"))
        text = "Betaling +++240/2838/42818+++ and RF18 5390 0754 7034 thanks, 240283842818 again"
        self.assertEqual(find_structured_references(text), ["240283842818", "RF18539007547034"])
        self.assertEqual(find_structured_references("invoice 2402838428190"), [])
        self.assertEqual(find_structured_references(None), [])
        # "RF18 5390 0754 7034 DANK U" happens to check out as well: both are candidates.
        self.assertIn("RF18539007547034", find_structured_references("RF18 5390 0754 7034 Dank u"))
        self.assertEqual(find_structured_references("RF18 5390 0754 7034 ok"), ["RF18539007547034"])
        self.assertEqual(find_structured_references("rf18539007547034."), ["RF18539007547034"])
        self.assertEqual(find_structured_references("RF18 5390 0754 7035"), [])
