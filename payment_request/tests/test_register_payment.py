from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import PaymentRequestCommon


@tagged("post_install", "-at_install")
class TestRegisterPayment(PaymentRequestCommon):
    def test_partial_then_full_payment(self):
        request = self.create_request(amount=300.0)
        wizard_form = Form(
            self.env["payment.request.register"].with_context(**request.action_register_payment()["context"])
        )
        self.assertEqual(wizard_form.amount, 300.0, "the amount defaults to the residual")
        self.assertEqual(wizard_form.journal_id, self.bank_journal)
        self.assertTrue(wizard_form.payment_method_line_id)

        first = self.register_payment(request, amount=100.0, note="paid at the counter")
        self.assertEqual(request.state, "partial")
        self.assertEqual(request.amount_paid, 100.0)
        self.assertEqual(request.amount_residual, 200.0)
        self.assertRecordValues(
            first,
            [
                {
                    "amount": 100.0,
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": self.partner_a.id,
                    "journal_id": self.bank_journal.id,
                    "state": "in_process",
                    "memo": f"{request.payment_reference} - paid at the counter",
                    "payment_request_id": request.id,
                }
            ],
        )
        self.assertIn("paid at the counter", request.message_ids[0].body)

        second = self.register_payment(request, journal=self.cash_journal)
        self.assertEqual(second.amount, 200.0)
        self.assertEqual(second.journal_id, self.cash_journal)
        self.assertEqual(second.memo, request.payment_reference)
        self.assertEqual(request.state, "paid")
        self.assertEqual(request.amount_residual, 0.0)
        self.assertEqual(request.payment_ids, first | second)

        # Each payment leaves an open receivable credit, outstanding until an
        # invoice exists, and its entry balances.
        receivable_lines = self.receivable_lines(request)
        self.assertRecordValues(
            receivable_lines.sorted("balance"),
            [
                {
                    "account_id": self.receivable.id,
                    "balance": -200.0,
                    "amount_residual": -200.0,
                    "reconciled": False,
                },
                {
                    "account_id": self.receivable.id,
                    "balance": -100.0,
                    "amount_residual": -100.0,
                    "reconciled": False,
                },
            ],
        )
        for move in request.payment_ids.move_id:
            self.assertEqual(move.state, "posted")
            self.assertAlmostEqual(sum(move.line_ids.mapped("balance")), 0.0)

    def test_over_payment_refused(self):
        request = self.create_request(amount=300.0)
        with self.assertRaisesRegex(ValidationError, "more than the"):
            self.register_payment(request, amount=300.01)
        self.assertFalse(request.payment_ids)
        self.assertEqual(request.state, "sent")

    def test_bad_amounts_refused(self):
        request = self.create_request(amount=300.0)
        for amount, message in (
            (0.0, "above zero"),
            (-10.0, "above zero"),
            (float("nan"), "not a number"),
            (float("inf"), "not a number"),
            (1e20, "more than the"),
            (10.005, "more decimals"),
        ):
            with self.subTest(amount=amount), self.assertRaisesRegex(ValidationError, message):
                wizard = self.env["payment.request.register"].create(
                    {"payment_request_id": request.id, "amount": 10.0}
                )
                # Write the value as a hostile RPC call would, past the form.
                wizard.env.cache.set(wizard, wizard._fields["amount"], amount)
                wizard.action_register_payment()
        self.assertFalse(request.payment_ids)

    def test_draft_and_paid_requests_refused(self):
        draft = self.create_request(amount=100.0, send=False)
        with self.assertRaisesRegex(UserError, "sent or partially paid"):
            self.register_payment(draft)
        paid = self.create_request(amount=100.0)
        self.register_payment(paid)
        with self.assertRaisesRegex(UserError, "sent or partially paid"):
            self.env["payment.request.register"].create(
                {"payment_request_id": paid.id, "amount": 1.0}
            ).action_register_payment()
        self.assertEqual(len(paid.payment_ids), 1)

    def test_cancelled_or_draft_payment_stops_counting(self):
        request = self.create_request(amount=300.0)
        payment = self.register_payment(request)
        self.assertEqual(request.state, "paid")
        payment.action_draft()
        self.assertEqual(request.amount_paid, 0.0)
        self.assertEqual(request.state, "sent")
        payment.action_cancel()
        self.assertEqual(request.amount_residual, 300.0)
        self.assertEqual(request.state, "sent")
        # The money can be registered again, once.
        self.register_payment(request)
        self.assertEqual(request.state, "paid")

    def test_rejected_payment_is_no_money_received(self):
        request = self.create_request(amount=300.0)
        payment = self.register_payment(request)
        payment.action_reject()
        self.assertEqual(payment.state, "rejected")
        self.assertRecordValues(request, [{"state": "sent", "amount_paid": 0.0, "amount_residual": 300.0}])
        # No invoice takes its journal item, and it does not stop a cancel.
        self.assertFalse(request._get_outstanding_credit_lines())
        self.assertEqual(request.sudo()._get_money_received(), (payment.browse(), request.received_line_ids))
        request.action_cancel()
        self.assertEqual(request.state, "cancel")

    def test_linked_payment_cannot_be_deleted(self):
        request = self.create_request(amount=300.0)
        payment = self.register_payment(request)
        # Odoo itself refuses to delete a posted payment, before our own check.
        with self.assertRaises(ValidationError) as caught:
            payment.unlink()
        self.assertIs(type(caught.exception), ValidationError)
        self.assertTrue(payment.exists())

    def test_salesperson_without_billing_cannot_register(self):
        salesman = self.new_user("salesman_only", "sales_team.group_sale_salesman_all_leads")
        request = self.create_request(amount=300.0)
        with self.assertRaises(AccessError):
            self.register_payment(request, user=salesman)
        self.assertFalse(request.payment_ids)

    def test_billing_user_registers(self):
        billing = self.new_user("billing", "account.group_account_invoice,sales_team.group_sale_salesman")
        request = self.create_request(amount=300.0)
        payment = self.register_payment(request, user=billing)
        self.assertEqual(payment.create_uid, billing)
        self.assertEqual(request.state, "paid")
