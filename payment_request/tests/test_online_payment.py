import re
from types import SimpleNamespace
from urllib.parse import parse_qs, urlparse

from odoo import fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import PaymentRequestCommon


class OnlinePaymentCommon(PaymentRequestCommon):
    """Odoo's demo payment provider, enabled in test mode for the company on
    a bank journal of its own, as an Odoo user enables any provider."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider_journal = cls.env["account.journal"].create(
            {"name": "Online payments", "code": "ONL", "type": "bank", "company_id": cls.company.id}
        )
        cls.provider = (
            cls.env.ref("payment.payment_provider_demo")
            .sudo()
            .copy({"company_id": cls.company.id, "name": "Demo (payment requests)"})
        )
        cls.provider.write({"state": "test", "is_published": True, "journal_id": cls.provider_journal.id})
        cls.demo_method = cls.env.ref("payment_demo.payment_method_demo")

    def payment_link(self, request):
        """Drive *Generate a Payment Link* as a user would; the wizard signs
        its link within an HTTP request, which the web client always has."""
        http._request_stack.push(SimpleNamespace(env=self.env, session=SimpleNamespace(debug="")))
        try:
            wizard = Form(
                self.env["payment.link.wizard"].with_context(
                    active_model="payment.request", active_id=request.id
                )
            ).save()
            return wizard, wizard.link
        finally:
            http._request_stack.pop()

    def create_transaction(self, request, amount=None):
        """Create the draft transaction the portal's payment form creates."""
        return (
            self.env["payment.transaction"]
            .sudo()
            .create(
                {
                    "provider_id": self.provider.id,
                    "payment_method_id": self.demo_method.id,
                    "reference": self.env["payment.transaction"]._compute_reference(
                        "demo", payment_request_ids=[fields.Command.set(request.ids)]
                    ),
                    "amount": request.amount_residual if amount is None else amount,
                    "currency_id": request.currency_id.id,
                    "partner_id": request.partner_id.id,
                    "operation": "online_redirect",
                    "payment_request_ids": [fields.Command.set(request.ids)],
                }
            )
        )

    def pay_online(self, request, amount=None):
        """A transaction done at the provider, then post-processed."""
        tx = self.create_transaction(request, amount)
        tx._set_done()
        tx._post_process()
        return tx


