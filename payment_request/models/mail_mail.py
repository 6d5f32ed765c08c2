from datetime import timedelta

from odoo import api, models

#: How long the mails a mail server refused are queued again: past that, the
#: failure stays for a person to see (Odoo's envelope icon, Retry button).
MAIL_RETRY_DAYS = 3


class MailMail(models.Model):
    _inherit = "mail.mail"

    @api.model
    def _get_payment_request_refused_domain(self):
        """The payment request mails that failed only because the outgoing
        mail server could not be reached or refused the connection (Odoo's
        ``mail_smtp`` failure), recently enough to be tried again."""
        # The database's clock, which stamps create_date.
        since = self.env.cr.now() - timedelta(days=MAIL_RETRY_DAYS)
        return [
            ("state", "=", "exception"),
            ("model", "=", "payment.request"),
            ("create_date", ">=", since),
            ("notification_ids.failure_type", "=", "mail_smtp"),
        ]

    @api.model
    def _cron_payment_request_retry_refused(self):
        """Queue again, with Odoo's own retry (``mark_outgoing``, the Retry
        button), the payment request mails the mail server refused, and wake
        the mail queue. Odoo marks a mail *Delivery Failed* when it cannot
        connect to the mail server and never tries it again by itself: without
        this, a reminder sent while the mail server was down is never
        delivered. A mail that failed for another reason (an invalid address)
        is left as it is."""
        mails = self.search(self._get_payment_request_refused_domain())
        if mails:
            mails.mark_outgoing()
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        return len(mails)
