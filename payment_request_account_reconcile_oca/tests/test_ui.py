from odoo.tests import HttpCase, tagged

from .common import ReconcileWidgetCommon


@tagged("post_install", "-at_install")
class TestReconcileWidgetUi(ReconcileWidgetCommon, HttpCase):
    def test_reconcile_payment_request_tour(self):
        customer = self.env["res.partner"].create({"name": "Tour Customer"})
        order = self.create_order(customer, 1000.0)
        request = self.create_request(order=order, amount=300.0)
        st_line = self.create_st_line(300.0, "Voorschot bestelling", partner_id=customer.id)
        self.start_tour(
            f"/odoo/{self.bank_journal.id}/action-account_reconcile_oca.action_bank_statement_line_reconcile_all",
            "payment_request_account_reconcile_oca_tour",
            login=self.env.user.login,
        )
        self.assertTrue(st_line.is_reconciled)
        self.assertEqual(st_line.move_id.line_ids.payment_request_id, request)
        self.assertEqual(request.amount_paid, 300.0)
        self.assertEqual(request.state, "paid")
