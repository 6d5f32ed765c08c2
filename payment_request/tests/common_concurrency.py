from contextlib import contextmanager
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api

from odoo.addons.payment_request.tests.compat import SALE_LINE_TAXES


class ConcurrencyMixin:
    """Run code in two real database transactions that overlap, in an
    explicit order, on data committed for the occasion and removed afterwards."""

    @contextmanager
    def committed_env(self):
        with self.registry.cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {})
            # Other cursors must see this data: a concurrency test commits.
            cr.commit()  # pylint: disable=invalid-commit

    @contextmanager
    def two_transactions(self):
        """Yield two environments on two cursors whose snapshots are both taken
        now: what one commits later stays invisible to the other, as for two
        HTTP requests or cron runs the servers handle at the same time. Each
        environment carries ``race`` in its context ("first" or "second") so
        that a spy can tell them apart."""
        with self.registry.cursor() as cr_first, self.registry.cursor() as cr_second:
            for cr in (cr_first, cr_second):
                # REPEATABLE READ: the transaction's snapshot is taken by its first query.
                cr.execute("SELECT 1")
            # A guard that waits on a lock instead of failing or skipping would
            # hang a single-threaded test: fail after 10 seconds instead.
            cr_second.execute("SET LOCAL lock_timeout = '10s'")
            yield (
                api.Environment(cr_first, SUPERUSER_ID, {"race": "first"}),
                api.Environment(cr_second, SUPERUSER_ID, {"race": "second"}),
            )

    def call_and_commit(self, function, env):
        """Return ``function(env)`` after committing it, or the exception it
        raised after rolling back."""
        try:
            result = function(env)
            env.flush_all()
            env.cr.commit()  # pylint: disable=invalid-commit
            return result
        except Exception as error:  # reported to the test
            env.cr.rollback()
            return error

    def run_after_commit(self, first, second):
        """Run ``first`` to its commit, then ``second`` in a transaction that
        began before that commit: the second of two requests that overlapped
        reaches the rows the first changed. The order is explicit, so the
        test has one outcome. Return both results (or exceptions)."""
        with self.two_transactions() as (env_first, env_second):
            return self.call_and_commit(first, env_first), self.call_and_commit(second, env_second)

    @contextmanager
    def spy(self, model, method):
        """Record the ``race`` of each environment that reaches ``model.method``
        (the real method still runs): the list the block yields."""
        model_class = type(self.env[model])
        original = getattr(model_class, method)
        reached = []

        def spied(records, *args, **kwargs):
            reached.append(records.env.context.get("race"))
            return original(records, *args, **kwargs)

        with patch.object(model_class, method, spied):
            yield reached

    def create_committed_requests(self, count, **request_vals):
        """Create an order and ``count`` sent requests in the main company,
        committed; return (order id, request ids)."""
        with self.committed_env() as env:
            product = env["product.product"].create({"name": "Concurrency product", "list_price": 100.0})
            partner = env["res.partner"].create(
                {"name": "Concurrency customer", "email": "concurrency@customer.example.com"}
            )
            order = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "price_unit": 100.0 * count, SALE_LINE_TAXES: False}
                        )
                    ],
                }
            )
            requests = env["payment.request"].create(
                [{"sale_order_id": order.id, "amount": 100.0, **request_vals} for _ in range(count)]
            )
            requests.action_mark_sent()
            return order.id, requests.ids

    def cleanup_committed(self, order_id):
        with self.committed_env() as env:
            order = env["sale.order"].browse(order_id)
            requests = order.payment_request_ids
            payments = requests.payment_ids
            env["mail.message"].search(
                [("model", "=", "payment.request"), ("res_id", "in", requests.ids)]
            ).unlink()
            env["mail.mail"].search(
                [("model", "=", "payment.request"), ("res_id", "in", requests.ids)]
            ).unlink()
            env["mail.activity"].search(
                [("res_model", "=", "payment.request"), ("res_id", "in", requests.ids)]
            ).unlink()
            payments.action_draft()
            payments.move_id.with_context(force_delete=True).unlink()
            payments.unlink()
            requests.sudo().write({"is_cancelled": True})
            requests.unlink()
            partner = order.partner_id
            product = order.order_line.product_id
            order._action_cancel()
            order.unlink()
            product.unlink()
            partner.unlink()
