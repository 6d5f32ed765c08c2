import math

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..const import OUTSTANDING_STATES


class PaymentRequestRegister(models.TransientModel):
    _name = "payment.request.register"
    _description = "Register a Payment for a Payment Request"
    _check_company_auto = True

    payment_request_id = fields.Many2one(
        comodel_name="payment.request",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="payment_request_id.company_id")
    currency_id = fields.Many2one(related="payment_request_id.currency_id")
    partner_id = fields.Many2one(related="payment_request_id.partner_id")
    # What the request asks: it is sent or partially paid (see _check_payment_allowed).
    amount_residual = fields.Monetary(string="Amount Due", related="payment_request_id.amount_residual")
    journal_id = fields.Many2one(
        comodel_name="account.journal",
        required=True,
        check_company=True,
        compute="_compute_journal_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('type', 'in', ('bank', 'cash'))]",
    )
    available_payment_method_line_ids = fields.Many2many(
        comodel_name="account.payment.method.line",
        compute="_compute_available_payment_method_line_ids",
    )
    payment_method_line_id = fields.Many2one(
        comodel_name="account.payment.method.line",
        string="Payment Method",
        required=True,
        compute="_compute_payment_method_line_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('id', 'in', available_payment_method_line_ids)]",
    )
    amount = fields.Monetary(
        compute="_compute_amount",
        store=True,
        readonly=False,
        precompute=True,
    )
    payment_date = fields.Date(required=True, default=fields.Date.context_today)
    note = fields.Char()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_register_values(vals)
        return super().create(vals_list)

    @api.model
    def _check_register_values(self, vals):
        """Refuse, before the ORM reads them, values the form never sends: an
        id that is not a number, an amount that is not a finite number, or a
        currency other than the request's (the payment is in the request's)."""
        for name in ("payment_request_id", "journal_id", "payment_method_line_id"):
            value = vals.get(name)
            if value not in (None, False) and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValidationError(
                    self.env._(
                        "%(field)s is not a valid record.",
                        field=self._fields[name]._description_string(self.env),
                    )
                )
        amount = vals.get("amount")
        if amount is not None and amount is not False:
            if isinstance(amount, bool) or not isinstance(amount, int | float) or not math.isfinite(amount):
                raise ValidationError(self.env._("The payment amount is not a number."))
        currency_id = vals.get("currency_id")
        if currency_id and vals.get("payment_request_id"):
            request = self.env["payment.request"].browse(vals["payment_request_id"]).exists()
            if request and currency_id != request.currency_id.id:
                raise ValidationError(
                    self.env._(
                        "Payment request %(request)s is paid in %(currency)s, its own currency.",
                        request=request.name,
                        currency=request.currency_id.name,
                    )
                )

    @api.depends("payment_request_id")
    def _compute_journal_id(self):
        for wizard in self:
            if wizard.journal_id or not wizard.company_id:
                continue
            domain = [
                *self.env["account.journal"]._check_company_domain(wizard.company_id),
                ("type", "in", ("bank", "cash")),
            ]
            journals = self.env["account.journal"].search(domain)
            currency = wizard.currency_id
            wizard.journal_id = (
                journals.filtered(lambda j, currency=currency: j.currency_id == currency)[:1]
                or journals.filtered(lambda j: j.type == "bank")[:1]
                or journals[:1]
            )

    @api.depends("journal_id")
    def _compute_available_payment_method_line_ids(self):
        for wizard in self:
            wizard.available_payment_method_line_ids = wizard.journal_id._get_available_payment_method_lines(
                "inbound"
            )

    @api.depends("available_payment_method_line_ids")
    def _compute_payment_method_line_id(self):
        for wizard in self:
            if wizard.payment_method_line_id not in wizard.available_payment_method_line_ids._origin:
                wizard.payment_method_line_id = wizard.available_payment_method_line_ids[:1]._origin

    @api.depends("payment_request_id")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = wizard.payment_request_id.amount_residual

    # ------------------------------------------------------------------
    # Business flow, in the shape of account.payment.register
    # ------------------------------------------------------------------

    def action_register_payment(self):
        """Create and post the customer payment, then show the request."""
        payments = self._create_payments()
        if self.env.context.get("dont_redirect_to_payments"):
            return True
        return {"type": "ir.actions.act_window_close", "infos": {"payment_ids": payments.ids}}

    def _create_payments(self):
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group("account.group_account_invoice"):
            raise UserError(self.env._("Only users with Billing rights can register a payment."))
        request = self.payment_request_id
        request._lock_for_payment()
        self._check_payment_allowed()
        payments = self._init_payments([self._prepare_payment_vals()])
        self._post_payments(payments)
        self._log_payments(payments)
        return payments

    def _check_payment_allowed(self):
        """Raise when this payment cannot be registered, before anything is written."""
        self.ensure_one()
        request = self.payment_request_id
        currency = request.currency_id
        if request.state not in OUTSTANDING_STATES:
            raise UserError(
                self.env._(
                    "Payment request %(request)s is %(state)s: a payment can only be registered "
                    "on a sent or partially paid request.",
                    request=request.name,
                    state=dict(request._fields["state"]._description_selection(self.env))[request.state],
                )
            )
        amount = self.amount
        if amount is None or math.isnan(amount) or math.isinf(amount):
            raise ValidationError(self.env._("The payment amount is not a number."))
        if abs(round(amount, currency.decimal_places) - amount) > 10 ** -(currency.decimal_places + 3):
            raise ValidationError(
                self.env._(
                    "The payment amount %(amount)s has more decimals than %(currency)s allows.",
                    amount=amount,
                    currency=currency.name,
                )
            )
        if currency.compare_amounts(amount, 0.0) <= 0:
            raise ValidationError(self.env._("The payment amount must be above zero."))
        if currency.compare_amounts(amount, request.amount_residual) > 0:
            raise ValidationError(
                self.env._(
                    "%(amount)s is more than the %(residual)s still due on %(request)s. "
                    "Register at most the amount due.",
                    amount=currency.format(amount),
                    residual=currency.format(request.amount_residual),
                    request=request.name,
                )
            )
        if not self.payment_method_line_id:
            raise UserError(
                self.env._("Journal %s has no incoming payment method.", self.journal_id.display_name)
            )

    def _get_memo(self):
        self.ensure_one()
        reference = self.payment_request_id.payment_reference or self.payment_request_id.name
        return f"{reference} - {self.note}" if self.note else reference

    def _prepare_payment_vals(self):
        """Return the values of the customer payment this wizard registers."""
        self.ensure_one()
        request = self.payment_request_id
        return {
            "payment_type": "inbound",
            "partner_type": "customer",
            "partner_id": request.partner_id.commercial_partner_id.id,
            "company_id": request.company_id.id,
            "amount": self.amount,
            "currency_id": request.currency_id.id,
            "date": self.payment_date,
            "journal_id": self.journal_id.id,
            "payment_method_line_id": self.payment_method_line_id.id,
            "memo": self._get_memo(),
            "payment_request_id": request.id,
        }

    def _init_payments(self, vals_list):
        # The request's state, amount and the user's rights were checked
        # (_check_payment_allowed): the payment may be linked to it.
        Payment = self.env["payment.request"]._with_checked_links(
            self.env["account.payment"], self.payment_request_id
        )
        return Payment.create(vals_list)

    def _post_payments(self, payments):
        payments.action_post()

    def _log_payments(self, payments):
        request = self.payment_request_id
        for payment in payments:
            body = self.env._(
                "Payment %(payment)s of %(amount)s registered on %(journal)s.",
                payment=payment._get_html_link(),
                amount=payment.currency_id.format(payment.amount),
                journal=payment.journal_id.name,
            )
            if self.note:
                body += self.env._(" Note: %s", self.note)
            request.message_post(body=body)
