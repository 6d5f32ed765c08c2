import base64
import unittest
from datetime import date

from odoo.tests import tagged
from odoo.tools.misc import file_open

from .bank_files import write_camt053, write_coda
from .common import PaymentRequestCommon

# payment_request does not depend on OCA's statement importers; the harness
# installs them beside it (`make test`), and these tests import real files
# through their wizard. OCA publishes no 19.0 CODA importer: on 19.0 the CODA
# tests are skipped, the CAMT ones run.
CODA = "account_statement_import_coda"
CAMT = "account_statement_import_camt"
CODA_SAMPLE = "account_statement_import_coda/test_coda_file/Ontvangen_CODA.2012-01-11-18.59.15.txt"
CAMT_SAMPLE = "account_statement_import_camt/tests/samples/test-camt053"
# The credit transfer of 1,405.31 in OCA's CAMT sample, where a structured
# creditor reference is added.
CAMT_ANCHOR = "<AddtlTxInf>#RD PARTY MEDIA CUSNO 90782 4210773</AddtlTxInf>"


@tagged("post_install", "-at_install")
class TestBankImport(PaymentRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.importers = set(
            cls.env["ir.module.module"]
            .search([("name", "in", (CODA, CAMT)), ("state", "=", "installed")])
            .mapped("name")
        )
        cls.big_order = cls.create_order(cls.partner_a, 3000.0)

    def require_importer(self, importer):
        if importer not in self.importers:
            reason = "OCA publishes no 19.0 CODA importer" if importer == CODA else "not installed"
            raise unittest.SkipTest(f"{importer}: {reason}")

    def use_bank_account(self, acc_number):
        """Make the bank journal the one of ``acc_number``, as the importers
        find the journal by the statement's account."""
        self.bank_journal.bank_account_id = self.env["res.partner.bank"].create(
            {"acc_number": acc_number, "partner_id": self.company.partner_id.id}
        )

    def import_file(self, content, filename):
        """Import a statement file with the importers' own wizard, as a user
        would (the upload widget sets the file name, hidden in the form)."""
        wizard = self.env["account.statement.import"].create(
            {"statement_file": base64.b64encode(content), "statement_filename": filename}
        )
        wizard.import_file_button()
        return self.env["account.bank.statement.line"].search(
            [("journal_id", "=", self.bank_journal.id)], order="id"
        )

    def camt_sample(self, reference):
        with file_open(CAMT_SAMPLE, "rb") as sample:
            content = sample.read().decode()
        self.assertIn(CAMT_ANCHOR, content)
        remittance = f"<RmtInf><Strd><CdtrRefInf><Ref>{reference}</Ref></CdtrRefInf></Strd></RmtInf>"
        return content.replace(CAMT_ANCHOR, remittance + CAMT_ANCHOR).encode()

    def assert_paid_by(self, request, st_line):
        self.assertTrue(st_line.is_reconciled)
        self.assertEqual(st_line.payment_request_ids, request)
        self.assertEqual(request.statement_line_ids, st_line)
        self.assertEqual(request.amount_paid, st_line.amount)
        receivable = st_line.move_id.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        self.assertEqual(receivable.payment_request_id, request)
        self.assertEqual(receivable.balance, -st_line.amount)

    def test_coda_sample_structured_communication(self):
        self.require_importer(CODA)
        request = self.create_request(
            order=self.big_order, amount=3044.45, payment_reference="+++240/2838/42818+++"
        )
        other = self.create_request(amount=435.0)
        self.use_bank_account("BE46737018594236")
        with file_open(CODA_SAMPLE, "rb") as sample:
            st_lines = self.import_file(sample.read(), "Ontvangen_CODA.2012-01-11-18.59.15.txt")
        self.assertEqual(len(st_lines), 7)
        st_line = st_lines.filtered(lambda line: line.amount == 3044.45)
        # The communication, and the narration with the text after it.
        self.assertEqual(st_line.payment_ref, "+++240/2838/42818+++")
        self.assertIn("+++240/2838/42818+++ 001PARTNER 2MOLENSTRAAT", str(st_line.narration))
        self.assert_paid_by(request, st_line)
        self.assertEqual(request.state, "paid")
        self.assertFalse((st_lines - st_line).payment_request_ids, "no reference: nothing linked")
        self.assertFalse((st_lines - st_line).filtered("is_reconciled"))
        self.assertEqual(other.state, "sent")

    def test_camt_sample_bare_digits_in_ref(self):
        self.require_importer(CAMT)
        order = self.create_order(self.partner_a, 2000.0)
        request = self.create_request(order=order, amount=1405.31, payment_reference="+++240/2838/42818+++")
        self.use_bank_account("NL77ABNA0574908765")
        st_lines = self.import_file(self.camt_sample("240283842818"), "test-camt053.xml")
        st_line = st_lines.filtered(lambda line: line.amount == 1405.31)
        self.assertEqual(st_line.ref, "240283842818")
        self.assert_paid_by(request, st_line)
        self.assertEqual(request.state, "paid")
        self.assertEqual(len(st_lines.filtered("is_reconciled")), 1)

    def test_camt_sample_rf_reference(self):
        self.require_importer(CAMT)
        order = self.create_order(self.partner_a, 2000.0)
        request = self.create_request(order=order, amount=1500.0, payment_reference="RF18 5390 0754 7034")
        self.use_bank_account("NL77ABNA0574908765")
        st_lines = self.import_file(self.camt_sample("RF18539007547034"), "test-camt053.xml")
        st_line = st_lines.filtered(lambda line: line.amount == 1405.31)
        self.assert_paid_by(request, st_line)
        self.assertEqual(request.state, "partial")
        self.assertEqual(request.amount_residual, 94.69)

    def test_wrong_check_digits_link_nothing(self):
        self.require_importer(CAMT)
        order = self.create_order(self.partner_a, 2000.0)
        request = self.create_request(order=order, amount=1405.31, payment_reference="+++240/2838/42818+++")
        self.use_bank_account("NL77ABNA0574908765")
        st_lines = self.import_file(self.camt_sample("240283842819"), "test-camt053.xml")
        self.assertEqual(st_lines.filtered(lambda line: line.amount == 1405.31).ref, "240283842819")
        self.assertFalse(st_lines.filtered("is_reconciled"))
        self.assertFalse(st_lines.payment_request_ids)
        self.assertEqual((request.state, request.amount_paid), ("sent", 0.0))

    def test_written_coda_pays_the_requests(self):
        self.require_importer(CODA)
        first = self.create_request(amount=300.0)
        second = self.create_request(amount=200.0)
        registered = self.create_request(amount=100.0)
        payment = self.register_payment(registered)
        today = date.today()
        content = write_coda(
            self.company_bank.acc_number,
            [
                (300.0, first.payment_reference, "Partner A", "BE61310126985517", today),
                # Banks also report the reference without its delimiters.
                (200.0, second.payment_reference_normalized, "Partner A", "BE61310126985517", today),
                (100.0, registered.payment_reference, "Partner A", "BE61310126985517", today),
                (42.0, "Geen referentie", "Someone", "BE43730004200601", today),
            ],
            holder_name=self.company.name,
        )
        st_lines = self.import_file(content, "demo.coda")
        self.assertEqual(st_lines.mapped("amount"), [300.0, 200.0, 100.0, 42.0])
        self.assertEqual(st_lines[0].payment_ref, first.payment_reference)
        self.assertEqual(st_lines[3].payment_ref, "Geen referentie")
        self.assertEqual(st_lines[0].partner_name, "Partner A")
        self.assertEqual(st_lines[0].account_number, "BE61310126985517")
        self.assertEqual(st_lines.statement_id.balance_end_real, 642.0)
        self.assert_paid_by(first, st_lines[0])
        self.assert_paid_by(second, st_lines[1])
        self.assertEqual((first | second).mapped("state"), ["paid", "paid"])
        self.assertTrue(payment.is_matched)
        self.assertEqual(registered.amount_paid, 100.0)
        self.assertFalse(st_lines[3].is_reconciled)

    def test_written_camt_pays_the_requests(self):
        """The CAMT.053 file the 19.0 demo attaches imports and links on both series."""
        self.require_importer(CAMT)
        first = self.create_request(amount=300.0)
        second = self.create_request(amount=200.0)
        registered = self.create_request(amount=100.0)
        payment = self.register_payment(registered)
        today = date.today()
        content = write_camt053(
            self.company_bank.acc_number,
            [
                (300.0, first.payment_reference, "Partner A", "BE61310126985517", today),
                (200.0, second.payment_reference_normalized, "Partner A", "BE61310126985517", today),
                (100.0, registered.payment_reference, "Partner A", "BE61310126985517", today),
                (42.0, "Geen referentie & co", "Someone", "BE43730004200601", today),
            ],
            holder_name=self.company.name,
            old_balance=10.0,
        )
        st_lines = self.import_file(content, "demo.xml")
        self.assertEqual(st_lines.mapped("amount"), [300.0, 200.0, 100.0, 42.0])
        self.assertEqual(st_lines[0].ref, first.payment_reference_normalized)
        self.assertEqual(st_lines[0].payment_ref, "SEPA credit transfer from Partner A", "never '/'")
        self.assertEqual(st_lines[3].payment_ref, "Geen referentie & co")
        self.assertEqual(st_lines[0].partner_name, "Partner A")
        self.assertEqual(st_lines[0].account_number, "BE61310126985517")
        self.assertEqual(st_lines.statement_id.balance_start, 10.0)
        self.assertEqual(st_lines.statement_id.balance_end_real, 652.0)
        self.assert_paid_by(first, st_lines[0])
        self.assert_paid_by(second, st_lines[1])
        self.assertEqual((first | second).mapped("state"), ["paid", "paid"])
        self.assertTrue(payment.is_matched)
        self.assertEqual(registered.amount_paid, 100.0)
        self.assertFalse(st_lines[3].is_reconciled)
