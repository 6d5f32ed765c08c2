from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import PaymentRequestCommon

OK = "ok"
ACCESS = AccessError.__name__
USER = UserError.__name__
VALIDATION = ValidationError.__name__

# The fields that carry money or trust, written on a sent request. A system
# administrator may change them, everyone else gets an AccessError.
PROTECTED_WRITES = (
    "write_name",
    "write_payment_reference",
    "write_is_sent",
    "write_is_cancelled",
    "write_amount",
    "write_amount_type",
    "write_partner_id",
    "write_currency_id",
    "write_company_id",
    "write_sale_order_id",
    "write_reminder_count",
)
ACTIONS = (
    "read",
    "create",
    "create_with_reference",
    "create_sent",
    "write_note",
    *PROTECTED_WRITES,
    "send",
    "mark_sent",
    "remind",
    "register_payment",
    "create_invoice",
    "cancel",
    "read_reminder_levels",
)


def row(default, **overrides):
    return {action: overrides.get(action, default) for action in ACTIONS}


DENIED_ALL = row(ACCESS)
# What an internal user with write access to the request sees: every plain
# write of a protected field is refused with an AccessError.
WORKFLOW_ONLY = {
    "read": OK,
    "create": OK,
    "write_note": OK,
    "send": OK,
    "mark_sent": OK,
    "remind": OK,
    "cancel": OK,
    "read_reminder_levels": OK,
}

# The allow/deny table: the exact outcome (or exception class) of each action
# of each role on a sent request of company A.
EXPECTED = {
    # A salesperson who sees only their own documents, on someone else's request.
    "salesman_own": row(ACCESS, create=OK, read_reminder_levels=OK),
    # The same salesperson on their own request: the workflow yes, the protected fields no.
    "salesman_own_document": row(ACCESS, **WORKFLOW_ONLY),
    "salesman_all": row(ACCESS, **WORKFLOW_ONLY),
    "billing": row(ACCESS, **WORKFLOW_ONLY, register_payment=OK, create_invoice=OK),
    "accountant": row(ACCESS, **WORKFLOW_ONLY, register_payment=OK, create_invoice=OK),
    # A system administrator may correct any field; the constraints still hold.
    "admin": row(OK, write_currency_id=VALIDATION, write_company_id=USER),
    "portal": row(ACCESS, read=OK),
    "public": DENIED_ALL,
    # Company B only: creates in company B, never touches company A's requests.
    "other_company": row(ACCESS, create=OK, read_reminder_levels=OK),
    # Allowed in A and B, both active: as billing in company A.
    "multi_company": row(ACCESS, **WORKFLOW_ONLY, register_payment=OK, create_invoice=OK),
    # Allowed in A and B with only B active, as the company switcher sets it.
    "multi_company_b_active": row(ACCESS, create=OK, read_reminder_levels=OK),
}


class Rollback(Exception):
    """Raised to undo an attempt that succeeded."""


