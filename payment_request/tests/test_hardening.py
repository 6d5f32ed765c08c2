"""One test per finding of the security review (issue 17): each shows the
attack or the bug refused."""

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from .common import PaymentRequestCommon


@tagged("post_install", "-at_install")
class TestHardening(PaymentRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = cls.new_user("hard_salesman", "sales_team.group_sale_salesman_all_leads")
        cls.billing = cls.new_user("hard_billing", "account.group_account_invoice")

    def assert_raises_exactly(self, exception_class, function, *args, **kwargs):
        with self.assertRaises(exception_class) as caught:
            function(*args, **kwargs)
        self.assertIs(type(caught.exception), exception_class, caught.exception)
        return caught.exception

    def link_bank_transaction(self, request, amount):
        st_line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank_journal.id,
                "date": fields.Date.today(),
                "amount": amount,
                "payment_ref": request.payment_reference,
            }
        )
        self.assertEqual(st_line.payment_request_ids, request, "linked by its structured reference")
        return st_line

    # Finding 1: fields only the workflow may change ------------------------

    def test_reference_cannot_be_chosen_or_changed(self):
        request = self.create_request(amount=300.0)
        reference = request.payment_reference
        other = self.create_request(amount=100.0)
        as_salesman = request.with_user(self.salesman)
        error = self.assert_raises_exactly(
            AccessError, as_salesman.write, {"payment_reference": other.payment_reference + " "}
        )
        self.assertIn("Structured Reference", str(error))
        Request = self.env["payment.request"].with_user(self.salesman)
        vals = {"sale_order_id": self.order.id, "amount": 10.0}
        self.assert_raises_exactly(
            AccessError, Request.create, {**vals, "payment_reference": "+++999/9999/99948+++"}
        )
        # Nor through a default in the context, which any RPC caller sets.
        self.assert_raises_exactly(
            AccessError,
            Request.with_context(default_payment_reference="+++999/9999/99948+++").create,
            vals,
        )
        self.assertEqual(request.payment_reference, reference)
        # A plain create still draws its own reference.
        created = Request.create(vals)
        self.assertTrue(created.payment_reference)

    def test_state_flags_cannot_skip_the_money_check(self):
        request = self.create_request(amount=1000.0)
        self.register_payment(request, amount=400.0)
        for vals in ({"is_cancelled": True}, {"is_sent": False}):
            self.assert_raises_exactly(AccessError, request.with_user(self.billing).write, vals)
        self.assertEqual(request.state, "partial")
        self.assertEqual(request.amount_paid, 400.0)
        error = self.assert_raises_exactly(UserError, request.with_user(self.billing).action_cancel)
        self.assertIn(request.payment_ids.name, str(error))
        self.assertEqual(request.state, "partial")

    def test_amounts_and_partner_frozen_once_sent(self):
        draft = self.create_request(amount=100.0, send=False)
        draft.with_user(self.salesman).write({"amount": 150.0, "partner_id": self.partner_b.id})
        self.assertEqual((draft.amount, draft.partner_id), (150.0, self.partner_b))
        sent = self.create_request(amount=100.0)
        for vals in (
            {"amount": 1.0},
            {"amount_type": "percentage", "percentage": 1.0},
            {"partner_id": self.partner_b.id},
            {"sale_order_id": self.create_order(self.partner_a, 500.0).id},
        ):
            self.assert_raises_exactly(AccessError, sent.with_user(self.salesman).write, vals)
        # Writing the value it already has is no change.
        sent.with_user(self.salesman).write({"amount": 100.0, "partner_id": self.partner_a.id})
        self.assertEqual((sent.amount, sent.partner_id), (100.0, self.partner_a))

    def test_no_stored_url_reaches_an_href(self):
        """The pay-online link of the mails, the PDF and the portal is the
        request's portal page, built by the server from its base URL and the
        access token: no URL is stored on the request for anyone to write."""
        request = self.create_request(amount=100.0)
        stored_urls = [
            name
            for name, field in request._fields.items()
            if field.store and field.type == "char" and name.endswith("url")
        ]
        self.assertEqual(stored_urls, [])
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("payment_request.action_report_payment_request", request.ids)[0]
            .decode()
        )
        self.assertNotIn("javascript:", html)

    # Finding 2: money that came by bank ------------------------------------

    def test_bank_money_blocks_cancel(self):
        order = self.create_order(self.partner_a, 1000.0)
        request = self.create_request(order=order, amount=1000.0)
        st_line = self.link_bank_transaction(request, 1000.0)
        self.assertEqual(request.state, "paid")
        error = self.assert_raises_exactly(UserError, request.with_user(self.salesman).action_cancel)
        self.assertIn(st_line.move_id.name, str(error), "the message names the transaction to unlink")
        self.assertEqual(request.state, "paid")
        # The customer is not asked to pay twice.
        with self.assertRaises(ValidationError):
            self.create_request(order=order, amount=1000.0)
        # Once the transaction is unlinked, the request can be cancelled.
        st_line.action_payment_request_unlink()
        request.action_cancel()
        self.assertEqual(request.state, "cancel")

    # Finding 3: cancelling the order --------------------------------------

    def test_cancelling_the_order_cancels_its_unpaid_requests(self):
        order = self.create_order(self.partner_a, 1000.0)
        sent = self.create_request(order=order, amount=300.0, auto_reminder=True)
        draft = self.create_request(order=order, amount=100.0, send=False)
        order.with_context(disable_cancel_warning=True).with_user(self.salesman).action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertEqual((sent | draft).mapped("state"), ["cancel", "cancel"])
        self.assertFalse(sent.next_reminder_date, "no more reminders")
        with self.assertRaises(UserError):
            self.register_payment(sent, amount=10.0)
        # Confirming the order again does not revive them.
        order.action_draft()
        order.action_confirm()
        self.assertEqual((sent | draft).mapped("state"), ["cancel", "cancel"])

    def test_order_with_paid_request_is_not_cancelled(self):
        order = self.create_order(self.partner_a, 1000.0)
        paid = self.create_request(order=order, amount=300.0)
        unpaid = self.create_request(order=order, amount=100.0)
        self.register_payment(paid, amount=50.0)
        error = self.assert_raises_exactly(
            UserError, order.with_context(disable_cancel_warning=True).action_cancel
        )
        self.assertIn(paid.name, str(error))
        self.assertNotIn(unpaid.name, str(error))
        self.assertEqual(order.state, "sale")
        self.assertEqual((paid.state, unpaid.state), ("partial", "sent"))

    # Finding 6: a guard the test names is the one that refuses ------------

    def test_payments_block_deletion_even_once_cancelled(self):
        request = self.create_request(amount=100.0)
        payment = self.register_payment(request)
        payment.action_draft()
        payment.action_cancel()
        request.action_cancel()
        self.assertEqual(request.state, "cancel", "the state alone would allow the deletion")
        error = self.assert_raises_exactly(UserError, request.with_user(self.salesman).unlink)
        self.assertIn("cancel it instead of deleting it", str(error))
        self.assertTrue(request.exists())

    # Finding 7: dependencies ----------------------------------------------

    def test_draft_amount_follows_the_order(self):
        order = self.create_order(self.partner_a, 1000.0, confirm=False)
        fixed = self.create_request(order=order, amount=210.0)
        remaining = self.env["payment.request"].create(
            {"sale_order_id": order.id, "amount_type": "remaining"}
        )
        self.assertEqual(remaining.amount, 1000.0, "1,210.00 less the 210.00 sent")
        percentage = self.env["payment.request"].create(
            {"sale_order_id": order.id, "amount_type": "percentage", "percentage": 10.0}
        )
        self.assertEqual(percentage.amount, 121.0)
        self.assertEqual(remaining.amount, 1210.0 - 210.0 - 121.0, "a new draft takes its share")
        order.order_line.price_unit = 2000.0
        self.assertEqual(order.amount_total, 2420.0)
        self.assertEqual(percentage.amount, 242.0)
        self.assertEqual(remaining.amount, 2420.0 - 210.0 - 242.0)
        self.assertEqual(fixed.amount, 210.0, "a sent request keeps its amount")
        # Cancelling another request frees its amount for the draft.
        fixed.action_cancel()
        self.assertEqual(remaining.amount, 2420.0 - 242.0)
        # Once sent, the amount no longer follows the order.
        remaining.action_mark_sent()
        order.order_line.price_unit = 3000.0
        self.env.invalidate_all()
        self.assertEqual(remaining.amount, 2420.0 - 242.0)


