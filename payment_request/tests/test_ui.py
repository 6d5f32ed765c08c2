from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from odoo.addons.payment_request.compat import GROUPS

from .common import PaymentRequestCommon


@tagged("post_install", "-at_install")
class TestPaymentRequestUi(PaymentRequestCommon, HttpCase):
    def use_dutch(self):
        """Click as a Belgian user: Dutch terms loaded, the user in nl_BE, a
        salesperson who also does the books, as in a small company."""
        self.env["res.lang"]._activate_lang("nl_BE")
        self.env["ir.module.module"].search(
            [("name", "in", ("base", "web", "mail", "sale", "account", "portal", "payment_request"))]
        )._update_translations(["nl_BE"], overwrite=True)
        self.env.user.write(
            {"lang": "nl_BE", GROUPS: [Command.link(self.env.ref("sales_team.group_sale_manager").id)]}
        )

    def test_register_payment_tour(self):
        request = self.create_request(amount=300.0)
        self.start_tour(
            f"/odoo/action-payment_request.payment_request_action/{request.id}",
            "payment_request_register_payment_tour",
            login=self.env.user.login,
        )
        self.assertEqual(request.state, "paid")
        self.assertEqual(request.payment_ids.amount, 300.0)
        self.assertEqual(request.payment_ids.memo, f"{request.payment_reference} - tour note")

    def test_invoice_from_list_reloads_tour(self):
        """Create Invoice from the list opens the invoice at an address that a
        reload (F5) opens again, with no request of another customer."""
        # Ids apart, so that a wizard's id taken for a request's id would
        # name a request that exists: the request of another customer.
        other = self.create_request(order=self.create_order(self.partner_b, 100.0), amount=50.0)
        request = self.create_request(amount=300.0)
        self.register_payment(request)
        self.assertEqual(request.state, "paid")
        self.start_tour(
            "/odoo/action-payment_request.payment_request_action",
            "payment_request_invoice_list_tour",
            login=self.env.user.login,
        )
        self.assertEqual(request.invoice_ids.partner_id, self.partner_a)
        self.assertFalse(other.invoice_ids)

    def test_whole_flow_in_dutch_tour(self):
        """Order -> Betaalverzoek -> Verzenden -> Betaling -> Openstaande
        betaalverzoeken -> Factuur maken -> Koppel, clicked in nl_BE."""
        self.use_dutch()
        self.company.payment_request_auto_link = False
        order = self.create_order(self.partner_a, 1000.0)
        waiting = self.create_request(amount=250.0)
        statement_line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank_journal.id,
                "date": fields.Date.today(),
                "payment_ref": f"Tour overschrijving {waiting.payment_reference}",
                "amount": 250.0,
                "partner_id": self.partner_a.id,
            }
        )
        self.start_tour(
            f"/odoo/action-sale.action_orders/{order.id}",
            "payment_request_flow_nl_tour",
            login=self.env.user.login,
        )
        request = order.payment_request_ids
        self.assertEqual(len(request), 1)
        self.assertEqual(request.amount, 1210.0)
        self.assertEqual(request.state, "done")
        self.assertEqual(request.payment_ids.memo, f"{request.payment_reference} - betaald aan de toonbank")
        invoice = request.invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.payment_state, "paid", "the payment received settles the invoice")
        self.assertEqual(waiting.state, "paid", "Koppel linked the bank transaction")
        self.assertTrue(statement_line.is_reconciled)

    def test_invoice_one_request_of_two_in_dutch_tour(self):
        """Factuur maken for one of an order's two requests, clicked in nl_BE:
        a down payment invoice of its money; the other request still asks."""
        self.use_dutch()
        self.company.payment_request_post_invoice = False
        paid = self.create_request(amount=300.0)
        waiting = self.create_request(amount=500.0)
        self.register_payment(paid)
        self.start_tour(
            f"/odoo/action-sale.action_orders/{self.order.id}",
            "payment_request_invoice_one_request_nl_tour",
            login=self.env.user.login,
        )
        invoice = paid.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_total, 300.0, "a down payment of the money received")
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(invoice.payment_request_ids, paid)
        self.assertEqual(paid.state, "done")
        self.assertEqual(waiting.state, "sent")
        self.assertEqual(waiting.amount_due, 500.0)
        self.assertFalse(waiting.invoice_ids)
        self.assertTrue(self.company.payment_request_post_invoice, "the user's choice is kept")

    def test_payment_plan_in_dutch_tour(self):
        """Betalingsschema on a quotation, confirmed, its schedule, and
        Betaling on the first termijn, clicked in nl_BE."""
        self.use_dutch()
        plan = self.env["payment.request.plan"].create(
            {
                "name": "Voorschot en saldo",
                "line_ids": [
                    Command.create({"sequence": 1, "value_type": "percent", "value": 30.0, "days": 0}),
                    Command.create({"sequence": 2, "value_type": "balance", "days": 30}),
                ],
            }
        )
        quotation = self.create_order(self.partner_a, 1000.0, confirm=False)
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{quotation.id}",
            "payment_request_plan_nl_tour",
            login=self.env.user.login,
        )
        self.assertEqual(quotation.state, "sale")
        self.assertEqual(quotation.payment_request_plan_id, plan)
        deposit, balance = quotation.payment_request_ids.sorted("date_due")
        self.assertEqual((deposit.amount, balance.amount), (363.0, 847.0))
        self.assertEqual((deposit.state, balance.state), ("paid", "draft"))
        self.assertEqual(len(deposit.payment_ids), 1)
