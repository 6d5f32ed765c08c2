import base64
import logging
import math
import urllib.parse
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, consteq, float_round, format_date
from odoo.tools.misc import hmac

from ..compat import GROUPS, commit_cron_progress, sql_constraints
from ..const import (
    IN_PROGRESS_TX_STATES,
    INACTIVE_STATES,
    MONEY_RECEIVED_DEPENDS,
    OUTSTANDING_STATES,
    PAID_STATES,
    PAYMENT_RECEIVED_STATES,
    TX_NO_MONEY_OPERATIONS,
)
from ..tools import find_structured_references, format_rf, normalize_reference

# A draft transaction is a payer at the provider's form (a card being typed in,
# a redirect to the bank): it holds its amount this long, so that two payers
# at once are not both charged the whole amount; an abandoned draft frees it
# after that. Money confirmed later all the same is booked and flagged.
DRAFT_TX_HOLD = timedelta(minutes=15)
#: Context key holding the ids of the requests whose links the calling code
#: has checked, as a frozenset: no RPC caller can send one (JSON and XML-RPC
#: have no sets), so only server code grants it (see _check_link_fields).
CHECKED_LINKS_KEY = "payment_request_checked_link_ids"
REMINDER_BATCH_SIZE = 200
# The pay-online QR code's image, in pixels: printed at the EPC code's size (140 px), at
# twice its resolution, so that its modules stay sharp.
PAY_ONLINE_QR_PIXELS = 280

_logger = logging.getLogger(__name__)


def _get_invoiced_ratio(lines):
    """Return the share (0 to 1) of receivable credit ``lines`` settled with
    posted customer invoices. An invoice reset to draft covers nothing: 19.0
    keeps its items matched (README: "An invoice reset to draft")."""
    total = sum(abs(line.amount_currency) for line in lines)
    if not total:
        return 0.0
    invoiced = sum(
        partial.credit_amount_currency
        for partial in lines.matched_debit_ids
        if partial.debit_move_id.move_id.move_type == "out_invoice"
        and partial.debit_move_id.parent_state == "posted"
    )
    return min(invoiced / total, 1.0)


