from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.payment_request.tests.compat import (
    RESET_TO_DRAFT_UNRECONCILES,
    SALE_LINE_TAXES,
    reconcile_exchange_moves,
)

from .common import PaymentRequestCommon


@tagged("post_install", "-at_install")
class TestInvoiceFromRequests(PaymentRequestCommon):
    def assert_balanced(self, moves):
        for move in moves:
            self.assertAlmostEqual(sum(move.line_ids.mapped("balance")), 0.0, msg=move.display_name)

    def invoice_receivable(self, invoice):
        return invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")

    def test_payment_smaller_than_invoice(self):
        request = self.create_request(amount=300.0)
        payment = self.register_payment(request)
        invoice = self.invoice_requests(request)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_total, 1210.0)
        self.assertEqual(invoice.amount_residual, 910.0)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(invoice.payment_request_ids, request)
        self.assertEqual(request.invoice_ids, invoice)
        self.assertEqual(request.state, "done")
        self.assertEqual(request.amount_paid, 300.0, "the money is counted once")
        payment_line = self.receivable_lines(request)
        self.assertTrue(payment_line.reconciled)
        self.assertEqual(payment_line.matched_debit_ids.debit_move_id, self.invoice_receivable(invoice))
        self.assertEqual(payment_line.matched_debit_ids.amount, 300.0)
        self.assertIn(payment, invoice.matched_payment_ids | invoice._get_reconciled_payments())
        self.assert_balanced(invoice | payment.move_id)
        self.assertFalse(self.env["account.move"].search([("move_type", "=", "out_refund")]))

    def test_payment_larger_than_invoice(self):
        order = self.create_order(self.partner_a, 500.0, confirm=False)
        order.order_line = [
            Command.create(
                {
                    "product_id": self.product_a.id,
                    "price_unit": 500.0,
                    SALE_LINE_TAXES: [Command.set(self.tax_21.ids)],
                }
            )
        ]
        order.action_confirm()
        request = self.create_request(order=order, amount=1210.0)
        self.register_payment(request)
        invoice = self.invoice_requests(request, post=False)
        self.assertEqual(request.state, "done", "a draft invoice made from the request settles it")
        # The customer takes only half: the invoice is edited before posting.
        with Form(invoice) as invoice_form:
            invoice_form.invoice_line_ids.remove(0)
        self.assertEqual(invoice.amount_total, 605.0)
        invoice.action_post()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(invoice.amount_residual, 0.0)
        payment_line = self.receivable_lines(request)
        self.assertFalse(payment_line.reconciled)
        self.assertEqual(payment_line.amount_residual, -605.0, "the rest stays an outstanding credit")
        # Issue 28: half of the money is on no invoice, so the request is not
        # done: it stays paid and says what is not invoiced yet.
        self.assertEqual(request.state, "paid")
        self.assertEqual(request.amount_uninvoiced, 605.0)
        self.assertEqual(request.amount_paid, 1210.0)

    def test_two_requests_one_invoice(self):
        first = self.create_request(amount=300.0)
        second = self.create_request(amount=500.0)
        self.register_payment(first)
        self.register_payment(second)
        invoice = self.invoice_requests(first | second)
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.payment_request_ids, first | second)
        self.assertEqual(invoice.amount_residual, 410.0)
        self.assertTrue(all(self.receivable_lines(first | second).mapped("reconciled")))
        self.assertEqual((first | second).mapped("state"), ["done", "done"])
        note = invoice.message_ids.filtered(lambda m: "Invoice created from payment requests" in m.body)
        self.assertEqual(len(note), 1)
        self.assertIn(f"{first.name}, {second.name}", note.body)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))

    def test_orders_of_different_customers(self):
        order_b = self.create_order(self.partner_b, 100.0)
        request_a = self.create_request(amount=300.0)
        request_b = self.create_request(order=order_b, amount=121.0)
        self.register_payment(request_a)
        self.register_payment(request_b)
        invoices = self.invoice_requests(request_a | request_b)
        self.assertEqual(len(invoices), 2)
        invoice_a = invoices.filtered(lambda m: m.partner_id == self.partner_a)
        invoice_b = invoices.filtered(lambda m: m.partner_id == self.partner_b)
        self.assertEqual(invoice_a.payment_request_ids, request_a)
        self.assertEqual(invoice_b.payment_request_ids, request_b)
        self.assertEqual(invoice_a.amount_residual, 910.0)
        self.assertEqual(invoice_b.payment_state, "paid")
        self.assertEqual(self.receivable_lines(request_a).matched_debit_ids.debit_move_id.move_id, invoice_a)
        self.assertEqual(self.receivable_lines(request_b).matched_debit_ids.debit_move_id.move_id, invoice_b)

    def test_multi_currency_exchange_difference(self):
        today = fields.Date.today()
        usd = self.setup_other_currency(
            "USD", rates=[(fields.Date.subtract(today, days=30), 2.0), (today, 2.5)]
        )
        pricelist = self.env["product.pricelist"].create({"name": "USD", "currency_id": usd.id})
        order = self.create_order(self.partner_a, 1000.0, pricelist_id=pricelist.id)
        self.assertEqual(order.currency_id, usd)
        request = self.create_request(order=order, amount=1210.0)
        self.assertEqual(request.currency_id, usd)
        action = request.action_register_payment()
        wizard_form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        wizard_form.payment_date = fields.Date.subtract(today, days=10)
        wizard_form.save().action_register_payment()
        payment_line = self.receivable_lines(request)
        self.assertEqual(payment_line.amount_currency, -1210.0)
        self.assertEqual(payment_line.balance, -605.0, "booked at 2.0 USD per EUR")
        invoice = self.invoice_requests(request)
        self.assertEqual(invoice.currency_id, usd)
        self.assertEqual(self.invoice_receivable(invoice).balance, 484.0, "booked at 2.5 USD per EUR")
        self.assertEqual(invoice.payment_state, "paid")
        self.assertTrue(payment_line.reconciled)
        exchange_move = reconcile_exchange_moves(payment_line)
        self.assertTrue(exchange_move, "Odoo books the exchange difference")
        self.assertEqual(exchange_move.journal_id, self.company.currency_exchange_journal_id)
        self.assertAlmostEqual(
            sum(exchange_move.line_ids.filtered(lambda line: line.balance > 0).mapped("balance")), 121.0
        )
        self.assert_balanced(invoice | exchange_move | request.payment_ids.move_id)
        self.assertEqual(request.amount_paid, 1210.0)

    def test_down_payment_then_final_invoice(self):
        request = self.create_request(amount=300.0)
        self.register_payment(request)
        down_payment = self.invoice_requests(request, mode="down_payment")
        self.assertEqual(down_payment.amount_total, 300.0)
        self.assertEqual(down_payment.payment_state, "paid")
        self.assertEqual(request.state, "done")
        final = self.order._create_invoices(final=True)
        self.assertEqual(final.amount_total, 910.0, "the final invoice deducts the down payment")
        final.action_post()
        self.assertEqual(final.amount_residual, 910.0)
        self.assertTrue(self.receivable_lines(request).reconciled)
        self.assertEqual(self.receivable_lines(request).matched_debit_ids.debit_move_id.move_id, down_payment)
        self.assertFalse(self.env["account.move"].search([("move_type", "=", "out_refund")]))

    def open_invoice_wizard(self, requests):
        action = requests.action_create_invoice()
        return Form(self.env[action["res_model"]].with_context(**action["context"]))

    def test_default_choice_paid_before_delivery(self):
        """Paid before delivery: nothing can be invoiced on the order, so the
        wizard proposes a down payment of the money received, and its
        default path ends in an invoice, not an error."""
        self.product_a.invoice_policy = "delivery"
        order = self.create_order(self.partner_a, 1000.0)
        request = self.create_request(order=order, amount=500.0)
        self.register_payment(request, amount=500.0)
        wizard_form = self.open_invoice_wizard(request)
        self.assertEqual(wizard_form.invoice_mode, "down_payment")
        self.assertIn(order.name, wizard_form.invoice_mode_reason)
        self.assertIn("down payment", wizard_form.invoice_mode_reason)
        wizard_form.post_invoice = True
        result = wizard_form.save().action_create_invoices()
        invoice = self.env["account.move"].browse(result["res_id"])
        self.assertEqual(invoice.amount_total, 500.0)
        self.assertEqual(invoice.payment_state, "paid", "the payment settles it")
        self.assertEqual(request.state, "done")

    def test_default_choice_regular_when_there_is_something_to_invoice(self):
        request = self.create_request(amount=300.0)
        self.register_payment(request)
        wizard_form = self.open_invoice_wizard(request)
        self.assertEqual(wizard_form.invoice_mode, "regular")
        self.assertIn("regular invoice", wizard_form.invoice_mode_reason)
        result = wizard_form.save().action_create_invoices()
        invoice = self.env["account.move"].browse(result["res_id"])
        self.assertEqual(invoice.amount_total, 1210.0)

    def test_default_choice_nothing_received_nothing_delivered(self):
        """Nothing to invoice and no money: the wizard says why, and Create
        Invoice gives a clear error, not a crash."""
        self.product_a.invoice_policy = "delivery"
        order = self.create_order(self.partner_a, 1000.0)
        request = self.create_request(order=order, amount=500.0)
        wizard_form = self.open_invoice_wizard(request)
        self.assertEqual(wizard_form.invoice_mode, "regular")
        self.assertIn("deliver the order first", wizard_form.invoice_mode_reason)
        with self.assertRaisesRegex(UserError, "nothing to invoice"):
            wizard_form.save().action_create_invoices()

    def test_standard_invoice_button_and_batch_post(self):
        order_b = self.create_order(self.partner_b, 100.0)
        request_a = self.create_request(amount=300.0)
        request_b = self.create_request(order=order_b, amount=121.0)
        self.register_payment(request_a)
        self.register_payment(request_b)
        invoices = (self.order | order_b)._create_invoices()
        self.assertEqual(len(invoices), 2)
        self.assertEqual(request_a.state, "paid", "a draft from the order's button is not linked yet")
        invoices.action_post()
        self.assertEqual((request_a | request_b).mapped("state"), ["done", "done"])
        self.assertTrue(all(self.receivable_lines(request_a | request_b).mapped("reconciled")))
        invoice_a = invoices.filtered(lambda m: m.partner_id == self.partner_a)
        self.assertEqual(invoice_a.payment_request_ids, request_a)
        self.assertEqual(invoice_a.amount_residual, 910.0)

    def test_one_payment_settles_two_invoices_posted_together(self):
        """Two down payment invoices of the same order, posted in one batch:
        the request's single payment pays the first, its rest goes to the
        second, and what is left stays an outstanding credit."""
        request = self.create_request(amount=1210.0)
        payment = self.register_payment(request)
        advance = self.env["sale.advance.payment.inv"].with_context(
            active_model="sale.order", active_ids=self.order.ids
        )
        invoices = self.env["account.move"]
        for amount in (500.0, 400.0):
            wizard = advance.create(
                {
                    "advance_payment_method": "fixed",
                    "fixed_amount": amount,
                    "sale_order_ids": [Command.set(self.order.ids)],
                }
            )
            invoices |= wizard._create_invoices(self.order)
        self.assertEqual(invoices.mapped("state"), ["draft", "draft"])
        invoices.action_post()
        self.assertEqual(invoices.mapped("payment_state"), ["paid", "paid"])
        self.assertEqual(invoices.mapped("amount_residual"), [0.0, 0.0])
        payment_line = self.receivable_lines(request)
        self.assertEqual(payment_line.move_id, payment.move_id)
        self.assertEqual(
            sorted(payment_line.matched_debit_ids.mapped("amount")), [400.0, 500.0], "each invoice once"
        )
        self.assertEqual(payment_line.matched_debit_ids.debit_move_id.move_id, invoices)
        self.assertFalse(payment_line.reconciled)
        self.assertEqual(payment_line.amount_residual, -310.0, "the rest stays an outstanding credit")
        self.assertEqual(request.amount_paid, 1210.0, "the money is counted once")
        self.assertEqual(invoices.payment_request_ids, request, "the request whose money settles them")
        # Issue 28: 310.00 of the money is on no invoice: paid, not done.
        self.assertEqual(request.state, "paid")
        self.assertEqual(request.amount_uninvoiced, 310.0)
        self.assert_balanced(invoices | payment.move_id)

    def test_reset_to_draft_and_cancel_undo(self):
        request = self.create_request(amount=300.0)
        self.register_payment(request)
        invoice = self.invoice_requests(request)
        payment_line = self.receivable_lines(request)
        self.assertTrue(payment_line.reconciled)
        invoice.button_draft()
        # 18.0 unreconciles the draft; 19.0 keeps the money matched to it, so
        # that posting it again settles it again. Either way a draft settles
        # nothing: the request is paid, not done, and its money is to invoice.
        self.assertEqual(payment_line.reconciled, not RESET_TO_DRAFT_UNRECONCILES)
        self.assertEqual(payment_line.amount_residual, -300.0 if RESET_TO_DRAFT_UNRECONCILES else 0.0)
        self.assertEqual(request.state, "paid")
        self.assertEqual(request.amount_uninvoiced, 300.0)
        self.assertEqual(request.amount_paid, 300.0)
        invoice.action_post()
        self.assertTrue(payment_line.reconciled)
        self.assertEqual(request.state, "done")
        self.assertEqual(request.amount_uninvoiced, 0.0)
        self.assertEqual(invoice.amount_total - invoice.amount_residual, 300.0, "posted again, settled again")
        invoice.button_cancel()
        self.assertEqual(invoice.state, "cancel")
        self.assertFalse(payment_line.reconciled)
        self.assertEqual(request.state, "paid")
        self.assertEqual(request.amount_paid, 300.0)

    def test_credit_note_does_not_count_twice(self):
        request = self.create_request(amount=1210.0)
        self.register_payment(request)
        invoice = self.invoice_requests(request)
        self.assertEqual(invoice.payment_state, "paid")
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "returned"})
        )
        reversal.refund_moves()
        credit_note = self.env["account.move"].search([("reversed_entry_id", "=", invoice.id)])
        credit_note.action_post()
        self.assertEqual(request.amount_paid, 1210.0)
        self.assertEqual(request.amount_residual, 0.0)
        self.assertEqual(request.state, "done")
        self.assertFalse(credit_note.payment_request_ids)
        # The credit note is the customer's credit, next to nothing else.
        self.assertEqual(credit_note.amount_residual, 1210.0)

    def test_rules(self):
        no_order = self.env["payment.request"].create({"partner_id": self.partner_a.id, "amount": 50.0})
        no_order.action_mark_sent()
        with self.assertRaisesRegex(UserError, "without a sale order"):
            self.invoice_requests(no_order)
        cancelled = self.create_request(amount=50.0)
        cancelled.action_cancel()
        with self.assertRaisesRegex(UserError, "Cancelled or already invoiced"):
            self.invoice_requests(cancelled)
        quotation = self.create_order(self.partner_a, 100.0, confirm=False)
        self.company.payment_request_confirm_order = False  # the paid request leaves it a quotation
        unconfirmed = self.create_request(order=quotation, amount=50.0)
        self.register_payment(unconfirmed)
        other = self.create_request(amount=10.0)
        with self.assertRaisesRegex(UserError, "nothing to invoice"), self.env.cr.savepoint():
            self.invoice_requests(unconfirmed | other)
        self.assertFalse(unconfirmed.invoice_ids)
        self.assertFalse(self.order.invoice_ids, "the other order is not invoiced either")
        done = self.create_request(amount=50.0)
        self.register_payment(done)
        self.invoice_requests(done)
        self.assertEqual(done.state, "done")
        invoice_count = self.env["account.move"].search_count([("move_type", "=", "out_invoice")])
        with self.assertRaisesRegex(UserError, "Cancelled or already invoiced"):
            self.invoice_requests(done)
        self.assertEqual(
            self.env["account.move"].search_count([("move_type", "=", "out_invoice")]), invoice_count
        )
