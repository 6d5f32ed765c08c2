from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PaymentRequestCommon

ACTIONS = (
    "read",
    "create",
    "write",
    "send",
    "register_payment",
    "create_invoice",
    "cancel",
    "read_reminder_levels",
)

# The allow/deny table: what each role may do with a sent request of a
# customer order whose salesperson is someone else.
EXPECTED = {
    "salesman_own": {"read": False, "create": True, "write": False, "send": False, "register_payment": False,
                     "create_invoice": False, "cancel": False, "read_reminder_levels": True},
    "salesman_all": {"read": True, "create": True, "write": True, "send": True, "register_payment": False,
                     "create_invoice": False, "cancel": True, "read_reminder_levels": True},
    "billing": {"read": True, "create": True, "write": True, "send": True, "register_payment": True,
                "create_invoice": True, "cancel": True, "read_reminder_levels": True},
    "accountant": {"read": True, "create": True, "write": True, "send": True, "register_payment": True,
                   "create_invoice": True, "cancel": True, "read_reminder_levels": True},
    "portal": {"read": True, "create": False, "write": False, "send": False, "register_payment": False,
               "create_invoice": False, "cancel": False, "read_reminder_levels": False},
    "public": {"read": False, "create": False, "write": False, "send": False, "register_payment": False,
               "create_invoice": False, "cancel": False, "read_reminder_levels": False},
    # Company B creates requests in company B, and never touches company A's.
    "other_company": {"read": False, "create": True, "write": False, "send": False,
                      "register_payment": False, "create_invoice": False, "cancel": False,
                      "read_reminder_levels": True},
}  # fmt: skip


@tagged("post_install", "-at_install")
class TestAccessTable(PaymentRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        contact = cls.env["res.partner"].create({"name": "Portal contact", "parent_id": cls.partner_a.id})
        other_company = cls.setup_other_company(name="Company B")["company"]
        cls.users = {
            "salesman_own": cls.new_user("acl_own", "sales_team.group_sale_salesman"),
            "salesman_all": cls.new_user("acl_all", "sales_team.group_sale_salesman_all_leads"),
            "billing": cls.new_user("acl_billing", "account.group_account_invoice"),
            "accountant": cls.new_user("acl_accountant", "account.group_account_manager"),
            "portal": cls.new_user("acl_portal", "base.group_portal", partner_id=contact.id),
            "public": cls.env.ref("base.public_user"),
            "other_company": cls.new_user(
                "acl_company_b",
                "sales_team.group_sale_salesman_all_leads,account.group_account_invoice",
                company=other_company,
            ),
        }

    def attempt(self, user, action):
        # A fresh order each time: what one attempt did never helps another.
        order = self.create_order(self.partner_a, 100.0, user_id=self.env.user.id)
        request = self.create_request(order=order, amount=100.0)
        as_user = request.with_user(user)
        try:
            with self.env.cr.savepoint():
                if action == "read":
                    as_user.read(["amount", "payment_reference"])
                elif action == "create":
                    self.env["payment.request"].with_user(user).create(
                        {"partner_id": self.partner_a.id, "amount": 5.0}
                    )
                elif action == "write":
                    as_user.write({"note": "changed"})
                elif action == "send":
                    as_user.action_send_reminder()
                elif action == "register_payment":
                    wizard = (
                        self.env["payment.request.register"]
                        .with_user(user)
                        .create({"payment_request_id": request.id, "amount": 10.0})
                    )
                    wizard.action_register_payment()
                elif action == "create_invoice":
                    self.register_payment(request)
                    wizard = (
                        self.env["payment.request.invoice"]
                        .with_user(user)
                        .create({"payment_request_ids": request.ids, "post_invoice": True})
                    )
                    wizard.action_create_invoices()
                elif action == "cancel":
                    as_user.action_cancel()
                elif action == "read_reminder_levels":
                    self.env["payment.request.reminder.level"].with_user(user).search([]).read(["delay_days"])
                self.env.flush_all()
        except (AccessError, UserError):
            return False
        return True

    def test_allow_deny_table(self):
        table = {
            role: {action: self.attempt(user, action) for action in ACTIONS}
            for role, user in self.users.items()
        }
        self.assertEqual(table, EXPECTED)

    def test_money_received_blocks_deletion(self):
        request = self.create_request(amount=100.0)
        payment = self.register_payment(request, amount=40.0)
        for user in (self.env.user, self.users["salesman_all"]):
            with self.assertRaises(UserError):
                request.with_user(user).unlink()
        with self.assertRaises(UserError):
            payment.unlink()
        self.assertTrue(request.exists() and payment.exists())