@tagged("post_install", "-at_install")
class TestAccessTable(PaymentRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        contact = cls.env["res.partner"].create({"name": "Portal contact", "parent_id": cls.partner_a.id})
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        sales_billing = "sales_team.group_sale_salesman_all_leads,account.group_account_invoice"
        salesman_own = cls.new_user("acl_own", "sales_team.group_sale_salesman")
        multi = cls.new_user("acl_multi", sales_billing, company=cls.company_b)
        multi.company_ids = [Command.set((cls.company_b | cls.company).ids)]
        cls.users = {
            "salesman_own": salesman_own,
            "salesman_own_document": salesman_own,
            "salesman_all": cls.new_user("acl_all", "sales_team.group_sale_salesman_all_leads"),
            "billing": cls.new_user("acl_billing", "account.group_account_invoice"),
            "accountant": cls.new_user("acl_accountant", "account.group_account_manager"),
            "admin": cls.new_user(
                "acl_admin", "base.group_system,sales_team.group_sale_manager,account.group_account_manager"
            ),
            "portal": cls.new_user("acl_portal", "base.group_portal", partner_id=contact.id),
            "public": cls.env.ref("base.public_user"),
            "other_company": cls.new_user("acl_company_b", sales_billing, company=cls.company_b),
            "multi_company": multi,
            "multi_company_b_active": multi,
        }
        cls.contexts = {
            "multi_company": {"allowed_company_ids": (cls.company | cls.company_b).ids},
            "multi_company_b_active": {"allowed_company_ids": cls.company_b.ids},
        }
        # Someone else's order, and one of the salesperson's own.
        other_order = cls.create_order(cls.partner_a, 1000.0, user_id=cls.env.user.id)
        own_order = cls.create_order(cls.partner_a, 1000.0, user_id=salesman_own.id)
        cls.spare_order = cls.create_order(cls.partner_a, 1000.0, user_id=cls.env.user.id)
        cls.fixtures = {
            "other": (
                cls.create_request(other_order, 100.0),
                cls.create_request(other_order, 50.0, send=False),
            ),
            "own": (cls.create_request(own_order, 100.0), cls.create_request(own_order, 50.0, send=False)),
        }
        cls.usd = cls.env.ref("base.USD")

    def attempt(self, role, action):
        """Return "ok" or the class name of the exception ``action`` raises for
        ``role``, in the role's own environment, on a cache emptied before, and
        with everything the attempt did rolled back after."""
        user = self.users[role]
        sent, draft = self.fixtures["own" if role == "salesman_own_document" else "other"]
        self.env.invalidate_all()
        env = self.env(user=user, context=self.contexts.get(role, {}), su=False)
        try:
            with self.env.cr.savepoint():
                self.do(env, action, env["payment.request"].browse(sent.id), draft.id)
                env.flush_all()
                raise Rollback()
        except Rollback:
            return OK
        except (AccessError, UserError, ValidationError) as error:
            return type(error).__name__
        finally:
            self.env.invalidate_all(flush=False)

    def do(self, env, action, request, draft_id):
        Request = env["payment.request"]
        values = {
            "write_name": {"name": "PR/2026/99999"},
            "write_payment_reference": {"payment_reference": "+++999/9999/99948+++"},
            "write_is_sent": {"is_sent": False},
            "write_is_cancelled": {"is_cancelled": True},
            "write_amount": {"amount": 50.0},
            "write_amount_type": {"amount_type": "remaining"},
            "write_partner_id": {"partner_id": self.partner_b.id},
            "write_currency_id": {"currency_id": self.usd.id},
            "write_company_id": {"company_id": self.company_b.id},
            "write_sale_order_id": {"sale_order_id": self.spare_order.id},
            "write_reminder_count": {"reminder_count": 3},
            "write_note": {"note": "changed"},
        }
        if action == "read":
            request.read(["amount", "payment_reference"])
        elif action == "create":
            Request.create({"partner_id": self.partner_a.id, "amount": 5.0})
        elif action == "create_with_reference":
            Request.create(
                {"partner_id": self.partner_a.id, "amount": 5.0, "payment_reference": "+++999/9999/99948+++"}
            )
        elif action == "create_sent":
            Request.create({"partner_id": self.partner_a.id, "amount": 5.0, "is_sent": True})
        elif action in values:
            request.write(values[action])
        elif action == "send":
            request.action_send()
        elif action == "mark_sent":
            Request.browse(draft_id).action_mark_sent()
        elif action == "remind":
            request.action_send_reminder()
        elif action == "register_payment":
            wizard = env["payment.request.register"].create(
                {"payment_request_id": request.id, "amount": 10.0}
            )
            wizard.action_register_payment()
        elif action == "create_invoice":
            self.register_payment(self.env["payment.request"].browse(request.id))
            env.invalidate_all()
            wizard = env["payment.request.invoice"].create(
                {"payment_request_ids": request.ids, "post_invoice": True}
            )
            wizard.action_create_invoices()
        elif action == "cancel":
            request.action_cancel()
        elif action == "read_reminder_levels":
            env["payment.request.reminder.level"].search([]).read(["delay_days"])
        else:
            raise AssertionError(f"unknown action {action}")

    def test_allow_deny_table(self):
        table = {role: {action: self.attempt(role, action) for action in ACTIONS} for role in self.users}
        differences = {
            (role, action): (table[role][action], EXPECTED[role][action])
            for role in EXPECTED
            for action in ACTIONS
            if table[role][action] != EXPECTED[role][action]
        }
        self.assertEqual(differences, {}, "(role, action): (got, expected)")

    def test_attempts_leave_nothing_behind(self):
        sent, draft = self.fixtures["other"]
        before = sent.read(["state", "amount", "payment_reference", "note"])
        for action in ACTIONS:
            self.attempt("admin", action)
        self.assertEqual(sent.read(["state", "amount", "payment_reference", "note"]), before)
        self.assertEqual(draft.state, "draft")
        self.assertFalse(sent.payment_ids)

    def test_money_received_blocks_deletion(self):
        request = self.create_request(amount=100.0)
        payment = self.register_payment(request, amount=40.0)
        for user in (self.env.user, self.users["salesman_all"]):
            with self.assertRaises(UserError) as caught:
                request.with_user(user).unlink()
            self.assertIs(type(caught.exception), UserError)
        # Odoo itself refuses to delete a posted payment (it would leave the
        # payment without its journal entry), before our own check is reached.
        with self.assertRaises(ValidationError) as caught:
            payment.unlink()
        self.assertIs(type(caught.exception), ValidationError, caught.exception)
        self.assertTrue(request.exists() and payment.exists())
