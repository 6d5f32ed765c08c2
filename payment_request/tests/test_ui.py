from odoo.tests import HttpCase, tagged

from .common import PaymentRequestCommon


@tagged("post_install", "-at_install")
class TestPaymentRequestUi(PaymentRequestCommon, HttpCase):
    def test_register_payment_tour(self):
        request = self.create_request(amount=300.0)
        self.start_tour(
            f"/odoo/action-payment_request.payment_request_action/{request.id}",
            "payment_request_register_payment_tour",
            login=self.env.user.login,
        )
        self.assertEqual(request.state, "paid")
        self.assertEqual(request.payment_ids.amount, 300.0)
        self.assertEqual(request.payment_ids.memo, f"{request.payment_reference} - tour note")
