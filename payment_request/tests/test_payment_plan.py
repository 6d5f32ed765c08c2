"""Payment plans (*betalingsschema*, issue 24): a deposit now, the rest in
instalments, each instalment a payment request that goes out on its day."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged

from odoo.addons.mail.tests.common import MockEmail

from .common import PaymentRequestCommon

TODAY = date(2026, 4, 1)


def create_plan(env, name, lines, company=None):
    """A plan of ``lines``: (value type, value, days) each, in order."""
    return env["payment.request.plan"].create(
        {
            "name": name,
            "company_id": company and company.id,
            "line_ids": [
                Command.create({"sequence": index, "value_type": kind, "value": value, "days": days})
                for index, (kind, value, days) in enumerate(lines)
            ],
        }
    )


@tagged("post_install", "-at_install")
class TestPaymentPlan(PaymentRequestCommon, MockEmail):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls.create_plan(
            "30% deposit, 40% after 20 days, balance after 60 days",
            [("percent", 30.0, 0), ("percent", 40.0, 20), ("balance", 0.0, 60)],
        )
        # 1,000.01 + 21% VAT = 1,210.01: 30% and 40% round, the balance takes the rest.
        cls.quotation = cls.create_order(cls.partner_a, 1000.01, confirm=False)

    @classmethod
    def create_plan(cls, name, lines, company=None):
        return create_plan(cls.env, name, lines, company)

    def apply(self, order, plan=None, day=TODAY):
        order.payment_request_plan_id = plan or self.plan
        with freeze_time(day), self.mock_mail_gateway():
            order.action_apply_payment_request_plan()
        return order.payment_request_ids.filtered("plan_id").sorted(lambda r: (r.date_due, r.id))

    def run_cron(self, day):
        with freeze_time(day), self.mock_mail_gateway():
            self.env["payment.request"]._cron_send_planned_requests()
        return self._new_mails

    # Plans -----------------------------------------------------------------

    def test_plan_lines_must_add_up(self):
        with self.assertRaises(ValidationError):
            self.create_plan("No balance", [("percent", 30.0, 0), ("percent", 70.0, 10)])
        with self.assertRaises(ValidationError):
            self.create_plan("Two balances", [("balance", 0.0, 0), ("balance", 0.0, 10)])
        with self.assertRaises(ValidationError):
            self.create_plan("Balance first", [("balance", 0.0, 0), ("percent", 30.0, 10)])
        with self.assertRaises(ValidationError):
            self.create_plan("Over 100", [("percent", 60.0, 0), ("percent", 40.0, 5), ("balance", 0.0, 9)])
        with self.assertRaises(ValidationError):
            self.create_plan("Negative", [("fixed", -5.0, 0), ("balance", 0.0, 9)])

    # The split ---------------------------------------------------------------

    def test_split_to_the_cent_and_first_instalment_sent_at_once(self):
        self.assertEqual(self.quotation.amount_total, 1210.01)
        deposit, middle, balance = self.apply(self.quotation)
        self.assertRecordValues(
            deposit | middle | balance,
            [
                {"amount": 363.0, "date_due": TODAY, "state": "sent", "plan_id": self.plan.id},
                {
                    "amount": 484.0,
                    "date_due": TODAY + timedelta(days=20),
                    "state": "draft",
                    "plan_id": self.plan.id,
                },
                {
                    "amount": 363.01,
                    "date_due": TODAY + timedelta(days=60),
                    "state": "draft",
                    "plan_id": self.plan.id,
                },
            ],
        )
        self.assertEqual(sum((deposit | middle | balance).mapped("amount")), self.quotation.amount_total)
        self.assertEqual(
            (deposit | middle | balance).mapped("instalment_label"),
            ["Instalment 1 of 3", "Instalment 2 of 3", "Instalment 3 of 3"],
        )
        # The deposit is due at once: it went out with the request mail.
        sent = self._new_mails
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent.recipient_ids, self.partner_a)
        self.assertIn(deposit.name, sent.subject)

    def test_order_change_resplits_the_unsent_instalments(self):
        deposit, middle, balance = self.apply(self.quotation)
        self.quotation.order_line.price_unit = 2000.0
        self.assertEqual(self.quotation.amount_total, 2420.0)
        self.assertEqual(deposit.amount, 363.0, "a sent instalment keeps its amount")
        self.assertEqual(middle.amount, 968.0, "40% of the new total")
        self.assertEqual(balance.amount, 2420.0 - 363.0 - 968.0)
        self.assertEqual(sum((deposit | middle | balance).mapped("amount")), 2420.0)

    def test_plan_asking_more_than_the_order_is_refused(self):
        plan = self.create_plan("Big fixed", [("fixed", 5000.0, 0), ("balance", 0.0, 30)])
        self.quotation.payment_request_plan_id = plan
        with self.assertRaisesRegex(UserError, "the balance would ask nothing"):
            self.quotation.action_apply_payment_request_plan()
        self.assertFalse(self.quotation.payment_request_ids)

    # Applying ---------------------------------------------------------------

    def test_apply_replaces_drafts_but_refuses_sent_requests(self):
        draft = self.create_request(order=self.quotation, amount=100.0, send=False)
        instalments = self.apply(self.quotation)
        self.assertFalse(draft.exists(), "the plan replaces the draft")
        self.assertEqual(len(instalments), 3)
        with self.assertRaisesRegex(UserError, "a payment plan replaces only drafts"):
            self.quotation.action_apply_payment_request_plan()
        self.assertEqual(self.quotation.payment_request_ids, instalments)

    def test_default_plan_applied_at_confirmation(self):
        self.company.payment_request_plan_id = self.plan
        order = self.create_order(self.partner_a, 1000.0, confirm=False)
        self.assertEqual(order.payment_request_plan_id, self.plan, "the company's default plan")
        with freeze_time(TODAY), self.mock_mail_gateway():
            order.action_confirm()
        self.assertEqual(len(order.payment_request_ids), 3)
        self.assertEqual(order.payment_request_ids.mapped("state"), ["sent", "draft", "draft"])
        # The customer's own plan comes before the company's.
        own = self.create_plan("Half now", [("percent", 50.0, 0), ("balance", 0.0, 30)])
        self.partner_b.with_company(self.company).payment_request_plan_id = own
        self.assertEqual(self.create_order(self.partner_b, 100.0, confirm=False).payment_request_plan_id, own)

    def test_removing_the_plan_removes_its_unsent_drafts_only(self):
        deposit, middle, balance = self.apply(self.quotation)
        self.quotation.payment_request_plan_id = False
        self.assertTrue(deposit.exists())
        self.assertFalse((middle | balance).exists())

    def test_salesperson_of_another_order_cannot_apply(self):
        other = self.new_user("plan_other", "sales_team.group_sale_salesman")
        self.quotation.payment_request_plan_id = self.plan
        with self.assertRaises(AccessError):
            self.quotation.with_user(other).action_apply_payment_request_plan()
        self.assertFalse(self.quotation.payment_request_ids)

    def test_instalment_fields_are_not_for_users(self):
        salesman = self.new_user("plan_salesman", "sales_team.group_sale_salesman_all_leads")
        deposit, middle, _balance = self.apply(self.quotation)
        with self.assertRaises(AccessError):
            middle.with_user(salesman).write({"plan_id": False})
        with self.assertRaises(AccessError):
            self.env["payment.request"].with_user(salesman).create(
                {"sale_order_id": self.quotation.id, "amount": 10.0, "plan_line_id": self.plan.line_ids[0].id}
            )
        self.assertEqual(middle.plan_id, self.plan)

    # Sending on time ---------------------------------------------------------

    def test_instalments_go_out_on_their_day_once(self):
        self.company.payment_request_plan_send_days = 14
        deposit, middle, balance = self.apply(self.quotation)
        with freeze_time(TODAY):
            self.quotation.action_confirm()
        self.assertFalse(self.run_cron(TODAY + timedelta(days=5)), "the second is due in 15 days")
        mails = self.run_cron(TODAY + timedelta(days=6))
        self.assertEqual(len(mails), 1)
        self.assertIn(middle.name, mails.subject)
        self.assertEqual(middle.state, "sent")
        self.assertEqual(middle.date_sent, TODAY + timedelta(days=6))
        self.assertFalse(self.run_cron(TODAY + timedelta(days=7)), "sent once")
        self.assertEqual(balance.state, "draft")
        self.assertEqual(len(self.run_cron(TODAY + timedelta(days=60))), 1)
        self.assertEqual(balance.state, "sent")

    def test_quotation_instalments_wait_for_the_confirmation(self):
        _deposit, middle, _balance = self.apply(self.quotation)
        self.assertFalse(self.run_cron(TODAY + timedelta(days=30)), "a quotation's later instalments wait")
        with freeze_time(TODAY + timedelta(days=30)):
            self.quotation.action_confirm()
        self.assertEqual(len(self.run_cron(TODAY + timedelta(days=30))), 1)
        self.assertEqual(middle.state, "sent")

    def test_instalment_without_email_is_flagged_and_others_go(self):
        partner = self.env["res.partner"].create({"name": "No mail"})
        no_mail = self.create_order(partner, 1000.0, confirm=True)
        with_mail = self.create_order(self.partner_a, 1000.0, confirm=True)
        plan = self.create_plan("Later", [("percent", 50.0, 30), ("balance", 0.0, 60)])
        self.apply(no_mail, plan)
        self.apply(with_mail, plan)
        mails = self.run_cron(TODAY + timedelta(days=20))
        self.assertEqual(mails.recipient_ids, self.partner_a)
        first = no_mail.payment_request_ids.sorted("date_due")[0]
        self.assertEqual(first.state, "draft")
        self.assertEqual(first.activity_ids.summary, "Planned instalment not sent")

    # Cancel and invoice ------------------------------------------------------

    def test_cancelling_the_order_cancels_unpaid_instalments_and_refuses_paid_ones(self):
        deposit, middle, balance = self.apply(self.quotation)
        self.register_payment(deposit)
        with self.assertRaisesRegex(UserError, "received money"):
            self.quotation._action_cancel()
        self.assertEqual((deposit | middle | balance).mapped("state"), ["paid", "draft", "draft"])
        other = self.create_order(self.partner_a, 500.0, confirm=False)
        instalments = self.apply(other)
        other._action_cancel()
        self.assertEqual(instalments.mapped("state"), ["cancel"] * 3)

    def test_invoicing_paid_instalments(self):
        deposit, middle, _balance = self.apply(self.quotation)
        self.register_payment(deposit)
        self.assertEqual(self.quotation.state, "sale", "the paid deposit confirmed the quotation")
        middle.action_mark_sent()
        self.register_payment(middle)
        invoice = self.invoice_requests(deposit | middle, mode="regular")
        self.assertEqual(invoice.state, "posted")
        self.assertEqual((deposit | middle).mapped("state"), ["done", "done"])
        self.assertEqual(invoice.amount_residual, self.quotation.amount_total - 363.0 - 484.0)
        lines = self.receivable_lines(deposit) | self.receivable_lines(middle)
        self.assertTrue(all(lines.mapped("reconciled")), "the money lands on the invoice")

    def test_settings_form(self):
        settings = Form(self.env["res.config.settings"])
        settings.payment_request_plan_id = self.plan
        settings.payment_request_plan_send_days = 7
        settings.save().execute()
        self.assertEqual(self.company.payment_request_plan_id, self.plan)
        self.assertEqual(self.company.payment_request_plan_send_days, 7)


@tagged("post_install", "-at_install")
class TestPaymentPlanCustomer(PaymentRequestCommon, HttpCase):
    """What the customer sees of a plan: the schedule on the order's and
    each instalment's portal page, Pay now for the instalment due only, and
    the instalment named in the PDF and the mail."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = create_plan(
            cls.env, "Thirds", [("percent", 30.0, 0), ("percent", 40.0, 20), ("balance", 0.0, 60)]
        )
        cls.quotation = cls.create_order(cls.partner_a, 1000.0, confirm=False)
        cls.quotation.payment_request_plan_id = cls.plan
        with freeze_time(TODAY):
            cls.quotation.action_apply_payment_request_plan()
        cls.deposit, cls.middle, cls.balance = cls.quotation.payment_request_ids.sorted("date_due")

    def schedule_rows(self, html):
        table = html.split("o_payment_request_schedule", 1)[1].split("</table>", 1)[0]
        return table.split("<tr")[2:]

    def test_order_page_shows_the_schedule_and_pays_the_instalment_due(self):
        response = self.url_open(self.quotation.get_portal_url())
        self.assertEqual(response.status_code, 200)
        rows = self.schedule_rows(response.text)
        self.assertEqual(len(rows), 3)
        self.assertIn("Instalment 1 of 3", rows[0])
        self.assertIn("363.00", rows[0])
        self.assertIn("Planned", rows[1])
        self.assertIn("363.00", rows[2])
        # Pay now leads to the deposit's own payment form, for its amount.
        self.assertIn("o_payment_request_schedule_pay", rows[0])
        self.assertIn(f"/my/payment_requests/{self.deposit.id}?access_token=", rows[0])
        self.assertNotIn("o_payment_request_schedule_pay", rows[1] + rows[2], "nothing to pay before its day")

    def test_instalment_page_shows_the_schedule_and_its_own_amount(self):
        response = self.url_open(self.deposit.get_portal_url())
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn("Instalment 1 of 3", html)
        self.assertEqual(len(self.schedule_rows(html)), 3)
        pay = html.split('id="payment_request_pay"', 1)[1]
        self.assertIn("363.00", pay.split("</h4>", 1)[1][:2000], "Pay now asks this instalment, not the plan")

    def test_pdf_and_mail_name_the_instalment(self):
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("payment_request.action_report_payment_request", self.deposit.ids)[0]
            .decode()
        )
        self.assertIn("Instalment 1 of 3", html.split("o_payment_request_instalment", 1)[1][:200])
        mail = self.deposit.message_ids.filtered(lambda m: self.deposit.name in (m.subject or ""))
        self.assertEqual(len(mail), 1, "the deposit went out when the plan was applied")
        self.assertIn("(Instalment 1 of 3)", mail.body)
