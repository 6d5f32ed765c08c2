import threading
from contextlib import contextmanager

from odoo import SUPERUSER_ID, Command, api


class ConcurrencyMixin:
    """Run code in two real database cursors at once, on data committed for
    the occasion and removed afterwards."""

    @contextmanager
    def committed_env(self):
        with self.registry.cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {})
            # Other cursors must see this data: a concurrency test commits.
            cr.commit()  # pylint: disable=invalid-commit

    def run_in_parallel(self, function, count=2):
        """Call ``function(env)`` in ``count`` threads, each with its own
        cursor, released together; return their results or exceptions."""
        barrier = threading.Barrier(count)
        results = [None] * count

        def worker(index):
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    barrier.wait(timeout=30)
                    results[index] = function(env)
                    cr.commit()  # pylint: disable=invalid-commit
            except Exception as error:  # reported to the test
                results[index] = error

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        return results

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
                            {"product_id": product.id, "price_unit": 100.0 * count, "tax_id": False}
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
            requests.write({"is_cancelled": True})
            requests.unlink()
            partner = order.partner_id
            product = order.order_line.product_id
            order._action_cancel()
            order.unlink()
            product.unlink()
            partner.unlink()
