from lxml import etree

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from ..models.payment_request import PaymentRequest
from ..tools import is_valid_ogm, is_valid_rf
from .common import PaymentRequestCommon


@tagged("post_install", "-at_install")
class TestPaymentRequest(PaymentRequestCommon):
    def _request_form(self, order=None):
        action = (order or self.order).action_create_payment_request()
        return Form(self.env["payment.request"].with_context(**action["context"]))

    def test_create_minimal_fills_itself(self):
        request = self.env["payment.request"].create({"sale_order_id": self.order.id, "amount": 300})
        self.assertEqual(request.partner_id, self.order.partner_invoice_id)
        self.assertEqual(request.currency_id, self.order.currency_id)
        self.assertEqual(request.company_id, self.order.company_id)
        self.assertEqual(request.user_id, self.order.user_id)
        self.assertEqual(request.state, "draft")
        self.assertEqual(request.amount_residual, 300.0)
        self.assertRegex(request.name, r"^PR/\d{4}/\d{5}$")
        self.assertTrue(is_valid_ogm(request.payment_reference), request.payment_reference)
        self.assertEqual(
            request.date_due,
            fields.Date.add(fields.Date.context_today(request), days=self.company.payment_request_due_days),
        )

    def test_full_remaining_amount(self):
        request_form = self._request_form()
        self.assertEqual(request_form.amount_type, "remaining")
        self.assertEqual(request_form.amount, 1210.0)
        request = request_form.save()
        self.assertEqual(request.amount, 1210.0)
        self.assertEqual(self.order.payment_request_count, 1)

    def test_percentage_amount(self):
        request_form = self._request_form()
        request_form.amount_type = "percentage"
        request_form.percentage = 30
        self.assertEqual(request_form.amount, 363.0)
        request = request_form.save()
        self.assertEqual(request.amount, 363.0)

    def test_fixed_amount(self):
        request_form = self._request_form()
        request_form.amount_type = "fixed"
        request_form.amount = 250.0
        request = request_form.save()
        self.assertEqual(request.amount, 250.0)

    def test_two_partial_requests_and_remaining(self):
        first = self.create_request(amount=500.0)
        request_form = self._request_form()
        self.assertEqual(request_form.amount, 710.0, "the remaining amount leaves out the first request")
        second = request_form.save()
        self.assertEqual(self.order.payment_request_ids, first | second)
        self.assertEqual(self.order.payment_request_count, 2)
        self.assertEqual(self.order.payment_request_amount_residual, 500.0, "only sent requests are due")
        second.action_mark_sent()
        self.assertEqual(self.order.payment_request_amount_residual, 1210.0)

    def test_quotation_gets_a_request(self):
        quotation = self.create_order(self.partner_a, 200.0, confirm=False)
        request = self.create_request(order=quotation, amount=100.0)
        self.assertEqual(request.state, "sent")

    def _assert_refused(self, error_class, vals, message):
        count = self.env["payment.request"].search_count([])
        with self.assertRaisesRegex(error_class, message):
            with self.env.cr.savepoint():
                self.env["payment.request"].create({"sale_order_id": self.order.id, **vals})
        self.assertEqual(self.env["payment.request"].search_count([]), count)

    def test_rules(self):
        self._assert_refused(ValidationError, {"amount": 0.0}, "above zero")
        self._assert_refused(ValidationError, {"amount": -5.0}, "above zero")
        self._assert_refused(ValidationError, {"amount": 1210.01}, "more than the order total")
        other_currency = self.setup_other_currency("USD")
        self._assert_refused(
            ValidationError, {"amount": 10.0, "currency_id": other_currency.id}, "currency of its order"
        )
        self._assert_refused(
            ValidationError, {"amount_type": "percentage", "percentage": 120.0}, "at most 100"
        )

    def test_total_over_several_requests_refused(self):
        first = self.create_request(amount=1000.0)
        with self.assertRaisesRegex(ValidationError, "more than the order total"):
            with self.env.cr.savepoint():
                self.create_request(amount=300.0)
        self.assertEqual(self.order.payment_request_ids, first)
        # A cancelled request no longer counts.
        first.action_cancel()
        second = self.create_request(amount=1210.0)
        self.assertEqual(second.amount, 1210.0)
        with self.assertRaisesRegex(ValidationError, "more than the order total"):
            with self.env.cr.savepoint():
                first.action_draft()

    def test_increase_amount_of_existing_request_refused(self):
        request = self.create_request(amount=1000.0, send=False)
        with self.assertRaisesRegex(ValidationError, "more than the order total"):
            with self.env.cr.savepoint():
                request.amount = 1300.0
        self.assertEqual(request.amount, 1000.0)

    def test_cancelled_order_refused(self):
        order = self.create_order(self.partner_a, 100.0, confirm=False)
        order._action_cancel()
        with self.assertRaisesRegex(ValidationError, "is cancelled"):
            with self.env.cr.savepoint():
                self.create_request(order=order, amount=10.0)
        self.assertFalse(order.payment_request_ids)

    def test_base_builds_an_rf_reference(self):
        """The base addon builds an ISO 11649 reference whatever the country;
        only l10n_be_payment_request gives a Belgian company an OGM."""
        request = self.create_request(amount=100.0)
        reference = PaymentRequest._build_payment_reference(request)
        self.assertTrue(is_valid_rf(reference), reference)
        self.assertEqual(reference.replace(" ", "")[4:], f"9{request.id:08d}")

    def test_non_belgian_company_gets_rf(self):
        company_data = self.setup_other_company(name="US company", country_id=self.env.ref("base.us").id)
        company = company_data["company"]
        self.assertNotEqual(company.account_fiscal_country_id.code, "BE")
        request = self.create_company_request(company, 50.0)
        self.assertTrue(request.payment_reference.startswith("RF"))
        self.assertTrue(is_valid_rf(request.payment_reference), request.payment_reference)
        # Each company numbers its own requests.
        self.assertTrue(request.name.endswith("/00001"), request.name)

    def test_cancel_and_reset(self):
        request = self.create_request(amount=100.0)
        request.action_cancel()
        self.assertEqual(request.state, "cancel")
        request.action_draft()
        self.assertEqual(request.state, "draft")
        with self.assertRaisesRegex(UserError, "Only a cancelled"):
            request.action_draft()

    def test_cancel_refused_once_money_received(self):
        request = self.create_request(amount=100.0)
        self.register_payment(request, amount=40.0)
        with self.assertRaisesRegex(UserError, "has received money"):
            request.action_cancel()
        self.assertEqual(request.state, "partial")

    def test_unlink(self):
        draft = self.create_request(amount=100.0, send=False)
        draft.unlink()
        self.assertFalse(draft.exists())
        sent = self.create_request(amount=100.0)
        with self.assertRaisesRegex(UserError, "cancel it instead"):
            sent.unlink()

    def test_outstanding_filter(self):
        draft = self.create_request(amount=100.0, send=False)
        sent = self.create_request(amount=100.0)
        partial = self.create_request(amount=100.0)
        paid = self.create_request(amount=100.0)
        cancelled = self.create_request(amount=100.0)
        self.register_payment(partial, amount=10.0)
        self.register_payment(paid)
        cancelled.action_cancel()
        self.assertEqual(
            (draft | sent | partial | paid | cancelled).mapped("state"),
            ["draft", "sent", "partial", "paid", "cancel"],
        )
        action = self.env.ref("payment_request.payment_request_action")
        search_view = self.env.ref("payment_request.payment_request_view_search")
        self.assertEqual(action.search_view_id, search_view)
        # Evaluate the filter the user clicks, as the web client does.
        arch = etree.fromstring(search_view.arch)
        domain = safe_eval(arch.xpath("//filter[@name='outstanding']")[0].get("domain"))
        outstanding = self.env["payment.request"].search([("sale_order_id", "=", self.order.id), *domain])
        self.assertEqual(outstanding, sent | partial)
        overdue = self.env["payment.request"].search(
            [("sale_order_id", "=", self.order.id), ("is_overdue", "=", True)]
        )
        self.assertFalse(overdue)
        sent.date_due = fields.Date.subtract(fields.Date.today(), days=1)
        overdue = self.env["payment.request"].search(
            [("sale_order_id", "=", self.order.id), ("is_overdue", "=", True)]
        )
        self.assertEqual(overdue, sent)
        not_overdue = self.env["payment.request"].search(
            [("sale_order_id", "=", self.order.id), ("is_overdue", "=", False)]
        )
        self.assertEqual(not_overdue, draft | partial | paid | cancelled)