@sql_constraints(
    (
        "payment_reference_company_uniq",
        "unique(company_id, payment_reference)",
        "The structured reference of a payment request must be unique per company.",
    ),
    (
        "payment_reference_normalized_company_uniq",
        "unique(company_id, payment_reference_normalized)",
        "The structured reference of a payment request must be unique per company.",
    ),
)
class PaymentRequest(models.Model):
    _name = "payment.request"
    _description = "Payment Request"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Number",
        required=True,
        readonly=True,
        copy=False,
        default="/",
        index="trigram",
    )
    sale_order_id = fields.Many2one(
        comodel_name="sale.order",
        index="btree_not_null",
        check_company=True,
        ondelete="restrict",
        tracking=True,
    )
    plan_id = fields.Many2one(
        comodel_name="payment.request.plan",
        string="Payment Plan",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The payment plan this request is an instalment of.",
    )
    plan_line_id = fields.Many2one(
        comodel_name="payment.request.plan.line",
        string="Plan Instalment",
        readonly=True,
        copy=False,
        ondelete="set null",
    )
    instalment_label = fields.Char(
        string="Instalment",
        compute="_compute_instalment_label",
        help="Which instalment of its order's payment plan this request is, e.g. 2 of 3.",
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        index=True,
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        tracking=True,
    )
    commercial_partner_id = fields.Many2one(
        comodel_name="res.partner",
        related="partner_id.commercial_partner_id",
        store=True,
        index=True,
        string="Commercial Entity",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Salesperson",
        index=True,
        compute="_compute_user_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        required=True,
        compute="_compute_currency_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    amount_type = fields.Selection(
        selection=[
            ("remaining", "Full remaining amount"),
            ("percentage", "Percentage of the order"),
            ("fixed", "Fixed amount"),
        ],
        string="Request",
        default="fixed",
        required=True,
    )
    percentage = fields.Float(digits=(5, 2))
    amount = fields.Monetary(
        compute="_compute_amount",
        store=True,
        readonly=False,
        precompute=True,
        # A draft for the remaining amount follows the other requests of its order.
        recursive=True,
        tracking=True,
    )
    amount_paid = fields.Monetary(
        string="Amount Received",
        compute="_compute_amounts_received",
        store=True,
    )
    amount_residual = fields.Monetary(
        string="Amount Not Received",
        compute="_compute_amounts_received",
        store=True,
        help="The amount requested less the money received, whatever the state (negative when "
        "the customer paid more). What the customer is asked now is the Amount Due.",
    )
    amount_due = fields.Monetary(
        compute="_compute_amount_due",
        store=True,
        help="What the request asks the customer now: nothing while it is a draft, once it is "
        "cancelled or paid, or once an invoice of the order asks the amount instead.",
    )
    amount_uninvoiced = fields.Monetary(
        string="Not Yet Invoiced",
        compute="_compute_amount_uninvoiced",
        store=True,
        help="The money received for this request that no posted invoice settled with it covers yet.",
    )
    order_amount_total = fields.Monetary(
        string="Order Total",
        related="sale_order_id.amount_total",
    )
    date = fields.Date(
        string="Request Date",
        required=True,
        default=fields.Date.context_today,
        copy=False,
    )
    date_due = fields.Date(
        string="Due Date",
        required=True,
        index=True,
        compute="_compute_date_due",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    is_sent = fields.Boolean(string="Sent", copy=False, readonly=True)
    is_cancelled = fields.Boolean(string="Cancelled", copy=False, readonly=True)
    state = fields.Selection(
        selection=[
            ("draft", "Draft"),
            ("sent", "Sent"),
            ("partial", "Partially Paid"),
            ("paid", "Paid"),
            ("done", "Done"),
            ("cancel", "Cancelled"),
        ],
        compute="_compute_state",
        store=True,
        index=True,
        tracking=True,
        copy=False,
        group_expand="_expand_states",
    )
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")
    payment_reference = fields.Char(
        string="Structured Reference",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Belgian structured communication (OGM/VCS) or ISO 11649 creditor "
        "reference the customer puts on the transfer.",
    )
    payment_reference_normalized = fields.Char(
        compute="_compute_payment_reference_normalized",
        store=True,
        index="btree_not_null",
        help="The structured reference without separators, as banks report it.",
    )
    received_line_ids = fields.One2many(
        comodel_name="account.move.line",
        inverse_name="payment_request_id",
        string="Bank Journal Items",
        readonly=True,
        help="Receivable journal items of bank transactions linked to this request.",
    )
    payment_ids = fields.One2many(
        comodel_name="account.payment",
        inverse_name="payment_request_id",
        string="Payments",
        readonly=True,
    )
    payment_count = fields.Integer(compute="_compute_payment_count")
    transaction_ids = fields.Many2many(
        comodel_name="payment.transaction",
        relation="payment_request_transaction_rel",
        column1="payment_request_id",
        column2="transaction_id",
        string="Online Transactions",
        copy=False,
        readonly=True,
        groups="account.group_account_invoice,account.group_account_readonly",
    )
    transaction_count = fields.Integer(
        compute="_compute_transaction_count",
        groups="account.group_account_invoice,account.group_account_readonly",
    )
    invoice_ids = fields.Many2many(
        comodel_name="account.move",
        relation="payment_request_account_move_rel",
        column1="payment_request_id",
        column2="move_id",
        string="Invoices",
        copy=False,
        readonly=True,
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count")
    invoice_asking_id = fields.Many2one(
        comodel_name="account.move",
        string="Asked by Invoice",
        compute="_compute_invoice_asking_id",
        help="The invoice of the order that now asks what this request had not received: "
        "the customer pays the invoice.",
    )
    auto_reminder = fields.Boolean(
        string="Automatic Reminders",
        default=True,
        help="Uncheck to never remind the customer of this request automatically. "
        "Reminders go out while the company's setting Send automatic reminders is on.",
    )
    reminder_count = fields.Integer(string="Reminders Sent", readonly=True, copy=False)
    last_reminder_date = fields.Date(readonly=True, copy=False)
    reminder_retry_date = fields.Date(
        readonly=True,
        copy=False,
        help="A reminder that could not be sent is tried again on this date.",
    )
    next_reminder_date = fields.Date(
        compute="_compute_next_reminder_date",
        store=True,
        index=True,
        copy=False,
    )
    reminder_hold_reason = fields.Char(
        string="Reminder On Hold",
        compute="_compute_reminder_hold_reason",
        search="_search_reminder_hold_reason",
        help="Why the reminder that is due waits: the customer may have paid already (the bank "
        "data is old, or an unlinked bank transaction may be theirs). It goes out, once, at the "
        "first run after the reason is gone.",
    )
    date_sent = fields.Date(
        string="Sent On",
        readonly=True,
        copy=False,
        help="The day the request was sent (mailed or marked as sent).",
    )
    note = fields.Html()
    pdf_unavailable = fields.Boolean(
        compute="_compute_pdf_unavailable",
        help="This server cannot make PDFs: mails go out without the request's PDF.",
    )
    statement_line_ids = fields.Many2many(
        comodel_name="account.bank.statement.line",
        compute="_compute_statement_line_ids",
        string="Bank Transactions",
        help="The bank transactions that pay this request, directly or by matching its registered payments.",
    )
    statement_line_count = fields.Integer(
        string="Bank Transaction Count", compute="_compute_statement_line_ids"
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("sale_order_id", "sale_order_id.partner_invoice_id", "is_sent", "is_cancelled")
    def _compute_partner_id(self):
        for request in self:
            # A request sent to a customer keeps its customer.
            if request.sale_order_id and (not request.partner_id or request._is_draft()):
                request.partner_id = request.sale_order_id.partner_invoice_id

    @api.depends("sale_order_id", "sale_order_id.user_id")
    def _compute_user_id(self):
        for request in self:
            if request.sale_order_id:
                request.user_id = request.sale_order_id.user_id
            elif not request.user_id:
                request.user_id = self.env.user

    @api.depends("sale_order_id", "sale_order_id.company_id")
    def _compute_company_id(self):
        for request in self:
            if request.sale_order_id:
                request.company_id = request.sale_order_id.company_id
            elif not request.company_id:
                request.company_id = self.env.company

    @api.depends(
        "sale_order_id",
        "sale_order_id.currency_id",
        "company_id",
        "company_id.currency_id",
        "is_sent",
        "is_cancelled",
    )
    def _compute_currency_id(self):
        for request in self:
            if request.sale_order_id and (not request.currency_id or request._is_draft()):
                request.currency_id = request.sale_order_id.currency_id
            elif not request.currency_id:
                request.currency_id = request.company_id.currency_id

    @api.depends(
        "amount_type",
        "percentage",
        "currency_id",
        "is_sent",
        "is_cancelled",
        "sale_order_id",
        "sale_order_id.amount_total",
        "sale_order_id.payment_request_ids.amount",
        "sale_order_id.payment_request_ids.amount_type",
        "sale_order_id.payment_request_ids.percentage",
        "sale_order_id.payment_request_ids.is_sent",
        "sale_order_id.payment_request_ids.is_cancelled",
    )
    def _compute_amount(self):
        for request in self:
            order = request.sale_order_id
            if not order or not request._is_draft():
                request.amount = request.amount or 0.0
            elif request.amount_type == "remaining":
                request.amount = request._get_order_amount_unrequested()
            elif request.amount_type == "percentage":
                request.amount = request._get_order_percentage_amount()
            else:
                request.amount = request.amount or 0.0

    def _is_draft(self):
        """Tell whether the request is a draft, from its flags: computes that
        ``state`` depends on read this instead of ``state``, which may not be
        computed yet."""
        self.ensure_one()
        return not self.is_sent and not self.is_cancelled

    @api.depends("date", "company_id")
    def _compute_date_due(self):
        for request in self:
            if not request.date_due:
                request.date_due = (request.date or fields.Date.context_today(request)) + timedelta(
                    days=request.company_id.payment_request_due_days or 0
                )

    @api.depends("amount", *MONEY_RECEIVED_DEPENDS)
    def _compute_amounts_received(self):
        for request in self:
            received = sum(request._get_received_amounts().values())
            request.amount_paid = received
            request.amount_residual = request.amount - received

    @api.depends(
        "is_sent",
        "is_cancelled",
        "amount",
        "amount_paid",
        "amount_uninvoiced",
        "currency_id",
        "invoice_ids.state",
        "invoice_ids.posted_before",
        "invoice_ids.invoice_line_ids.sale_line_ids.is_downpayment",
    )
    def _compute_state(self):
        for request in self:
            request.state = request._get_state()

    @api.depends("state", "amount_residual")
    def _compute_amount_due(self):
        for request in self:
            asks = request.state in OUTSTANDING_STATES
            request.amount_due = max(request.amount_residual, 0.0) if asks else 0.0

    @api.depends(
        "currency_id",
        "payment_ids.state",
        "payment_ids.amount",
        "payment_ids.payment_type",
        "payment_ids.date",
        "payment_ids.move_id.line_ids.amount_residual",
        "payment_ids.move_id.line_ids.matched_debit_ids.debit_move_id.parent_state",
        "received_line_ids.amount_residual",
        "received_line_ids.parent_state",
        "received_line_ids.matched_debit_ids.debit_move_id.parent_state",
    )
    def _compute_amount_uninvoiced(self):
        for request in self:
            request.amount_uninvoiced = sum(
                amount for _date, amount in request._get_uninvoiced_received_amounts()
            )

    @api.depends("state", "amount_residual", "invoice_ids.state", "invoice_ids.posted_before")
    def _compute_invoice_asking_id(self):
        for request in self:
            asked = (
                request.state == "done"
                and request.currency_id.compare_amounts(request.amount_residual, 0.0) > 0
            )
            # sudo: whoever reads the request is told which invoice asks its
            # amount now, as its PDF and portal page tell the customer; a
            # salesperson may not read the invoices of other salespeople.
            invoices = request.sudo()._get_taking_over_invoices() if asked else self.env["account.move"]
            request.invoice_asking_id = invoices.sorted("id")[-1:].id

    def _expand_states(self, states, domain):
        """Show every state as a kanban column, in the workflow's order."""
        return [key for key, _label in self._fields["state"].selection]

    def _get_state(self):
        """Return the state the request is in; other modules extend this."""
        self.ensure_one()
        if self.is_cancelled:
            return "cancel"
        if self._is_settled_by_invoices():
            return "done"
        currency = self.currency_id
        if self.amount > 0 and currency.compare_amounts(self.amount_paid, self.amount) >= 0:
            return "paid"
        if currency.compare_amounts(self.amount_paid, 0.0) > 0:
            return "partial"
        return "sent" if self.is_sent else "draft"

    @api.depends("date_due", "state")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for request in self:
            request.is_overdue = request.state in OUTSTANDING_STATES and request.date_due < today

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        domain = [
            ("state", "in", OUTSTANDING_STATES),
            ("date_due", "<", fields.Date.context_today(self)),
        ]
        positive = (operator == "=") == value
        return domain if positive else ["!", "&", *domain]

    @api.depends("payment_reference")
    def _compute_payment_reference_normalized(self):
        for request in self:
            request.payment_reference_normalized = normalize_reference(request.payment_reference)

    @api.depends(
        "state",
        "auto_reminder",
        "date_due",
        "reminder_count",
        "last_reminder_date",
        "reminder_retry_date",
    )
    def _compute_next_reminder_date(self):
        for request in self:
            level = request._get_next_reminder_level()
            if request.state not in OUTSTANDING_STATES or not request.auto_reminder or not level:
                request.next_reminder_date = False
                continue
            since = request.last_reminder_date if request.reminder_count else request.date_due
            next_date = since + timedelta(days=level.delay_days)
            if request.reminder_retry_date and request.reminder_retry_date > next_date:
                next_date = request.reminder_retry_date
            request.next_reminder_date = next_date

    @api.depends_context("lang")
    @api.depends(
        "next_reminder_date", "last_reminder_date", "state", "auto_reminder", "date_sent", "company_id"
    )
    def _compute_reminder_hold_reason(self):
        due = self.filtered_domain(self._get_reminder_due_domain(fields.Date.context_today(self)))
        holds = due._get_reminder_holds()
        for request in self:
            request.reminder_hold_reason = holds.get(request, False)

    def _search_reminder_hold_reason(self, operator, value):
        if operator not in ("=", "!=") or value not in (False, True):
            raise UserError(self.env._("Operation not supported"))
        due = self.search(self._get_reminder_due_domain(fields.Date.context_today(self)))
        held_ids = [request.id for request in due._get_reminder_holds()]
        held = (operator == "!=") != bool(value)
        return [("id", "in" if held else "not in", held_ids)]

    @api.depends("plan_id", "date_due", "is_cancelled", "sale_order_id.payment_request_ids.plan_id")
    def _compute_instalment_label(self):
        for request in self:
            if not request.plan_id:
                request.instalment_label = False
                continue
            instalments = request.sale_order_id.payment_request_ids.filtered(
                lambda r, plan=request.plan_id: r.plan_id == plan and not r.is_cancelled
            ).sorted(lambda r: (r.date_due, r.id))
            number = instalments.ids.index(request.id) + 1 if request.id in instalments.ids else 0
            request.instalment_label = (
                self.env._("Instalment %(number)s of %(count)s", number=number, count=len(instalments))
                if number
                else False
            )

    @api.depends("invoice_ids")
    def _compute_invoice_count(self):
        for request in self:
            request.invoice_count = len(request.invoice_ids)

    @api.depends("payment_ids")
    def _compute_payment_count(self):
        for request in self:
            request.payment_count = len(request.payment_ids)

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for request in self:
            request.access_url = f"/my/payment_requests/{request.id}"
        return res

    # ------------------------------------------------------------------
    # Amount helpers
    # ------------------------------------------------------------------

    def _get_money_received(self):
        """Return ``(payments, journal items)`` of the money these requests
        received: their live payments (registered by hand or by an online
        provider; not draft, cancelled or rejected) and the posted receivable
        items of their linked bank transactions.

        The one definition of money received: the amounts received, the
        credits an invoice takes, the cancel checks and the advance payments
        report (its SQL) all follow it. Computed fields that read it depend on
        ``MONEY_RECEIVED_DEPENDS``."""
        payments = self.payment_ids.filtered(lambda payment: payment.state in PAYMENT_RECEIVED_STATES)
        lines = self.received_line_ids.filtered(
            lambda line: line.parent_state == "posted" and line.account_type == "asset_receivable"
        )
        return payments, lines

    def _get_received_amounts(self):
        """Return ``{record: amount}`` of the money received for this request,
        in the request's currency, signed (refunds count negative)."""
        self.ensure_one()
        payments, lines = self._get_money_received()
        amounts = {}
        for payment in payments:
            sign = 1 if payment.payment_type == "inbound" else -1
            amount = payment.currency_id._convert(
                payment.amount,
                self.currency_id,
                self.company_id,
                payment.date or fields.Date.context_today(self),
            )
            amounts[payment] = sign * amount
        for line in lines:
            amounts[line] = -line.currency_id._convert(
                line.amount_currency, self.currency_id, self.company_id, line.date
            )
        return amounts

    def _get_live_invoices(self):
        """Return the invoices that settle this request: posted ones, and
        drafts that were never posted (a draft reset from posted no longer
        settles anything)."""
        return self.invoice_ids.filtered(
            lambda move: move.state == "posted" or (move.state == "draft" and not move.posted_before)
        )

    def _get_taking_over_invoices(self):
        """Return the live invoices of the whole order linked to this request:
        they ask what the request had not received (a down payment invoice
        bills only money received)."""
        return self._get_live_invoices().filtered(lambda move: not move._is_payment_request_down_payment())

    def _is_settled_by_invoices(self):
        """Tell whether the request is done (*Afgewerkt*): the money it
        received is on customer invoices, and it asks for nothing more (it
        received all it asked, or an invoice of the whole order asks the
        rest). A draft invoice made from the request counts: the money lands
        on it when it is posted."""
        self.ensure_one()
        invoices = self._get_live_invoices()
        if not invoices:
            return False
        currency = self.currency_id
        if (
            currency.compare_amounts(self.amount_paid, self.amount) < 0
            and not self._get_taking_over_invoices()
        ):
            return False
        if any(move.state == "draft" for move in invoices):
            return True
        return currency.compare_amounts(self.amount_uninvoiced, 0.0) <= 0

    def _get_uninvoiced_received_amounts(self):
        """Return ``[(date, amount)]``, oldest first, of the money received and
        not covered by a posted invoice settled with it, in the request's
        currency. Money paid back cancels the oldest receipts first."""
        self.ensure_one()
        currency = self.currency_id
        receipts = []
        paid_back = 0.0
        for record, amount in self._get_received_amounts().items():
            if currency.compare_amounts(amount, 0.0) <= 0:
                paid_back -= amount
                continue
            lines = record if record._name == "account.move.line" else record.move_id.line_ids
            lines = lines.filtered(lambda line: line.account_type == "asset_receivable")
            receipts.append((record.date, amount * (1.0 - _get_invoiced_ratio(lines))))
        uninvoiced = []
        for date, amount in sorted(receipts, key=lambda receipt: receipt[0]):
            used = min(paid_back, amount)
            paid_back -= used
            amount = currency.round(amount - used)
            if currency.compare_amounts(amount, 0.0) > 0:
                uninvoiced.append((date, amount))
        return uninvoiced

    def _get_outstanding_credit_lines(self):
        """Return the open receivable credit lines of the money received for
        these requests, ready to be reconciled with an invoice."""
        payments, lines = self._get_money_received()
        return (payments.move_id.line_ids | lines).filtered(
            lambda line: line.account_type == "asset_receivable"
            and not line.reconciled
            and line.parent_state == "posted"
            and line.company_currency_id.compare_amounts(line.amount_residual, 0.0) < 0
        )

    def _lock_for_payment(self):
        """Lock the requests' rows until the transaction ends, so that two
        registrations (a double click, a webhook and a user, a cron) are
        serialised: under REPEATABLE READ the later one fails to lock a row
        the earlier one changed, and Odoo retries it on fresh data."""
        if self.ids:
            self.env.cr.execute(
                "SELECT id FROM payment_request WHERE id IN %s FOR NO KEY UPDATE",
                [tuple(self.ids)],
            )

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------

    def _get_reminder_levels(self):
        self.ensure_one()
        return self.env["payment.request.reminder.level"]._get_company_levels(self.company_id)

    def _get_next_reminder_level(self):
        """Return the level of the next reminder, or nothing after the last."""
        self.ensure_one()
        levels = self._get_reminder_levels()
        return levels[self.reminder_count] if self.reminder_count < len(levels) else levels.browse()

    @api.model
    def _get_reminder_due_domain(self, today):
        return [
            ("next_reminder_date", "<=", today),
            ("state", "in", OUTSTANDING_STATES),
            ("auto_reminder", "=", True),
            ("company_id.payment_request_auto_reminder", "=", True),
            ("commercial_partner_id.payment_request_no_reminder", "=", False),
            "|",
            ("last_reminder_date", "=", False),
            ("last_reminder_date", "<", today),
        ]

    @api.model
    def _get_expiry_domain(self, today):
        """Return the domain of the requests to expire today, or None when no
        company expires requests: sent, nothing received, every reminder
        level sent, due more than the company's expiry days ago, and neither
        the request nor its customer opted out of reminders."""
        companies = self.env["res.company"].search([("payment_request_expiry_days", ">", 0)])
        if not companies:
            return None
        Level = self.env["payment.request.reminder.level"]
        # One branch per company, in prefix notation: | (&& A) (&& B) ...
        per_company = ["|"] * (len(companies) - 1)
        for company in companies:
            per_company += [
                "&",
                "&",
                ("company_id", "=", company.id),
                ("date_due", "<", today - timedelta(days=company.payment_request_expiry_days)),
                ("reminder_count", ">=", len(Level._get_company_levels(company))),
            ]
        return [
            ("state", "=", "sent"),
            ("auto_reminder", "=", True),
            ("commercial_partner_id.payment_request_no_reminder", "=", False),
            *per_company,
        ]

    @api.model
    def _cron_send_reminders(self, batch_size=REMINDER_BATCH_SIZE):
        """Expire the requests nobody paid, then send the reminders that are
        due today, batch by batch. A reminder whose customer may have paid
        already waits (see _get_reminder_holds).

        Run by the scheduler, it does one batch per call and reports its
        progress, so that the scheduler commits and calls again; called
        directly, it goes on until nothing is left."""
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        today = fields.Date.context_today(self)
        done = 0
        steps = (
            (self._get_expiry_domain(today), "date_due, id", self._expire_batch),
            (self._get_reminder_due_domain(today), "next_reminder_date, id", self._remind_batch),
        )
        for domain, order, process in steps:
            if domain is None:
                continue
            seen_ids = []
            while True:
                candidates = self.search([*domain, ("id", "not in", seen_ids)], order=order, limit=batch_size)
                if not candidates:
                    break
                seen_ids += candidates.ids
                processed = process(candidates, today)
                done += processed
                # A batch another run has locked is left to it, and a batch
                # whose reminders all wait does nothing: go on to the next
                # one, so that two runs started together share the work.
                if in_cron and processed:
                    remaining = self.search_count([*domain, ("id", "not in", seen_ids)])
                    commit_cron_progress(self.env, processed, remaining)
                    return done
        return done

    @api.model
    def _remind_batch(self, candidates, today):
        """Send the due reminders of ``candidates`` but those that must wait;
        return how many requests this run took."""
        holds = candidates._get_reminder_holds(today)
        if holds:
            _logger.info(
                "Payment reminders: %d held (the customer may have paid): %s",
                len(holds),
                "; ".join(f"{request.name}: {reason}" for request, reason in holds.items()),
            )
        locked = (candidates - self.concat(*holds))._lock_for_reminder(today)
        locked._send_reminders(raise_errors=False)
        return len(locked)

    def _get_reminder_holds(self, today=None):
        """Return ``{request: reason}`` for the requests whose reminder must
        wait because the customer may have paid:

        - the company imports bank transactions, and its newest one is older
          than its ``payment_request_reminder_bank_days``;
        - a bank transaction not reconciled yet, dated on or after the day
          the request was sent, brings money from the request's customer or
          carries its structured reference.

        Reads the bank facts of all of ``self`` at once: three queries,
        whatever the number of requests."""
        if not self:
            return {}
        today = today or fields.Date.context_today(self)
        # sudo: a reminder waits on bank facts the salesperson may not read;
        # only a date and the reason go out of this method (the query below
        # reads past the record rules for the same reason).
        companies = self.company_id
        newest = {
            company.id: date
            for company, date in self.env["account.bank.statement.line"]
            .sudo()
            ._read_group(
                [("company_id", "in", companies.ids), ("journal_id.type", "=", "bank")],
                ["company_id"],
                ["date:max"],
            )
        }
        since = min(request.date_sent or request.date or today for request in self)
        # One query for all the money not linked yet (the statement line's
        # date, reference and notes are its journal entry's).
        for model, names in (
            (
                "account.bank.statement.line",
                ["company_id", "partner_id", "is_reconciled", "amount", "payment_ref"],
            ),
            ("account.move", ["date", "ref", "narration"]),
            ("res.partner", ["commercial_partner_id"]),
        ):
            self.env[model].flush_model(names)
        self.env.cr.execute(
            SQL(
                """
                SELECT line.company_id, partner.commercial_partner_id, move.date,
                       line.payment_ref, move.ref, move.narration
                  FROM account_bank_statement_line line
                  JOIN account_move move ON move.id = line.move_id
             LEFT JOIN res_partner partner ON partner.id = line.partner_id
                 WHERE line.company_id IN %s
                   AND line.is_reconciled IS NOT TRUE
                   AND line.amount > 0
                   AND move.date >= %s
                """,
                tuple(companies.ids),
                since,
            )
        )
        # The newest unlinked transaction per (company, customer) and per
        # (company, structured reference).
        by_customer = {}
        by_reference = {}
        StLine = self.env["account.bank.statement.line"]
        for company_id, customer_id, line_date, *texts in self.env.cr.fetchall():
            keys = [(by_customer, (company_id, customer_id))]
            keys += [
                (by_reference, (company_id, reference))
                for reference in find_structured_references(StLine._join_payment_request_texts(*texts))
            ]
            for index, key in keys:
                if key[1] and (key not in index or index[key] < line_date):
                    index[key] = line_date
        holds = {}
        for request in self:
            company = request.company_id
            days = company.payment_request_reminder_bank_days
            newest_date = newest.get(company.id)
            if days > 0 and newest_date and (today - newest_date).days > days:
                holds[request] = self.env._(
                    "Bank transactions are older than %(days)s days (the newest is from %(date)s)",
                    days=days,
                    date=format_date(self.env, newest_date),
                )
                continue
            sent = request.date_sent or request.date or today
            customer_date = by_customer.get((company.id, request.commercial_partner_id.id))
            reference_date = by_reference.get((company.id, request.payment_reference_normalized))
            if customer_date and customer_date >= sent:
                holds[request] = self.env._(
                    "An unlinked bank transaction of this customer from %(date)s",
                    date=format_date(self.env, customer_date),
                )
            elif reference_date and reference_date >= sent:
                holds[request] = self.env._(
                    "An unlinked bank transaction with this request's reference from %(date)s",
                    date=format_date(self.env, reference_date),
                )
        return holds

    def _lock_skip_locked(self, condition=None):
        """Return the requests of ``self`` whose rows, and whose customers'
        rows, this transaction could lock, and that meet ``condition`` (an
        ``SQL`` on the alias ``request``). Mailing a customer writes on the
        customer (portal signup data), so a request whose customer another
        worker is mailing is left to that worker: two runs at once never
        handle the same request, nor wait on each other."""
        if not self:
            return self
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        """
                        SELECT request.id
                          FROM payment_request request
                          JOIN res_partner partner ON partner.id = request.partner_id
                         WHERE request.id IN %s AND %s
                           FOR NO KEY UPDATE OF request, partner SKIP LOCKED
                        """,
                        tuple(self.ids),
                        condition or SQL("TRUE"),
                    )
                )
                locked_ids = {row[0] for row in self.env.cr.fetchall()}
        except pg_errors.SerializationFailure:
            # Another worker handled some of these and committed after this
            # transaction began: leave the whole batch to it.
            return self.browse()
        return self.filtered(lambda request: request.id in locked_ids)

    def _lock_for_reminder(self, today):
        """Return the requests this transaction may remind: those not
        reminded today that it could lock (see _lock_skip_locked)."""
        return self._lock_skip_locked(
            SQL("(request.last_reminder_date IS NULL OR request.last_reminder_date < %s)", today)
        )

    # ------------------------------------------------------------------
    # Payment plans: instalments that go out on their day
    # ------------------------------------------------------------------

    @api.model
    def _get_planned_send_domain(self, today):
        """Return the domain of the instalments to send today: drafts of a
        payment plan, on a confirmed order, due within their company's lead
        time (``payment_request_plan_send_days``)."""
        companies = self.env["res.company"].search([])
        per_company = ["|"] * (len(companies) - 1)
        for company in companies:
            per_company += [
                "&",
                ("company_id", "=", company.id),
                ("date_due", "<=", today + timedelta(days=company.payment_request_plan_send_days)),
            ]
        return [
            ("plan_id", "!=", False),
            ("is_sent", "=", False),
            ("is_cancelled", "=", False),
            ("sale_order_id.state", "=", "sale"),
            *per_company,
        ]

    @api.model
    def _cron_send_planned_requests(self, batch_size=REMINDER_BATCH_SIZE):
        """Send the instalments of payment plans whose day has come, batch by
        batch, each instalment once (see _send_planned_batch). Run by the
        scheduler, one batch per call with its progress; called directly, all
        of them."""
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        today = fields.Date.context_today(self)
        domain = self._get_planned_send_domain(today)
        seen_ids = []
        done = 0
        while True:
            candidates = self.search(
                [*domain, ("id", "not in", seen_ids)], order="date_due, id", limit=batch_size
            )
            if not candidates:
                break
            seen_ids += candidates.ids
            locked = candidates._lock_skip_locked(
                SQL("request.is_sent IS NOT TRUE AND request.is_cancelled IS NOT TRUE")
            )
            locked._send_planned_batch()
            done += len(locked)
            if in_cron and locked:
                remaining = self.search_count([*domain, ("id", "not in", seen_ids)])
                commit_cron_progress(self.env, len(locked), remaining)
                break
        return done

    def _send_planned_batch(self):
        """Send these instalments in one savepoint; when one fails, send them
        one savepoint each, so that the others still go and the failing one
        is flagged to its salesperson."""
        try:
            with self.env.cr.savepoint():
                for request in self:
                    request._send_planned()
        except Exception:  # one of the batch failed: isolate it
            _logger.info("Planned instalments: a batch failed, sending them one by one")
            for request in self:
                try:
                    with self.env.cr.savepoint():
                        request._send_planned()
                except Exception as error:  # flagged, tried again at the next run
                    _logger.info("Planned instalment %s not sent: %s", request.name, error)
                    request._log_planned_send_failure(error)

    def _send_planned(self):
        """Send this instalment as Send does: the same mail, PDF and portal
        link; it is then a sent request like any other."""
        self.ensure_one()
        if not self.partner_id.email:
            raise UserError(
                self.env._(
                    "%(partner)s has no email address: the instalment cannot be sent.",
                    partner=self.partner_id.display_name,
                )
            )
        self._portal_ensure_token()
        self.with_context(
            mark_payment_request_as_sent=True, payment_request_mail=True
        ).message_post_with_source(
            "payment_request.mail_template_payment_request",
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="mail.mail_notification_layout_with_responsible_signature",
        )

    def _log_planned_send_failure(self, error):
        self.ensure_one()
        reason = str(error.args[0]) if getattr(error, "args", None) else str(error)
        summary = self.env._("Planned instalment not sent")
        if not self.activity_ids.filtered(lambda activity: activity.summary == summary):
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=reason,
                user_id=(self.user_id or self.env.user).id,
            )

    # ------------------------------------------------------------------
    # Expiry
    # ------------------------------------------------------------------

    @api.model
    def _expire_batch(self, candidates, today):
        """Expire the ``candidates`` this run could lock: cancel each, mail
        the customer, and cancel its quotation when the company asks for it.
        Return how many requests this run took."""
        locked = candidates._lock_skip_locked()
        for request in locked:
            try:
                with self.env.cr.savepoint():
                    request._expire(today)
            except UserError as error:
                # Money came in meanwhile (the request is no longer one to
                # expire): it stays as it is.
                _logger.info("Payment request %s not expired: %s", request.name, error)
        return len(locked)

    def _expire(self, today):
        """Cancel this unpaid request, tell the customer, and release its
        quotation when the company's setting says so."""
        self.ensure_one()
        if self.currency_id.compare_amounts(self._get_online_amount_in_progress(), 0.0) > 0:
            raise UserError(self.env._("Payment request %s has an online payment in progress.", self.name))
        days = self.company_id.payment_request_expiry_days
        self._action_cancel(
            reason=self.env._(
                "Expired: nothing was received %(days)s days after the due date (%(date)s), after "
                "the last reminder. The customer was told by mail.",
                days=days,
                date=format_date(self.env, self.date_due),
            )
        )
        self._portal_ensure_token()
        self.with_context(payment_request_mail=True).message_post_with_source(
            "payment_request.mail_template_payment_request_expired",
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="mail.mail_notification_layout_with_responsible_signature",
        )
        if self.company_id.payment_request_expiry_cancel_quotation:
            self._cancel_expired_quotation()

    def _cancel_expired_quotation(self):
        """Cancel the quotation of this expired request: only a quotation in
        draft or sent, none of whose requests received money."""
        self.ensure_one()
        order = self.sale_order_id
        if not order or order.state not in ("draft", "sent"):
            return
        if any(
            request.currency_id.compare_amounts(request.amount_paid, 0.0)
            or any(request._get_money_received())
            for request in order.payment_request_ids
        ):
            return
        order._action_cancel()
        order.message_post(
            body=self.env._("Cancelled: its payment request %(request)s expired unpaid.", request=self.name)
        )

    def _send_reminders(self, raise_errors=True):
        """Send each request its next reminder level. Without raise_errors, a
        request that fails is noted, flagged to its salesperson and tried
        again tomorrow, and the others go on."""
        today = fields.Date.context_today(self)
        sent = self.browse()
        for request in self:
            level = request._get_next_reminder_level() or (
                raise_errors and request._get_reminder_levels()[-1:]
            )
            if not level:
                continue
            try:
                with self.env.cr.savepoint():
                    request._check_can_remind()
                    request._post_reminder(level)
            except Exception as error:
                if raise_errors:
                    raise
                _logger.info("Payment request %s: reminder not sent: %s", request.name, error)
                request._log_reminder_failure(error, today)
                continue
            sent |= request
        for request in sent:
            # sudo: the reminder counters are protected from plain writes; the
            # cron, or a user allowed to write the request (action_send_reminder
            # checks it), just sent this reminder.
            request.sudo().write(
                {
                    "reminder_count": request.reminder_count + 1,
                    "last_reminder_date": today,
                    "reminder_retry_date": False,
                }
            )
        return sent

    def _check_can_remind(self):
        self.ensure_one()
        if not self.partner_id.email:
            raise UserError(
                self.env._(
                    "%(partner)s has no email address: the reminder cannot be sent.",
                    partner=self.partner_id.display_name,
                )
            )

    def _post_reminder(self, level):
        """Mail the level's template to the customer, through the chatter."""
        self.ensure_one()
        self._portal_ensure_token()
        self.with_context(payment_request_mail=True).message_post_with_source(
            level.mail_template_id,
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="mail.mail_notification_layout_with_responsible_signature",
        )

    def _log_reminder_failure(self, error, today):
        self.ensure_one()
        reason = str(error.args[0]) if getattr(error, "args", None) else str(error)
        self.message_post(
            body=self.env._("The payment reminder could not be sent: %(reason)s", reason=reason),
            subtype_xmlid="mail.mt_note",
        )
        summary = self.env._("Payment reminder not sent")
        if not self.activity_ids.filtered(lambda activity: activity.summary == summary):
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=reason,
                user_id=(self.user_id or self.env.user).id,
            )
        # sudo: protected field; the reminder run itself schedules its retry.
        self.sudo().reminder_retry_date = today + timedelta(days=1)

    def action_send_reminder(self):
        """Send the next reminder level now."""
        self._check_internal_user()
        self.check_access("write")
        for request in self:
            if request.state not in OUTSTANDING_STATES:
                raise UserError(
                    self.env._("Only a sent or partially paid request can be reminded: %s", request.name)
                )
            if not request._get_reminder_levels():
                raise UserError(
                    self.env._("Set up reminder levels in the settings before sending a reminder.")
                )
        self._send_reminders(raise_errors=True)

    def _get_order_amount_unrequested(self):
        """Return what the order still has to be requested: its total less
        the other non-cancelled requests."""
        self.ensure_one()
        order = self.sale_order_id
        requested = order._get_payment_request_amount_requested(excluded=self)
        return max(order.amount_total - requested, 0.0)

    def _get_order_share(self):
        """Return the part of its order this request asks for. A draft
        percentage is worked out from the order rather than read, so that a
        draft for the remaining amount computed first does not use its old
        value."""
        self.ensure_one()
        if self.amount_type == "percentage" and not self.is_sent and self.sale_order_id:
            return self._get_order_percentage_amount()
        return self.amount

    def _get_order_percentage_amount(self):
        """Return the request's percentage of its order's total."""
        self.ensure_one()
        return self.currency_id.round(self.sale_order_id.amount_total * self.percentage / 100.0)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("amount", "state")
    def _check_amount_positive(self):
        for request in self:
            if request.state != "cancel" and request.currency_id.compare_amounts(request.amount, 0.0) <= 0:
                raise ValidationError(self.env._("The amount of a payment request must be above zero."))

    @api.constrains("amount", "state", "sale_order_id", "currency_id")
    def _check_order_total(self):
        computed = [self._fields["amount"], self._fields["state"]]
        for order in self.sale_order_id:
            # Drafts follow their order one by one (amount is recursive): while
            # the amount or state of another request of the order is still
            # being computed, its value is not final; the check made once that
            # computation ends counts it.
            others = order.payment_request_ids - self
            if any(self.env.is_protected(field, other) for field in computed for other in others):
                continue
            requests = order.payment_request_ids.filtered(lambda r: r.state != "cancel")
            total = sum(requests.mapped("amount"))
            if order.currency_id.compare_amounts(total, order.amount_total) > 0:
                raise ValidationError(
                    self.env._(
                        "The payment requests of %(order)s add up to %(requested)s, "
                        "more than the order total of %(total)s.",
                        order=order.name,
                        requested=order.currency_id.format(total),
                        total=order.currency_id.format(order.amount_total),
                    )
                )

    @api.constrains("currency_id", "sale_order_id")
    def _check_currency(self):
        for request in self:
            if request.sale_order_id and request.currency_id != request.sale_order_id.currency_id:
                raise ValidationError(
                    self.env._(
                        "The currency of payment request %(request)s must be the currency "
                        "of its order (%(currency)s).",
                        request=request.name,
                        currency=request.sale_order_id.currency_id.name,
                    )
                )

    @api.constrains("sale_order_id", "state")
    def _check_order_not_cancelled(self):
        for request in self:
            if request.state != "cancel" and request.sale_order_id.state == "cancel":
                raise ValidationError(
                    self.env._(
                        "Order %(order)s is cancelled: it cannot get a payment request.",
                        order=request.sale_order_id.name,
                    )
                )

    @api.constrains("percentage", "amount_type")
    def _check_amount_percentage(self):
        for request in self:
            if request.amount_type == "percentage" and not 0 < request.percentage <= 100:
                raise ValidationError(self.env._("The percentage must be above 0 and at most 100."))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._check_protected_create(vals_list)
        requests = super().create(vals_list)
        for request in requests:
            # sudo: the number and the reference are protected from plain
            # writes (see write()); here the server itself draws them.
            request_sudo = request.sudo()
            if request_sudo.name == "/":
                request_sudo.name = request._get_sequence().next_by_id(sequence_date=request.date)
            if not request_sudo.payment_reference:
                request_sudo.payment_reference = request._build_payment_reference()
        return requests

    def write(self, vals):
        self._check_protected_write(vals)
        return super().write(vals)

    # ------------------------------------------------------------------
    # Who may change what: an allowlist
    # ------------------------------------------------------------------

    @api.model
    def _get_user_editable_fields(self):
        """Return the fields the current user may set in the request's form,
        on a new request and on an existing one. Every other field (numbers,
        references, workflow flags, amounts received, counters, links) is
        set by the server: the workflow methods write it in sudo after their
        own checks. Portal and public users edit nothing."""
        user = self.env.user
        if not user._is_internal() or not (
            user.has_group("sales_team.group_sale_salesman")
            or user.has_group("account.group_account_invoice")
        ):
            return set()
        return {
            "partner_id",
            "user_id",
            "currency_id",
            "amount_type",
            "percentage",
            "amount",
            "date",
            "date_due",
            "auto_reminder",
            "note",
        }

    @api.model
    def _get_user_create_only_fields(self):
        """Return the fields the current user may set on a new request only:
        the order and the company it belongs to."""
        if not self._get_user_editable_fields():
            return set()
        return {"sale_order_id", "company_id"}

    @api.model
    def _get_fields_frozen_once_sent(self):
        """Return the fields the customer was told about: they no longer
        change once the request has left the draft state."""
        return {"amount", "amount_type", "percentage", "currency_id", "partner_id", "date"}

    @api.model
    def _is_workflow_trusted(self):
        """Tell whether the current environment may set the protected fields
        directly: the workflow methods (which write them in sudo after their
        own checks) and system administrators."""
        return self.env.su or self.env.user._is_system()

    @api.model
    def _is_limited_salesperson(self):
        """Tell whether the current user sees only their own requests (Sales:
        own documents only, without Billing rights)."""
        user = self.env.user
        return not (
            user.has_group("sales_team.group_sale_salesman_all_leads")
            or user.has_group("account.group_account_invoice")
            or user.has_group("account.group_account_readonly")
        )

    def _get_changed_fields(self, vals, names):
        """Return the subset of ``names`` whose value in ``vals`` differs from
        the value of one of these requests (a relation list, or a field not
        stored, always counts as a change)."""
        changed = set()
        for name in names:
            field = self._fields[name]
            if field.type in ("one2many", "many2many") or not field.store:
                changed.add(name)
                continue
            for request in self:
                new = field.convert_to_record(field.convert_to_cache(vals[name], request), request)
                old = request[name]
                if field.type == "monetary":
                    differs = request.currency_id.compare_amounts(new or 0.0, old or 0.0) != 0
                else:
                    differs = new != old
                if differs:
                    changed.add(name)
                    break
        return changed

    def _get_field_labels(self, names):
        return ", ".join(
            sorted(f"{self._fields[name]._description_string(self.env)} ({name})" for name in names)
        )

    @api.model
    def _check_protected_create(self, vals_list):
        """Refuse a create that sets a field outside the allowlist (also
        through ``default_*`` keys of the context, which any RPC caller
        sets), on an order the caller may not change, or for another
        salesperson than the order's."""
        if self._is_workflow_trusted():
            return
        allowed = self._get_user_editable_fields() | self._get_user_create_only_fields()
        defaults = {
            key[len("default_") :]: value
            for key, value in self.env.context.items()
            if key.startswith("default_") and key[len("default_") :] in self._fields
        }
        for vals in vals_list:
            merged = {**defaults, **vals}
            refused = {
                name
                for name in merged
                if name in self._fields
                and name not in allowed
                and not (name == "name" and merged[name] == "/")
            }
            if refused:
                raise AccessError(
                    self.env._(
                        "You cannot set %(fields)s of a new payment request: the server sets them.",
                        fields=self._get_field_labels(refused),
                    )
                )
            order = self.env["sale.order"].browse(merged.get("sale_order_id") or [])
            self._check_order_writable(order)
            if "user_id" in merged:
                self._check_salesperson(order, self.env["res.users"].browse(merged["user_id"] or []))

    @api.model
    def _check_order_writable(self, order):
        """Raise an AccessError unless the caller may change ``order``: a
        request asks the order's customer for its money."""
        if not order:
            return
        try:
            order.check_access("write")
        except AccessError as error:
            raise AccessError(
                self.env._(
                    "You cannot make a payment request for order %(order)s: you may not change that order.",
                    order=order.sudo().name,
                )
            ) from error

    @api.model
    def _check_salesperson(self, order, user):
        """Raise an AccessError when ``user`` may not be the request's
        salesperson: the salesperson of its order, or for a request without
        order, anyone but a salesperson limited to their own documents, who
        can only take it themselves."""
        if order:
            # sudo: only the salesperson of an order the caller may change is read.
            if user != order.sudo().user_id:
                raise AccessError(
                    self.env._(
                        "The %(field)s of a payment request is the salesperson of its order "
                        "(%(order)s): change the order's salesperson instead.",
                        field=self._get_field_labels({"user_id"}),
                        order=order.sudo().name,
                    )
                )
        elif user and user != self.env.user and self._is_limited_salesperson():
            raise AccessError(
                self.env._(
                    "You can only make payment requests of your own: you cannot set their %(field)s "
                    "to someone else.",
                    field=self._get_field_labels({"user_id"}),
                )
            )

    def _check_protected_write(self, vals):
        """Refuse a write that changes a field outside the allowlist, a field
        the customer was told about once the request was sent, or the
        salesperson of a request to someone else."""
        if self._is_workflow_trusted() or not self:
            return
        names = {name for name in vals if name in self._fields}
        protected = self._get_changed_fields(vals, names - self._get_user_editable_fields())
        if protected:
            raise AccessError(
                self.env._(
                    "You cannot change %(fields)s of a payment request: only its buttons "
                    "(Send, Register Payment, Cancel) or a system administrator change them.",
                    fields=self._get_field_labels(protected),
                )
            )
        frozen_names = self._get_fields_frozen_once_sent() & names
        if frozen_names:
            sent = self.filtered(lambda request: not request._is_draft())
            frozen = sent._get_changed_fields(vals, frozen_names)
            if frozen:
                raise AccessError(
                    self.env._(
                        "Payment request %(request)s has been sent: its %(fields)s can no longer "
                        "change. Cancel it and make a new request instead.",
                        request=", ".join(sent.mapped("name")),
                        fields=self._get_field_labels(frozen),
                    )
                )
        if "user_id" in names:
            user = self.env["res.users"].browse(vals["user_id"] or [])
            for request in self:
                if request._get_changed_fields(vals, {"user_id"}):
                    self._check_salesperson(request.sale_order_id, user)

    @api.model
    def _with_checked_links(self, records, requests):
        """Return ``records`` in an environment allowed to link them to
        ``requests``: the caller has checked these links."""
        checked = self.env.context.get(CHECKED_LINKS_KEY)
        checked = checked if isinstance(checked, frozenset) else frozenset()
        return records.with_context(**{CHECKED_LINKS_KEY: checked | frozenset(requests.ids)})

    @api.model
    def _check_link_fields(self, records, vals_list, names):
        """Refuse an untrusted caller's create or write of ``records`` that sets
        one of ``names``, the fields our addons add to other models to link
        them to requests (also through ``default_*`` keys of the context):
        only the server links money and invoices to a request. A many2one
        may point to a request whose link the calling code has checked (see
        _with_checked_links)."""
        if self._is_workflow_trusted():
            return
        checked = self.env.context.get(CHECKED_LINKS_KEY)
        checked = checked if isinstance(checked, frozenset) else frozenset()
        defaults = {}
        if not records:
            defaults = {
                key[len("default_") :]: value
                for key, value in self.env.context.items()
                if key.startswith("default_") and key[len("default_") :] in names
            }
        for vals in vals_list:
            merged = {**defaults, **vals}
            refused = {
                name
                for name in names & set(merged)
                if not (
                    records._fields[name].type == "many2one"
                    and (
                        # A new record without link, or a link checked.
                        (not records and not merged[name])
                        or (isinstance(merged[name], int) and merged[name] in checked)
                    )
                )
            }
            if refused:
                raise AccessError(
                    self.env._(
                        "You cannot set %(fields)s of %(model)s: only the payment request's "
                        "workflow (Register Payment, Link to Payment Request, Create Invoice, "
                        "online payment) links records to a payment request.",
                        fields=", ".join(
                            sorted(
                                f"{records._fields[name]._description_string(self.env)} ({name})"
                                for name in refused
                            )
                        ),
                        model=records._description,
                    )
                )

    def _check_can_receive_money(self):
        """Raise a ValidationError when one of these requests is a draft or
        cancelled: a draft asked nothing yet, a cancelled request asks nothing
        more. No payment or journal item is linked to it, by any path; money
        that still arrives for a cancelled request (online, by bank) is booked
        without the link and flagged to the salesperson."""
        # sudo: only the requests' flags are read, to refuse the link.
        for request in self.sudo():
            if request.is_cancelled or not request.is_sent:
                raise ValidationError(
                    self.env._(
                        "Payment request %(request)s is a draft or cancelled: it cannot receive a payment.",
                        request=request.name,
                    )
                )

    def _write_workflow(self, vals):
        """Write fields only the workflow sets, for a caller who may change
        these requests."""
        self.check_access("write")
        # sudo: these fields are protected from plain writes (see write()); the
        # caller may write these requests (checked above) and the workflow
        # method calling this one decided the values.
        return self.sudo().write(vals)

    @api.model
    def _restrict_actions_to_group(self, action_xmlids, group_xmlid):
        """Show the given actions to the members of a group only.

        Called from the data files: the actions' groups field is named
        differently on 18.0 and 19.0 (compat.GROUPS), which XML cannot say.
        """
        group = self.env.ref(group_xmlid)
        for xmlid in action_xmlids:
            self.env.ref(xmlid).write({GROUPS: [Command.link(group.id)]})

    def _check_internal_user(self):
        """Refuse portal and public users before an action does anything:
        the actions are the back office's buttons."""
        if not self.env.su and not self.env.user._is_internal():
            raise AccessError(self.env._("Only internal users can act on payment requests."))

    def _get_sequence(self):
        """Return the request numbering of the request's company, made from
        the shared template the first time a company needs one."""
        self.ensure_one()
        # sudo: numbering is technical data; users who may create a request
        # may draw its number, as sale orders do.
        sequences = self.env["ir.sequence"].sudo()
        sequence = sequences.search(
            [("code", "=", "payment.request"), ("company_id", "=", self.company_id.id)], limit=1
        )
        if not sequence:
            template = self.env.ref("payment_request.seq_payment_request").sudo()
            sequence = template.copy({"company_id": self.company_id.id, "number_next": 1})
        return sequence

    def _build_payment_reference(self):
        """Return a new structured reference: an ISO 11649 RF reference.
        Localisations override it (l10n_be_payment_request: the Belgian OGM)."""
        self.ensure_one()
        return format_rf(f"9{self.id:08d}")

    @api.ondelete(at_uninstall=False)
    def _unlink_except_money_received(self):
        for request in self:
            # sudo: whoever may delete the request must see that money or a
            # payment attempt is attached to it, even without Billing rights.
            request_sudo = request.sudo()
            if (
                request_sudo.payment_ids
                or request_sudo.received_line_ids
                or request_sudo.transaction_ids
                or request.state not in INACTIVE_STATES
            ):
                raise UserError(
                    self.env._(
                        "Payment request %(request)s has been sent, has received money or "
                        "was paid online: cancel it instead of deleting it.",
                        request=request.name,
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_send(self):
        """Open the mail composer with the payment request template."""
        self._check_internal_user()
        self.ensure_one()
        self.check_access("write")
        if self.is_cancelled:
            raise UserError(self.env._("A cancelled payment request cannot be sent."))
        self._portal_ensure_token()
        template = self.env.ref("payment_request.mail_template_payment_request", raise_if_not_found=False)
        return {
            "name": self.env._("Send"),
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id if template else False,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": "mail.mail_notification_layout_with_responsible_signature",
                "mark_payment_request_as_sent": True,
                "payment_request_mail": True,
                "force_email": True,
            },
        }

    def message_post(self, **kwargs):
        # The composer of action_send marks the request as sent; the flag
        # comes from the caller's context, so only the back office may use it.
        if self.env.context.get("mark_payment_request_as_sent") and (
            self.env.su or self.env.user._is_internal()
        ):
            self.filtered(lambda r: r._is_draft())._mark_sent()
        message = super().message_post(**kwargs)
        if self.env.context.get("payment_request_mail") and not self._can_render_pdf():
            self._message_log(body=self._get_pdf_unavailable_message())
        return message

    @api.model
    def _can_render_pdf(self):
        """Return whether this server can make PDFs (wkhtmltopdf works)."""
        return self.env["ir.actions.report"].get_wkhtmltopdf_state() in ("ok", "upgrade")

    @api.model
    def _get_pdf_unavailable_message(self):
        return self.env._(
            "Sent without the PDF of the payment request: this server cannot make PDFs "
            "(wkhtmltopdf is missing). Ask your administrator to install it."
        )

    @api.depends_context("uid")
    def _compute_pdf_unavailable(self):
        self.pdf_unavailable = not self._can_render_pdf()

    def action_mark_sent(self):
        """Mark the request as sent without mailing it (handed over another way)."""
        self._check_internal_user()
        self.filtered(lambda r: r._is_draft())._mark_sent()

    def _mark_sent(self):
        self._write_workflow({"is_sent": True, "date_sent": fields.Date.context_today(self)})

    def action_register_payment(self):
        """Open the wizard that registers a payment received for this request."""
        self._check_internal_user()
        self.ensure_one()
        return {
            "name": self.env._("Register Payment"),
            "type": "ir.actions.act_window",
            "res_model": "payment.request.register",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_payment_request_id": self.id},
        }

    def action_cancel(self):
        """Cancel the request; refused once money has been received by any
        path: a registered payment (also an online one) or a bank transaction."""
        self._check_internal_user()
        self.check_access("write")
        self._action_cancel()

    def _action_cancel(self, reason=None):
        """Cancel these requests: the one implementation behind the Cancel
        button, the cancelled order and the expiry of unpaid requests.
        Refused for a request that is invoiced or received money. ``reason``,
        when given, is posted on each request's chatter."""
        # A payment being registered at the same time waits for the cancel, or
        # the cancel for the payment: never both.
        self._lock_for_payment()
        for request in self:
            request._check_can_cancel()
        self._write_workflow({"is_cancelled": True})
        if reason:
            for request in self:
                request.message_post(body=reason, subtype_xmlid="mail.mt_note")
        return True

    def _check_can_cancel(self):
        """Raise, saying what to undo first, when the request cannot be
        cancelled: it is invoiced or it received money."""
        self.ensure_one()
        if self._get_live_invoices():
            raise UserError(
                self.env._("Payment request %s is already invoiced: it cannot be cancelled.", self.name)
            )
        self._check_no_money_received()

    def _check_no_money_received(self):
        """Raise, saying what to undo first, when the request received money."""
        self.ensure_one()
        # sudo: a salesperson may cancel a request without reading accounting;
        # only whether money came in is looked at, and the names of what to
        # undo are all the message tells.
        payments, lines = self.sudo()._get_money_received()
        if not payments and not lines:
            return
        undo = []
        if payments:
            undo.append(
                self.env._(
                    "cancel or refund its payments (%(payments)s)",
                    payments=", ".join(payments.mapped("name")),
                )
            )
        if lines:
            undo.append(
                self.env._(
                    "unlink its bank transactions (%(transactions)s)",
                    transactions=", ".join(lines.move_id.mapped("name")),
                )
            )
        raise UserError(
            self.env._(
                "Payment request %(request)s has received money. First %(undo)s, then cancel the request.",
                request=self.name,
                undo=self.env._(" and ").join(undo),
            )
        )

    def action_draft(self):
        """Reopen a cancelled request as a draft."""
        self._check_internal_user()
        for request in self:
            if not request.is_cancelled:
                raise UserError(self.env._("Only a cancelled payment request can be reset to draft."))
        self._write_workflow({"is_cancelled": False, "is_sent": False})

    def action_create_invoice(self):
        """Open the wizard that invoices the selected requests."""
        self._check_internal_user()
        return {
            "name": self.env._("Create Invoice"),
            "type": "ir.actions.act_window",
            "res_model": "payment.request.invoice",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_payment_request_ids": self.ids},
        }

    def action_preview_payment_request(self):
        """Show the request as the customer sees it on the portal."""
        self._check_internal_user()
        self.ensure_one()
        return {"type": "ir.actions.act_url", "target": "self", "url": self.get_portal_url()}

    def action_view_invoices(self):
        """Show the invoices made from this request."""
        self._check_internal_user()
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [("id", "in", self.invoice_ids.ids)]
        action["context"] = {"create": False}
        if len(self.invoice_ids) == 1:
            action["views"] = [(self.env.ref("account.view_move_form").id, "form")]
            action["res_id"] = self.invoice_ids.id
        return action

    def action_view_payments(self):
        """Show the payments received for this request."""
        self._check_internal_user()
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_account_payments")
        action["domain"] = [("id", "in", self.payment_ids.ids)]
        action["context"] = {"create": False}
        return action

    @api.depends("received_line_ids", "payment_ids.is_matched")
    def _compute_statement_line_ids(self):
        for request in self:
            request.statement_line_ids = request._get_statement_lines()
            request.statement_line_count = len(request.statement_line_ids)

    def _get_statement_lines(self):
        """Return the bank transactions that pay these requests: those whose
        entry credits them, and those that matched their registered payments."""
        payment_lines = self.payment_ids.move_id.line_ids
        matched = (
            payment_lines.matched_debit_ids.debit_move_id | payment_lines.matched_credit_ids.credit_move_id
        )
        return (self.received_line_ids | matched).move_id.statement_line_ids

    def action_view_statement_lines(self):
        """Show the bank transactions that pay this request."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "payment_request.account_bank_statement_line_action_payment_request"
        )
        action["domain"] = [("id", "in", self.statement_line_ids.ids)]
        action["context"] = {"create": False}
        if len(self.statement_line_ids) == 1:
            form = self.env.ref("payment_request.account_bank_statement_line_view_form_payment_request")
            action["views"] = [(form.id, "form")]
            action["res_id"] = self.statement_line_ids.id
        return action

    # ------------------------------------------------------------------
    # Mail, report and QR code
    # ------------------------------------------------------------------

    def _get_portal_payments(self):
        """Return ``[(date, amount, journal name)]`` of the money received, for
        the customer's eyes (refunds negative)."""
        self.ensure_one()
        received = self._get_received_amounts()
        return sorted((record.date, amount, record.journal_id.name) for record, amount in received.items())

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Payment Request %s", self.name).replace("/", "_")

    def _get_bank_account(self):
        """Return the company bank account the customer pays to."""
        self.ensure_one()
        journal = self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(self.company_id),
                ("type", "=", "bank"),
                ("bank_account_id", "!=", False),
            ],
            limit=1,
        )
        return journal.bank_account_id or self.company_id.partner_id.bank_ids[:1]

    def _get_qr_amount(self):
        """Return the amount the QR code and the PDF ask for: the whole request
        while it is a draft, the residual while it is open, nothing once it is
        paid, done or cancelled (a reprinted PDF must not ask for it again)."""
        self.ensure_one()
        if self.state == "draft":
            amount = self.amount
        elif self.state in OUTSTANDING_STATES:
            amount = self.amount_residual
        else:
            amount = 0.0
        return float_round(amount, precision_digits=2)

    def _get_epc_qr_code(self):
        """Return the EPC (SEPA credit transfer) QR code as a data URI, or
        False when the bank account or currency does not allow one."""
        self.ensure_one()
        bank = self._get_bank_account()
        amount = self._get_qr_amount()
        if not bank or amount <= 0:
            return False
        return (
            bank.with_context(payment_request_qr=True).build_qr_code_base64(
                f"{amount:.2f}",
                self.name,
                self.payment_reference,
                self.currency_id,
                self.partner_id,
                qr_method="sct_qr",
                silent_errors=True,
            )
            or False
        )

    def _get_pay_online_qr_code(self, pay_online_url=None):
        """Return the QR code of the pay-online link as a PNG data URI, drawn
        as large as the EPC code so that a phone reads it from the printed
        page, or False without a link."""
        self.ensure_one()
        url = self._get_pay_online_url() if pay_online_url is None else pay_online_url
        if not url:
            return False
        png = self.env["ir.actions.report"].barcode(
            "QR", url, width=PAY_ONLINE_QR_PIXELS, height=PAY_ONLINE_QR_PIXELS, barLevel="M"
        )
        return "data:image/png;base64," + base64.b64encode(png).decode()

    def _get_pay_online_short_url(self, pay_online_url=None):
        """Return the pay-online link as the PDF prints it, on one short line:
        the host and the request's page, without its token (the printed link
        is clicked, or its QR code scanned)."""
        self.ensure_one()
        url = self._get_pay_online_url() if pay_online_url is None else pay_online_url
        if not url:
            return ""
        parsed = urllib.parse.urlsplit(url)
        return parsed.netloc + parsed.path

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=None):
        groups = super()._notify_get_recipients_groups(message, model_description, msg_vals=msg_vals)
        # portal.mixin already gives the customer a tokenised link: name it.
        for group in groups:
            if group[0] == "portal_customer":
                group[2].setdefault("button_access", {})["title"] = self.env._("View Payment Request")
        return groups

    # ------------------------------------------------------------------
    # Online payment (Odoo's payment providers)
    # ------------------------------------------------------------------

    @api.depends("transaction_ids")
    def _compute_transaction_count(self):
        for request in self:
            request.transaction_count = len(request.transaction_ids)

    def _has_to_be_paid(self):
        """Return whether the customer can pay this request online now: it is
        sent or partially paid and still owes something."""
        self.ensure_one()
        return (
            self.state in OUTSTANDING_STATES
            and self.currency_id.compare_amounts(self.amount_residual, 0.0) > 0
        )

    def _get_online_payment_providers(self):
        """Return the payment providers the portal page offers for this request."""
        self.ensure_one()
        # sudo: providers are configuration; this only tells whether one is
        # enabled for the request's company and currency.
        return (
            self.env["payment.provider"]
            .sudo()
            ._get_compatible_providers(
                self.company_id.id,
                self.partner_id.id,
                self.amount_residual,
                currency_id=self.currency_id.id,
            )
        )

    def _get_pay_online_url(self):
        """Return the link of the request's portal page, where the customer
        pays online what is due at that moment; empty when the request has
        nothing to be paid or no payment provider is enabled."""
        self.ensure_one()
        # A draft's link is for the mail that sends it (Send marks the request
        # as sent before the mail goes out): the customer opens a sent request.
        payable = self._has_to_be_paid() or (
            self.state == "draft" and self.currency_id.compare_amounts(self.amount, 0.0) > 0
        )
        if not payable or not self._get_online_payment_providers():
            return ""
        return self.get_base_url() + self.get_portal_url(anchor="payment_request_pay")

    def _get_online_amount_in_progress(self):
        """Return the money of this request's online transactions that the
        provider holds or is taking but that is not booked as a payment yet:
        transactions pending, authorized, done and not yet posted, or drafts
        started in the last ``DRAFT_TX_HOLD``."""
        self.ensure_one()
        held_since = fields.Datetime.now() - DRAFT_TX_HOLD
        # sudo: a portal visitor's payment form counts the money in flight of
        # the request it may pay; only a sum is returned.
        transactions = self.sudo().transaction_ids.filtered(
            lambda tx: tx.operation not in TX_NO_MONEY_OPERATIONS
            and (
                tx.state in IN_PROGRESS_TX_STATES
                or (tx.state == "done" and not tx.payment_id)
                or (tx.state == "draft" and tx.create_date and tx.create_date >= held_since)
            )
        )
        return self.currency_id.round(
            sum(
                tx.currency_id._convert(
                    tx.amount, self.currency_id, self.company_id, fields.Date.context_today(self)
                )
                for tx in transactions
            )
        )

    def _get_online_amount_payable(self):
        """Return what a new online transaction may ask now: the amount due
        minus the payments in progress; nothing when the request has nothing
        to be paid."""
        self.ensure_one()
        if not self._has_to_be_paid():
            return 0.0
        return max(self.currency_id.round(self.amount_residual - self._get_online_amount_in_progress()), 0.0)

    def _check_online_payment_amount(self, amount):
        """Raise a ValidationError unless a transaction of ``amount`` may pay
        this request now: above zero and at most what it still owes once the
        payments in progress are counted. Call it under ``_lock_for_payment``."""
        self.ensure_one()
        if not self.is_sent or self.is_cancelled or not self._has_to_be_paid():
            raise ValidationError(self.env._("Payment request %s has nothing left to be paid.", self.name))
        currency = self.currency_id
        if amount and not math.isfinite(amount):
            raise ValidationError(self.env._("The amount to pay is not a number."))
        if not amount or currency.compare_amounts(amount, 0.0) <= 0:
            raise ValidationError(self.env._("The amount to pay must be above zero."))
        in_progress = self._get_online_amount_in_progress()
        payable = self._get_online_amount_payable()
        if currency.compare_amounts(in_progress, 0.0) > 0 and currency.compare_amounts(amount, payable) > 0:
            if currency.compare_amounts(payable, 0.0) <= 0:
                raise ValidationError(
                    self.env._(
                        "A payment of %(amount)s for payment request %(request)s is being processed: "
                        "nothing more can be paid until it is complete.",
                        amount=currency.format(in_progress),
                        request=self.name,
                    )
                )
            raise ValidationError(
                self.env._(
                    "A payment of %(in_progress)s for payment request %(request)s is being processed: "
                    "at most %(payable)s can be paid now.",
                    in_progress=currency.format(in_progress),
                    request=self.name,
                    payable=currency.format(payable),
                )
            )
        if currency.compare_amounts(amount, self.amount_residual) > 0:
            raise ValidationError(
                self.env._(
                    "Payment request %(request)s now asks %(residual)s: reload the page to pay it.",
                    request=self.name,
                    residual=currency.format(self.amount_residual),
                )
            )

    def _reserve_online_payment(self, amount):
        """Check, under the request's row lock, that a new transaction of
        ``amount`` may pay this request, and mark the row as changed: a
        concurrent transaction that began before this one commits then fails
        to lock the row (REPEATABLE READ) and is retried on fresh data, where
        it counts this payment in progress."""
        self.ensure_one()
        self._lock_for_payment()
        self._check_online_payment_amount(amount)
        # A row lock alone does not make a concurrent locker fail: an update
        # does. The update changes no value.
        self.env.cr.execute("UPDATE payment_request SET write_date = write_date WHERE id = %s", [self.id])

    def _can_have_payment_link(self):
        """Tell whether a payment link may be made for, or opened on, this
        request: it has been sent and is not cancelled."""
        self.ensure_one()
        return self.is_sent and not self.is_cancelled

    def _get_payment_link_access_token(self, amount):
        """Return the access token of a payment link of ``amount`` for this
        request: it covers the request itself, as Odoo's invoice links cover
        the invoice, so that it opens nothing else."""
        self.ensure_one()
        # The scheme of payment.utils.generate_access_token, which needs an
        # HTTP request: links are also made in mails and by the server.
        return hmac(self.env(su=True), "generate_access_token", f"{self._name}|{self.id}|{amount}")

    def _check_payment_link_access_token(self, access_token, amount):
        """Tell whether ``access_token`` is the token of a payment link of
        ``amount`` for this request."""
        self.ensure_one()
        return bool(access_token) and consteq(access_token, self._get_payment_link_access_token(amount))

    def _get_default_payment_link_values(self):
        """Return the defaults of *Generate a Payment Link* (payment.link.wizard):
        the request's customer and currency, and what may be paid now."""
        self.ensure_one()
        amount = self._get_online_amount_payable() if self._can_have_payment_link() else 0.0
        return {
            "currency_id": self.currency_id.id,
            "partner_id": self.partner_id.id,
            "amount": amount,
            "amount_max": amount,
        }

    def _notify_overpaid(self):
        """Tell the salesperson, by an activity, that the request received
        more than it asked, and by how much."""
        summary = self.env._("Payment request overpaid")
        for request in self:
            excess = -request.amount_residual
            if request.currency_id.compare_amounts(excess, 0.0) <= 0:
                continue
            note = self.env._(
                "%(request)s received %(excess)s more than it asked: refund the customer or "
                "deduct it from the invoice.",
                request=request.name,
                excess=request.currency_id.format(excess),
            )
            request.message_post(body=note)
            request.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=note,
                user_id=(request.user_id or self.env.user).id,
            )

    def _notify_payment_on_cancelled(self, payment):
        """Tell the salesperson that money came in online for a cancelled
        request: it is booked as an open payment of the customer."""
        self.ensure_one()
        note = self.env._(
            "Payment %(payment)s of %(amount)s was made online for cancelled request %(request)s: "
            "it is booked as an open payment of the customer. Refund it or use it on an invoice.",
            payment=payment.name,
            amount=payment.currency_id.format(payment.amount),
            request=self.name,
        )
        self.message_post(body=note)
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Payment on a cancelled request"),
            note=note,
            user_id=(self.user_id or self.env.user).id,
        )

    def _notify_bank_money_on_cancelled(self, st_line):
        """Tell the salesperson that a bank transaction carries the reference
        of this cancelled request: it is not linked, and waits in the bank
        journal for the accountant."""
        self.ensure_one()
        note = self.env._(
            "Bank transaction %(transaction)s of %(amount)s carries the reference of cancelled request "
            "%(request)s: it is not linked and waits in the bank journal. Refund it, or use it on an "
            "invoice.",
            transaction=st_line.move_id.name,
            amount=st_line.currency_id.format(st_line.amount),
            request=self.name,
        )
        self.message_post(body=note)
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Payment on a cancelled request"),
            note=note,
            user_id=(self.user_id or self.env.user).id,
        )

    def _confirm_paid_quotations(self):
        """Confirm the quotation of each paid request, as Odoo confirms an
        order whose online prepayment is paid, when the company wants it."""
        for request in self:
            # sudo: the customer's money confirms the quotation, whoever booked
            # it (a portal payment, an accountant without Sales rights).
            order = request.sudo().sale_order_id
            if (
                not order
                or order.state not in ("draft", "sent")
                or request.state not in PAID_STATES
                or not request.company_id.payment_request_confirm_order
            ):
                continue
            order.action_confirm()
            order.message_post(
                body=self.env._(
                    "Quotation confirmed: payment request %(request)s is paid.",
                    request=request._get_html_link(),
                )
            )

    def action_view_transactions(self):
        """Show the online payment transactions of this request."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("payment.action_payment_transaction")
        action["domain"] = [("id", "in", self.transaction_ids.ids)]
        action["context"] = {"create": False}
        return action
