from lxml import etree

from odoo import fields
from odoo.tests import Form
from odoo.tools.safe_eval import safe_eval

from odoo.addons.payment_request.tests.common import PaymentRequestCommon

RECONCILE_VIEW = "account_reconcile_oca.bank_statement_line_form_reconcile_view"


class ReconcileWidgetCommon(PaymentRequestCommon):
    """PaymentRequestCommon with helpers that drive the OCA reconciliation
    widget through its server API, as its form view does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.suspense_account = cls.bank_journal.suspense_account_id

    def create_st_line(self, amount, payment_ref="/", **vals):
        return self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank_journal.id,
                "date": fields.Date.today(),
                "amount": amount,
                "payment_ref": payment_ref,
                **vals,
            }
        )

    def widget_form(self, st_line):
        return Form(st_line, view=RECONCILE_VIEW)

    def add_requests(self, st_line, *requests):
        """Click the requests in the Payment Requests tab, one after the other."""
        with self.widget_form(st_line) as form:
            for request in requests:
                form.add_payment_request_id = request
                self.assertFalse(form.add_payment_request_id, "the widget resets the field")
        return st_line.reconcile_data_info

    def proposal_lines(self, st_line, kind=None):
        return [line for line in st_line.reconcile_data_info["data"] if not kind or line["kind"] == kind]

    def request_tab(self, st_line):
        """Return the domain and context of the Payment Requests tab."""
        arch = self.env["account.bank.statement.line"].get_view(self.env.ref(RECONCILE_VIEW).id)["arch"]
        node = etree.fromstring(arch).xpath("//field[@name='add_payment_request_id']")[0]
        values = {
            "id": st_line.id,
            "company_id": st_line.company_id.id,
            "currency_id": st_line.currency_id.id,
            "foreign_currency_id": st_line.foreign_currency_id.id,
        }
        return safe_eval(node.get("domain"), values), safe_eval(node.get("context"), values)

    def listed_requests(self, st_line, order=None):
        """Return the rows of the Payment Requests tab, as the list loads them."""
        domain, context = self.request_tab(st_line)
        result = (
            self.env["payment.request"]
            .with_context(**context)
            .web_search_read(domain, {"name": {}, "statement_line_match_reason": {}}, limit=80, order=order)
        )
        return result["records"]

    def receivable_of(self, st_line):
        return st_line.move_id.line_ids.filtered(lambda line: line.account_type == "asset_receivable")

    def assert_no_suspense(self, st_line):
        _liquidity, suspense, _other = st_line._seek_for_lines()
        self.assertFalse(suspense, "nothing is left in suspense")
        self.assertTrue(st_line.is_reconciled)
        self.assertAlmostEqual(sum(st_line.move_id.line_ids.mapped("balance")), 0.0)
