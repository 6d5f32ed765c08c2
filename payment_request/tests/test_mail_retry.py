from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.mail.tests.common import MockEmail
from odoo.addons.payment_request.tests.compat import MAIL_SERVER_CONNECT

from .common import PaymentRequestCommon

DUE = date(2026, 3, 2)
REMINDED = DUE + timedelta(days=3)


@tagged("post_install", "-at_install")
class TestMailRetry(PaymentRequestCommon, MockEmail):
    """A reminder queued while the mail server is down is delivered once it is
    back: Odoo marks the mail *Delivery Failed* and never tries it again by
    itself; the retry job queues it again with Odoo's own retry."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.payment_request_auto_reminder = True
        cls.partner_b.email = "partner_b@customer.example.com"
        # Queue the mails, as a server does past its send limit: the mail queue sends them.
        cls.env["ir.config_parameter"].set_param("mail.mail.force.send.limit", "0")

    def remind(self, request):
        self.env["payment.request"]._cron_send_reminders()
        mail = self.env["mail.mail"].search([("model", "=", "payment.request"), ("res_id", "=", request.id)])
        self.assertEqual(mail.mapped("state"), ["outgoing"])
        return mail

    def send_with_server_down(self, mails):
        server_class = type(self.env["ir.mail_server"])
        refused = ConnectionRefusedError(111, "Connection refused")
        with patch.object(server_class, MAIL_SERVER_CONNECT, side_effect=refused):
            mails.send()

    def test_refused_mail_is_retried_once(self):
        request = self.create_request(amount=100.0, date_due=DUE)
        other = self.create_request(order=self.create_order(self.partner_b, 500.0), amount=50.0, date_due=DUE)
        with freeze_time(REMINDED):
            mail = self.remind(request)
            other_mail = self.env["mail.mail"].search(
                [("model", "=", "payment.request"), ("res_id", "=", other.id)]
            )
            self.send_with_server_down(mail | other_mail)
            self.assertEqual((mail | other_mail).mapped("state"), ["exception", "exception"])
            self.assertEqual(mail.notification_ids.mapped("failure_type"), ["mail_smtp"])
            # The other mail failed for its address, not for the server: a person looks at it.
            other_mail.notification_ids.sudo().write({"failure_type": "mail_email_invalid"})

            # Odoo's mail queue alone leaves the failed mail where it is.
            with self.mock_mail_gateway(mail_unlink_sent=False):
                self.env["mail.mail"].process_email_queue((mail | other_mail).ids)
            self.assertFalse(self._mails)
            self.assertEqual(mail.state, "exception")

            retried = self.env["mail.mail"]._cron_payment_request_retry_refused()
            self.assertEqual(retried, 1)
            self.assertEqual(mail.state, "outgoing")
            self.assertEqual(other_mail.state, "exception", "not a mail server failure: left for a person")
            with self.mock_mail_gateway(mail_unlink_sent=False):
                self.env["mail.mail"].process_email_queue((mail | other_mail).ids)
            self.assertEqual(len(self._mails), 1, "delivered once, when the server is back")
            self.assertEqual(self._mails[0]["email_to"], [request.partner_id.email_formatted])
            self.assertEqual(mail.state, "sent")
            self.assertEqual(mail.notification_ids.mapped("notification_status"), ["sent"])
            self.assertEqual(request.reminder_count, 1)

            self.assertEqual(self.env["mail.mail"]._cron_payment_request_retry_refused(), 0, "nothing twice")

    def test_old_refusals_stay_for_a_person(self):
        request = self.create_request(amount=100.0, date_due=DUE)
        with freeze_time(REMINDED):
            mail = self.remind(request)
            self.send_with_server_down(mail)
        self.assertEqual(mail.state, "exception")
        # Queued four days ago (the database's clock, which freeze_time does not move).
        self.env.cr.execute(
            "UPDATE mail_mail SET create_date = create_date - interval '4 days' WHERE id = %s", [mail.id]
        )
        mail.invalidate_recordset(["create_date"])
        self.assertEqual(self.env["mail.mail"]._cron_payment_request_retry_refused(), 0)
        self.assertEqual(mail.state, "exception")
