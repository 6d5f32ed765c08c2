from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools import mute_logger

from .common import PaymentRequestCommon
from .fake_mollie import FakeMollie

WEBHOOK = "/payment_request/mollie/webhook"


class MollieCommon(PaymentRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mollie = FakeMollie().start()
        cls.addClassCleanup(cls.mollie.stop)
        icp = cls.env["ir.config_parameter"].sudo()
        icp.set_param("payment_request.mollie_api_endpoint", cls.mollie.url)
        icp.set_param("payment_request.mollie_timeout", "1")
        cls.mollie_journal = cls.env["account.journal"].create(
            {"name": "Mollie", "code": "MOL", "type": "bank", "company_id": cls.company.id}
        )
        cls.company.write(
            {
                "payment_request_mollie_enabled": True,
                "payment_request_mollie_api_key": FakeMollie.API_KEY,
                "payment_request_mollie_journal_id": cls.mollie_journal.id,
            }
        )

    def setUp(self):
        super().setUp()
        self.mollie.reset()

    def sent_request(self, amount=300.0):
        request = self.create_request(amount=amount, send=False)
        request.action_send()
        request.action_mark_sent()
        return request

    def token(self, request):
        return request.sudo().mollie_token


@tagged("post_install", "-at_install")
class TestMollie(MollieCommon):
    def test_link_created_on_send(self):
        request = self.create_request(amount=300.0, send=False)
        action = request.action_send()
        self.assertEqual(len(self.mollie.links), 1)
        link = self.mollie.links[request.mollie_link_id]
        self.assertEqual(link["amount"], {"currency": "EUR", "value": "300.00"})
        self.assertEqual(link["description"], request.payment_reference)
        self.assertTrue(link["redirectUrl"].endswith(request.get_portal_url()))
        self.assertEqual(link["webhookUrl"], f"{request.get_base_url()}{WEBHOOK}?ref={self.token(request)}")
        self.assertEqual(request.mollie_link_url, link["_links"]["paymentLink"]["href"])
        self.assertEqual(request.mollie_link_amount, 300.0)
        composer = Form(self.env[action["res_model"]].with_context(**action["context"]))
        self.assertIn(request.mollie_link_url, composer.body, "the mail carries the link")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("payment_request.action_report_payment_request", request.ids)[0]
            .decode()
        )
        self.assertIn(request.mollie_link_url, html)
        self.assertIn("o_payment_request_mollie_qr", html, "the PDF carries the link as a QR code")
        # Sending again for the same amount reuses the link.
        request.action_send()
        self.assertEqual(len(self.mollie.links), 1)

    def test_new_link_for_a_changed_residual_at_reminder(self):
        request = self.sent_request()
        first_link = request.mollie_link_id
        self.register_payment(request, amount=100.0)
        request._send_reminders()
        self.assertNotEqual(request.mollie_link_id, first_link)
        self.assertEqual(self.mollie.links[request.mollie_link_id]["amount"]["value"], "200.00")

    def test_process_paid_payment_once(self):
        request = self.sent_request()
        tr_id = self.mollie.add_payment(request.mollie_link_id, status="paid", method="bancontact")
        for _ in range(3):
            self.assertEqual(request._mollie_process_webhook(self.token(request), tr_id), "ok")
        self.assertEqual(len(request.payment_ids), 1, "the same webhook three times: one payment")
        payment = request.payment_ids
        self.assertRecordValues(
            payment,
            [
                {
                    "amount": 300.0,
                    "journal_id": self.mollie_journal.id,
                    "payment_type": "inbound",
                    "payment_request_provider_ref": tr_id,
                    "state": "in_process",
                }
            ],
        )
        self.assertIn(tr_id, payment.memo)
        self.assertEqual(request.state, "paid")
        self.assertFalse(self.receivable_lines(request).reconciled, "an outstanding credit until invoiced")

    def test_partial_refund_and_chargeback(self):
        request = self.sent_request()
        tr_id = self.mollie.add_payment(request.mollie_link_id, status="paid")
        request._mollie_process_webhook(self.token(request), tr_id)
        self.assertEqual(request.state, "paid")

        self.mollie.update_payment(tr_id, refunded="100.00")
        request._mollie_process_webhook(self.token(request), tr_id)
        request._mollie_process_webhook(self.token(request), tr_id)
        refunds = request.payment_ids.filtered(lambda p: p.payment_type == "outbound")
        self.assertEqual(refunds.mapped("amount"), [100.0], "one refund, however often Mollie calls")
        self.assertEqual(refunds.journal_id, self.mollie_journal)
        self.assertEqual(request.amount_paid, 200.0)
        self.assertEqual(request.state, "partial")
        self.assertIn("refund", request.message_ids[0].body)

        self.mollie.update_payment(tr_id, refunded="150.00")
        request._mollie_process_webhook(self.token(request), tr_id)
        refunds = request.payment_ids.filtered(lambda p: p.payment_type == "outbound")
        self.assertEqual(sorted(refunds.mapped("amount")), [50.0, 100.0])
        self.assertEqual(request.amount_paid, 150.0)

        self.mollie.update_payment(tr_id, charged_back="150.00")
        request._mollie_process_webhook(self.token(request), tr_id)
        self.assertEqual(request.amount_paid, 0.0)
        self.assertEqual(request.state, "sent")
        for move in request.payment_ids.move_id:
            self.assertAlmostEqual(sum(move.line_ids.mapped("balance")), 0.0)

    def test_failed_payments_change_nothing(self):
        request = self.sent_request()
        for status in ("expired", "canceled", "failed", "open"):
            tr_id = self.mollie.add_payment(request.mollie_link_id, status=status)
            self.assertEqual(request._mollie_process_webhook(self.token(request), tr_id), "ok")
        self.assertFalse(request.payment_ids)
        self.assertEqual(request.state, "sent")
        self.assertIn("nothing was received", request.message_ids[0].body)

    def test_unknown_token_or_id(self):
        request = self.sent_request()
        tr_id = self.mollie.add_payment(request.mollie_link_id, status="paid")
        Request = self.env["payment.request"]
        self.assertEqual(Request._mollie_process_webhook("wrong-token", tr_id), "ok")
        self.assertEqual(Request._mollie_process_webhook(self.token(request), "tr_unknown123"), "ok")
        self.assertEqual(Request._mollie_process_webhook(self.token(request), "not-an-id"), "ok")
        self.assertEqual(Request._mollie_process_webhook(None, None), "ok")
        self.assertFalse(request.payment_ids)
        # A payment of another request's link does not pay this one.
        other = self.sent_request(amount=100.0)
        other_tr = self.mollie.add_payment(other.mollie_link_id, status="paid")
        self.assertEqual(Request._mollie_process_webhook(self.token(request), other_tr), "ok")
        self.assertFalse(request.payment_ids)

    @mute_logger("odoo.addons.payment_request.models.payment_request_mollie")
    def test_mollie_errors(self):
        request = self.sent_request()
        tr_id = self.mollie.add_payment(request.mollie_link_id, status="paid")
        token = self.token(request)
        for status in (500, 503):
            self.mollie.fail_next(status)
            self.assertEqual(request._mollie_process_webhook(token, tr_id), "retry", "Mollie retries later")
        self.mollie.delay_next(2)
        self.assertEqual(request._mollie_process_webhook(token, tr_id), "retry", "a timeout is retried")
        self.assertFalse(request.payment_ids)

        other = self.create_request(amount=50.0, send=False)
        self.mollie.fail_next(422, detail="The amount is invalid")
        with self.assertRaisesRegex(UserError, "Mollie answered 422: The amount is invalid"):
            other.action_send()
        self.mollie.fail_next(500)
        with self.assertRaisesRegex(UserError, "Mollie answered 500"):
            other.action_send()
        self.company.payment_request_mollie_api_key = "test_rejectedbymollie"
        with self.assertRaisesRegex(UserError, "Mollie answered 401"):
            other.action_send()
        self.assertFalse(other.mollie_link_id)
        self.assertEqual(other.state, "draft")

    def test_api_key_rules_and_secrecy(self):
        with self.assertRaisesRegex(ValidationError, "test_ or live_"):
            self.company.payment_request_mollie_api_key = "sk_notamolliekey"
        billing = self.new_user("mollie_billing", "account.group_account_manager,base.group_erp_manager")
        with self.assertRaises(AccessError):
            self.company.with_user(billing).read(["payment_request_mollie_api_key"])

    def test_connection_button(self):
        settings = self.env["res.config.settings"].create({})
        result = settings.action_payment_request_mollie_test()
        self.assertEqual(result["params"]["type"], "success")
        self.company.payment_request_mollie_api_key = "test_rejectedbymollie"
        with self.assertRaisesRegex(UserError, "401"):
            self.env["res.config.settings"].create({}).action_payment_request_mollie_test()

    def test_sync_cron(self):
        request = self.sent_request()
        self.mollie.add_payment(request.mollie_link_id, status="paid")
        self.env["payment.request"]._cron_mollie_sync()
        self.assertEqual(request.state, "paid")
        self.env["payment.request"]._cron_mollie_sync()
        self.assertEqual(len(request.payment_ids), 1)


