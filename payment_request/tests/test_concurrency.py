"""Two transactions on the same rows, in an explicit order.

Each test orders its two transactions itself (see ConcurrencyMixin): either
the second began before the first committed and reaches the rows after, or
the first holds its row locks while the second runs. Each asserts the single
outcome it is named after, including where the loser stopped: the guard
(a row lock) refuses it before it does anything."""

from datetime import timedelta

from freezegun import freeze_time
from psycopg2 import errors as pg_errors

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, tagged

from .common_concurrency import ConcurrencyMixin


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
            # The database's other open requests (the demo data's) are kept
            # out of these runs, so that each run's count is about this test.
            others = env["payment.request"].search(
                [
                    ("id", "not in", request_ids),
                    ("auto_reminder", "=", True),
                    ("state", "in", ("sent", "partial")),
                ]
            )
            others.auto_reminder = False
            other_ids = others.ids

        def cleanup():
            with self.committed_env() as env:
                env["sale.order"].browse(order_id).company_id.payment_request_auto_reminder = was_on
                env["payment.request"].browse(other_ids).auto_reminder = True
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

    # Expiry ---------------------------------------------------------------

    def expirable_requests(self, count):
        """``count`` sent requests due 30 days ago whose every reminder level
        was sent, in a company that expires requests after 10 days."""
        request_ids = self.due_requests(count)
        with self.committed_env() as env:
            requests = env["payment.request"].browse(request_ids)
            company = requests.company_id
            levels = env["payment.request.reminder.level"]._get_company_levels(company)
            requests.write({"reminder_count": len(levels)})
            was = company.payment_request_expiry_days
            company.payment_request_expiry_days = 10

        def restore():
            with self.committed_env() as env:
                env["payment.request"].browse(request_ids).company_id.payment_request_expiry_days = was

        self.addCleanup(restore)
        return request_ids

    def expiry_mails_of(self, env, request_ids):
        return self.reminders_of(env, request_ids).filtered(
            lambda message: "Payment request expired" in (message.subject or "")
        )

    def test_two_expiry_runs_one_after_the_other_expire_and_mail_once(self):
        request_ids = self.expirable_requests(5)
        cron = lambda env: env["payment.request"]._cron_send_reminders(batch_size=2)  # noqa: E731
        with self.spy("payment.request", "_expire") as reached:
            first, second = self.run_after_commit(cron, cron)
        self.assertEqual((first, second), (5, 0), "the late run leaves the batch to the first")
        self.assertEqual(reached.count("second"), 0, "it expired and mailed nothing")
        with self.committed_env() as env:
            self.assertEqual(env["payment.request"].browse(request_ids).mapped("state"), ["cancel"] * 5)
            mails = self.expiry_mails_of(env, request_ids)
            self.assertEqual(sorted(mails.mapped("res_id")), sorted(request_ids), "one mail each")

    def test_expiry_run_skips_the_requests_another_run_has_locked(self):
        request_ids = self.expirable_requests(4)
        today = fields.Date.today()
        with self.two_transactions() as (env_first, env_second):
            Request = env_first["payment.request"]
            locked = Request.search(Request._get_expiry_domain(today))._lock_skip_locked()
            self.assertEqual(sorted(locked.ids), sorted(request_ids))
            second = self.call_and_commit(
                lambda env: env["payment.request"]._cron_send_reminders(batch_size=3), env_second
            )
            first = self.call_and_commit(lambda env: Request._expire_batch(locked, today), env_first)
        self.assertEqual((first, second), (4, 0))
        with self.committed_env() as env:
            self.assertEqual(env["payment.request"].browse(request_ids).mapped("state"), ["cancel"] * 4)
            self.assertEqual(len(self.expiry_mails_of(env, request_ids)), 4)

    def test_payment_committed_before_the_expiry_keeps_the_request(self):
        (request_id,) = self.expirable_requests(1)
        cron = lambda env: env["payment.request"]._cron_send_reminders()  # noqa: E731
        paid, expired = self.run_after_commit(register(request_id), cron)
        self.assertEqual((paid, expired), ("paid", 0))
        with self.committed_env() as env:
            request = env["payment.request"].browse(request_id)
            self.assertEqual(request.state, "paid")
            self.assertFalse(self.expiry_mails_of(env, [request_id]))

    # Payment plans ----------------------------------------------------------

    def test_two_runs_send_each_planned_instalment_once(self):
        order_id, request_ids = self.create_committed_requests(1)
        with self.committed_env() as env:
            order = env["sale.order"].browse(order_id)
            env["payment.request"].browse(request_ids).sudo().write({"is_cancelled": True})
            plan = env["payment.request.plan"].create(
                {
                    "name": "Concurrency plan",
                    "line_ids": [
                        Command.create({"sequence": 1, "value_type": "percent", "value": 50.0, "days": 30}),
                        Command.create({"sequence": 2, "value_type": "balance", "days": 30}),
                    ],
                }
            )
            order.action_confirm()
            order.payment_request_plan_id = plan
            order.action_apply_payment_request_plan()
            instalment_ids = order.payment_request_ids.filtered("plan_id").ids
            plan_id = plan.id

        def cleanup():
            with self.committed_env() as env:
                env["payment.request.plan"].browse(plan_id).unlink()

        # Run last: the order and its requests go first.
        self.addCleanup(cleanup)
        self.addCleanup(self.cleanup_committed, order_id)
        self.assertEqual(len(instalment_ids), 2)
        cron = lambda env: env["payment.request"]._cron_send_planned_requests(batch_size=1)  # noqa: E731
        with (
            freeze_time(fields.Date.today() + timedelta(days=20)),
            self.spy("payment.request", "_send_planned") as reached,
        ):
            first, second = self.run_after_commit(cron, cron)
        self.assertEqual((first, second), (2, 0), "the late run leaves the instalments to the first")
        self.assertEqual(reached.count("second"), 0, "it mailed nobody")
        with self.committed_env() as env:
            instalments = env["payment.request"].browse(instalment_ids)
            self.assertEqual(instalments.mapped("state"), ["sent", "sent"])
            mails = self.reminders_of(env, instalment_ids)
            self.assertEqual(sorted(mails.mapped("res_id")), sorted(instalment_ids), "one mail each")

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

    # Online payment -------------------------------------------------------

    def _committed_done_transaction(self, request_id):
        """Return the id of a done demo transaction of the request, committed,
        whose post-processing (the payment) has not run yet; cleaned up after."""
        with self.committed_env() as env:
            request = env["payment.request"].browse(request_id)
            journal = env["account.journal"].search(
                [("type", "=", "bank"), ("company_id", "=", request.company_id.id)], limit=1
            )
            method = env.ref("payment_demo.payment_method_demo")
            provider = env["payment.provider"].create(
                {
                    "name": "Demo (concurrency)",
                    "code": "demo",
                    "state": "test",
                    "company_id": request.company_id.id,
                    "journal_id": journal.id,
                    "payment_method_ids": [Command.set(method.ids)],
                }
            )
            tx = env["payment.transaction"].create(
                {
                    "provider_id": provider.id,
                    "payment_method_id": method.id,
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

        def cleanup():
            with self.committed_env() as env:
                tx = env["payment.transaction"].browse(tx_id)
                payments = tx.payment_id
                tx.unlink()
                payments.action_draft()
                payments.move_id.with_context(force_delete=True).unlink()
                payments.unlink()
                env["payment.provider"].browse(provider_id).unlink()

        self.addCleanup(cleanup)
        return tx_id

    def test_manual_registration_begun_before_the_provider_committed_is_refused(self):
        """The provider confirms a transaction while an accountant registers
        the same money by hand: the provider's payment commits first, and the
        registration, begun before, fails to lock the request (Odoo's HTTP
        layer retries it on fresh data) before it makes anything."""
        order_id, (request_id,) = self.create_committed_requests(1)
        self.addCleanup(self.cleanup_committed, order_id)
        tx_id = self._committed_done_transaction(request_id)

        def online(env):
            env["payment.transaction"].browse(tx_id)._post_process()
            return "online"

        with self.spy("payment.request.register", "_init_payments") as reached:
            first, second = self.run_after_commit(online, register(request_id))
        self.assertEqual(first, "online")
        self.assert_serialization_failure(second)
        self.assertEqual(reached, [], "the registration made no payment")
        with self.committed_env() as env:
            request = env["payment.request"].browse(request_id)
            self.assertEqual(
                (len(request.payment_ids), request.amount_paid, request.state), (1, 100.0, "paid")
            )

    def _committed_demo_provider(self, request_id):
        """Return the id of a demo provider of the request's company, committed;
        its transactions are removed after the test."""
        with self.committed_env() as env:
            request = env["payment.request"].browse(request_id)
            journal = env["account.journal"].search(
                [("type", "=", "bank"), ("company_id", "=", request.company_id.id)], limit=1
            )
            provider = env["payment.provider"].create(
                {
                    "name": "Demo (two sessions)",
                    "code": "demo",
                    "state": "test",
                    "company_id": request.company_id.id,
                    "journal_id": journal.id,
                    "payment_method_ids": [Command.set(env.ref("payment_demo.payment_method_demo").ids)],
                }
            )
            provider_id = provider.id

        def cleanup():
            with self.committed_env() as env:
                transactions = env["payment.transaction"].search([("provider_id", "=", provider_id)])
                payments = transactions.payment_id
                transactions.unlink()
                payments.action_draft()
                payments.move_id.with_context(force_delete=True).unlink()
                payments.unlink()
                env["payment.provider"].browse(provider_id).unlink()

        self.addCleanup(cleanup)
        return provider_id

    def test_second_session_paying_the_same_request_is_refused(self):
        """Issue 23, item 2: two sessions pay a request for 100.00 at the same
        time, each all of it, with a saved card (the transaction is done in the
        same HTTP request). The first pays; the second, begun before the first
        committed, fails to lock the request (the HTTP layer retries it) and
        its retry is refused with a clear error: nothing is charged twice."""
        order_id, (request_id,) = self.create_committed_requests(1)
        self.addCleanup(self.cleanup_committed, order_id)
        provider_id = self._committed_demo_provider(request_id)

        def pay(env):
            request = env["payment.request"].browse(request_id)
            tx = env["payment.transaction"].create(
                {
                    "provider_id": provider_id,
                    "payment_method_id": env.ref("payment_demo.payment_method_demo").id,
                    "reference": f"{request.name}-{env.context.get('race', 'retry')}",
                    "amount": 100.0,
                    "currency_id": request.currency_id.id,
                    "partner_id": request.partner_id.id,
                    "operation": "online_token",
                    "payment_request_ids": [Command.set(request.ids)],
                }
            )
            tx._set_done()
            return "paid"

        with self.spy("payment.transaction", "_set_done") as reached:
            first, second = self.run_after_commit(pay, pay)
        self.assertEqual(first, "paid")
        self.assert_serialization_failure(second)
        self.assertEqual(reached, ["first"], "the second session charged nothing")
        with self.committed_env() as env:
            request = env["payment.request"].browse(request_id)
            with self.assertRaisesRegex(ValidationError, "is being processed"):
                pay(env)
            self.assertEqual(len(request.transaction_ids), 1)
            # Once booked, the request is paid, once.
            request.transaction_ids._post_process()
            self.assertEqual(
                (request.state, request.amount_paid, len(request.payment_ids)), ("paid", 100.0, 1)
            )
