from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.payment_request.tests.common import PaymentRequestCommon
from odoo.addons.payment_request.tools import is_valid_ogm, is_valid_rf


@tagged("post_install", "-at_install")
class TestBelgianRulesOnlyInBelgium(PaymentRequestCommon):
    """The invoice deadline of advance payments and the OGM are Belgian: a
    company whose fiscal country is not Belgium gets neither."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_a.vat = "BE0477472701"
        cls.activity_type = cls.env.ref("l10n_be_payment_request.mail_activity_type_payment_request_invoice")

    def create_foreign_request(self, country_code, amount=50.0):
        """A request of a new company whose fiscal country is ``country_code``,
        for a customer with a VAT number, the company invoicing everybody. Its
        chart is the generic one of a US company (the test database has no
        Dutch chart): the fiscal country decides."""
        company = self.setup_other_company(
            name=f"{country_code} company", country_id=self.env.ref("base.us").id
        )["company"]
        company.account_fiscal_country_id = self.env.ref(f"base.{country_code.lower()}")
        self.assertEqual(company.account_fiscal_country_id.code, country_code)
        company.payment_request_invoice_deadline_scope = "all"
        return self.create_company_request(company, amount, partner_vals={"vat": "BE0477472701"})

    def test_belgian_company_gets_an_ogm(self):
        request = self.create_request(amount=100.0)
        self.assertEqual(self.company.account_fiscal_country_id.code, "BE")
        self.assertRegex(request.payment_reference, r"^\+\+\+\d{3}/\d{4}/\d{5}\+\+\+$")
        self.assertTrue(is_valid_ogm(request.payment_reference), request.payment_reference)

    def test_dutch_and_us_companies_get_rf(self):
        for country_code in ("NL", "US"):
            with self.subTest(country=country_code):
                request = self.create_foreign_request(country_code)
                self.assertTrue(request.payment_reference.startswith("RF"), request.payment_reference)
                self.assertTrue(is_valid_rf(request.payment_reference), request.payment_reference)
                self.assertFalse(is_valid_ogm(request.payment_reference))

    def test_non_belgian_company_gets_no_deadline_nor_activity(self):
        self.company.write(
            {"payment_request_invoice_deadline_scope": "all", "payment_request_auto_invoice": True}
        )
        self.company.account_fiscal_country_id = self.env.ref("base.nl")
        request = self.create_request(amount=300.0)
        with freeze_time("2026-03-03"):
            self.register_payment(request)
        self.assertEqual(request.amount_uninvoiced, 300.0, "the money received is still not invoiced")
        self.assertFalse(request.invoice_deadline, "no Belgian deadline in the Netherlands")
        with freeze_time("2026-04-14"):
            self.env["payment.request"]._cron_invoice_deadlines()
        self.assertFalse(request.activity_ids, "no activity, no failed automatic invoice")
        self.assertFalse(request.invoice_ids, "no automatic invoice")
        rows = self.env["payment.request.advance.report"].search([("payment_request_id", "=", request.id)])
        self.assertEqual(len(rows), 1)
        self.assertFalse(rows.deadline_applies)
        # The same company back in Belgium: the rule applies again.
        self.company.account_fiscal_country_id = self.env.ref("base.be")
        self.assertEqual(request.invoice_deadline, date(2026, 4, 15))
        self.env.flush_all()
        self.env["payment.request.advance.report"].invalidate_model()
        self.assertTrue(rows.deadline_applies)

    def test_us_company_gets_no_deadline(self):
        request = self.create_foreign_request("US", amount=100.0)
        request.action_mark_sent()
        with freeze_time("2026-03-03"):
            self.register_payment(request.with_company(request.company_id))
        self.assertEqual(request.amount_paid, 100.0)
        self.assertFalse(request.invoice_deadline)
        with freeze_time("2026-04-14"):
            self.env["payment.request"]._cron_invoice_deadlines()
        self.assertFalse(request.activity_ids.filtered(lambda a: a.activity_type_id == self.activity_type))
