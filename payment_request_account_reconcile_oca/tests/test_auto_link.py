from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ReconcileWidgetCommon


@tagged("post_install", "-at_install")
class TestAutoLink(ReconcileWidgetCommon):
    """The automatic link by structured reference runs in payment_request's
    create(); account_reconcile_oca's create() runs its automatic
    reconciliation first (its models, and on 19.0 its invoice matching by
    reference), outside tests or with _test_account_reconcile_oca."""

    def create_widget_st_line(self, amount, payment_ref, **vals):
        """Create a bank transaction as outside tests: the widget reconciles it
        on its own when it can."""
        return (
            self.env["account.bank.statement.line"]
            .with_context(_test_account_reconcile_oca=True)
            .create(
                {
                    "journal_id": self.bank_journal.id,
                    "amount": amount,
                    "payment_ref": payment_ref,
                    "partner_id": self.partner_a.id,
                    **vals,
                }
            )
        )

    def create_invoice(self, amount):
        return self.init_invoice(
            "out_invoice",
            partner=self.partner_a,
            invoice_date=fields.Date.today(),
            amounts=[amount],
            taxes=self.env["account.tax"],
            post=True,
        )

    def assert_auto_linked(self, st_line, request):
        self.assert_no_suspense(st_line)
        self.assertRecordValues(
            self.receivable_of(st_line),
            [
                {
                    "account_id": self.receivable.id,
                    "partner_id": self.partner_a.id,
                    "balance": -300.0,
                    "payment_request_id": request.id,
                }
            ],
        )
        self.assertEqual(request.amount_paid, 300.0)
        self.assertEqual(request.state, "paid")
        # The widget shows the link as a reconciled line.
        info = st_line.reconcile_data_info
        self.assertEqual(info["payment_request_ids"], request.ids)
        self.assertEqual(
            [line["kind"] for line in info["data"]], ["liquidity", "other"], "nothing left in suspense"
        )

    def test_auto_link_without_widget_auto_reconcile(self):
        request = self.create_request(amount=300.0)
        st_line = self.create_st_line(300.0, f"Betaling {request.payment_reference}")
        self.assert_auto_linked(st_line, request)

    @mute_logger("odoo.models.unlink")
    def test_auto_link_with_widget_auto_reconcile(self):
        # The widget reconciles on its own here: it takes a transaction that
        # pays an invoice by its reference.
        paid_by_reference = self.create_invoice(100.0)
        self.assertTrue(self.create_widget_st_line(100.0, paid_by_reference.payment_reference).is_reconciled)
        self.assertIn(paid_by_reference.payment_state, ("paid", "in_payment"))

        request = self.create_request(amount=300.0)
        # An open invoice of the same customer and amount: the widget must not
        # take the transaction from the request.
        invoice = self.create_invoice(300.0)
        st_line = self.create_widget_st_line(300.0, f"Betaling {request.payment_reference}")
        self.assert_auto_linked(st_line, request)
        self.assertEqual(invoice.payment_state, "not_paid")

        # Undo in the widget: the request no longer counts the transaction.
        st_line.unreconcile_bank_line()
        self.assertFalse(st_line.is_reconciled)
        self.assertFalse(self.receivable_of(st_line))
        self.assertEqual(request.state, "sent")
        self.assertIn("unlinked", request.message_ids[0].body)

    def test_widget_auto_reconcile_still_works(self):
        """A transaction that no request claims is still auto-reconciled by the
        widget, even with a structured reference: the invoice's."""
        invoice = self.create_invoice(300.0)
        st_line = self.create_widget_st_line(invoice.amount_total, invoice.payment_reference)
        self.assertTrue(st_line.is_reconciled)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertFalse(st_line.payment_request_ids)

    def test_registered_payment_matched_by_widget_models(self):
        """The widget's models match the registered payment of a paid request by
        its reference; the request counts the money once."""
        request = self.create_request(amount=300.0)
        payment = self.register_payment(request)
        st_line = self.create_widget_st_line(300.0, f"Betaling {request.payment_reference}")
        self.assert_no_suspense(st_line)
        self.assertTrue(payment.is_matched)
        self.assertFalse(self.receivable_of(st_line))
        self.assertEqual(request.amount_paid, 300.0)
        self.assertEqual(request.state, "paid")
