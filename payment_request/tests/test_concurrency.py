"""Two transactions on the same rows, in an explicit order.

Each test orders its two transactions itself (see ConcurrencyMixin): either
the second began before the first committed and reaches the rows after, or
the first holds its row locks while the second runs. Each asserts the single
outcome it is named after, including where the loser stopped: the guard
(a row lock) refuses it before it does anything."""

from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .common_concurrency import ConcurrencyMixin
from .fake_mollie import FakeMollie


def register(request_id):
    def call(env):
        wizard = env["payment.request.register"].create({"payment_request_id": request_id})
        wizard.action_register_payment()
        return "paid"

    return call


@tagged("post_install", "-at_install")
class TestConcurrency(ConcurrencyMixin, TransactionCase):
    def assert_serialization_failure(self, result):
        self.assertIsInstance(result, pg_errors.SerializationFailure, result)

    def due_requests(self, count):
        past = fields.Date.today() - timedelta(days=30)
        order_id, request_ids = self.create_committed_requests(count, date_due=past, auto_reminder=True)
        with self.committed_env() as env:
            company = env["sale.order"].browse(order_id).company_id
            was_on = company.payment_request_auto_reminder
            company.payment_request_auto_reminder = True

        def cleanup():
            with self.committed_env() as env:
                env["sale.order"].browse(order_id).company_id.payment_request_auto_reminder = was_on
            self.cleanup_committed(order_id)

        self.addCleanup(cleanup)
        return request_ids

    def reminders_of(self, env, request_ids):
        return env["mail.message"].search(
            [
                ("model", "=", "payment.request"),
                ("res_id", "in", request_ids),
                ("subtype_id", "=", env.ref("mail.mt_comment").id),
            ]
        )

    # Reminders ------------------------------------------------------------

    def test_cron_skips_the_requests_another_run_has_locked(self):
        request_ids = self.due_requests(12)
        today = fields.Date.today()
        with self.two_transactions() as (env_first, env_second):
            Request = env_first["payment.request"]
            # The first run has locked its batch and is sending it...
            locked = Request.search(Request._get_reminder_due_domain(today))._lock_for_reminder(today)
            self.assertEqual(sorted(locked.ids), sorted(request_ids))
            # ...when the second run starts: it skips them without waiting.
            second = self.call_and_commit(
                lambda env: env["payment.request"]._cron_send_reminders(batch_size=3), env_second
            )
            first = self.call_and_commit(
                lambda env: len(locked._send_reminders(raise_errors=False)), env_first
            )
        self.assertEqual((first, second), (12, 0))
        with self.committed_env() as env:
            self.assertEqual(env["payment.request"].browse(request_ids).mapped("reminder_count"), [1] * 12)
            reminders = self.reminders_of(env, request_ids)
            self.assertEqual(sorted(reminders.mapped("res_id")), sorted(request_ids), "one reminder each")

    def test_cron_begun_before_another_run_committed_sends_nothing_twice(self):
        request_ids = self.due_requests(12)
        cron = lambda env: env["payment.request"]._cron_send_reminders(batch_size=5)  # noqa: E731
        with self.spy("payment.request", "_post_reminder") as reached:
            first, second = self.run_after_commit(cron, cron)
        self.assertEqual((first, second), (12, 0), "the late run leaves the batch to the first")
        self.assertEqual(reached.count("second"), 0, "it mailed nobody")
        with self.committed_env() as env:
            self.assertEqual(len(self.reminders_of(env, request_ids)), 12)

    def test_payment_committed_before_the_cron_locks_is_not_reminded(self):
        (request_id,) = self.due_requests(1)
        cron = lambda env: env["payment.request"]._cron_send_reminders()  # noqa: E731
        with self.spy("payment.request", "_post_reminder") as reached:
            paid, reminded = self.run_after_commit(register(request_id), cron)
        self.assertEqual((paid, reminded), ("paid", 0))
        self.assertEqual(reached, [], "no reminder was even prepared")
        with self.committed_env() as env:
            request = env["payment.request"].browse(request_id)
            self.assertEqual(
                (request.state, request.reminder_count, len(request.payment_ids)), ("paid", 0, 1)
            )
            self.assertFalse(self.reminders_of(env, [request_id]))

    def test_payment_begun_before_a_reminder_committed_is_retried(self):
        (request_id,) = self.due_requests(1)
        cron = lambda env: env["payment.request"]._cron_send_reminders()  # noqa: E731
        with self.spy("payment.request.register", "_init_payments") as reached:
            reminded, paid = self.run_after_commit(cron, register(request_id))
        self.assertEqual(reminded, 1)
        # The registration fails on the row lock, before making a payment;
        # Odoo's HTTP layer retries such a request on fresh data.
        self.assert_serialization_failure(paid)
        self.assertEqual(reached, [])
        with self.committed_env() as env:
            self.assertEqual(register(request_id)(env), "paid")
        with self.committed_env() as env:
            request = env["payment.request"].browse(request_id)
            self.assertEqual(
                (request.state, request.reminder_count, len(request.payment_ids)), ("paid", 1, 1)
            )
            self.assertEqual(len(self.reminders_of(env, [request_id])), 1)

    # Payments -------------------------------------------------------------

    def test_double_submit_of_register_wizard_pays_once(self):
        order_id, (request_id,) = self.create_committed_requests(1)
        self.addCleanup(self.cleanup_committed, order_id)
        with self.spy("payment.request.register", "_init_payments") as reached:
            first, second = self.run_after_commit(register(request_id), register(request_id))
        self.assertEqual(first, "paid")
        self.assert_serialization_failure(second)
        self.assertEqual(reached, ["first"], "the second submit made no payment")
        with self.committed_env() as env:
            request = env["payment.request"].browse(request_id)
            self.assertEqual(
                (len(request.payment_ids), request.amount_paid, request.state), (1, 100.0, "paid")
            )
            # Its retry gets the clear error.
            with self.assertRaisesRegex(UserError, "sent or partially paid"):
                register(request_id)(env)

    def test_cancel_begun_before_a_payment_committed_is_refused(self):
        order_id, (request_id,) = self.create_committed_requests(1)
        self.addCleanup(self.cleanup_committed, order_id)
        cancel = lambda env: env["payment.request"].browse(request_id).action_cancel()  # noqa: E731
        with self.spy("payment.request", "_check_no_money_received") as reached:
            paid, cancelled = self.run_after_commit(register(request_id), cancel)
        self.assertEqual(paid, "paid")
        self.assert_serialization_failure(cancelled)
        self.assertEqual(reached, [], "stopped on the lock, before looking at stale money")
        with self.committed_env() as env:
            request = env["payment.request"].browse(request_id)
            self.assertEqual(request.state, "paid")
            # Its retry sees the payment and says what to undo.
            with self.assertRaisesRegex(UserError, "has received money"):
                cancel(env)

    def test_auto_link_racing_manual_link_counts_once(self):
        order_id, (request_id,) = self.create_committed_requests(1)
        self.addCleanup(self.cleanup_committed, order_id)
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

        def auto(env):
            return len(env["account.bank.statement.line"].browse(st_line_id)._payment_request_auto_link())

        def manual(env):
            line = env["account.bank.statement.line"].browse(st_line_id)
            return len(line._link_payment_requests(env["payment.request"].browse(request_id)))

        with self.spy("account.bank.statement.line", "_prepare_payment_request_line_vals") as reached:
            first, second = self.run_after_commit(auto, manual)
        self.assertEqual(first, 1)
        self.assert_serialization_failure(second)
        self.assertNotIn("second", reached, "the manual link booked nothing")
        with self.committed_env() as env:
            request = env["payment.request"].browse(request_id)
            line = env["account.bank.statement.line"].browse(st_line_id)
            self.assertEqual(request.amount_paid, 100.0, "the transaction is counted once")
            self.assertEqual(len(request.received_line_ids), 1)
            self.assertTrue(line.is_reconciled)
            self.assertAlmostEqual(sum(line.move_id.line_ids.mapped("balance")), 0.0)
            line.action_payment_request_unlink()
            line.with_context(force_delete=True).unlink()

    # Mollie ---------------------------------------------------------------

    def _committed_mollie_request(self):
        """Return (request id, token, tr id) of a committed request of the main
        company with a Mollie link whose payment is paid; cleaned up after."""
        mollie = FakeMollie().start()
        self.addCleanup(mollie.stop)
        order_id, (request_id,) = self.create_committed_requests(1)
        with self.committed_env() as env:
            request = env["payment.request"].browse(request_id)
            company = request.company_id
            journal = env["account.journal"].search(
                [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
            )
            saved = company.read(
                [
                    "payment_request_mollie_enabled",
                    "payment_request_mollie_api_key",
                    "payment_request_mollie_journal_id",
                ]
            )[0]
            env["ir.config_parameter"].set_param("payment_request.mollie_api_endpoint", mollie.url)
            company.write(
                {
                    "payment_request_mollie_enabled": True,
                    "payment_request_mollie_api_key": FakeMollie.API_KEY,
                    "payment_request_mollie_journal_id": journal.id,
                }
            )
            request._mollie_ensure_link()
            token = request.sudo().mollie_token
            link_id = request.mollie_link_id
        tr_id = mollie.add_payment(link_id, status="paid")

        def cleanup():
            with self.committed_env() as env:
                env["ir.config_parameter"].set_param("payment_request.mollie_api_endpoint", False)
                env["res.company"].browse(saved["id"]).write(
                    {
                        "payment_request_mollie_enabled": saved["payment_request_mollie_enabled"],
                        "payment_request_mollie_api_key": saved["payment_request_mollie_api_key"],
                        "payment_request_mollie_journal_id": saved["payment_request_mollie_journal_id"]
                        and saved["payment_request_mollie_journal_id"][0],
                    }
                )
            self.cleanup_committed(order_id)

        self.addCleanup(cleanup)
        return request_id, token, tr_id

    def test_two_concurrent_webhooks_one_payment(self):
        request_id, token, tr_id = self._committed_mollie_request()
        webhook = lambda env: env["payment.request"]._mollie_process_webhook(token, tr_id)  # noqa: E731
        with self.spy("payment.request", "_mollie_register") as reached:
            first, second = self.run_after_commit(webhook, webhook)
        self.assertEqual(first, "ok")
        # The late webhook fails on the lock; Odoo's HTTP layer retries it.
        self.assert_serialization_failure(second)
        self.assertEqual(reached, ["first"])
        with self.committed_env() as env:
            request = env["payment.request"].browse(request_id)
            self.assertEqual((len(request.payment_ids), request.state), (1, "paid"))
            self.assertEqual(webhook(env), "ok", "the retry finds the payment booked")
            self.assertEqual(len(request.payment_ids), 1)

    def test_manual_registration_begun_before_the_webhook_committed_is_refused(self):
        request_id, token, tr_id = self._committed_mollie_request()
        webhook = lambda env: env["payment.request"]._mollie_process_webhook(token, tr_id)  # noqa: E731
        with self.spy("payment.request.register", "_init_payments") as reached:
            first, second = self.run_after_commit(webhook, register(request_id))
        self.assertEqual(first, "ok")
        self.assert_serialization_failure(second)
        self.assertEqual(reached, ["first"], "only the webhook made a payment")
        with self.committed_env() as env:
            request = env["payment.request"].browse(request_id)
            self.assertEqual(
                (len(request.payment_ids), request.amount_paid, request.state), (1, 100.0, "paid")
            )
