from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PaymentRequestCommon


@tagged("post_install", "-at_install")
class TestPaymentRequestSecurity(PaymentRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = cls.new_user("pr_salesman", "sales_team.group_sale_salesman")
        cls.other_salesman = cls.new_user("pr_other_salesman", "sales_team.group_sale_salesman")
        cls.own_order = cls.create_order(cls.partner_a, 100.0, user_id=cls.salesman.id)
        cls.other_order = cls.create_order(cls.partner_b, 100.0, user_id=cls.other_salesman.id)
        cls.own_request = cls.create_request(order=cls.own_order, amount=50.0)
        cls.other_request = cls.create_request(order=cls.other_order, amount=50.0)

    def test_salesman_own_documents(self):
        requests = self.env["payment.request"].with_user(self.salesman)
        self.assertIn(self.own_request, requests.search([]))
        self.assertNotIn(self.other_request, requests.search([]))
        with self.assertRaises(AccessError):
            self.other_request.with_user(self.salesman).read(["amount"])
        # They create and send requests of their own orders.
        created = requests.create({"sale_order_id": self.own_order.id, "amount": 10.0})
        created.action_mark_sent()
        self.assertEqual(created.state, "sent")
        self.assertEqual(created.user_id, self.salesman)

    def test_salesman_all_documents(self):
        manager = self.new_user("pr_sales_all", "sales_team.group_sale_salesman_all_leads")
        found = self.env["payment.request"].with_user(manager).search([])
        self.assertIn(self.own_request, found)
        self.assertIn(self.other_request, found)

    def test_other_company_sees_nothing(self):
        other_company = self.setup_other_company(name="Other company")["company"]
        outsider = self.new_user(
            "pr_outsider",
            "sales_team.group_sale_salesman_all_leads,account.group_account_invoice",
            company=other_company,
        )
        self.assertFalse(self.env["payment.request"].with_user(outsider).search([]))
        with self.assertRaises(AccessError):
            self.own_request.with_user(outsider).read(["amount"])

    def test_portal_user_sees_own_commercial_partner_only(self):
        contact = self.env["res.partner"].create(
            {"name": "Contact of A", "parent_id": self.partner_a.id, "email": "contact@a.example.com"}
        )
        portal_user = self.new_user("pr_portal", "base.group_portal", partner_id=contact.id)
        requests = self.env["payment.request"].with_user(portal_user)
        self.assertEqual(requests.search([]), self.own_request | self.order.payment_request_ids)
        self.assertEqual(self.own_request.with_user(portal_user).amount, 50.0)
        with self.assertRaises(AccessError):
            self.other_request.with_user(portal_user).read(["amount"])
        with self.assertRaises(AccessError):
            self.own_request.with_user(portal_user).write({"amount": 1.0})
        draft = self.create_request(order=self.own_order, amount=10.0, send=False)
        self.assertNotIn(draft, requests.search([]), "drafts are not shown to customers")

    def test_billing_actions_in_the_action_menu_of_billing_users_only(self):
        billing = self.new_user("pr_billing", "sales_team.group_sale_salesman,account.group_account_invoice")
        actions = self.env["ir.actions.actions"]
        invoice_action = self.env.ref("payment_request.payment_request_invoice_action")
        link_action = self.env.ref("payment_request.payment_request_link_action")

        def bound(user, model):
            bindings = actions.with_user(user).get_bindings(model)
            return {action["id"] for action in bindings.get("action", [])}

        self.assertNotIn(invoice_action.id, bound(self.salesman, "payment.request"))
        self.assertIn(invoice_action.id, bound(billing, "payment.request"))
        self.assertIn(link_action.id, bound(billing, "account.bank.statement.line"))