@tagged("post_install", "-at_install")
class TestHardeningPortalActions(PaymentRequestCommon):
    # Finding 4: a portal user cannot make the server act ------------------

    def test_portal_user_cannot_trigger_actions(self):
        contact = self.env["res.partner"].create({"name": "Contact of A", "parent_id": self.partner_a.id})
        portal = self.new_user("hard_portal", "base.group_portal", partner_id=contact.id)
        request = self.create_request(amount=300.0)
        as_portal = request.with_user(portal)
        self.assertEqual(as_portal.amount, 300.0, "the customer reads their request")
        for action in (
            "action_send",
            "action_mark_sent",
            "action_send_reminder",
            "action_register_payment",
            "action_cancel",
            "action_draft",
            "action_create_invoice",
            "action_view_invoices",
            "action_view_payments",
        ):
            with self.subTest(action=action):
                self.assert_raises_exactly(AccessError, getattr(as_portal, action))
        self.assertFalse(request.access_token, "no token was made")

    def assert_raises_exactly(self, exception_class, function, *args, **kwargs):
        with self.assertRaises(exception_class) as caught:
            function(*args, **kwargs)
        self.assertIs(type(caught.exception), exception_class, caught.exception)
        return caught.exception


@tagged("post_install", "-at_install")
class TestHardeningHttp(PaymentRequestCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        contact = cls.env["res.partner"].create(
            {"name": "Contact of A", "parent_id": cls.partner_a.id, "email": "contact@a.example.com"}
        )
        cls.portal_user = cls.new_user("hard_portal_web", "base.group_portal", partner_id=contact.id)
        cls.request_a = cls.create_request(amount=300.0)
        cls.request_b = cls.create_request(order=cls.create_order(cls.partner_b, 100.0), amount=60.0)

    # Finding 4, over the wire ---------------------------------------------

    def test_portal_user_call_kw_is_refused(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        for method in ("action_send", "action_cancel", "action_send_reminder"):
            with self.subTest(method=method), self.assertRaises(JsonRpcException) as caught:
                self.make_jsonrpc_request(
                    "/web/dataset/call_kw",
                    {
                        "model": "payment.request",
                        "method": method,
                        "args": [self.request_a.ids],
                        "kwargs": {},
                    },
                )
            self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")
        with self.assertRaises(JsonRpcException) as caught:
            self.make_jsonrpc_request(
                "/web/dataset/call_kw",
                {
                    "model": "payment.request",
                    "method": "write",
                    "args": [self.request_a.ids, {"is_cancelled": True}],
                    "kwargs": {},
                },
            )
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")
        self.assertEqual(self.request_a.state, "sent")
        self.assertFalse(self.request_a.access_token)

    # Finding 5: unknown ids and bad tokens answer alike -------------------

    def test_unknown_ids_and_bad_tokens_answer_alike(self):
        self.request_a._portal_ensure_token()
        draft = self.create_request(amount=10.0, send=False)
        draft._portal_ensure_token()
        missing_id = self.env["payment.request"].search([], order="id desc", limit=1).id + 1000
        urls = (
            f"/my/payment_requests/{self.request_a.id}?access_token=wrong",
            f"/my/payment_requests/{missing_id}?access_token=wrong",
            f"/my/payment_requests/{self.request_a.id}",
            f"/my/payment_requests/{missing_id}",
            draft.get_portal_url(),
        )
        answers = set()
        for url in urls:
            response = self.url_open(url, allow_redirects=False)
            answers.add((response.status_code, response.headers.get("Location", "").split("/", 3)[-1]))
        self.assertEqual(answers, {(303, "my")})
        # Logged in, another customer's request and an unknown id look the same.
        self.authenticate(self.portal_user.login, self.portal_user.login)
        answers = {
            (response.status_code, response.headers.get("Location", "").split("/", 3)[-1])
            for response in (
                self.url_open(f"/my/payment_requests/{self.request_b.id}", allow_redirects=False),
                self.url_open(f"/my/payment_requests/{missing_id}", allow_redirects=False),
            )
        }
        self.assertEqual(answers, {(303, "my")})
        response = self.url_open(f"/my/payment_requests/{self.request_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.request_a.payment_reference, response.text)
