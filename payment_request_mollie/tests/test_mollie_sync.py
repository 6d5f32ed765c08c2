from datetime import timedelta
from unittest.mock import patch

import psycopg2
import requests

from odoo import fields
from odoo.modules import module
from odoo.tests import HttpCase, tagged
from odoo.tools import config, mute_logger

from odoo.addons.payment_request.tests.common import PaymentRequestCommon

from ..models.payment_provider import ENDPOINT_PARAM
from .fake_mollie import FakeMollie


class MollieCommon(PaymentRequestCommon):
    """Odoo's own Mollie provider for the company, its API key the only one,
    talking to a fake Mollie on 127.0.0.1 through the real mollie-api-python."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mollie = FakeMollie().start()
        cls.addClassCleanup(cls.mollie.stop)
        cls.env["ir.config_parameter"].sudo().set_param(ENDPOINT_PARAM, cls.mollie.url)
        cls.mollie_journal = cls.env["account.journal"].create(
            {"name": "Mollie", "code": "MOL", "type": "bank", "company_id": cls.company.id}
        )
        cls.provider = (
            cls.env.ref("payment.payment_provider_mollie").sudo().copy({"company_id": cls.company.id})
        )
        cls.provider.write(
            {
                "state": "test",
                "is_published": True,
                "mollie_api_key": FakeMollie.API_KEY,
                "journal_id": cls.mollie_journal.id,
            }
        )

    def setUp(self):
        super().setUp()
        self.mollie.reset()

    def paid_request(self, amount=300.0):
        """A request paid online through Mollie: the transaction is done and
        post-processed, its payment booked on the request."""
        request = self.create_request(amount=amount)
        tr_id = self.mollie.add_payment(status="paid", amount=f"{amount:.2f}", description=request.name)
        tx = (
            self.env["payment.transaction"]
            .sudo()
            .create(
                {
                    "provider_id": self.provider.id,
                    "payment_method_id": self.provider.payment_method_ids[:1].id,
                    "reference": self.env["payment.transaction"]._compute_reference(
                        "mollie", payment_request_ids=[fields.Command.set(request.ids)]
                    ),
                    "amount": amount,
                    "currency_id": request.currency_id.id,
                    "partner_id": request.partner_id.id,
                    "operation": "online_redirect",
                    "provider_reference": tr_id,
                    "payment_request_ids": [fields.Command.set(request.ids)],
                }
            )
        )
        tx._set_done()
        tx._post_process()
        self.assertEqual(request.state, "paid")
        return request, tx

    def outbound(self, request):
        """The live outbound payments of the request: refunds and chargebacks."""
        return request.payment_ids.filtered(
            lambda p: p.payment_type == "outbound" and p.state != "canceled"
        ).sorted("id")

    def refund_children(self, tx):
        return tx.child_transaction_ids.filtered(lambda child: child.operation == "refund").sorted("id")

    def sync(self):
        return self.env["payment.transaction"]._cron_payment_request_mollie_sync()


@tagged("post_install", "-at_install")
class TestMollieSync(MollieCommon):
    def test_cron_books_refunds_and_chargebacks_once(self):
        request, tx = self.paid_request(300.0)
        tr_id = tx.provider_reference
        self.mollie.add_refund(tr_id, "50.00")
        self.mollie.add_chargeback(tr_id, "100.00")
        payment = self.mollie.payments[tr_id]
        self.assertEqual(payment["amountRefunded"], {"currency": "EUR", "value": "50.00"})
        self.assertEqual(payment["amountChargedBack"], {"currency": "EUR", "value": "100.00"})

        refund_id = self.mollie._payment_refunds[tr_id][0]
        chargeback_id = self.mollie._payment_chargebacks[tr_id][0]

        self.assertEqual(self.env["payment.transaction"]._cron_payment_request_mollie_sync(), 1)
        self.assertRecordValues(
            self.outbound(request),
            [
                {
                    "amount": 50.0,
                    "journal_id": self.mollie_journal.id,
                    "partner_id": self.partner_a.id,
                    "state": "in_process",
                },
                {
                    "amount": 100.0,
                    "journal_id": self.mollie_journal.id,
                    "partner_id": self.partner_a.id,
                    "state": "in_process",
                },
            ],
        )
        # Each is a refund child transaction of the paid one, as Odoo's own
        # Stripe and Adyen providers book refunds, named by Mollie's id.
        self.assertRecordValues(
            self.refund_children(tx),
            [
                {
                    "operation": "refund",
                    "amount": -50.0,
                    "provider_reference": refund_id,
                    "state": "done",
                    "payment_id": self.outbound(request)[0].id,
                },
                {
                    "operation": "refund",
                    "amount": -100.0,
                    "provider_reference": chargeback_id,
                    "state": "done",
                    "payment_id": self.outbound(request)[1].id,
                },
            ],
        )
        self.assertRecordValues(
            request, [{"state": "partial", "amount_paid": 150.0, "amount_residual": 150.0}]
        )
        self.assertAlmostEqual(sum(self.receivable_lines(request).mapped("balance")), -150.0)

        # Idempotent: the same totals book nothing more.
        self.env["payment.transaction"]._cron_payment_request_mollie_sync()
        self.assertEqual(len(self.outbound(request)), 2)

        # A second refund: only the new one.
        second_id = self.mollie.add_refund(tr_id, "30.00")
        self.env["payment.transaction"]._cron_payment_request_mollie_sync()
        self.assertEqual(self.outbound(request).mapped("amount"), [50.0, 100.0, 30.0])
        self.assertEqual(self.refund_children(tx)[-1].provider_reference, second_id)
        self.assertEqual(request.amount_paid, 120.0)

    def test_failed_refund_is_not_booked(self):
        request, tx = self.paid_request(100.0)
        self.mollie.add_refund(tx.provider_reference, "40.00", status="failed")
        self.env["payment.transaction"]._cron_payment_request_mollie_sync()
        self.assertFalse(self.outbound(request))
        self.assertEqual(request.state, "paid")

    def test_one_broken_request_does_not_stop_the_sync(self):
        paid = [self.paid_request(100.0) for _i in range(5)]
        for _request, tx in paid:
            self.mollie.add_refund(tx.provider_reference, "10.00")
        broken_request, broken_tx = paid[2]
        self.mollie.fail_path(f"/payments/{broken_tx.provider_reference}/refunds", 500)
        with mute_logger("odoo.addons.payment_request_mollie.models.payment_transaction"):
            self.assertEqual(self.env["payment.transaction"]._cron_payment_request_mollie_sync(), 4)
        for request, tx in paid:
            self.assertEqual(len(self.outbound(request)), 0 if tx == broken_tx else 1, request.name)
        self.assertEqual(broken_request.amount_paid, 100.0, "nothing half-booked")

        self.mollie.clear_path_failures()
        self.env["payment.transaction"]._cron_payment_request_mollie_sync()
        for request, _tx in paid:
            self.assertEqual(self.outbound(request).mapped("amount"), [10.0], request.name)

    def test_cron_reads_every_page(self):
        (old_request, old_tx), (new_request, new_tx) = self.paid_request(100.0), self.paid_request(200.0)
        self.mollie.add_refund(old_tx.provider_reference, "25.00")
        self.mollie.add_chargeback(new_tx.provider_reference, "200.00")
        for _i in range(260):  # newer payments of the shop's other sales
            self.mollie.add_payment(status="paid", amount="5.00")
        self.env["payment.transaction"]._cron_payment_request_mollie_sync()
        list_calls = [r for r in self.mollie.requests if r.route == "/v2/payments"]
        self.assertEqual(len(list_calls), 2, "two pages of 250")
        self.assertIn("from", list_calls[1].query)
        self.assertEqual(self.outbound(old_request).mapped("amount"), [25.0])
        self.assertEqual(self.outbound(new_request).mapped("amount"), [200.0])
        self.assertEqual(new_request.state, "sent", "all its money was charged back")

    def test_refund_lists_are_read_to_the_last_page(self):
        request, tx = self.paid_request(300.0)
        for _i in range(3):
            self.mollie.add_refund(tx.provider_reference, "1.00")
        with patch("odoo.addons.payment_request_mollie.models.payment_transaction.PAGE_SIZE", 2):
            self.env["payment.transaction"]._cron_payment_request_mollie_sync()
        refund_pages = [r for r in self.mollie.requests if "/refunds" in r.path]
        self.assertEqual(len(refund_pages), 2)
        # One payment per Mollie refund (a child transaction each): 3.00 in all.
        self.assertEqual(self.outbound(request).mapped("amount"), [1.0, 1.0, 1.0])
        self.assertEqual(request.amount_paid, 297.0)

    def test_refund_cancelled_at_mollie_is_reversed(self):
        """Issue 23, item 7: a refund Mollie later cancels or fails no longer
        comes off the request, which asked the customer again before."""
        request, tx = self.paid_request(300.0)
        cancelled_id = self.mollie.add_refund(tx.provider_reference, "100.00", status="pending")
        failed_id = self.mollie.add_refund(tx.provider_reference, "50.00", status="processing")
        refund_date = fields.Date.today() - timedelta(days=3)
        self.mollie.refunds[cancelled_id]["createdAt"] = f"{refund_date}T10:00:00+00:00"
        self.sync()
        self.assertRecordValues(request, [{"state": "partial", "amount_paid": 150.0}])
        payments = self.outbound(request)

        self.assertEqual(payments.mapped("date"), [refund_date, fields.Date.today()], "Mollie's dates")

        self.mollie.update_refund(cancelled_id, "canceled")
        self.mollie.update_refund(failed_id, "failed")
        self.sync()
        self.assertRecordValues(request, [{"state": "paid", "amount_paid": 300.0, "amount_residual": 0.0}])
        self.assertEqual(payments.mapped("amount"), [100.0, 50.0])
        self.assertEqual(payments.mapped("state"), ["canceled", "canceled"])
        self.assertEqual(self.refund_children(tx).mapped("state"), ["cancel", "cancel"])
        self.assertAlmostEqual(
            sum(
                self.receivable_lines(request)
                .filtered(lambda line: line.parent_state == "posted")
                .mapped("balance")
            ),
            -300.0,
        )
        self.assertTrue(
            any("was cancelled at Mollie" in body for body in request.message_ids.mapped("body")),
            "the chatter says what Mollie cancelled",
        )
        # Idempotent: nothing more on the next runs.
        self.sync()
        self.assertEqual(len(self.refund_children(tx)), 2)
        self.assertEqual(request.amount_paid, 300.0)

    def test_reversed_chargeback_is_reversed(self):
        request, tx = self.paid_request(200.0)
        chargeback_id = self.mollie.add_chargeback(tx.provider_reference, "200.00")
        self.sync()
        self.assertRecordValues(request, [{"state": "sent", "amount_paid": 0.0}])
        self.mollie.reverse_chargeback(chargeback_id)
        self.sync()
        self.assertRecordValues(request, [{"state": "paid", "amount_paid": 200.0}])
        self.assertEqual(self.refund_children(tx).state, "cancel")

    def test_same_refund_twice_makes_one_child(self):
        """The webhook and the cron see the same refund: one child transaction,
        also when the second sync does not see the first one's (the database
        refuses a second child for the same Mollie refund)."""
        request, tx = self.paid_request(100.0)
        refund_id = self.mollie.add_refund(tx.provider_reference, "10.00")
        self.sync()
        self.sync()
        self.assertEqual(self.refund_children(tx).provider_reference, refund_id)
        with (
            self.assertRaises(psycopg2.IntegrityError),
            self.env.cr.savepoint(),
            mute_logger("odoo.sql_db"),
        ):
            tx._create_child_transaction(10.0, is_refund=True, provider_reference=refund_id)
            self.env.flush_all()

    def test_endpoint_override_only_in_test_mode(self):
        self.assertEqual(self.provider._payment_request_mollie_client().api_endpoint, self.mollie.url)
        with patch.dict(config.options, test_enable=False), patch.object(module, "current_test", False):
            client = self.provider._payment_request_mollie_client()
        self.assertEqual(client.api_endpoint, "https://api.mollie.com")


@tagged("post_install", "-at_install")
class TestMollieWebhook(MollieCommon, HttpCase):
    def fake_payment_mollie_request(self, provider, endpoint, data=None, method="POST"):
        """Odoo 18.0's payment_mollie asks api.mollie.com itself: ask the fake."""
        response = requests.get(
            f"{self.mollie.url}/v2{endpoint}",
            headers={"Authorization": f"Bearer {provider.mollie_api_key}"},
            timeout=5,
        )
        return response.json()

    def point_odoo_mollie_at_fake(self):
        """Send Odoo's own payment_mollie requests to the fake Mollie.

        18.0 builds its URL inside _mollie_make_request, which is replaced by
        a plain GET to the fake; 19.0 sends through payment's
        _send_api_request, whose URL is the one thing changed."""
        Provider = type(self.env["payment.provider"])
        if hasattr(Provider, "_mollie_make_request"):
            return patch.object(
                Provider,
                "_mollie_make_request",
                lambda provider, endpoint, data=None, method="POST": self.fake_payment_mollie_request(
                    provider, endpoint, data, method
                ),
            )
        return patch.object(
            Provider,
            "_build_request_url",
            lambda provider, endpoint, **kwargs: f"{self.mollie.url}/v2/{endpoint.strip('/')}",
        )

    def post_webhook(self, tx):
        with self.point_odoo_mollie_at_fake():
            response = self.url_open(
                f"/payment/mollie/webhook?ref={tx.reference}", data={"id": tx.provider_reference}
            )
        self.assertEqual(response.status_code, 200)

    def test_webhook_books_refund_and_chargeback_once(self):
        request, tx = self.paid_request(300.0)
        self.mollie.add_refund(tx.provider_reference, "120.00")
        self.post_webhook(tx)
        self.assertEqual(self.outbound(request).mapped("amount"), [120.0])
        self.assertTrue(
            any("Refund of" in body and "120.00" in body for body in request.message_ids.mapped("body")),
            "the chatter says what Mollie refunded",
        )
        self.post_webhook(tx)
        self.assertEqual(len(self.outbound(request)), 1, "Mollie may call twice: booked once")
        self.mollie.add_chargeback(tx.provider_reference, "180.00")
        self.post_webhook(tx)
        self.assertEqual(self.outbound(request).mapped("amount"), [120.0, 180.0])
        self.assertRecordValues(request, [{"state": "sent", "amount_paid": 0.0, "amount_residual": 300.0}])
