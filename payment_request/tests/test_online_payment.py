import json
import re
from types import SimpleNamespace
from urllib.parse import parse_qs, urlparse

from odoo import fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
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

    def age_transaction(self, tx, minutes=16):
        """Make ``tx`` as old as a draft left at the provider's form that long."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE payment_transaction SET create_date = create_date - make_interval(mins => %s) "
            "WHERE id = %s",
            (minutes, tx.id),
        )
        tx.invalidate_recordset(["create_date"])

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
        # Two tabs: both transactions were made while 300.00 was due (the
        # first tab was left open for longer than a draft holds its amount).
        first = self.create_transaction(request)
        self.age_transaction(first)
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

    def test_online_payment_blocks_cancel(self):
        request = self.create_request(amount=100.0)
        self.pay_online(request)
        with self.assertRaises(UserError) as caught:
            request.action_cancel()
        self.assertIs(type(caught.exception), UserError)
        self.assertIn(request.payment_ids.name, str(caught.exception))
        self.assertEqual(request.state, "paid")

    # Issue 23, item 2: payments in flight count ---------------------------

    def test_payment_in_progress_is_not_asked_again(self):
        """A transaction the provider is processing (pending, authorized, or
        done but not yet booked) counts: a second one may ask only the rest."""
        request = self.create_request(amount=500.0)
        first = self.create_transaction(request, 500.0)
        first._set_pending()
        with self.assertRaisesRegex(ValidationError, "is being processed"):
            self.create_transaction(request, 500.0)
        self.assertEqual(request._get_default_payment_link_values()["amount"], 0.0)
        first._set_done()
        with self.assertRaisesRegex(ValidationError, "is being processed"):
            self.create_transaction(request, 0.01)
        first._post_process()
        self.assertRecordValues(request, [{"state": "paid", "amount_paid": 500.0, "amount_residual": 0.0}])
        self.assertEqual(request.transaction_ids, first, "no second transaction")
        self.assertEqual(len(request.payment_ids), 1)

    def test_payment_in_progress_leaves_the_rest_payable(self):
        request = self.create_request(amount=500.0)
        self.create_transaction(request, 200.0)._set_pending()
        authorized = self.create_transaction(request, 100.0)
        authorized._set_authorized()
        self.assertEqual(request._get_online_amount_in_progress(), 300.0)
        with self.assertRaisesRegex(ValidationError, "at most 200.00"):
            request._check_online_payment_amount(200.01)
        rest = self.create_transaction(request, 200.0)
        self.assertEqual(rest.amount, 200.0)
        # A transaction the provider cancelled frees what it held; the fresh
        # draft of the rest holds its 200.00 (DRAFT_TX_HOLD).
        authorized._set_canceled()
        self.assertEqual(request._get_online_amount_in_progress(), 400.0)
        self.assertEqual(request._get_default_payment_link_values()["amount"], 100.0)

    def test_transaction_pays_one_request_in_its_currency(self):
        request = self.create_request(amount=300.0)
        other = self.create_request(amount=100.0)
        with self.assertRaises(ValidationError):
            self.env["payment.transaction"].sudo().create(
                {
                    "provider_id": self.provider.id,
                    "payment_method_id": self.demo_method.id,
                    "reference": "two-requests",
                    "amount": 100.0,
                    "currency_id": request.currency_id.id,
                    "partner_id": request.partner_id.id,
                    "payment_request_ids": [fields.Command.set((request | other).ids)],
                }
            )
        usd = self.env.ref("base.USD")
        usd.active = True
        with self.assertRaises(ValidationError):
            self.env["payment.transaction"].sudo().create(
                {
                    "provider_id": self.provider.id,
                    "payment_method_id": self.demo_method.id,
                    "reference": "other-currency",
                    "amount": 300.0,
                    "currency_id": (usd if request.currency_id != usd else self.env.ref("base.EUR")).id,
                    "partner_id": request.partner_id.id,
                    "payment_request_ids": [fields.Command.set(request.ids)],
                }
            )
        self.assertFalse(request.transaction_ids | other.transaction_ids)

    def test_money_beyond_the_request_is_booked_and_flagged(self):
        """Both transactions were made before either was processed (the first
        one's payer left its form for longer than a draft holds its amount):
        the money that really arrived is booked, never lost, and the
        salesperson is told."""
        request = self.create_request(amount=500.0)
        first = self.create_transaction(request, 500.0)
        self.age_transaction(first)
        second = self.create_transaction(request, 500.0)
        (first | second)._set_done()
        (first | second)._post_process()
        self.assertEqual((first | second).payment_id.mapped("state"), ["in_process", "in_process"])
        self.assertRecordValues(request, [{"amount_paid": 1000.0, "amount_residual": -500.0}])
        self.assertEqual(len(request.activity_ids), 1)
        self.assertIn("500.00", request.activity_ids.note)

    def test_a_fresh_draft_holds_its_amount(self):
        """Two payers at the provider's form at once (a card typed in): the
        second cannot start a payment of what the first one is paying, until
        the first one's draft is older than the hold (an abandoned form)."""
        request = self.create_request(amount=500.0)
        first = self.create_transaction(request, 500.0)
        self.assertEqual(request._get_online_amount_in_progress(), 500.0)
        with self.assertRaisesRegex(ValidationError, "is being processed"):
            self.create_transaction(request, 500.0)
        self.assertEqual(request.transaction_ids, first)
        self.age_transaction(first)
        self.assertEqual(request._get_online_amount_in_progress(), 0.0)
        second = self.create_transaction(request, 500.0)
        second._set_done()
        second._post_process()
        self.assertRecordValues(request, [{"amount_paid": 500.0, "amount_due": 0.0, "state": "paid"}])

    # Issue 23, item 6: the register wizard's provider path is gone --------

    def test_register_wizard_has_no_provider_path(self):
        """A billing user could register 50 on a cancelled request, pay a
        draft, or register 5,000 where 99 was due by naming a provider
        reference. Only online transactions book a provider's money now."""
        self.assertNotIn("provider_reference", self.env["payment.request.register"]._fields)
        self.assertNotIn("payment_request_provider_ref", self.env["account.payment"]._fields)
        billing = self.new_user("online_billing", "account.group_account_invoice")
        Wizard = self.env["payment.request.register"].with_user(billing)
        cancelled = self.create_request(amount=100.0)
        cancelled.action_cancel()
        draft = self.create_request(amount=100.0, send=False)
        quotation = self.create_order(self.partner_a, 1000.0, confirm=False)
        small = self.create_request(order=quotation, amount=99.0)
        with self.assertRaises(ValueError):
            Wizard.create({"payment_request_id": cancelled.id, "amount": 50.0, "provider_reference": "tr_X"})
        for request, amount, exception in (
            (cancelled, 50.0, UserError),
            (draft, 100.0, UserError),
            (small, 5000.0, ValidationError),
        ):
            wizard = Wizard.create({"payment_request_id": request.id, "amount": amount})
            with self.assertRaises(exception) as caught:
                wizard.action_register_payment()
            self.assertIs(type(caught.exception), exception)
        self.assertEqual((cancelled | draft | small).mapped("state"), ["cancel", "draft", "sent"])
        self.assertFalse((cancelled | draft | small).payment_ids)
        self.assertEqual(quotation.state, "draft", "nothing confirmed the quotation")

    # Issue 23, item 3: links bound to their request ----------------------

    def test_no_payment_link_for_a_draft_or_a_cancelled_request(self):
        draft = self.create_request(amount=300.0, send=False)
        cancelled = self.create_request(amount=300.0)
        cancelled.action_cancel()
        for request in draft | cancelled:
            wizard, link = self.payment_link(request)
            self.assertFalse(link, request.state)
            self.assertEqual(wizard.amount, 0.0)
        self.assertEqual((draft | cancelled).mapped("access_token"), [False, False], "no portal token made")

    def test_payment_link_token_covers_the_request(self):
        request = self.create_request(amount=300.0)
        other = self.create_request(amount=300.0)
        wizard, link = self.payment_link(request)
        token = parse_qs(urlparse(link).query)["access_token"][0]
        self.assertTrue(request._check_payment_link_access_token(token, 300.0))
        self.assertFalse(other._check_payment_link_access_token(token, 300.0), "same customer and amount")
        self.assertFalse(request._check_payment_link_access_token(token, 30.0))

    def test_payment_link_of_a_request_the_user_cannot_read(self):
        salesman = self.new_user("online_salesman", "sales_team.group_sale_salesman")
        own_order = self.create_order(self.partner_a, 1000.0, user_id=salesman.id)
        own = self.create_request(order=own_order, amount=300.0)
        others = self.create_request(order=self.create_order(self.partner_b, 1000.0), amount=300.0)
        self.env.invalidate_all()
        http._request_stack.push(SimpleNamespace(env=self.env, session=SimpleNamespace(debug="")))
        try:
            Wizard = self.env["payment.link.wizard"].with_user(salesman)
            wizard = Wizard.create(
                {
                    "res_model": "payment.request",
                    "res_id": own.id,
                    "amount": 300.0,
                    "partner_id": self.partner_b.id,
                }
            )
            query = parse_qs(urlparse(wizard.link).query)
            self.assertNotIn("partner_id", query, "the customer is the request's")
            self.assertTrue(own._check_payment_link_access_token(query["access_token"][0], 300.0))
            self.assertFalse(others._check_payment_link_access_token(query["access_token"][0], 300.0))
            with self.assertRaises(AccessError):
                Wizard.create({"res_model": "payment.request", "res_id": others.id, "amount": 300.0}).link  # noqa: B018
        finally:
            http._request_stack.pop()


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

    def jsonrpc_error(self, route, params):
        """Return (exception name, message) of a JSON-RPC call that fails."""
        payload = {"id": 0, "jsonrpc": "2.0", "method": "call", "params": params}
        with mute_logger("odoo.http"):
            response = self.url_open(route, json.dumps(payload), headers={"Content-Type": "application/json"})
        error = response.json()["error"]["data"]
        return error["name"], error["message"]

    def route_params(self, access_token, amount, **kwargs):
        return {
            "access_token": access_token,
            "amount": amount,
            "provider_id": self.provider.id,
            "payment_method_id": self.demo_method.id,
            "token_id": None,
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": "/",
            **kwargs,
        }

    # Issue 23, items 8 and 9: the transaction route ----------------------

    def test_transaction_route_unknown_id_and_bad_token_answer_alike(self):
        request = self.create_request(amount=300.0)
        request._portal_ensure_token()
        draft = self.create_request(amount=300.0, send=False)
        draft._portal_ensure_token()
        unknown = self.jsonrpc_error(
            "/my/payment_requests/999999/transaction", self.route_params(request.access_token, 300.0)
        )
        bad_token = self.jsonrpc_error(
            f"/my/payment_requests/{request.id}/transaction", self.route_params("wrong", 300.0)
        )
        drafted = self.jsonrpc_error(
            f"/my/payment_requests/{draft.id}/transaction", self.route_params(draft.access_token, 300.0)
        )
        self.assertEqual(unknown, bad_token)
        self.assertEqual(drafted, bad_token)
        self.assertEqual(unknown[0], "odoo.exceptions.ValidationError")
        self.assertFalse((request | draft).transaction_ids)

    def test_transaction_route_refuses_validation(self):
        request = self.create_request(amount=300.0)
        request._portal_ensure_token()
        name, message = self.jsonrpc_error(
            f"/my/payment_requests/{request.id}/transaction",
            self.route_params(request.access_token, 300.0, is_validation=True),
        )
        self.assertEqual(name, "odoo.exceptions.ValidationError")
        self.assertFalse(request.transaction_ids)
        self.assertFalse(
            self.env["payment.transaction"].search(
                [("operation", "=", "validation"), ("partner_id", "=", request.partner_id.id)]
            )
        )

    # Issue 23, item 2: payments in flight, through the portal -------------

    def test_saved_card_cannot_pay_more_than_asked(self):
        """A link holder pays with the customer's saved card: once, not three
        times, on a request for 1,500.00."""
        request = self.create_request(order=self.create_order(self.partner_a, 2000.0), amount=1500.0)
        request._portal_ensure_token()
        token = self.env["payment.token"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.demo_method.id,
                "partner_id": self.partner_a.id,
                "payment_details": "4242",
                "provider_ref": "saved-card",
                "demo_simulated_state": "done",
            }
        )
        route = f"/my/payment_requests/{request.id}/transaction"
        params = self.route_params(
            request.access_token, 1500.0, token_id=token.id, flow="token", payment_method_id=None
        )
        self.make_jsonrpc_request(route, params)
        tx = request.transaction_ids
        self.assertRecordValues(tx, [{"state": "done", "amount": 1500.0, "token_id": token.id}])
        for _attempt in range(2):
            name, message = self.jsonrpc_error(route, params)
            self.assertEqual(name, "odoo.exceptions.ValidationError")
            self.assertIn("is being processed", message)
        self.assertEqual(request.transaction_ids, tx, "one charge of the card")
        page = self.page(request)
        self.assertIn("o_payment_request_in_progress", page)
        self.assertNotIn("o_payment_form", page, "nothing more to pay now")
        tx._post_process()
        self.assertRecordValues(request, [{"state": "paid", "amount_paid": 1500.0, "amount_residual": 0.0}])
        self.assertNotIn("o_payment_request_in_progress", self.page(request))

    def test_page_asks_only_what_is_not_in_progress(self):
        request = self.create_request(amount=500.0)
        self.create_transaction(request, 200.0)._set_pending()
        page = self.page(request)
        self.assertEqual(self.form_amount(page), 300.0)
        self.assertIn("o_payment_request_in_progress", page)
        self.assertIn("200.00", page)
        with mute_logger("odoo.http"), self.assertRaisesRegex(JsonRpcException, "ValidationError"):
            self.transaction_route(request, 500.0)
        self.transaction_route(request, 300.0)
        self.assertEqual(sorted(request.transaction_ids.mapped("amount")), [200.0, 300.0])

    # Issue 23, item 3: links bound to their request, through the portal ---

    def test_payment_link_opens_only_its_request(self):
        """A link made for one request does not open another request of the
        same customer with the same amount, nor a draft (no portal token)."""
        before = self.create_request(amount=300.0)
        request = self.create_request(amount=300.0)
        after = self.create_request(amount=300.0)
        draft = self.create_request(amount=300.0, send=False)
        link = self.payment_link(request)[1].replace(request.get_base_url(), "")
        self.assertEqual(self.url_open(link, allow_redirects=False).status_code, 303)
        for other in before | after | draft:
            forged = link.replace(f"payment_request_id={request.id}", f"payment_request_id={other.id}")
            self.assertNotEqual(forged, link)
            response = self.url_open(forged, allow_redirects=False)
            self.assertEqual(response.status_code, 404, other.name)
        self.assertFalse(draft.access_token, "no portal token for a draft")
        request.action_cancel()
        self.assertEqual(self.url_open(link, allow_redirects=False).status_code, 404, "cancelled")

    def test_link_made_with_another_customer_opens_nothing_of_theirs(self):
        """A salesperson makes a link on his own request with another customer
        as partner: it opens neither that customer's request nor hands out its
        portal token."""
        salesman = self.new_user("online_link_salesman", "sales_team.group_sale_salesman")
        own = self.create_request(
            order=self.create_order(self.partner_a, 1000.0, user_id=salesman.id), amount=300.0
        )
        theirs = self.create_request(order=self.create_order(self.partner_b, 1000.0), amount=300.0)
        self.env.invalidate_all()
        http._request_stack.push(SimpleNamespace(env=self.env, session=SimpleNamespace(debug="")))
        try:
            wizard = (
                self.env["payment.link.wizard"]
                .with_user(salesman)
                .create(
                    {
                        "res_model": "payment.request",
                        "res_id": own.id,
                        "amount": 300.0,
                        "partner_id": self.partner_b.id,
                        "currency_id": own.currency_id.id,
                    }
                )
            )
            link = wizard.link.replace(own.get_base_url(), "")
        finally:
            http._request_stack.pop()
        forged = link.replace(f"payment_request_id={own.id}", f"payment_request_id={theirs.id}")
        forged += f"&partner_id={self.partner_b.id}&currency_id={own.currency_id.id}"
        response = self.url_open(forged, allow_redirects=False)
        self.assertEqual(response.status_code, 404)
        self.assertFalse(theirs.access_token, "its portal token was not made nor handed out")
        response = self.url_open(link, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn(f"/my/payment_requests/{own.id}?", response.headers["Location"])
