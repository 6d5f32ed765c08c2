"""Who may change what (issue 23): every field of a payment request, and every
field our addons add to orders, invoices, journal items, payments and
transactions, tried with ``create`` and ``write`` by each role.

The tables below are the documentation: a field a role may set in the form
is listed with that role; every other field is refused with an AccessError
that names the field. The workflow methods (Send, Register Payment, Cancel,
Link to Payment Request, Create Invoice, online payment) set the others, in
sudo, after their own checks. A system administrator is trusted, as the
superuser is.
"""

from datetime import timedelta

import psycopg2

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import PaymentRequestCommon

OK = "ok"
ACCESS = AccessError.__name__

ROLES = ("salesman_own", "salesman_all", "billing", "other_company_billing", "portal")
SALES_AND_BILLING = ("salesman_own", "salesman_all", "billing")

# payment.request, create: the fields each role may set on a new request.
# The other company's billing user creates requests in their own company.
CREATE_ALLOWED = {
    "sale_order_id": (*SALES_AND_BILLING, "other_company_billing"),
    "company_id": (*SALES_AND_BILLING, "other_company_billing"),
    "partner_id": (*SALES_AND_BILLING, "other_company_billing"),
    # The salesperson follows the order; without an order, a salesperson
    # limited to their own documents can only take the request themselves.
    "user_id": ("salesman_all", "billing", "other_company_billing"),
    "currency_id": (*SALES_AND_BILLING, "other_company_billing"),
    "amount_type": (*SALES_AND_BILLING, "other_company_billing"),
    "percentage": (*SALES_AND_BILLING, "other_company_billing"),
    "amount": (*SALES_AND_BILLING, "other_company_billing"),
    "date": (*SALES_AND_BILLING, "other_company_billing"),
    "date_due": (*SALES_AND_BILLING, "other_company_billing"),
    "auto_reminder": (*SALES_AND_BILLING, "other_company_billing"),
    "note": (*SALES_AND_BILLING, "other_company_billing"),
}
# payment.request, write, on a draft of company A: the fields each role may
# change. Once the request is sent, amount, amount_type, percentage,
# currency_id, partner_id and date are frozen too (test_hardening). The
# other company's billing user changes nothing of company A.
WRITE_ALLOWED = {
    "partner_id": SALES_AND_BILLING,
    "user_id": ("salesman_all", "billing"),
    "currency_id": SALES_AND_BILLING,
    "amount_type": SALES_AND_BILLING,
    "percentage": SALES_AND_BILLING,
    "amount": SALES_AND_BILLING,
    "date": SALES_AND_BILLING,
    "date_due": SALES_AND_BILLING,
    "auto_reminder": SALES_AND_BILLING,
    "note": SALES_AND_BILLING,
}
# The fields our addons add to other models: no role sets them; the
# workflow does, in sudo or for the requests it checked.
LINK_FIELDS = {
    "sale.order": ("payment_request_ids", "payment_request_count", "payment_request_amount_residual"),
    "account.move": ("payment_request_ids", "payment_request_count"),
    "account.move.line": ("payment_request_id",),
    "account.payment": ("payment_request_id",),
    "payment.transaction": ("payment_request_ids",),
}
# The fields our addons add to orders that a user sets in the order's form,
# with the order's own access rights (test_order_payment_plan_is_set_like_the_order).
ORDER_USER_FIELDS = {"sale.order": {"payment_request_plan_id"}}
OUR_MODULES = ("payment_request", "payment_request_account_reconcile_oca", "payment_request_mollie")
# Removed with the register wizard's provider path (issue 23, part B).
NOT_WALKED = {"account.payment": {"payment_request_provider_ref"}}


class Rollback(Exception):
    """Raised to undo an attempt that succeeded."""