@tagged("post_install", "-at_install")
class TestMollieWebhookRoute(MollieCommon, HttpCase):
    def post(self, token, data=None, **kwargs):
        url = WEBHOOK + (f"?ref={token}" if token else "")
        return self.url_open(url, data=data, **kwargs)

    def test_webhook_route(self):
        request = self.sent_request()
        tr_id = self.mollie.add_payment(request.mollie_link_id, status="paid")
        token = self.token(request)
        for _ in range(2):
            response = self.post(token, {"id": tr_id})
            self.assertEqual(response.status_code, 200)
        self.assertEqual(len(request.payment_ids), 1)
        self.assertEqual(request.state, "paid")

    def test_hostile_calls(self):
        request = self.sent_request()
        token = self.token(request)
        cases = [
            (self.post(token, {"id": "tr_doesnotexist"}), 200),
            (self.post(token, {"other": "1"}), 200),
            (self.post("bad-token", {"id": "tr_x"}), 200),
            (self.post(None, {"id": "tr_x"}), 200),
            (self.post(token, data='{"id": "tr_x"}', headers={"Content-Type": "application/json"}), 200),
            (self.post(token, {"id": "tr_" + "x" * 10000}), 413),
            (self.url_open(f"{WEBHOOK}?ref={token}"), 405),
        ]
        for response, status in cases:
            self.assertEqual(response.status_code, status, response.text[:200])
            self.assertNotIn("Traceback", response.text)
        self.mollie.fail_next(500)
        tr_id = self.mollie.add_payment(request.mollie_link_id, status="paid")
        with mute_logger("odoo.addons.payment_request.models.payment_request_mollie"):
            response = self.post(token, {"id": tr_id})
        self.assertEqual(response.status_code, 503, "Mollie is asked to retry")
        self.assertFalse(request.payment_ids)
