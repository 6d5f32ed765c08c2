"""Reminders never chase a customer who may have paid, and unpaid requests
expire (issue 25).

A reminder waits while the company's bank data is older than its setting, or
while an unlinked bank transaction of the customer (or carrying the request's
structured reference) came in after the request was sent. A sent request that
received nothing expires once its last reminder level is sent and its due
date is far enough behind."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged
from odoo.tools import format_date

from odoo.addons.mail.tests.common import MockEmail

from .common import PaymentRequestCommon

DUE = date(2026, 3, 2)
# The first reminder level waits 3 days after the due date.
FIRST_REMINDER_DAY = DUE + timedelta(days=3)


@tagged("post_install", "-at_install")
class TestReminderHolds(PaymentRequestCommon, MockEmail):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.payment_request_auto_reminder = True
        cls.company.payment_request_reminder_bank_days = 3
        cls.levels = cls.env["payment.request.reminder.level"]._get_company_levels(cls.company)
        cls.partner_b.email = "partner_b@customer.example.com"
        cls.order_b = cls.create_order(cls.partner_b, 1000.0)

    def new_due_request(self, order=None, amount=100.0, sent_on=DUE - timedelta(days=14), **vals):
        with freeze_time(sent_on):
            request = self.create_request(order=order or self.order, amount=amount, date_due=DUE, **vals)
        self.assertEqual(request.state, "sent")
        self.assertEqual(request.date_sent, sent_on)
        return request

    def bank_line(self, day, amount=50.0, partner=None, payment_ref="/", **vals):
        return (
            self.env["account.bank.statement.line"]
            .with_context(payment_request_skip_auto_link=True)
            .create(
                {
                    "journal_id": self.bank_journal.id,
                    "date": day,
                    "amount": amount,
                    "payment_ref": payment_ref,
                    "partner_id": partner and partner.id,
                    **vals,
                }
            )
        )

    def run_cron(self, day):
        with freeze_time(day), self.mock_mail_gateway():
            self.env["payment.request"]._cron_send_reminders()
        return self._new_mails

    def hold_reason(self, request, day):
        with freeze_time(day):
            request.invalidate_recordset(["reminder_hold_reason"])
            return request.reminder_hold_reason

    def held(self, day):
        with freeze_time(day):
            return self.env["payment.request"].search(
                [("reminder_hold_reason", "!=", False), ("company_id", "=", self.company.id)]
            )

    # Fresh bank data -------------------------------------------------------

    def test_stale_bank_data_holds_every_reminder_until_fresh_data_comes(self):
        first = self.new_due_request()
        second = self.new_due_request(order=self.order_b)
        # The last bank file imported covers up to 4 days before the run.
        self.bank_line(FIRST_REMINDER_DAY - timedelta(days=4), amount=-20.0)
        mails = self.run_cron(FIRST_REMINDER_DAY)
        self.assertFalse(mails, "no reminder while the bank data is old")
        self.assertEqual((first | second).mapped("reminder_count"), [0, 0])
        self.assertFalse(
            (first | second).message_ids.filtered(lambda m: "reminder" in (m.subject or "").lower()),
            "nothing is posted on a held request",
        )
        reason = self.hold_reason(first, FIRST_REMINDER_DAY)
        self.assertEqual(reason, "Bank transactions are older than 3 days (the newest is from 03/01/2026)")
        self.assertEqual(self.held(FIRST_REMINDER_DAY), first | second, "the filter finds them")
        # Data of 3 days ago is fresh enough: the reminders go out, once.
        self.bank_line(FIRST_REMINDER_DAY - timedelta(days=3), amount=-10.0)
        self.assertFalse(self.hold_reason(first, FIRST_REMINDER_DAY))
        self.assertFalse(self.held(FIRST_REMINDER_DAY))
        mails = self.run_cron(FIRST_REMINDER_DAY)
        self.assertEqual(mails.recipient_ids, self.partner_a | self.partner_b)
        self.assertEqual((first | second).mapped("reminder_count"), [1, 1])
        self.assertFalse(self.run_cron(FIRST_REMINDER_DAY), "sent once")

    def test_released_hold_sends_the_level_that_was_due_once(self):
        request = self.new_due_request()
        self.bank_line(DUE - timedelta(days=20), amount=-20.0)
        for day in range(3, 9):
            self.assertFalse(self.run_cron(DUE + timedelta(days=day)))
        self.bank_line(DUE + timedelta(days=8), amount=-5.0)
        mails = self.run_cron(DUE + timedelta(days=9))
        self.assertEqual(len(mails), 1)
        self.assertEqual(request.reminder_count, 1)
        self.assertIn("Payment reminder", mails.subject, "the first level, not a later one")
        self.assertFalse(self.run_cron(DUE + timedelta(days=10)), "the next level waits its own delay")

    def test_bank_check_switched_off_or_no_bank_data(self):
        request = self.new_due_request()
        # No bank transaction at all: the company reminds as before.
        self.assertFalse(self.hold_reason(request, FIRST_REMINDER_DAY))
        self.assertEqual(len(self.run_cron(FIRST_REMINDER_DAY)), 1)
        other = self.new_due_request(order=self.order_b)
        self.bank_line(DUE - timedelta(days=30), amount=-20.0)
        self.company.payment_request_reminder_bank_days = 0
        self.assertFalse(self.hold_reason(other, FIRST_REMINDER_DAY), "0 switches the check off")
        self.assertEqual(len(self.run_cron(FIRST_REMINDER_DAY)), 1)
        self.assertEqual(other.reminder_count, 1)

    def test_cash_journal_does_not_count_as_bank_data(self):
        request = self.new_due_request()
        self.bank_line(DUE - timedelta(days=30), amount=-20.0)
        self.bank_line(FIRST_REMINDER_DAY, amount=-5.0, journal_id=self.cash_journal.id)
        self.assertIn("older than 3 days", self.hold_reason(request, FIRST_REMINDER_DAY))

    # Money waiting to be linked ---------------------------------------------

    def test_unlinked_money_of_the_customer_holds_only_their_reminders(self):
        request_a = self.new_due_request()
        request_b = self.new_due_request(order=self.order_b)
        self.bank_line(DUE + timedelta(days=1), amount=100.0, partner=self.partner_a)
        self.assertEqual(
            self.hold_reason(request_a, FIRST_REMINDER_DAY),
            "An unlinked bank transaction of this customer from 03/03/2026",
        )
        self.assertFalse(self.hold_reason(request_b, FIRST_REMINDER_DAY))
        self.assertEqual(self.held(FIRST_REMINDER_DAY), request_a)
        mails = self.run_cron(FIRST_REMINDER_DAY)
        self.assertEqual(mails.recipient_ids, self.partner_b)
        self.assertEqual((request_a | request_b).mapped("reminder_count"), [0, 1])

    def test_money_of_a_contact_of_the_customer_holds_too(self):
        request = self.new_due_request()
        contact = self.env["res.partner"].create({"name": "Accounts dept", "parent_id": self.partner_a.id})
        self.bank_line(DUE, amount=100.0, partner=contact)
        self.assertIn("of this customer", self.hold_reason(request, FIRST_REMINDER_DAY))

    def test_transaction_with_the_reference_holds_the_request(self):
        request = self.new_due_request()
        other = self.new_due_request()
        self.bank_line(
            DUE + timedelta(days=2), amount=80.0, payment_ref=f"Betaling {request.payment_reference}"
        )
        self.assertEqual(
            self.hold_reason(request, FIRST_REMINDER_DAY),
            "An unlinked bank transaction with this request's reference from 03/04/2026",
        )
        self.assertFalse(
            self.hold_reason(other, FIRST_REMINDER_DAY), "another reference of the same customer"
        )
        mails = self.run_cron(FIRST_REMINDER_DAY)
        self.assertEqual(len(mails), 1)
        self.assertEqual((request | other).mapped("reminder_count"), [0, 1])

    def test_old_outgoing_or_linked_transactions_hold_nothing(self):
        request = self.new_due_request()
        # Before the request was sent, money going out, or already linked.
        self.bank_line(request.date_sent - timedelta(days=1), amount=100.0, partner=self.partner_a)
        self.bank_line(DUE, amount=-100.0, partner=self.partner_a)
        paid_other = self.new_due_request(amount=60.0)
        line = self.bank_line(DUE, amount=60.0, partner=self.partner_a)
        line._link_payment_requests(paid_other)
        self.assertTrue(line.is_reconciled)
        self.assertFalse(self.hold_reason(request, FIRST_REMINDER_DAY))
        self.run_cron(FIRST_REMINDER_DAY)
        self.assertEqual(request.reminder_count, 1)

    def test_linking_the_transaction_releases_the_hold(self):
        request = self.new_due_request(amount=100.0)
        line = self.bank_line(DUE, amount=40.0, partner=self.partner_a)
        self.assertFalse(self.run_cron(FIRST_REMINDER_DAY))
        line._link_payment_requests(request)
        self.assertEqual(request.state, "partial")
        mails = self.run_cron(FIRST_REMINDER_DAY)
        self.assertEqual(len(mails), 1, "reminded of the 60.00 still due")
        self.assertIn("60.00", mails.body_html)

    def test_reason_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("nl_BE")
        self.env["ir.module.module"]._load_module_terms(["payment_request"], ["nl_BE"], overwrite=True)
        request = self.new_due_request()
        self.bank_line(DUE, amount=100.0, partner=self.partner_a)
        with freeze_time(FIRST_REMINDER_DAY):
            reason = request.with_context(lang="nl_BE").reminder_hold_reason
        self.assertTrue(reason.startswith("Een niet-gekoppelde bankverrichting van deze klant van "), reason)
        dutch_date = format_date(request.with_context(lang="nl_BE").env, DUE)
        self.assertNotEqual(dutch_date, "03/02/2026", "the date as a Dutch reader writes it")
        self.assertTrue(reason.endswith(f" {dutch_date}"), reason)

    def test_holds_read_the_bank_in_three_queries_per_batch(self):
        requests = self.new_due_request()
        self.bank_line(DUE, amount=100.0, partner=self.partner_b)
        customers = [self.env["res.partner"].create({"name": f"Customer {i}"}) for i in range(8)]
        for customer in customers:
            requests |= self.new_due_request(order=self.create_order(customer, 500.0))
            self.bank_line(DUE, amount=10.0, partner=customer)
        # What the cron reads of the requests anyway.
        read_names = [
            "company_id",
            "commercial_partner_id",
            "date_sent",
            "date",
            "payment_reference_normalized",
        ]
        self.env.invalidate_all()
        one = requests[:1]
        one.read(read_names)
        one.company_id.mapped("payment_request_reminder_bank_days")
        with self.assertQueryCount(3):
            one._get_reminder_holds(FIRST_REMINDER_DAY)
        self.env.invalidate_all()
        requests.read(read_names)
        requests.company_id.mapped("payment_request_reminder_bank_days")
        with self.assertQueryCount(3):
            holds = requests._get_reminder_holds(FIRST_REMINDER_DAY)
        self.assertEqual(len(holds), 8)


@tagged("post_install", "-at_install")
class TestExpiry(PaymentRequestCommon, MockEmail):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.payment_request_auto_reminder = True
        cls.company.payment_request_expiry_days = 30
        cls.levels = cls.env["payment.request.reminder.level"]._get_company_levels(cls.company)

    def quotation_request(self, amount=100.0, **vals):
        quotation = self.create_order(self.partner_a, 1000.0, confirm=False)
        request = self.create_request(order=quotation, amount=amount, date_due=DUE, **vals)
        return quotation, request

    def remind_all_levels(self, request):
        """Send every level, as the cron does over the weeks."""
        with self.mock_mail_gateway():
            for _level in self.levels:
                request._send_reminders()
        self.assertEqual(request.reminder_count, len(self.levels))

    def run_cron(self, day):
        with freeze_time(day), self.mock_mail_gateway():
            self.env["payment.request"]._cron_send_reminders()
        return self._new_mails

    def expiry_mails(self, request):
        return request.message_ids.filtered(lambda m: "Payment request expired" in (m.subject or ""))

    def test_expiry_cancels_and_mails_once(self):
        quotation, request = self.quotation_request()
        self.remind_all_levels(request)
        self.assertFalse(self.run_cron(DUE + timedelta(days=30)), "due exactly 30 days ago: not yet")
        self.assertEqual(request.state, "sent")
        mails = self.run_cron(DUE + timedelta(days=31))
        self.assertEqual(request.state, "cancel")
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.recipient_ids, self.partner_a)
        self.assertIn(f"Payment request expired (Ref {request.name})", mails.subject)
        self.assertIn("has therefore expired", mails.body_html)
        notes = request.message_ids.filtered(lambda m: m.subtype_id == self.env.ref("mail.mt_note"))
        self.assertTrue(
            any("Expired: nothing was received 30 days after the due date" in m.body for m in notes),
            notes.mapped("body"),
        )
        self.assertEqual(quotation.state, "draft", "the quotation stays without the setting")
        self.assertFalse(self.run_cron(DUE + timedelta(days=32)), "mailed once")
        self.assertEqual(len(self.expiry_mails(request)), 1)

    def test_not_expired_before_the_last_level_is_sent(self):
        _quotation, request = self.quotation_request()
        with self.mock_mail_gateway():
            request._send_reminders()
        self.company.payment_request_auto_reminder = False
        self.run_cron(DUE + timedelta(days=90))
        self.assertEqual(request.state, "sent", "two levels were never sent")

    def test_switched_off_by_default(self):
        self.company.payment_request_expiry_days = 0
        _quotation, request = self.quotation_request()
        self.remind_all_levels(request)
        self.run_cron(DUE + timedelta(days=365))
        self.assertEqual(request.state, "sent")

    def test_opt_outs_exclude_expiry(self):
        _quotation, own_box = self.quotation_request(auto_reminder=False)
        self.remind_all_levels(own_box)
        customer = self.env["res.partner"].create(
            {
                "name": "No reminders please",
                "email": "no@customer.example.com",
                "payment_request_no_reminder": True,
            }
        )
        opted_out = self.create_request(
            order=self.create_order(customer, 500.0, confirm=False), amount=50.0, date_due=DUE
        )
        self.remind_all_levels(opted_out)
        self.assertFalse(self.run_cron(DUE + timedelta(days=60)))
        self.assertEqual((own_box | opted_out).mapped("state"), ["sent", "sent"])

    def test_request_with_money_never_expires(self):
        _quotation, request = self.quotation_request()
        self.remind_all_levels(request)
        self.register_payment(request, amount=10.0)
        self.run_cron(DUE + timedelta(days=60))
        self.assertEqual(request.state, "partial")

    def test_quotation_cancelled_with_the_setting_and_without_money(self):
        self.company.payment_request_expiry_cancel_quotation = True
        quotation, request = self.quotation_request()
        sibling = self.create_request(order=quotation, amount=50.0, date_due=DUE + timedelta(days=60))
        self.remind_all_levels(request)
        self.run_cron(DUE + timedelta(days=31))
        self.assertEqual(request.state, "cancel")
        self.assertEqual(quotation.state, "cancel", "the quotation is released")
        self.assertEqual(sibling.state, "cancel", "its other requests follow the order")
        self.assertIn(
            f"its payment request {request.name} expired unpaid",
            " ".join(quotation.message_ids.mapped("body")),
        )

    def test_quotation_with_money_on_another_request_stays(self):
        self.company.payment_request_expiry_cancel_quotation = True
        quotation, request = self.quotation_request()
        paid = self.create_request(order=quotation, amount=50.0, date_due=DUE + timedelta(days=60))
        self.register_payment(paid, amount=20.0)
        self.remind_all_levels(request)
        self.run_cron(DUE + timedelta(days=31))
        self.assertEqual(request.state, "cancel", "the unpaid request expires")
        self.assertEqual(quotation.state, "draft", "money was received on the quotation")
        self.assertEqual(paid.state, "partial")

    def test_confirmed_order_is_not_cancelled(self):
        self.company.payment_request_expiry_cancel_quotation = True
        request = self.create_request(amount=100.0, date_due=DUE)
        self.remind_all_levels(request)
        self.run_cron(DUE + timedelta(days=31))
        self.assertEqual(request.state, "cancel")
        self.assertEqual(self.order.state, "sale")

    def test_money_after_expiry_is_booked_and_flagged(self):
        _quotation, request = self.quotation_request()
        self.remind_all_levels(request)
        self.run_cron(DUE + timedelta(days=31))
        self.assertEqual(request.state, "cancel")
        # The customer pays by bank with the request's reference after all.
        line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank_journal.id,
                "date": fields.Date.today(),
                "amount": 100.0,
                "payment_ref": request.payment_reference,
                "partner_id": self.partner_a.id,
            }
        )
        self.assertFalse(line.is_reconciled, "the money waits in the bank journal for the accountant")
        self.assertEqual(request.amount_paid, 0.0)
        activity = request.activity_ids.filtered(lambda a: "cancelled request" in (a.summary or ""))
        self.assertEqual(len(activity), 1, request.activity_ids.mapped("summary"))
        self.assertIn(line.move_id.name, activity.note)