@tagged("post_install", "-at_install")
class TestFieldAccess(PaymentRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        contact = cls.env["res.partner"].create({"name": "Portal contact", "parent_id": cls.partner_a.id})
        cls.users = {
            "salesman_own": cls.new_user("fa_own", "sales_team.group_sale_salesman"),
            "salesman_all": cls.new_user("fa_all", "sales_team.group_sale_salesman_all_leads"),
            "billing": cls.new_user("fa_billing", "account.group_account_invoice"),
            "other_company_billing": cls.new_user(
                "fa_billing_b",
                "sales_team.group_sale_salesman_all_leads,account.group_account_invoice",
                company=cls.company_b,
            ),
            "portal": cls.new_user("fa_portal", "base.group_portal", partner_id=contact.id),
        }
        cls.usd = cls.env.ref("base.USD")
        cls.usd.active = True
        # A payment plan and its instalment, so that the walk has a value to
        # try for the request's plan fields.
        cls.plan = cls.env["payment.request.plan"].create(
            {"name": "Half now", "line_ids": [Command.create({"value_type": "balance", "days": 0})]}
        )
        own_order = cls.create_order(cls.partner_a, 1000.0, user_id=cls.users["salesman_own"].id)
        order_b = (
            cls.env["sale.order"]
            .with_company(cls.company_b)
            .create(
                {
                    "partner_id": cls.partner_a.id,
                    "company_id": cls.company_b.id,
                    "order_line": [Command.create({"product_id": cls.product_a.id, "price_unit": 100.0})],
                }
            )
        )
        # The order each role may make a request for.
        cls.role_orders = {
            "salesman_own": own_order,
            "salesman_all": cls.order,
            "billing": cls.order,
            "other_company_billing": order_b,
            "portal": cls.order,
        }
        cls.role_companies = {role: cls.company for role in ROLES} | {"other_company_billing": cls.company_b}
        # A draft without order of company A, the limited salesperson's own.
        cls.draft = cls.env["payment.request"].create(
            {"partner_id": cls.partner_a.id, "amount": 100.0, "user_id": cls.users["salesman_own"].id}
        )
        # Records of company A carrying the fields our addons add.
        cls.sent = cls.create_request(amount=300.0)
        payment = cls.env["payment.request.register"].create(
            {"payment_request_id": cls.sent.id, "amount": 10.0}
        )
        payment.action_register_payment()
        cls.payment = cls.sent.payment_ids
        cls.invoice = cls.init_invoice("out_invoice", partner=cls.partner_a, amounts=[100.0], post=True)
        cls.transaction = cls.env["payment.transaction"].create(
            {
                "provider_id": cls.env.ref("payment.payment_provider_demo")
                .sudo()
                .copy({"company_id": cls.company.id, "state": "test"})
                .id,
                "payment_method_id": cls.env.ref("payment_demo.payment_method_demo").id,
                "amount": 10.0,
                "currency_id": cls.sent.currency_id.id,
                "partner_id": cls.partner_a.id,
                "payment_request_ids": [Command.set(cls.sent.ids)],
            }
        )
        cls.other_request = cls.create_request(order=cls.create_order(cls.partner_b, 500.0), amount=500.0)

    def attempt(self, role, function):
        """Return "ok" or the exception ``function(env)`` raises for ``role``,
        on a cache emptied before, and with everything rolled back after."""
        self.env.invalidate_all()
        env = self.env(user=self.users[role], su=False)
        try:
            with self.env.cr.savepoint():
                function(env)
                env.flush_all()
                raise Rollback()
        except Rollback:
            return OK, None
        except Exception as error:  # the table records any outcome
            return type(error).__name__, error
        finally:
            self.env.invalidate_all(flush=False)

    def new_value(self, record, name, role):
        """Return a value of ``name`` different from ``record``'s, valid for
        ``role`` where the role may set the field."""
        special = {
            "sale_order_id": self.role_orders[role].id,
            # A new request in the role's company; an existing one moved.
            "company_id": (self.company_b if record else self.role_companies[role]).id,
            "partner_id": self.partner_b.id,
            "user_id": self.env.user.id,
            "currency_id": self.usd.id,
            "amount_type": "remaining",
            "note": "<p>Changed</p>",
        }
        if name in special:
            return special[name]
        field = record._fields[name]
        current = record[name] if record else False
        if field.type == "boolean":
            return not current
        if field.type == "integer":
            return (current or 0) + 1
        if field.type in ("float", "monetary"):
            return (current or 0.0) + 1.0
        if field.type in ("char", "text", "html"):
            return f"{current or ''}changed"
        if field.type == "date":
            return (current or fields.Date.today()) + timedelta(days=1)
        if field.type == "datetime":
            return (current or fields.Datetime.now()) + timedelta(days=1)
        if field.type == "selection":
            selection = field._description_selection(self.env)
            return next(value for value, _label in selection if value != current)
        if field.type == "many2one":
            other = self.env[field.comodel_name].search(
                [("id", "not in", current.ids if current else [])], limit=1
            )
            return other.id
        if field.type in ("one2many", "many2many"):
            return [Command.clear()]
        if field.type == "binary":
            return "Y2hhbmdlZA=="
        if field.type == "json":
            return {"changed": True}
        raise AssertionError(f"no value for {record._name}.{name} ({field.type})")

    def assert_refused_naming(self, outcome, error, name, message):
        self.assertEqual(outcome, ACCESS, message)
        self.assertIn(f"({name})", str(error), message)

    def test_order_payment_plan_is_set_like_the_order(self):
        """The order's payment plan is a field of the order's form: whoever
        may change the order sets it, nobody else."""
        own = self.users["salesman_own"]
        order = self.create_order(self.partner_a, 500.0, confirm=False, user_id=own.id)
        order.with_user(own).write({"payment_request_plan_id": self.plan.id})
        self.assertEqual(order.payment_request_plan_id, self.plan)
        others = self.create_order(
            self.partner_a, 500.0, confirm=False, user_id=self.users["salesman_all"].id
        )
        for role in ("salesman_own", "portal"):
            with self.assertRaises(AccessError, msg=role):
                others.with_user(self.users[role]).write({"payment_request_plan_id": self.plan.id})
        self.assertFalse(others.payment_request_plan_id)

    def test_payment_request_every_field(self):
        Request = self.env["payment.request"]
        names = sorted(Request._fields)
        self.assertIn("state", names)
        self.assertIn("invoice_deadline", names)
        differences = {}
        for role in ROLES:
            for name in names:
                create_value = self.new_value(Request, name, role)

                def create(env, name=name, value=create_value):
                    env["payment.request"].create(
                        {"partner_id": self.partner_a.id, "amount": 10.0, name: value}
                    )

                write_value = self.new_value(self.draft, name, role)

                def write(env, name=name, value=write_value):
                    env["payment.request"].browse(self.draft.id).write({name: value})

                for operation, function, allowed in (
                    ("create", create, CREATE_ALLOWED),
                    ("write", write, WRITE_ALLOWED),
                ):
                    outcome, error = self.attempt(role, function)
                    expected = OK if role in allowed.get(name, ()) else ACCESS
                    if outcome != expected or (
                        expected == ACCESS and role in SALES_AND_BILLING and f"({name})" not in str(error)
                    ):
                        differences[(role, operation, name)] = (outcome, str(error)[:120])
        self.assertEqual(differences, {}, "(role, operation, field): (got, error)")

    def test_other_models_every_added_field(self):
        records = {
            "sale.order": self.order,
            "account.move": self.invoice,
            "account.move.line": self.invoice.line_ids[:1],
            "account.payment": self.payment,
            "payment.transaction": self.transaction,
        }
        for model, names in LINK_FIELDS.items():
            ours = {
                name
                for name, field in self.env[model]._fields.items()
                if field._module in OUR_MODULES
                and name not in NOT_WALKED.get(model, ())
                and name not in ORDER_USER_FIELDS.get(model, ())
            }
            self.assertEqual(ours - set(names), set(), f"{model}: a field our addons add is not in the table")
        differences = {}
        for model, names in LINK_FIELDS.items():
            record = records[model]
            for name in names:
                field = record._fields[name]
                value = (
                    self.other_request.id
                    if field.type == "many2one"
                    else [Command.link(self.other_request.id)]
                    if field.type in ("one2many", "many2many")
                    else 1
                )
                for role in ROLES:
                    for operation in ("create", "write"):
                        if operation == "create":

                            def function(env, model=model, name=name, value=value):
                                env[model].create({name: value})
                        else:

                            def function(env, model=model, record=record, name=name, value=value):
                                env[model].browse(record.id).write({name: value})

                        outcome, error = self.attempt(role, function)
                        if outcome != ACCESS or f"({name})" not in str(error):
                            differences[(model, name, role, operation)] = (outcome, str(error)[:120])
        self.assertEqual(differences, {}, "(model, field, role, operation): (got, error)")


@tagged("post_install", "-at_install")
class TestIssue23Reproductions(PaymentRequestCommon):
    """The reproductions of issue 23 that touch fields and links (items 1,
    4, 5, 6 and, in payment_request_account_reconcile_oca, 10)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = cls.new_user("i23_own", "sales_team.group_sale_salesman")
        cls.other_salesman = cls.new_user("i23_other", "sales_team.group_sale_salesman")
        cls.billing = cls.new_user("i23_billing", "account.group_account_invoice")
        cls.own_order = cls.create_order(cls.partner_a, 1000.0, user_id=cls.salesman.id)
        cls.other_order = cls.create_order(cls.partner_b, 1000.0, user_id=cls.other_salesman.id)
        cls.own_request = cls.create_request(order=cls.own_order, amount=900.0)
        cls.other_request = cls.create_request(order=cls.other_order, amount=500.0)

    def assert_refused(self, exception_class, function, *args, field=None):
        self.env.invalidate_all()
        with self.assertRaises(exception_class) as caught:
            function(*args)
        self.assertIs(type(caught.exception), exception_class, caught.exception)
        if field:
            self.assertIn(f"({field})", str(caught.exception))
        self.env.invalidate_all()
        return caught.exception

    # Item 1: stored computed and related fields ------------------------------

    def test_salesperson_cannot_fake_a_payment(self):
        as_salesman = self.own_request.with_user(self.salesman)
        self.assert_refused(AccessError, as_salesman.write, {"state": "paid"}, field="state")
        self.assert_refused(AccessError, as_salesman.write, {"amount_paid": 900.0}, field="amount_paid")
        self.assert_refused(AccessError, as_salesman.write, {"amount_residual": 0.0}, field="amount_residual")
        self.assertEqual(self.own_request.state, "sent")
        self.assertEqual(self.own_request.amount_residual, 900.0)

    def test_salesperson_cannot_take_another_request_reference(self):
        as_salesman = self.own_request.with_user(self.salesman)
        self.assert_refused(
            AccessError,
            as_salesman.write,
            {"payment_reference_normalized": self.other_request.payment_reference_normalized},
            field="payment_reference_normalized",
        )
        # The other customer's transfer pays the other customer's request.
        st_line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank_journal.id,
                "date": fields.Date.today(),
                "amount": 500.0,
                "payment_ref": self.other_request.payment_reference,
            }
        )
        self.assertEqual(st_line.payment_request_ids, self.other_request)
        self.assertEqual(self.other_request.state, "paid")
        self.assertEqual(self.own_request.amount_paid, 0.0)

    def test_normalized_reference_unique_per_company(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            with self.env.cr.savepoint():
                self.own_request.sudo().write(
                    {"payment_reference_normalized": self.other_request.payment_reference_normalized}
                )
                self.env.flush_all()

    def test_transaction_with_two_requests_references_is_left_for_a_person(self):
        st_line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank_journal.id,
                "date": fields.Date.today(),
                "amount": 500.0,
                "payment_ref": f"{self.own_request.payment_reference} {self.other_request.payment_reference}",
            }
        )
        self.assertFalse(st_line.payment_request_ids)
        self.assertFalse(st_line.is_reconciled)
        note = st_line.move_id.message_ids[:1]
        self.assertIn("several payment requests", str(note.body))
        self.assertIn(self.own_request.name, str(note.body))
        self.assertIn(self.other_request.name, str(note.body))

    def test_salesperson_cannot_set_the_invoice_deadline(self):
        as_salesman = self.own_request.with_user(self.salesman)
        self.assert_refused(
            AccessError,
            as_salesman.write,
            {"invoice_deadline": fields.Date.today(), "amount_paid": 900.0},
            field="invoice_deadline",
        )
        self.assert_refused(
            AccessError, as_salesman.write, {"amount_uninvoiced": 900.0}, field="amount_uninvoiced"
        )
        self.assertFalse(self.own_request.invoice_deadline)
        self.assertEqual(self.own_request.amount_uninvoiced, 0.0)

    def test_order_cancel_reads_the_cancel_flag(self):
        self.register_payment(self.own_request, amount=100.0)
        as_salesman = self.own_request.with_user(self.salesman)
        self.assert_refused(AccessError, as_salesman.write, {"state": "cancel"}, field="state")
        # Even a stored state forced to "cancel" (a database edited by hand, or
        # main's hole) does not let the order be cancelled with money received.
        self.own_request.sudo().write({"state": "cancel"})
        error = self.assert_refused(
            UserError,
            self.own_order.with_user(self.salesman).with_context(disable_cancel_warning=True).action_cancel,
        )
        self.assertIn(self.own_request.name, str(error))
        self.assertEqual(self.own_order.state, "sale")
        self.assertFalse(self.own_request.is_cancelled)

    def test_sent_request_stays_frozen_whatever_its_state(self):
        as_salesman = self.own_request.with_user(self.salesman)
        self.assert_refused(AccessError, as_salesman.write, {"state": "draft"}, field="state")
        # The frozen-once-sent rule reads is_sent, not the stored state.
        self.own_request.sudo().write({"state": "draft"})
        self.assert_refused(AccessError, as_salesman.write, {"amount": 1.0}, field="amount")
        self.assert_refused(
            AccessError, as_salesman.write, {"partner_id": self.partner_b.id}, field="partner_id"
        )
        self.assert_refused(AccessError, as_salesman.write, {"date": "2020-01-01"}, field="date")
        self.assertEqual((self.own_request.amount, self.own_request.partner_id), (900.0, self.partner_a))
        self.assert_refused(UserError, as_salesman.action_draft)

    def test_salesperson_cannot_move_a_request_to_another_customer_portal(self):
        as_salesman = self.own_request.with_user(self.salesman)
        self.assert_refused(
            AccessError,
            as_salesman.write,
            {"commercial_partner_id": self.partner_b.id},
            field="commercial_partner_id",
        )
        contact_b = self.env["res.partner"].create({"name": "Contact of B", "parent_id": self.partner_b.id})
        portal_b = self.new_user("i23_portal_b", "base.group_portal", partner_id=contact_b.id)
        self.env.invalidate_all()
        self.assertNotIn(self.own_request, self.env["payment.request"].with_user(portal_b).search([]))

    # Item 4: a request on another seller's order -----------------------------

    def test_limited_salesperson_cannot_request_on_another_sellers_order(self):
        Request = self.env["payment.request"].with_user(self.salesman)
        self.assert_refused(
            AccessError, Request.create, {"sale_order_id": self.other_order.id, "amount": 10.0}
        )
        self.assert_refused(
            AccessError,
            Request.create,
            {"sale_order_id": self.other_order.id, "amount": 10.0, "user_id": self.salesman.id},
        )
        # On their own order, the salesperson is the order's.
        self.assert_refused(
            AccessError,
            Request.create,
            {"sale_order_id": self.own_order.id, "amount": 10.0, "user_id": self.other_salesman.id},
            field="user_id",
        )
        self.assertEqual(self.other_order.payment_request_ids, self.other_request)
        created = Request.create({"sale_order_id": self.own_order.id, "amount": 10.0})
        self.assertEqual(created.user_id, self.salesman)
        self.assert_refused(AccessError, created.write, {"user_id": self.other_salesman.id}, field="user_id")
        # The form saves as it is, with the computed fields it sends (Form
        # reads the form's subviews: this salesperson also reads accounting).
        form_user = self.new_user("i23_form", "sales_team.group_sale_salesman,account.group_account_invoice")
        form_order = self.create_order(self.partner_a, 1000.0, user_id=form_user.id)
        FormRequest = self.env["payment.request"].with_user(form_user)
        with Form(
            FormRequest.with_context(default_sale_order_id=form_order.id, default_amount_type="remaining")
        ) as form:
            self.assertEqual(form.user_id, form_user)
        self.assertEqual(form.record.amount, 1210.0)
        self.assertEqual(form.record.user_id, form_user)
        with Form(form.record) as form:
            form.date_due = fields.Date.today() + timedelta(days=3)
            form.note = "Betaling in twee keer"
        self.assertEqual(form.record.date_due, fields.Date.today() + timedelta(days=3))

    # Item 5: links from the accounting side, across companies ----------------

    def test_other_company_cannot_link_accounting_to_a_request(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        billing_b = self.new_user("i23_billing_b", "account.group_account_invoice", company=company_b)
        invoice_b = self.init_invoice(
            "out_invoice", partner=self.partner_a, amounts=[100.0], company=company_b, post=True
        )
        line_b = invoice_b.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        self.assert_refused(
            AccessError,
            line_b.with_user(billing_b).write,
            {"payment_request_id": self.own_request.id},
            field="payment_request_id",
        )
        self.assert_refused(
            AccessError,
            invoice_b.with_user(billing_b).write,
            {"payment_request_ids": [Command.link(self.own_request.id)]},
            field="payment_request_ids",
        )
        # Even a trusted caller cannot link across companies.
        with self.assertRaises(UserError):
            line_b.write({"payment_request_id": self.own_request.id})
        self.env.invalidate_all()
        self.assertEqual(self.own_request.state, "sent")
        self.assertEqual(self.own_request.amount_paid, 0.0)
        self.assertFalse(self.own_request.invoice_ids)

    # Item 6: no payment on a draft or cancelled request, by any path ---------

    def test_plain_payment_on_a_draft_or_cancelled_request_is_refused(self):
        draft = self.create_request(order=self.own_order, amount=50.0, send=False)
        cancelled = self.create_request(order=self.own_order, amount=40.0)
        cancelled.action_cancel()
        open_request = self.own_request
        vals = {
            "payment_type": "inbound",
            "partner_type": "customer",
            "partner_id": self.partner_a.id,
            "amount": 50.0,
            "journal_id": self.bank_journal.id,
        }
        Payment = self.env["account.payment"]
        for request in (draft, cancelled, open_request):
            # A billing user never sets the link by hand.
            self.assert_refused(
                AccessError,
                Payment.with_user(self.billing).create,
                {**vals, "payment_request_id": request.id},
                field="payment_request_id",
            )
        for request in (draft, cancelled):
            # Nor does anyone on a request that asks nothing.
            self.assert_refused(ValidationError, Payment.create, {**vals, "payment_request_id": request.id})
            payment = Payment.create(vals)
            self.assert_refused(ValidationError, payment.write, {"payment_request_id": request.id})
            # Nor a bank transaction's journal item.
            st_line = self.env["account.bank.statement.line"].create(
                {
                    "journal_id": self.bank_journal.id,
                    "date": fields.Date.today(),
                    "amount": 50.0,
                    "payment_ref": "/",
                }
            )
            self.assert_refused(UserError, st_line._link_payment_requests, request)
            _liquidity, suspense, _other = st_line._seek_for_lines()
            self.assert_refused(
                ValidationError,
                suspense.with_context(check_move_validity=False).write,
                {"payment_request_id": request.id},
            )
            self.assertFalse(request.payment_ids)
            self.assertFalse(request.received_line_ids)
            self.assertEqual(request.amount_paid, 0.0)
        # The register wizard still books on an open request.
        payment = self.register_payment(open_request, amount=100.0, user=self.billing)
        self.assertEqual(payment.payment_request_id, open_request)
        self.assertEqual(open_request.amount_paid, 100.0)

    def test_workflow_still_links_for_a_billing_user(self):
        """The guards refuse plain writes, not the buttons: a billing user
        (with Sales rights) registers a payment, links a bank transaction and
        invoices, through the actions' own contexts."""
        user = self.new_user(
            "i23_sales_billing", "sales_team.group_sale_salesman_all_leads,account.group_account_invoice"
        )
        request = self.create_request(order=self.own_order, amount=100.0)
        payment = self.register_payment(request, amount=40.0, user=user)
        self.assertEqual(payment.payment_request_id, request)
        st_line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank_journal.id,
                "date": fields.Date.today(),
                "amount": 100.0,
                "payment_ref": "/",
            }
        )
        # The bank transaction matches the registered 40.00 and pays the other 60.00.
        st_line.with_user(user)._link_payment_requests(request.with_user(user))
        self.assertTrue(payment.is_matched)
        self.assertEqual(st_line.payment_request_ids, request)
        self.assertEqual(request.amount_paid, 100.0)
        self.env.invalidate_all()
        action = request.with_user(user).action_create_invoice()
        wizard_form = Form(self.env[action["res_model"]].with_user(user).with_context(**action["context"]))
        wizard_form.invoice_mode = "down_payment"
        wizard_form.post_invoice = True
        wizard_form.save().action_create_invoices()
        invoice = request.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertIn(request, invoice.payment_request_ids)
        self.assertEqual(invoice.state, "posted")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"), "settled with the money received")
        self.assertEqual(invoice.amount_residual, 0.0)