@tagged("post_install", "-at_install")
class TestOnlinePayment(OnlinePaymentCommon):
    def test_paid(self):
        request = self.create_request(amount=300.0)
        tx = self.pay_online(request)
        self.assertTrue(tx.reference.startswith(request.name))
        payment = tx.payment_id
        self.assertRecordValues(
            payment,
            [
                {
                    "payment_request_id": request.id,
                    "amount": 300.0,
                    "payment_type": "inbound",
                    "journal_id": self.provider_journal.id,
                    "partner_id": self.partner_a.id,
                    "state": "in_process",
                }
            ],
        )
        self.assertEqual(request.payment_ids, payment)
        self.assertRecordValues(request, [{"state": "paid", "amount_paid": 300.0, "amount_residual": 0.0}])
        self.assertEqual(request.transaction_ids, tx)
        self.assertIn(tx.reference, request.message_ids.mapped("body")[0])
        self.assertAlmostEqual(sum(self.receivable_lines(request).mapped("balance")), -300.0)
        self.assertFalse(request.activity_ids, "nothing to tell the salesperson")

    def test_partial(self):
        request = self.create_request(amount=300.0)
        self.pay_online(request, 100.0)
        self.assertRecordValues(
            request, [{"state": "partial", "amount_paid": 100.0, "amount_residual": 200.0}]
        )
        self.assertEqual(request._get_default_payment_link_values()["amount"], 200.0)

    def test_overpaid_is_booked_and_flagged(self):
        request = self.create_request(amount=300.0)
        # Two tabs: both transactions were made while 300.00 was due.
        first = self.create_transaction(request)
        second = self.create_transaction(request)
        for tx in first | second:
            tx._set_done()
            tx._post_process()
        self.assertRecordValues(request, [{"state": "paid", "amount_paid": 600.0, "amount_residual": -300.0}])
        self.assertEqual(len(request.payment_ids), 2, "the money exists: both are booked")
        activity = request.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, request.user_id)
        self.assertIn("300.00", activity.note)

    def test_transaction_amount_rules(self):
        request = self.create_request(amount=300.0)
        with self.assertRaises(ValidationError):
            request._check_online_payment_amount(300.01)
        with self.assertRaises(ValidationError):
            request._check_online_payment_amount(0.0)
        request._check_online_payment_amount(300.0)
        request._check_online_payment_amount(120.0)
        request.action_cancel()
        with self.assertRaises(ValidationError):
            request._check_online_payment_amount(300.0)

    def test_payment_on_a_cancelled_request_is_not_taken_by_it(self):
        request = self.create_request(amount=300.0)
        tx = self.create_transaction(request)
        request.action_cancel()
        tx._set_done()
        tx._post_process()
        self.assertTrue(tx.payment_id, "the money is booked")
        self.assertFalse(tx.payment_id.payment_request_id)
        self.assertRecordValues(request, [{"state": "cancel", "amount_paid": 0.0}])
        self.assertEqual(len(request.activity_ids), 1)

    def test_no_delete_once_a_transaction_exists(self):
        request = self.create_request(amount=300.0)
        tx = self.create_transaction(request)
        tx._set_canceled()
        request.action_cancel()
        request.action_draft()
        with self.assertRaises(UserError):
            request.unlink()
        self.assertTrue(request.exists())
        untouched = self.create_request(amount=50.0, send=False)
        untouched.unlink()

    def test_pay_online_url_in_mail_and_pdf(self):
        request = self.create_request(amount=300.0)
        url = request._get_pay_online_url()
        self.assertTrue(url.startswith(request.get_base_url() + f"/my/payment_requests/{request.id}?"))
        self.assertIn(f"access_token={request.access_token}", url)
        action = request.action_send()
        composer = Form(self.env[action["res_model"]].with_context(**action["context"]))
        self.assertIn(url.replace("&", "&amp;"), composer.body)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("payment_request.action_report_payment_request", request.ids)[0]
            .decode()
        )
        self.assertIn("o_payment_request_pay_online_qr", html)
        self.provider.state = "disabled"
        self.assertEqual(request._get_pay_online_url(), "", "no provider, no link")
        self.provider.state = "test"
        self.pay_online(request)
        self.assertEqual(request._get_pay_online_url(), "", "nothing due, no link")

    def test_first_mail_carries_the_pay_online_link(self):
        """Send on a draft: the mail that sends the request already offers
        to pay it online, and the link opens the request's payment form."""
        request = self.create_request(amount=300.0, send=False)
        action = request.action_send()
        composer = self.env[action["res_model"]].with_context(**action["context"]).create({})
        self.assertIn(f"/my/payment_requests/{request.id}?", composer.body)
        self.assertIn("payment_request_pay", composer.body)
        composer._action_send_mail()
        self.assertEqual(request.state, "sent")
        self.assertTrue(request._get_pay_online_url())

    def test_payment_link_wizard(self):
        request = self.create_request(amount=300.0)
        self.register_payment(request, amount=100.0)
        wizard, link = self.payment_link(request)
        self.assertEqual(wizard.amount, 200.0)
        self.assertEqual(wizard.partner_id, self.partner_a)
        query = parse_qs(urlparse(link).query)
        self.assertEqual(query["payment_request_id"], [str(request.id)])


@tagged("post_install", "-at_install")
class TestQuotationConfirmation(OnlinePaymentCommon):
    def quotation_request(self, amount=300.0):
        quotation = self.create_order(self.partner_a, 1000.0, confirm=False)
        return self.create_request(order=quotation, amount=amount)

    def test_online_payment_confirms(self):
        request = self.quotation_request()
        self.pay_online(request, 100.0)
        self.assertEqual(request.sale_order_id.state, "draft", "partly paid: still a quotation")
        self.pay_online(request, 200.0)
        self.assertEqual(request.sale_order_id.state, "sale")

    def test_registered_payment_confirms(self):
        request = self.quotation_request()
        self.register_payment(request)
        self.assertEqual(request.state, "paid")
        self.assertEqual(request.sale_order_id.state, "sale")

    def test_bank_transaction_confirms(self):
        request = self.quotation_request()
        st_line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank_journal.id,
                "date": fields.Date.today(),
                "amount": 300.0,
                "payment_ref": request.payment_reference,
            }
        )
        self.assertEqual(st_line.payment_request_ids, request, "linked by its structured reference")
        self.assertEqual(request.state, "paid")
        self.assertEqual(request.sale_order_id.state, "sale")

    def test_setting_off_keeps_the_quotation(self):
        self.company.payment_request_confirm_order = False
        online = self.quotation_request()
        self.pay_online(online)
        registered = self.quotation_request()
        self.register_payment(registered)
        banked = self.quotation_request()
        self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank_journal.id,
                "date": fields.Date.today(),
                "amount": 300.0,
                "payment_ref": banked.payment_reference,
            }
        )
        requests = online | registered | banked
        self.assertEqual(requests.mapped("state"), ["paid", "paid", "paid"])
        self.assertEqual(requests.sale_order_id.mapped("state"), ["draft", "draft", "draft"])


