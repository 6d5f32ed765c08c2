import warnings
from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import MockEmail

from ..compat import IS_19
from .common import PaymentRequestCommon

DUE = date(2026, 3, 2)


@tagged("post_install", "-at_install")
class TestPaymentRequestReminders(PaymentRequestCommon, MockEmail):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.payment_request_auto_reminder = True
        cls.levels = cls.env["payment.request.reminder.level"]._get_company_levels(cls.company)

    def new_due_request(self, partner=None, amount=100.0, **vals):
        order = self.order if partner is None else self.create_order(partner, 1000.0)
        request = self.create_request(order=order, amount=amount, date_due=DUE, **vals)
        self.assertEqual(request.state, "sent")
        return request

    def run_cron(self, day):
        with freeze_time(day), self.mock_mail_gateway():
            self.env["payment.request"]._cron_send_reminders()
        return self._new_mails

    def reminder_subjects(self, request):
        discussion = self.env.ref("mail.mt_comment")
        return request.message_ids.filtered(lambda m: m.subtype_id == discussion).mapped("subject")

    def test_scheduler_run_reports_progress_without_warning(self):
        """A scheduler run sends one batch and reports its progress through
        the series' own API: no deprecation warning at every run on 19.0."""
        requests = self.new_due_request() | self.new_due_request() | self.new_due_request()
        cron = self.env.ref("payment_request.ir_cron_payment_request_reminders")
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id, "done": 0, "remaining": 0})
        Request = self.env["payment.request"].with_context(ir_cron_progress_id=progress.id, cron_id=cron.id)
        commits = []
        # 19.0's _commit_progress commits the batch, which a test may not.
        with (
            freeze_time(DUE + timedelta(days=3)),
            self.mock_mail_gateway(),
            patch.object(self.env.cr, "commit", lambda: commits.append(True)),
            warnings.catch_warnings(record=True) as caught,
        ):
            warnings.simplefilter("always")
            done = Request._cron_send_reminders(batch_size=2)
        self.assertEqual(done, 2, "one batch per call")
        self.assertEqual((progress.done, progress.remaining), (2, 1))
        self.assertEqual(len(commits), 1 if IS_19 else 0, "18.0's scheduler commits after the call")
        # 19.0's _notify_progress warns "Since 19.0, use _commit_progress".
        self.assertFalse([str(w.message) for w in caught if "progress" in str(w.message)])
        self.assertEqual(len(requests.filtered("last_reminder_date")), 2)

    def test_default_levels(self):
        self.assertEqual(self.levels.mapped("delay_days"), [3, 7, 14])
        self.assertEqual(
            self.levels.mapped("mail_template_id"),
            self.env.ref("payment_request.mail_template_payment_request_reminder_1")
            | self.env.ref("payment_request.mail_template_payment_request_reminder_2")
            | self.env.ref("payment_request.mail_template_payment_request_reminder_3"),
        )
        self.assertEqual(
            self.levels,
            self.env.ref("payment_request.payment_request_reminder_level_1")
            | self.env.ref("payment_request.payment_request_reminder_level_2")
            | self.env.ref("payment_request.payment_request_reminder_level_3"),
            "the default levels are data of the addon",
        )
        new_company = self.env["res.company"].create({"name": "Fresh company"})
        levels = self.env["payment.request.reminder.level"]._get_company_levels(new_company)
        self.assertEqual(levels.mapped("delay_days"), [3, 7, 14])
        self.assertTrue(self.env.ref("payment_request.ir_cron_payment_request_reminders").active)

    def test_settings_open_the_levels(self):
        """Reminder Levels in the settings lists the levels that remind the
        company's customers, the default ones included."""
        settings = self.env["res.config.settings"].with_company(self.company).create({})
        action = settings.action_open_payment_request_reminder_levels()
        shown = self.env[action["res_model"]].search(action["domain"])
        self.assertEqual(shown, self.levels)

    def test_levels_over_time(self):
        request = self.new_due_request()
        self.assertTrue(request.auto_reminder, "a request is reminded unless excluded")
        self.assertEqual(request.next_reminder_date, DUE + timedelta(days=3))

        self.assertFalse(self.run_cron(DUE + timedelta(days=2)))
        self.assertEqual(request.reminder_count, 0)

        mails = self.run_cron(DUE + timedelta(days=3))
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.recipient_ids, self.partner_a)
        self.assertIn("Payment reminder", mails.subject)
        self.assertIn(request.payment_reference, mails.body_html)
        self.assertIn("100.00", mails.body_html, "the current residual")
        self.assertTrue(mails.attachment_ids, "the request PDF is attached")
        self.assertEqual(request.reminder_count, 1)
        self.assertEqual(request.last_reminder_date, DUE + timedelta(days=3))
        self.assertEqual(request.next_reminder_date, DUE + timedelta(days=10))

        # Twice on the same day sends nothing more.
        self.assertFalse(self.run_cron(DUE + timedelta(days=3)))

        self.assertFalse(self.run_cron(DUE + timedelta(days=9)))
        mails = self.run_cron(DUE + timedelta(days=10))
        self.assertIn("Second payment reminder", mails.subject)
        self.assertEqual(request.next_reminder_date, DUE + timedelta(days=24))

        mails = self.run_cron(DUE + timedelta(days=24))
        self.assertIn("Final notice", mails.subject)
        self.assertEqual(request.reminder_count, 3)
        self.assertFalse(request.next_reminder_date, "nothing after the last level")

        self.assertFalse(self.run_cron(DUE + timedelta(days=60)))
        self.assertEqual(
            self.reminder_subjects(request),
            [
                f"{self.company.name} Final notice (Ref {request.name})",
                f"{self.company.name} Second payment reminder (Ref {request.name})",
                f"{self.company.name} Payment reminder (Ref {request.name})",
            ],
            "the chatter shows each reminder once",
        )

    def test_nothing_sent_when_switched_off(self):
        request = self.new_due_request()
        opted_out_partner = self.env["res.partner"].create(
            {
                "name": "No reminders please",
                "email": "no@reminders.example.com",
                "payment_request_no_reminder": True,
            }
        )
        opted_out = self.new_due_request(partner=opted_out_partner)
        request_off = self.new_due_request(partner=self.partner_b, auto_reminder=False)
        self.partner_b.email = "partner_b@customer.example.com"
        self.company.payment_request_auto_reminder = False
        self.assertFalse(self.run_cron(DUE + timedelta(days=5)))
        self.company.payment_request_auto_reminder = True
        mails = self.run_cron(DUE + timedelta(days=5))
        self.assertEqual(mails.recipient_ids, self.partner_a)
        self.assertEqual(request.reminder_count, 1)
        self.assertEqual(opted_out.reminder_count, 0)
        self.assertEqual(request_off.reminder_count, 0)

    def test_paid_cancelled_done_get_no_reminder(self):
        paid = self.new_due_request()
        self.register_payment(paid)
        cancelled = self.new_due_request()
        cancelled.action_cancel()
        done = self.new_due_request(partner=self.partner_a, amount=50.0)
        self.register_payment(done)
        self.invoice_requests(done)
        self.assertEqual((paid | cancelled | done).mapped("state"), ["paid", "cancel", "done"])
        self.assertFalse(any((paid | cancelled | done).mapped("next_reminder_date")))
        self.assertFalse(self.run_cron(DUE + timedelta(days=5)))

    def test_partial_request_reminded_of_its_residual(self):
        request = self.new_due_request(amount=300.0)
        self.register_payment(request, amount=120.0)
        mails = self.run_cron(DUE + timedelta(days=3))
        self.assertIn("180.00", mails.body_html)

    def test_one_failure_among_ten(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Customer {i}", "email": f"customer{i}@example.com"} for i in range(9)]
            + [{"name": "Customer without email"}]
        )
        requests = self.env["payment.request"]
        for partner in partners:
            requests |= self.new_due_request(partner=partner)
        failing = requests[-1]
        mails = self.run_cron(DUE + timedelta(days=3))
        self.assertEqual(len(mails), 9)
        self.assertEqual(requests.mapped("reminder_count"), [1] * 9 + [0])
        self.assertIn("has no email address", failing.message_ids[0].body)
        activity = failing.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, failing.user_id)
        self.assertEqual(failing.next_reminder_date, DUE + timedelta(days=4), "retried the next day")
        # Still no email the next day: tried again, no second activity.
        self.assertFalse(self.run_cron(DUE + timedelta(days=4)))
        self.assertEqual(len(failing.activity_ids), 1)
        failing.partner_id.email = "found@example.com"
        mails = self.run_cron(DUE + timedelta(days=5))
        self.assertEqual(mails.recipient_ids, failing.partner_id)
        self.assertEqual(failing.reminder_count, 1)
        self.assertFalse(failing.reminder_retry_date)

    def test_broken_template_does_not_stop_the_others(self):
        good = self.new_due_request()
        # Written before the broken request exists: Odoo 19.0 renders a template
        # on the newest record of its model when it is saved.
        template = self.levels[0].mail_template_id
        template.body_html = (
            "<p><t t-out='object.partner_id.name if object.partner_id.name != \"Broken\" else 1/0'/></p>"
        )
        broken_partner = self.env["res.partner"].create({"name": "Broken", "email": "broken@example.com"})
        broken = self.new_due_request(partner=broken_partner)
        mails = self.run_cron(DUE + timedelta(days=3))
        self.assertEqual(mails.recipient_ids, self.partner_a)
        self.assertEqual(good.reminder_count, 1)
        self.assertEqual(broken.reminder_count, 0)
        self.assertIn("could not be sent", broken.message_ids[0].body)

    def test_manual_send_reminder(self):
        request = self.new_due_request()
        with self.mock_mail_gateway():
            request.action_send_reminder()
        self.assertEqual(len(self._new_mails), 1)
        self.assertIn("Payment reminder", self._new_mails.subject)
        self.assertEqual(request.reminder_count, 1)
        draft = self.create_request(amount=10.0, send=False)
        with self.assertRaisesRegex(UserError, "Only a sent or partially paid"):
            draft.action_send_reminder()
        no_email = self.new_due_request(partner=self.env["res.partner"].create({"name": "Nobody"}))
        with self.assertRaisesRegex(UserError, "no email address"):
            no_email.action_send_reminder()
        self.assertEqual(no_email.reminder_count, 0)

    def test_levels_edited(self):
        self.levels[0].delay_days = 5
        request = self.new_due_request()
        self.assertEqual(request.next_reminder_date, DUE + timedelta(days=5))
        self.levels.unlink()
        self.assertFalse(request.next_reminder_date)

    def test_company_levels_replace_the_defaults(self):
        request = self.new_due_request()
        self.env["payment.request.reminder.level"].create(
            {
                "name": "Only reminder",
                "company_id": self.company.id,
                "delay_days": 10,
                "mail_template_id": self.levels[0].mail_template_id.id,
            }
        )
        self.assertEqual(request._get_reminder_levels().mapped("name"), ["Only reminder"])
        self.assertEqual(request.next_reminder_date, DUE + timedelta(days=10))

    def test_level_names_translated(self):
        self.env["res.lang"]._activate_lang("nl_BE")
        self.env["res.lang"]._activate_lang("fr_BE")
        self.env["ir.module.module"]._load_module_terms(
            ["payment_request"], ["nl_BE", "fr_BE"], overwrite=True
        )
        self.assertEqual(
            self.levels.with_context(lang="nl_BE").mapped("name"),
            ["Vriendelijke herinnering", "Tweede herinnering", "Laatste aanmaning"],
        )
        self.assertEqual(
            self.levels.with_context(lang="fr_BE").mapped("name"),
            ["Rappel amical", "Deuxième rappel", "Dernier rappel"],
        )

    def test_setting_switched_on_covers_existing_requests(self):
        """Requests sent and overdue before the setting was switched on get
        their first reminder at the next run."""
        self.company.payment_request_auto_reminder = False
        request = self.new_due_request()
        other = self.new_due_request(partner=self.partner_b)
        self.partner_b.email = "partner_b@customer.example.com"
        self.assertFalse(self.run_cron(DUE + timedelta(days=20)), "setting off: nothing goes out")
        self.assertEqual(request.reminder_count, 0)
        self.company.payment_request_auto_reminder = True
        mails = self.run_cron(DUE + timedelta(days=21))
        self.assertEqual(len(mails), 2)
        self.assertEqual(mails.recipient_ids, self.partner_a | self.partner_b)
        self.assertEqual((request | other).mapped("reminder_count"), [1, 1])
