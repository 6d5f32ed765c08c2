import os
from datetime import date

import polib
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from odoo.addons.payment_request.tests.common import PaymentRequestCommon

from ..tools import advance_invoice_deadline, last_working_day_before, next_working_day_after


@tagged("post_install", "-at_install")
class TestInvoiceDeadline(PaymentRequestCommon):
    """The Belgian invoice deadline of the money received for a request: the
    15th of the month after the month of receipt, while no posted invoice
    covers it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_a.vat = "BE0477472701"
        cls.partner_b.vat = False
        cls.partner_b.email = "partner_b@customer.example.com"
        cls.activity_type = cls.env.ref("l10n_be_payment_request.mail_activity_type_payment_request_invoice")

    def pay_on(self, day, request, amount=None):
        with freeze_time(day):
            return self.register_payment(request, amount=amount)

    def post_down_payment(self, day, amount):
        """Post a down payment invoice of the order made with the sale module."""
        with freeze_time(day):
            advance = (
                self.env["sale.advance.payment.inv"]
                .with_context(active_model="sale.order", active_ids=self.order.ids)
                .create(
                    {
                        "advance_payment_method": "fixed",
                        "fixed_amount": amount,
                        "sale_order_ids": [Command.set(self.order.ids)],
                    }
                )
            )
            invoice = advance._create_invoices(self.order)
            invoice.action_post()
        return invoice

    def run_cron(self, day):
        with freeze_time(day):
            self.env["payment.request"]._cron_invoice_deadlines()

    def deadline_activities(self, request):
        return request.activity_ids.filtered(lambda activity: activity.activity_type_id == self.activity_type)

    def down_payment_invoices(self, order):
        return order.invoice_ids.filtered(
            lambda move: move.invoice_line_ids.sale_line_ids.filtered("is_downpayment")
        )

    def test_tools(self):
        self.assertEqual(advance_invoice_deadline(date(2026, 3, 3)), date(2026, 4, 15))
        self.assertEqual(advance_invoice_deadline(date(2026, 3, 31)), date(2026, 4, 15))
        self.assertEqual(advance_invoice_deadline(date(2026, 12, 1)), date(2027, 1, 15))
        # 15 March 2026 is a Sunday, 15 April 2026 a Wednesday.
        self.assertEqual(last_working_day_before(date(2026, 3, 15)), date(2026, 3, 13))
        self.assertEqual(last_working_day_before(date(2026, 4, 15)), date(2026, 4, 14))
        self.assertEqual(next_working_day_after(date(2026, 3, 13)), date(2026, 3, 16))

    def test_money_received_on_3_march(self):
        request = self.create_request(amount=300.0)
        self.assertFalse(request.invoice_deadline, "nothing received, nothing to invoice")
        self.pay_on("2026-03-03", request)
        self.assertEqual(request.invoice_deadline, date(2026, 4, 15))
        self.assertEqual(request.amount_uninvoiced, 300.0)
        with freeze_time("2026-03-10"):
            invoice = self.invoice_requests(request)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertFalse(request.invoice_deadline, "the posted invoice settled with the money covers it")
        self.assertEqual(request.amount_uninvoiced, 0.0)
        invoice.button_draft()
        self.assertEqual(request.invoice_deadline, date(2026, 4, 15), "a draft covers nothing")

    def test_bank_transaction_gives_a_deadline(self):
        request = self.create_request(amount=300.0)
        with freeze_time("2026-03-03"):
            self.env["account.bank.statement.line"].create(
                {
                    "journal_id": self.bank_journal.id,
                    "date": "2026-03-03",
                    "amount": 300.0,
                    "payment_ref": request.payment_reference,
                }
            )
        self.assertTrue(request.received_line_ids, "linked by its structured reference")
        self.assertEqual(request.invoice_deadline, date(2026, 4, 15))

    def test_two_payments_in_different_months(self):
        request = self.create_request(amount=600.0)
        self.pay_on("2026-03-20", request, amount=200.0)
        self.pay_on("2026-04-05", request, amount=300.0)
        self.assertEqual(request.invoice_deadline, date(2026, 4, 15), "the earlier one")
        self.assertEqual(request.amount_uninvoiced, 500.0)
        # A down payment invoice of the first amount, made with the sale module.
        invoice = self.post_down_payment("2026-04-10", 200.0)
        self.assertEqual(invoice.payment_state, "paid", "settled with the oldest money")
        self.assertEqual(request.invoice_deadline, date(2026, 5, 15), "now the second's")
        self.assertEqual(request.amount_uninvoiced, 300.0)

        # The accountant's report: per month of receipt, pivot by deadline month.
        report = self.env["payment.request.advance.report"]
        rows = report.search([("payment_request_id", "=", request.id)], order="date")
        self.assertRecordValues(
            rows,
            [
                {
                    "date": date(2026, 3, 20),
                    "invoice_deadline": date(2026, 4, 15),
                    "amount_received": 200.0,
                    "amount_invoiced": 200.0,
                    "amount_to_invoice": 0.0,
                    "deadline_applies": True,
                },
                {
                    "date": date(2026, 4, 5),
                    "invoice_deadline": date(2026, 5, 15),
                    "amount_received": 300.0,
                    "amount_invoiced": 0.0,
                    "amount_to_invoice": 300.0,
                    "deadline_applies": True,
                },
            ],
        )
        groups = report.read_group(
            [("payment_request_id", "=", request.id)],
            ["amount_received:sum", "amount_invoiced:sum", "amount_to_invoice:sum"],
            ["invoice_deadline:month"],
        )
        self.assertEqual(
            [(g["amount_received"], g["amount_invoiced"], g["amount_to_invoice"]) for g in groups],
            [(200.0, 200.0, 0.0), (300.0, 0.0, 300.0)],
        )

        # Reset to draft, the invoice covers nothing (19.0 keeps it matched).
        invoice.button_draft()
        self.assertEqual(request.invoice_deadline, date(2026, 4, 15))
        self.assertEqual(request.amount_uninvoiced, 500.0)
        report.invalidate_model()
        rows = report.search([("payment_request_id", "=", request.id)], order="date")
        self.assertEqual(rows.mapped("amount_to_invoice"), [200.0, 300.0])

    def test_refund_cancels_the_receipt(self):
        request = self.create_request(amount=300.0)
        payment = self.pay_on("2026-03-03", request)
        with freeze_time("2026-03-05"):
            payment.action_cancel()
        self.assertFalse(request.invoice_deadline, "a cancelled payment received nothing")

    def test_scope(self):
        order_b = self.create_order(self.partner_b, 1000.0)
        request = self.create_request(order=order_b, amount=300.0)
        self.pay_on("2026-03-03", request)
        self.assertEqual(request.amount_uninvoiced, 300.0)
        self.assertFalse(request.invoice_deadline, "a customer without a VAT number under vat_customers")
        self.assertFalse(
            self.env["payment.request"].search([("invoice_deadline", "!=", False), ("id", "=", request.id)])
        )
        self.company.payment_request_invoice_deadline_scope = "all"
        self.assertEqual(request.invoice_deadline, date(2026, 4, 15))
        self.company.payment_request_invoice_deadline_scope = "none"
        self.assertFalse(request.invoice_deadline)
        self.company.payment_request_invoice_deadline_scope = "vat_customers"
        self.partner_b.vat = "BE0477472701"
        self.assertEqual(request.invoice_deadline, date(2026, 4, 15), "the customer became a business")

    def test_filters(self):
        request = self.create_request(amount=300.0)
        self.pay_on("2026-03-03", request)
        other = self.create_request(amount=100.0)
        requests = self.env["payment.request"]
        with freeze_time("2026-04-15"):
            self.assertIn(request, requests.search([("invoice_deadline", "!=", False)]))
            self.assertNotIn(other, requests.search([("invoice_deadline", "!=", False)]))
            self.assertNotIn(request, requests.search([("invoice_deadline", "<", "2026-04-15")]))
        self.assertIn(request, requests.search([("invoice_deadline", "<", "2026-04-16")]))

    def test_activity_once_n_days_before(self):
        self.assertEqual(self.company.payment_request_invoice_deadline_days, 5)
        salesperson = self.new_user("deadline_salesman", "sales_team.group_sale_salesman")
        self.order.user_id = salesperson
        request = self.create_request(amount=300.0)
        self.pay_on("2026-03-03", request)
        self.run_cron("2026-04-09")
        self.assertFalse(self.deadline_activities(request), "6 days before: not yet")
        self.run_cron("2026-04-10")
        activity = self.deadline_activities(request)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, salesperson)
        self.assertEqual(activity.date_deadline, date(2026, 4, 15))
        self.assertIn("300", activity.note)
        self.run_cron("2026-04-10")
        self.run_cron("2026-04-13")
        self.assertEqual(self.deadline_activities(request), activity, "never a duplicate")
        activity.action_feedback(feedback="later")
        self.run_cron("2026-04-14")
        self.assertFalse(self.deadline_activities(request), "done by hand: not given again for that deadline")

    def test_activity_closed_when_invoiced(self):
        request = self.create_request(amount=300.0)
        self.pay_on("2026-03-03", request)
        self.run_cron("2026-04-12")
        self.assertEqual(len(self.deadline_activities(request)), 1)
        with freeze_time("2026-04-13"):
            self.invoice_requests(request, mode="down_payment")
        self.run_cron("2026-04-13")
        self.assertFalse(self.deadline_activities(request))
        done = request.message_ids.filtered(
            lambda message: message.mail_activity_type_id == self.activity_type
        )
        self.assertEqual(len(done), 1, "marked done in the chatter")

    def test_activity_per_deadline(self):
        request = self.create_request(amount=600.0)
        self.pay_on("2026-03-20", request, amount=200.0)
        self.pay_on("2026-04-05", request, amount=300.0)
        self.run_cron("2026-04-12")
        first = self.deadline_activities(request)
        self.assertEqual(first.date_deadline, date(2026, 4, 15))
        self.post_down_payment("2026-04-13", 200.0)
        self.assertEqual(request.invoice_deadline, date(2026, 5, 15))
        self.run_cron("2026-04-13")
        self.assertFalse(self.deadline_activities(request), "the activity of 15 April is done")
        done = request.message_ids.filtered(
            lambda message: message.mail_activity_type_id == self.activity_type
        )
        self.assertIn("2026-05-15", done.body)
        self.run_cron("2026-05-09")
        self.assertFalse(self.deadline_activities(request))
        self.run_cron("2026-05-10")
        second = self.deadline_activities(request)
        self.assertEqual(second.date_deadline, date(2026, 5, 15), "one activity for the next deadline")
        self.assertNotEqual(second, first)

    def test_auto_invoice(self):
        self.company.payment_request_auto_invoice = True
        request = self.create_request(amount=300.0)
        payment = self.pay_on("2026-03-03", request)
        self.run_cron("2026-04-13")
        self.assertFalse(self.order.invoice_ids, "the last working day before 15 April is the 14th")
        self.run_cron("2026-04-14")
        invoice = self.order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice, self.down_payment_invoices(self.order))
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.invoice_date, date(2026, 4, 14))
        self.assertEqual(invoice.amount_total, 300.0)
        self.assertEqual(invoice.payment_state, "paid")
        payment_line = self.receivable_lines(request)
        self.assertTrue(payment_line.reconciled)
        self.assertEqual(payment_line.matched_debit_ids.debit_move_id.move_id, invoice)
        self.assertEqual(request.payment_ids, payment)
        self.assertFalse(request.invoice_deadline)
        self.assertIn(invoice, request.invoice_ids)
        self.assertTrue(
            request.message_ids.filtered(lambda message: "created and posted automatically" in message.body)
        )
        self.run_cron("2026-04-14")
        self.run_cron("2026-04-15")
        self.assertEqual(self.order.invoice_ids, invoice, "a second run creates none")

        # The final invoice of the order deducts the down payment.
        final = self.order._create_invoices(final=True)
        self.assertEqual(final.amount_total, 910.0)
        final.action_post()
        self.assertEqual(final.amount_residual, 910.0)
        self.assertFalse(self.env["account.move"].search([("move_type", "=", "out_refund")]))

    def test_auto_invoice_failure_does_not_block_others(self):
        self.company.payment_request_auto_invoice = True
        requests = self.env["payment.request"]
        for _index in range(4):
            order = self.create_order(self.partner_a, 1000.0)
            requests |= self.create_request(order=order, amount=300.0)
        # A request without an order cannot be invoiced: it fails.
        failing = self.env["payment.request"].create({"partner_id": self.partner_a.id, "amount": 50.0})
        failing.action_mark_sent()
        requests |= failing
        for request in requests:
            self.pay_on("2026-03-03", request)
        self.assertEqual(set(requests.mapped("invoice_deadline")), {date(2026, 4, 15)})
        self.run_cron("2026-04-14")
        for request in requests - failing:
            invoice = request.invoice_ids
            self.assertEqual(len(invoice), 1)
            self.assertEqual(invoice.state, "posted")
            self.assertEqual(invoice.payment_state, "paid")
            self.assertFalse(request.invoice_deadline)
        self.assertFalse(failing.invoice_ids)
        self.assertEqual(failing.invoice_deadline, date(2026, 4, 15))
        notes = failing.message_ids.filtered(
            lambda message: "could not be made automatically" in message.body
        )
        self.assertEqual(len(notes), 1)
        self.assertIn("without a sale order", notes.body)
        failed = failing.activity_ids.filtered(
            lambda activity: activity.summary == "Automatic invoice failed"
        )
        self.assertEqual(len(failed), 1)
        self.run_cron("2026-04-15")
        self.assertEqual(
            len(
                failing.activity_ids.filtered(lambda activity: activity.summary == "Automatic invoice failed")
            ),
            1,
            "asked once",
        )

    def test_dutch_wording(self):
        i18n = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "i18n")
        nl = {entry.msgid: entry.msgstr for entry in polib.pofile(os.path.join(i18n, "nl.po"))}
        self.assertEqual(
            nl["Invoice the received advance payment"], "Factuur opmaken voor ontvangen voorschot"
        )
        self.assertEqual(nl["To Invoice (VAT)"], "Te factureren (btw)")
        self.assertEqual(nl["Invoice Deadline Passed"], "Factuurtermijn verstreken")