@tagged("post_install", "-at_install")
class TestPortalPayment(OnlinePaymentCommon, HttpCase):
    def page(self, request):
        response = self.url_open(request.get_portal_url())
        self.assertEqual(response.status_code, 200)
        return response.text

    def form_amount(self, page):
        match = re.search(r'id="o_payment_form"[^>]*data-amount="([0-9.]+)"', page, re.S) or re.search(
            r'data-amount="([0-9.]+)"[^>]*id="o_payment_form"', page, re.S
        )
        return match and float(match.group(1))

    def transaction_route(self, request, amount):
        return self.make_jsonrpc_request(
            request.get_portal_url(suffix="/transaction").split("?")[0],
            {
                "access_token": request.access_token,
                "amount": amount,
                "provider_id": self.provider.id,
                "payment_method_id": self.demo_method.id,
                "token_id": None,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": request.get_portal_url(),
            },
        )

    def test_form_asks_the_residual(self):
        request = self.create_request(amount=300.0)
        self.assertEqual(self.form_amount(self.page(request)), 300.0)
        self.pay_online(request, 100.0)
        page = self.page(request)
        self.assertEqual(self.form_amount(page), 200.0, "after a partial payment, only the residual")
        self.assertIn(f'data-provider-id="{self.provider.id}"', page, "the company's provider is offered")
        with mute_logger("odoo.http"), self.assertRaisesRegex(JsonRpcException, "ValidationError"):
            self.transaction_route(request, 300.0)
        self.assertEqual(len(request.transaction_ids), 1, "no transaction for more than the residual")
        processing = self.transaction_route(request, 200.0)
        tx = self.env["payment.transaction"].search([("reference", "=", processing["reference"])])
        self.assertEqual(tx.payment_request_ids, request)
        self.assertEqual(tx.amount, 200.0)

    def test_transaction_route_needs_the_requests_token(self):
        request = self.create_request(amount=300.0)
        other = self.create_request(order=self.create_order(self.partner_b, 100.0), amount=50.0)
        other._portal_ensure_token()
        with mute_logger("odoo.http"), self.assertRaisesRegex(JsonRpcException, "ValidationError"):
            self.make_jsonrpc_request(
                f"/my/payment_requests/{request.id}/transaction",
                {
                    "access_token": other.access_token,
                    "amount": 300.0,
                    "provider_id": self.provider.id,
                    "payment_method_id": self.demo_method.id,
                    "token_id": None,
                    "flow": "direct",
                    "tokenization_requested": False,
                    "landing_route": "/",
                },
            )
        self.assertFalse(request.transaction_ids)

    def test_no_form_when_nothing_is_due(self):
        paid = self.create_request(amount=100.0)
        self.pay_online(paid)
        cancelled = self.create_request(amount=50.0)
        cancelled.action_cancel()
        done = self.create_request(order=self.create_order(self.partner_a, 100.0), amount=60.0)
        self.register_payment(done)
        self.invoice_requests(done)
        self.assertEqual((paid | cancelled | done).mapped("state"), ["paid", "cancel", "done"])
        for request in paid | cancelled | done:
            page = self.page(request)
            self.assertNotIn("o_payment_form", page, request.state)
            self.assertNotIn('id="payment_request_pay"', page, request.state)
            with mute_logger("odoo.http"), self.assertRaisesRegex(JsonRpcException, "ValidationError"):
                self.transaction_route(request, 10.0)
            self.assertEqual(len(request.transaction_ids), 1 if request.state == "paid" else 0)

    def test_payment_link_opens_the_request_page(self):
        request = self.create_request(amount=300.0)
        link = self.payment_link(request)[1].replace(request.get_base_url(), "")
        response = self.url_open(link, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn(f"/my/payment_requests/{request.id}?access_token=", response.headers["Location"])
        self.pay_online(request)
        page = self.url_open(link).text
        self.assertNotIn("o_payment_form", page, "a paid request's link asks nothing")
        forged = link.replace("amount=300.0", "amount=3.0")
        self.assertEqual(self.url_open(forged).status_code, 404)

    def test_portal_payment_tour(self):
        request = self.create_request(amount=300.0)
        self.start_tour(request.get_portal_url(), "payment_request_portal_pay_online_tour")
        self.assertRecordValues(request, [{"state": "paid", "amount_residual": 0.0}])
        self.assertEqual(request.payment_ids.journal_id, self.provider_journal)
