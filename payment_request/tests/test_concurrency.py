from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .common_concurrency import ConcurrencyMixin


@tagged("post_install", "-at_install")
class TestConcurrency(ConcurrencyMixin, TransactionCase):
    def test_two_cron_workers_send_each_reminder_once(self):
        past = fields.Date.today() - timedelta(days=30)
        order_id, request_ids = self.create_committed_requests(12, date_due=past, auto_reminder=True)
        with self.committed_env() as env:
            company = env["sale.order"].browse(order_id).company_id
            was_on = company.payment_request_auto_reminder
            company.payment_request_auto_reminder = True
        try:
            results = self.run_in_parallel(
                lambda env: env["payment.request"]._cron_send_reminders(batch_size=3)
            )
            for result in results:
                self.assertIsInstance(result, int, result)
            self.assertEqual(sum(results), 12, "together the two runs remind every request once")
            with self.committed_env() as env:
                requests = env["payment.request"].browse(request_ids)
                self.assertEqual(requests.mapped("reminder_count"), [1] * 12)
                reminders = env["mail.message"].search(
                    [
                        ("model", "=", "payment.request"),
                        ("res_id", "in", request_ids),
                        ("subtype_id", "=", env.ref("mail.mt_comment").id),
                    ]
                )
                self.assertEqual(len(reminders), 12)
                self.assertEqual(len(set(reminders.mapped("res_id"))), 12)
        finally:
            with self.committed_env() as env:
                env["sale.order"].browse(order_id).company_id.payment_request_auto_reminder = was_on
            self.cleanup_committed(order_id)

    def test_double_submit_of_register_wizard_pays_once(self):
        order_id, (request_id,) = self.create_committed_requests(1)

        def register(env):
            wizard = env["payment.request.register"].create({"payment_request_id": request_id})
            return wizard.action_register_payment()

        try:
            results = self.run_in_parallel(register)
            winners = [result for result in results if not isinstance(result, Exception)]
            losers = [result for result in results if isinstance(result, Exception)]
            self.assertEqual(len(winners), 1, results)
            self.assertEqual(len(losers), 1, results)
            # The loser fails to lock the row the winner changed; the web
            # client retries such a request and then gets the clear error.
            self.assertIn("could not serialize", str(losers[0]))
            with self.committed_env() as env:
                request = env["payment.request"].browse(request_id)
                self.assertEqual(len(request.payment_ids), 1)
                self.assertEqual(request.amount_paid, 100.0)
                self.assertEqual(request.state, "paid")
                with self.assertRaisesRegex(UserError, "sent or partially paid"):
                    register(env)
        finally:
            self.cleanup_committed(order_id)
