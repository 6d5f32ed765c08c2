from datetime import date

from odoo.tests import BaseCase, tagged

from .bank_files import CodaTransaction, write_coda

try:
    from coda.parser import Parser
except ImportError:  # pycoda comes with OCA's CODA importer, not with us
    Parser = None

DAY = date(2026, 11, 20)


@tagged("post_install", "-at_install")
class TestCodaWriter(BaseCase):
    def write_file(self, transactions, **kwargs):
        return write_coda("BE71 0961 2345 6769", transactions, holder_name="YourCompany BV", **kwargs)

    def test_records(self):
        content = self.write_file(
            [
                CodaTransaction(1210.0, "+++240/2838/42818+++", "Jan Peeters", "BE61 3101 2698 5517", DAY),
                CodaTransaction(0.01, "RF18 5390 0754 7034", "M. Dupont", "FR76300060000112345678901", DAY),
            ],
            old_balance=100.0,
            sequence=7,
        )
        records = content.decode("cp1252").splitlines()
        self.assertEqual([len(record) for record in records], [128] * len(records))
        self.assertEqual([record[:2] for record in records], ["00", "12", "21", "23", "21", "23", "80", "9 "])
        self.assertRegex(records[0], r"^0{5}\d{9}05[ D] {7}")
        self.assertEqual(records[2][31:47], "0000000001210000", "credit, 3 decimals")
        self.assertEqual(records[2][61:77], "1101240283842818", "structured communication 101")
        self.assertEqual(records[4][61:82], "0RF18 5390 0754 7034 ", "free communication")
        self.assertEqual(records[6][41:57], "0000000001310010", "new balance: 100 + 1,210 + 0.01")

    def test_pycoda_reads_it(self):
        if Parser is None:
            self.skipTest("pycoda is not installed")
        (statement,) = Parser().parse(
            self.write_file(
                [
                    (300.0, "240283842818", "Jan Peeters", "BE61310126985517", DAY),
                    (45.5, "Bestelling S00012", "Café Zoë", "BE43730004200601", date(2026, 11, 21)),
                ]
            )
        )
        self.assertEqual((statement.acc_number, statement.currency), ("BE71096123456769", "EUR"))
        self.assertEqual((statement.old_balance, statement.new_balance), (0.0, 345.5))
        self.assertEqual(statement.old_balance_date, "2026-11-19")
        self.assertEqual(statement.new_balance_date, "2026-11-21")
        first, second = statement.movements
        self.assertEqual(first.communication, "+++240/2838/42818+++")
        self.assertEqual((first.transaction_amount, first.transaction_amount_sign), (300.0, "0"))
        self.assertEqual(first.counterparty_name, "Jan Peeters")
        self.assertEqual(first.counterparty_number, "BE61310126985517")
        self.assertEqual(second.communication, "Bestelling S00012")
        self.assertEqual(second.counterparty_name, "Café Zoë")
        self.assertEqual(second.entry_date, "2026-11-21")
        self.assertNotEqual(first.transaction_ref, second.transaction_ref)

    def test_refusals(self):
        with self.assertRaises(ValueError):
            self.write_file([])
        with self.assertRaises(ValueError):
            self.write_file([(-5.0, "x", "y", "BE61310126985517", DAY)])
        with self.assertRaises(ValueError):
            self.write_file([(5.0, "x", "y", "BE61310126985517", DAY)], sequence=1000)
