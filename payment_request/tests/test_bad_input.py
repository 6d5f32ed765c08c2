import json

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .test_online_payment import OnlinePaymentCommon


@tagged("post_install", "-at_install")
class TestBadInput(OnlinePaymentCommon, HttpCase):
    """Values no form sends, as a broken or hostile client sends them over
    JSON-RPC: refused with a business error, nothing booked."""

    def new_wizard(self, **vals):
        return self.env["payment.request.register"].create(vals)

    def test_register_refuses_what_is_not_an_id_or_a_number(self):
        request = self.create_request(amount=300.0)
        bad_values = [
            {"payment_request_id": "PR/0001"},
            {"payment_request_id": request.id, "journal_id": "bank"},
            {"payment_request_id": request.id, "amount": float("nan")},
            {"payment_request_id": request.id, "amount": float("inf")},
            {"payment_request_id": request.id, "amount": "12,50"},
            {"payment_request_id": request.id, "amount": True},
        ]
        for vals in bad_values:
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                self.new_wizard(**vals)
        self.assertFalse(request.payment_ids)
        self.assertEqual(request.state, "sent")

    def test_register_refuses_another_currency(self):
        request = self.create_request(amount=300.0)
        usd = self.env.ref("base.USD")
        self.assertNotEqual(request.currency_id, usd)
        with self.assertRaisesRegex(ValidationError, "its own currency"):
            self.new_wizard(payment_request_id=request.id, amount=50.0, currency_id=usd.id)
        self.assertFalse(request.payment_ids)
        # The request's own currency, as a client that sends it, is fine.
        wizard = self.new_wizard(
            payment_request_id=request.id, amount=50.0, currency_id=request.currency_id.id
        )
        wizard.action_register_payment()
        self.assertEqual(request.amount_paid, 50.0)

    def transaction(self, request, **params):
        """Post the route's JSON-RPC call as raw text: JSON's NaN and Infinity,
        which Python's json writes and Odoo reads, are what a client may send.
        Return the error's exception name, or nothing when the call succeeded."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "amount": 100.0,
                "provider_id": self.provider.id,
                "payment_method_id": self.demo_method.id,
                "token_id": None,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": "/my",
                **params,
            },
        }
        response = self.url_open(
            f"/my/payment_requests/{request.id}/transaction",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        error = response.json().get("error")
        return error and error["data"]["name"]

    def test_transaction_route_refuses_no_token_and_nan(self):
        request = self.create_request(amount=300.0)
        request._portal_ensure_token()
        with mute_logger("odoo.http"):
            self.assertEqual(self.transaction(request), "odoo.exceptions.ValidationError", "no token")
            for amount in (float("nan"), float("inf")):
                self.assertEqual(
                    self.transaction(request, access_token=request.access_token, amount=amount),
                    "odoo.exceptions.ValidationError",
                    amount,
                )
        self.assertFalse(request.transaction_ids)
        # The same call with a real amount goes through: only the values were wrong.
        self.assertFalse(self.transaction(request, access_token=request.access_token, amount=100.0))
        self.assertEqual(request.transaction_ids.mapped("amount"), [100.0])
