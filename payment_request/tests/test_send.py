from odoo.tests import Form, tagged

from odoo.addons.mail.tests.common import MockEmail

from .common import PaymentRequestCommon


@tagged("post_install", "-at_install")
class TestSendPaymentRequest(PaymentRequestCommon, MockEmail):
    def test_send_by_mail(self):
        request = self.create_request(amount=300.0, send=False)
        action = request.action_send()
        composer_form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        self.assertIn(request.payment_reference, composer_form.body)
        self.assertIn("BE71 0961 2345 6769", composer_form.body)
        self.assertIn("data:image/png;base64", composer_form.body, "the EPC QR code is in the mail")
        self.assertIn(request.get_portal_url(), composer_form.body)
        composer = composer_form.save()
        with self.mock_mail_gateway():
            composer._action_send_mail()
        self.assertEqual(request.state, "sent")
        self.assertEqual(len(self._new_mails), 1)
        self.assertEqual(self._new_mails.recipient_ids, self.partner_a)
        message = request.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        self.assertTrue(message, "the mail is in the chatter")
        self.assertIn(self.partner_a, message.partner_ids)
        # Without wkhtmltopdf, test mode attaches the report's HTML instead of PDF.
        pdf = message.attachment_ids.filtered(lambda a: a.name.startswith("Payment Request "))
        self.assertEqual(len(pdf), 1, message.attachment_ids.mapped("name"))
        self.assertIn(request.name.replace("/", "_"), pdf.name)
        self.assertIn("image0", message.attachment_ids.mapped("name"), "the QR code travels inline")
        self.assertIn(request.payment_reference, message.body)
        self.assertIn("300.00", message.body)

    def test_pdf_renders_with_qr(self):
        request = self.create_request(amount=300.0)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("payment_request.action_report_payment_request", request.ids)[0]
            .decode()
        )
        self.assertIn(request.payment_reference, html)
        self.assertIn("BE71 0961 2345 6769", html)
        self.assertIn("o_payment_request_qr", html)
        self.assertIn('src="data:image/png;base64,', html)
        self.assertIn(self.order.name, html)

    def test_pdf_of_paid_request_asks_nothing(self):
        """A paid request's PDF (reprinted, or downloaded from the portal)
        shows what was received, and neither the transfer instruction nor a
        QR code that would have the customer pay again."""
        request = self.create_request(amount=300.0)
        self.register_payment(request)
        self.assertEqual(request.state, "paid")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("payment_request.action_report_payment_request", request.ids)[0]
            .decode()
        )
        self.assertIn(request.name, html)
        self.assertNotIn("o_payment_request_qr", html)
        self.assertNotIn("o_payment_request_iban", html)
        self.assertEqual(request._get_qr_amount(), 0.0)

    def test_epc_payload(self):
        request = self.create_request(amount=300.0)
        self.register_payment(request, amount=100.0)
        params = self.company_bank.with_context(payment_request_qr=True)._get_qr_code_generation_params(
            "sct_qr",
            f"{request._get_qr_amount():.2f}",
            request.currency_id,
            request.partner_id,
            request.name,
            request.payment_reference,
        )
        lines = params["value"].split("\n")
        self.assertEqual(lines[:4], ["BCD", "002", "1", "SCT"])
        self.assertEqual(lines[6], "BE71096123456769")
        self.assertEqual(lines[7], "EUR200.00", "the QR asks for the residual with 2 decimals")
        self.assertEqual(lines[9], request.payment_reference)
        self.assertEqual(params["barLevel"], "M")
