"""When a request is *Afgewerkt* (done), and what it asks.

A request is done when the money it received is on customer invoices and it
asks for nothing more. A down payment invoice of one request leaves the
order's other requests as they were; an invoice of the whole order takes over
what the other requests still ask; money only partly on invoices leaves the
request paid, with what is not invoiced yet. Only what is asked counts as
due: nothing for a draft, a cancelled request or one an invoice took over.
"""

from datetime import date, timedelta

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.mail.tests.common import MockEmail
from odoo.addons.payment_request.tests.compat import SALE_LINE_TAXES

from .common import PaymentRequestCommon

DUE = date(2026, 3, 2)


@tagged("post_install", "-at_install")
class TestInvoiceRule(PaymentRequestCommon, MockEmail):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.payment_request_auto_reminder = True

    def outstanding(self):
        """The requests of Openstaande betaalverzoeken: the search view's filter."""
        arch = etree.fromstring(self.env.ref("payment_request.payment_request_view_search").arch)
        domain = safe_eval(arch.xpath("//filter[@name='outstanding']")[0].get("domain"))
        return self.env["payment.request"].search(domain)

    def run_reminders(self, day):
        with freeze_time(day), self.mock_mail_gateway():
            self.env["payment.request"]._cron_send_reminders()
        return self._new_mails

    # ------------------------------------------------------------------
    # A down payment invoice of one request
    # ------------------------------------------------------------------

    def test_down_payment_invoice_leaves_the_other_request(self):
        paid = self.create_request(amount=300.0, date_due=DUE)
        waiting = self.create_request(amount=500.0, date_due=DUE)
        self.register_payment(paid)
        invoice = self.invoice_requests(paid, mode="down_payment")
        self.assertEqual(invoice.amount_total, 300.0)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(invoice.payment_request_ids, paid)
        self.assertEqual(paid.state, "done")
        self.assertEqual(paid.amount_due, 0.0)
        # The other request still asks its 500.00, as before the invoice.
        self.assertFalse(waiting.invoice_ids)
        self.assertEqual(waiting.state, "sent")
        self.assertEqual(waiting.amount_due, 500.0)
        self.assertFalse(waiting.invoice_asking_id)
        self.assertIn(waiting, self.outstanding())
        self.assertNotIn(paid, self.outstanding())
        self.assertTrue(waiting._has_to_be_paid(), "the portal page offers the payment form")
        self.assertEqual(self.order.payment_request_amount_residual, 500.0)
        mails = self.run_reminders(DUE + timedelta(days=3))
        self.assertEqual(len(mails), 1, "the request still waiting for money is reminded")
        self.assertIn(waiting.payment_reference, mails.body_html)
        self.assertEqual(waiting.reminder_count, 1)
        self.assertEqual(paid.reminder_count, 0)

    def test_down_payment_invoice_takes_only_its_request_money(self):
        """The other request's money, received earlier, stays its own: the
        down payment invoice of one request is settled by that request."""
        other = self.create_request(amount=500.0)
        self.register_payment(other, amount=200.0)
        request = self.create_request(amount=300.0)
        payment = self.register_payment(request)
        invoice = self.invoice_requests(request, mode="down_payment")
        self.assertEqual(invoice.payment_state, "paid")
        self.assertTrue(self.receivable_lines(request).reconciled)
        self.assertEqual(self.receivable_lines(request).matched_debit_ids.debit_move_id.move_id, invoice)
        other_line = self.receivable_lines(other)
        self.assertFalse(other_line.reconciled)
        self.assertEqual(other_line.amount_residual, -200.0)
        self.assertEqual(other.state, "partial")
        self.assertEqual(other.amount_due, 300.0)
        self.assertEqual(other.amount_uninvoiced, 200.0)
        self.assertFalse(other.invoice_ids)
        self.assertEqual(request.state, "done")
        self.assertIn(payment, invoice._get_reconciled_payments())

    def test_down_payment_of_part_of_the_amount_keeps_asking(self):
        """A request that received part of its amount, invoiced as a down
        payment, still asks the rest: it stays partially paid."""
        request = self.create_request(amount=500.0)
        self.register_payment(request, amount=200.0)
        invoice = self.invoice_requests(request, mode="down_payment")
        self.assertEqual(invoice.amount_total, 200.0)
        self.assertEqual(request.invoice_ids, invoice)
        self.assertEqual(request.amount_uninvoiced, 0.0)
        self.assertEqual(request.state, "partial")
        self.assertEqual(request.amount_due, 300.0)
        self.assertIn(request, self.outstanding())
        # The rest comes in: it is not on an invoice yet.
        self.register_payment(request, amount=300.0)
        self.assertEqual(request.state, "paid")
        self.assertEqual(request.amount_uninvoiced, 300.0)
        second = self.invoice_requests(request, mode="down_payment")
        self.assertEqual(second.amount_total, 300.0, "only the money not invoiced yet")
        self.assertEqual(second.payment_state, "paid")
        self.assertEqual(request.state, "done")
        self.assertEqual(request.amount_uninvoiced, 0.0)

    def test_down_payment_from_the_order_links_the_request_whose_money_settles_it(self):
        """sale's own down payment wizard: the invoice takes the money of the
        order's requests, oldest first, and is linked to those it took."""
        first = self.create_request(amount=300.0)
        second = self.create_request(amount=500.0)
        self.register_payment(first)
        advance = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=self.order.ids)
            .create(
                {
                    "advance_payment_method": "fixed",
                    "fixed_amount": 300.0,
                    "sale_order_ids": [Command.set(self.order.ids)],
                }
            )
        )
        invoice = advance._create_invoices(self.order)
        invoice.action_post()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(invoice.payment_request_ids, first)
        self.assertEqual(first.state, "done")
        self.assertEqual(second.state, "sent")
        self.assertEqual(second.amount_due, 500.0)

    # ------------------------------------------------------------------
    # An invoice of the whole order
    # ------------------------------------------------------------------

    def test_whole_order_invoice_takes_over_the_other_requests(self):
        paid = self.create_request(amount=300.0, date_due=DUE)
        waiting = self.create_request(amount=500.0, date_due=DUE)
        partial = self.create_request(amount=200.0, date_due=DUE)
        self.register_payment(paid)
        self.register_payment(partial, amount=50.0)
        invoice = self.invoice_requests(paid)
        self.assertEqual(invoice.amount_total, 1210.0)
        self.assertEqual(invoice.amount_residual, 860.0, "the money received settles it")
        self.assertEqual(invoice.payment_request_ids, paid | waiting | partial)
        self.assertEqual((paid | waiting | partial).mapped("state"), ["done", "done", "done"])
        self.assertEqual((paid | waiting | partial).mapped("amount_due"), [0.0, 0.0, 0.0])
        self.assertEqual((paid | waiting | partial).mapped("amount_uninvoiced"), [0.0, 0.0, 0.0])
        self.assertEqual(waiting.invoice_asking_id, invoice, "the invoice now asks the amount")
        self.assertEqual(partial.invoice_asking_id, invoice)
        self.assertFalse(paid.invoice_asking_id, "it received all it asked")
        self.assertEqual(partial.amount_paid, 50.0)
        self.assertFalse(self.outstanding() & (paid | waiting | partial))
        self.assertFalse(waiting._has_to_be_paid(), "no payment form on the portal page")
        self.assertFalse(waiting.next_reminder_date)
        self.assertEqual(self.order.payment_request_amount_residual, 0.0)
        self.assertFalse(self.run_reminders(DUE + timedelta(days=3)), "no reminder")
        self.assertEqual(waiting.reminder_count, 0)

    def test_order_button_invoice_takes_over_when_posted(self):
        """The order's own Create Invoice: its draft is not linked yet (the
        customer cannot pay a draft); once posted, it asks the amount."""
        waiting = self.create_request(amount=500.0)
        invoice = self.order._create_invoices()
        self.assertEqual(waiting.state, "sent")
        self.assertEqual(waiting.amount_due, 500.0)
        invoice.action_post()
        self.assertEqual(invoice.payment_request_ids, waiting)
        self.assertEqual(waiting.state, "done")
        self.assertEqual(waiting.amount_due, 0.0)
        self.assertEqual(waiting.invoice_asking_id, invoice)

    def test_whole_order_invoice_reset_to_draft_gives_the_amount_back(self):
        """The invoice reset to draft or cancelled asks nothing: the request it
        took over asks its amount again (README: "An invoice reset to draft")."""
        waiting = self.create_request(amount=500.0)
        invoice = self.order._create_invoices()
        invoice.action_post()
        self.assertEqual(waiting.state, "done")
        invoice.button_draft()
        self.assertEqual(waiting.state, "sent")
        self.assertEqual(waiting.amount_due, 500.0)
        self.assertFalse(waiting.invoice_asking_id)
        self.assertIn(waiting, self.outstanding())
        invoice.action_post()
        self.assertEqual(waiting.state, "done")
        self.assertEqual(waiting.amount_due, 0.0)
        invoice.button_draft()
        invoice.button_cancel()
        self.assertEqual(waiting.state, "sent")
        self.assertEqual(waiting.amount_due, 500.0)

    def test_form_and_pdf_name_the_invoice(self):
        waiting = self.create_request(amount=500.0)
        invoice = self.order._create_invoices()
        invoice.action_post()
        self.assertEqual(waiting.invoice_asking_id, invoice)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("payment_request.action_report_payment_request", waiting.ids)[0]
            .decode()
        )
        self.assertIn(invoice.name, html)
        self.assertIn(f"/my/invoices/{invoice.id}?access_token={invoice.access_token}", html)
        self.assertNotIn("o_payment_request_qr", html, "the PDF no longer asks the amount")
        arch = self.env["payment.request"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="invoice_asking_id"', arch)

    # ------------------------------------------------------------------
    # Money only partly on invoices
    # ------------------------------------------------------------------

    def test_money_partly_invoiced_stays_paid_until_the_rest_is(self):
        order = self.create_order(self.partner_a, 500.0, confirm=False)
        order.order_line = [
            Command.create(
                {
                    "product_id": self.product_b.id,
                    "price_unit": 500.0,
                    SALE_LINE_TAXES: [Command.set(self.tax_21.ids)],
                }
            )
        ]
        order.action_confirm()
        request = self.create_request(order=order, amount=1210.0)
        self.register_payment(request)
        invoice = self.invoice_requests(request, post=False)
        # Only the first line can be invoiced now.
        with Form(invoice) as invoice_form:
            invoice_form.invoice_line_ids.remove(1)
        invoice.action_post()
        self.assertEqual(invoice.amount_total, 605.0)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(request.state, "paid", "half of the money is on no invoice")
        self.assertEqual(request.amount_uninvoiced, 605.0)
        self.assertEqual(request.amount_due, 0.0)
        self.assertNotIn(request, self.outstanding())
        rest = self.invoice_requests(request)
        self.assertEqual(rest.amount_total, 605.0)
        self.assertEqual(rest.payment_state, "paid")
        self.assertEqual(request.invoice_ids, invoice | rest)
        self.assertEqual(request.amount_uninvoiced, 0.0)
        self.assertEqual(request.state, "done")
        self.assertTrue(self.receivable_lines(request).reconciled)

    # ------------------------------------------------------------------
    # A draft invoice, and the wizard's Post Invoices
    # ------------------------------------------------------------------

    def test_draft_invoice_counts_and_the_money_lands_when_posted(self):
        request = self.create_request(amount=300.0)
        self.register_payment(request)
        invoice = self.invoice_requests(request, post=False)
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(request.state, "done", "the invoice is made")
        self.assertFalse(self.receivable_lines(request).reconciled)
        invoice.action_post()
        self.assertTrue(self.receivable_lines(request).reconciled)
        self.assertEqual(invoice.amount_residual, 910.0)
        self.assertEqual(request.state, "done")

    def open_invoice_wizard(self, requests):
        action = requests.action_create_invoice()
        return Form(self.env[action["res_model"]].with_context(**action["context"]))

    def test_post_invoices_follows_the_company_last_choice(self):
        first = self.create_request(amount=100.0)
        second = self.create_request(amount=200.0)
        self.register_payment(first)
        self.register_payment(second)
        self.company.payment_request_post_invoice = False
        wizard_form = self.open_invoice_wizard(first)
        self.assertFalse(wizard_form.post_invoice)
        self.assertIn("draft", wizard_form.post_invoice_note)
        self.assertIn("open payment", wizard_form.post_invoice_note)
        wizard_form.post_invoice = True
        self.assertFalse(wizard_form.post_invoice_note)
        wizard_form.invoice_mode = "down_payment"
        invoice = self.env["account.move"].browse(wizard_form.save().action_create_invoices()["res_id"])
        self.assertEqual(invoice.state, "posted")
        self.assertTrue(self.company.payment_request_post_invoice, "the company keeps the last choice")
        wizard_form = self.open_invoice_wizard(second)
        self.assertTrue(wizard_form.post_invoice)
        wizard_form.post_invoice = False
        wizard_form.invoice_mode = "down_payment"
        wizard_form.save().action_create_invoices()
        self.assertFalse(self.company.payment_request_post_invoice)

    def test_billing_user_keeps_the_choice(self):
        """A billing user, who may not edit the company, still sets the default."""
        user = self.new_user(
            "pr_billing_post", "account.group_account_invoice,sales_team.group_sale_salesman_all_leads"
        )
        request = self.create_request(amount=100.0)
        self.register_payment(request)
        self.company.payment_request_post_invoice = False
        action = request.with_user(user).action_create_invoice()
        wizard_form = Form(self.env[action["res_model"]].with_user(user).with_context(**action["context"]))
        wizard_form.post_invoice = True
        wizard_form.invoice_mode = "down_payment"
        wizard_form.save().action_create_invoices()
        self.assertTrue(self.company.payment_request_post_invoice)

    # ------------------------------------------------------------------
    # What is asked: drafts and cancelled requests ask nothing
    # ------------------------------------------------------------------

    def test_draft_and_cancelled_requests_ask_nothing(self):
        sent = self.create_request(amount=300.0)
        draft = self.create_request(amount=200.0, send=False)
        cancelled = self.create_request(amount=100.0)
        cancelled.action_cancel()
        partial = self.create_request(amount=400.0)
        self.register_payment(partial, amount=150.0)
        requests = sent | draft | cancelled | partial
        self.assertEqual(requests.mapped("state"), ["sent", "draft", "cancel", "partial"])
        self.assertEqual(requests.mapped("amount_due"), [300.0, 0.0, 0.0, 250.0])
        self.assertEqual(requests.mapped("amount_residual"), [300.0, 200.0, 100.0, 250.0])
        # The list's total, as the web client asks it.
        groups = self.env["payment.request"].read_group(
            [("id", "in", requests.ids)], ["amount_due:sum"], ["sale_order_id"]
        )
        self.assertEqual(groups[0]["amount_due"], 550.0)
        self.assertEqual(self.order.payment_request_amount_residual, 550.0)
        list_arch = self.env["payment.request"].get_views([(False, "list")])["views"]["list"]["arch"]
        self.assertIn('name="amount_due"', list_arch)
        self.assertNotIn('name="amount_residual"', list_arch)
        # Sent again after a reset, the request asks again.
        cancelled.action_draft()
        self.assertEqual(cancelled.amount_due, 0.0)
        cancelled.action_mark_sent()
        self.assertEqual(cancelled.amount_due, 100.0)
