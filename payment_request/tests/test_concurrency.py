from datetime import timedelta

from odoo import Command, fields
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

    def test_auto_link_racing_manual_link_counts_once(self):
        order_id, (request_id,) = self.create_committed_requests(1)
        with self.committed_env() as env:
            request = env["payment.request"].browse(request_id)
            journal = env["account.journal"].search(
                [("type", "=", "bank"), ("company_id", "=", request.company_id.id)], limit=1
            )
            st_line = (
                env["account.bank.statement.line"]
                .with_context(payment_request_skip_auto_link=True)
                .create({"journal_id": journal.id, "amount": 100.0, "payment_ref": request.payment_reference})
            )
            st_line_id = st_line.id

        calls = iter(["auto", "manual"])

        def race(env):
            line = env["account.bank.statement.line"].browse(st_line_id)
            how = next(calls)
            if how == "auto":
                return len(line._payment_request_auto_link())
            return len(line._link_payment_requests(env["payment.request"].browse(request_id)))

        try:
            results = self.run_in_parallel(race)
            successes = [r for r in results if r == 1]
            self.assertEqual(len(successes), 1, results)
            with self.committed_env() as env:
                request = env["payment.request"].browse(request_id)
                line = env["account.bank.statement.line"].browse(st_line_id)
                self.assertEqual(request.amount_paid, 100.0, "the transaction is counted once")
                self.assertEqual(len(request.received_line_ids), 1)
                self.assertTrue(line.is_reconciled)
                self.assertAlmostEqual(sum(line.move_id.line_ids.mapped("balance")), 0.0)
                line.action_payment_request_unlink()
                line.with_context(force_delete=True).unlink()
        finally:
            self.cleanup_committed(order_id)

    def test_cron_racing_a_users_payment(self):
        past = fields.Date.today() - timedelta(days=30)
        order_id, (request_id,) = self.create_committed_requests(1, date_due=past, auto_reminder=True)
        with self.committed_env() as env:
            company = env["sale.order"].browse(order_id).company_id
            was_on = company.payment_request_auto_reminder
            company.payment_request_auto_reminder = True
        calls = iter(["cron", "user"])

        def race(env):
            if next(calls) == "cron":
                return env["payment.request"]._cron_send_reminders()
            wizard = env["payment.request.register"].create({"payment_request_id": request_id})
            wizard.action_register_payment()
            return "paid"

        try:
            results = self.run_in_parallel(race)
            for result in results:
                self.assertTrue(
                    # The cron also reminds the demo data's overdue requests:
                    # what it did to this request is checked below.
                    isinstance(result, int) or result == "paid" or "could not serialize" in str(result),
                    f"unexpected: {result!r}",
                )
            with self.committed_env() as env:
                request = env["payment.request"].browse(request_id)
                self.assertLessEqual(len(request.payment_ids), 1)
                self.assertLessEqual(request.reminder_count, 1)
                reminders = env["mail.message"].search_count(
                    [
                        ("model", "=", "payment.request"),
                        ("res_id", "=", request_id),
                        ("subtype_id", "=", env.ref("mail.mt_comment").id),
                    ]
                )
                self.assertEqual(reminders, request.reminder_count)
                self.assertEqual(request.state, "paid" if request.payment_ids else "sent")
                self.assertEqual(request.amount_paid, 100.0 * len(request.payment_ids))
        finally:
            with self.committed_env() as env:
                env["sale.order"].browse(order_id).company_id.payment_request_auto_reminder = was_on
            self.cleanup_committed(order_id)

    def test_online_payment_racing_a_manual_registration(self):
        """The provider confirms a transaction while an accountant registers
        the same money by hand: one books it, the other fails to lock the
        request and is retried on fresh data."""
        order_id, (request_id,) = self.create_committed_requests(1)
        with self.committed_env() as env:
            request = env["payment.request"].browse(request_id)
            journal = env["account.journal"].search(
                [("type", "=", "bank"), ("company_id", "=", request.company_id.id)], limit=1
            )
            provider = env["payment.provider"].create(
                {
                    "name": "Demo (concurrency)",
                    "code": "demo",
                    "state": "test",
                    "company_id": request.company_id.id,
                    "journal_id": journal.id,
                    "payment_method_ids": [Command.set(env.ref("payment_demo.payment_method_demo").ids)],
                }
            )
            tx = env["payment.transaction"].create(
                {
                    "provider_id": provider.id,
                    "payment_method_id": env.ref("payment_demo.payment_method_demo").id,
                    "reference": f"{request.name}-race",
                    "amount": 100.0,
                    "currency_id": request.currency_id.id,
                    "partner_id": request.partner_id.id,
                    "operation": "online_redirect",
                    "payment_request_ids": [Command.set(request.ids)],
                }
            )
            tx._set_done()
            tx_id, provider_id = tx.id, provider.id
        calls = iter(["online", "user"])

        def race(env):
            if next(calls) == "online":
                env["payment.transaction"].browse(tx_id)._post_process()
                return "online"
            wizard = env["payment.request.register"].create({"payment_request_id": request_id})
            wizard.action_register_payment()
            return "registered"

        try:
            results = self.run_in_parallel(race)
            winners = [r for r in results if r in ("online", "registered")]
            self.assertEqual(len(winners), 1, results)
            self.assertIn("could not serialize", str(next(r for r in results if r not in winners)))
            with self.committed_env() as env:
                request = env["payment.request"].browse(request_id)
                self.assertEqual(len(request.payment_ids), 1, "one payment while they race")
                self.assertEqual(request.amount_paid, 100.0)
                self.assertEqual(request.state, "paid")
        finally:
            with self.committed_env() as env:
                tx = env["payment.transaction"].browse(tx_id)
                payments = tx.payment_id
                tx.unlink()
                payments.action_draft()
                payments.move_id.with_context(force_delete=True).unlink()
                payments.unlink()
                env["payment.provider"].browse(provider_id).unlink()
            self.cleanup_committed(order_id)
