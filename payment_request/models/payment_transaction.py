from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..const import TX_NO_MONEY_OPERATIONS


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    payment_request_ids = fields.Many2many(
        comodel_name="payment.request",
        relation="payment_request_transaction_rel",
        column1="transaction_id",
        column2="payment_request_id",
        string="Payment Requests",
        copy=False,
        readonly=True,
    )

    @api.model_create_multi
    def create(self, vals_list):
        self.env["payment.request"]._check_link_fields(self, vals_list, {"payment_request_ids"})
        for vals in vals_list:
            self._check_payment_request_payable(vals)
        return super().create(vals_list)

    def write(self, vals):
        self.env["payment.request"]._check_link_fields(self, [vals], {"payment_request_ids"})
        return super().write(vals)

    @api.model
    def _compute_reference_prefix(self, *args, **values):
        """Name the transaction after the request it pays, as account_payment
        does after the invoice.

        The positional arguments are (provider_code, separator) on 18.0 and
        (separator,) on 19.0: the separator comes last on both."""
        separator = args[-1]
        command_list = values.get("payment_request_ids")
        if command_list:
            request_ids = self._fields["payment_request_ids"].convert_to_cache(command_list, self)
            requests = self.env["payment.request"].browse(request_ids).exists()
            if len(requests) == len(request_ids):
                return separator.join(requests.mapped("name"))
        return super()._compute_reference_prefix(*args, **values)

    @api.model
    def _check_payment_request_payable(self, vals):
        """Refuse, before it exists, a new transaction that asks a request more
        than it owes once the payments already in progress are counted,
        whoever creates it (the portal, a payment link, a saved card)."""
        if not vals.get("payment_request_ids") or vals.get("operation") in TX_NO_MONEY_OPERATIONS:
            return
        request_ids = self._fields["payment_request_ids"].convert_to_cache(vals["payment_request_ids"], self)
        requests = self.env["payment.request"].browse(request_ids)
        if len(requests) > 1:
            raise ValidationError(self.env._("An online payment pays one payment request."))
        if not requests:
            return
        if vals.get("currency_id") != requests.currency_id.id:
            raise ValidationError(
                self.env._(
                    "Payment request %(request)s is paid in %(currency)s.",
                    request=requests.name,
                    currency=requests.currency_id.name,
                )
            )
        requests._reserve_online_payment(vals.get("amount"))

    def _get_payment_request(self):
        """Return the request this transaction pays, or whose payment it
        refunds or captures (child transactions)."""
        self.ensure_one()
        return self.payment_request_ids[:1] or self.source_transaction_id.payment_request_ids[:1]

    def _create_payment(self, **extra_create_values):
        """Link the payment of a request's transaction to the request.

        The request's row is locked, and what it owes is looked at again: the
        money exists, so it is booked even beyond what the request asks, and
        the salesperson is told (an activity). A draft or cancelled request
        does not take it: it stays an open payment of the customer, flagged to
        the salesperson. A refund comes off the request its money went on."""
        request = self._get_payment_request()
        if not request:
            return super()._create_payment(**extra_create_values)
        request._lock_for_payment()
        if self.operation == "refund":
            # A payment that did not go onto the request (cancelled meanwhile)
            # does not come off it either.
            source_request = self.source_transaction_id.payment_id.payment_request_id
            if source_request:
                extra_create_values.setdefault("payment_request_id", source_request.id)
            tx = request._with_checked_links(self, source_request)
            return super(PaymentTransaction, tx)._create_payment(**extra_create_values)
        takes_payments = request.is_sent and not request.is_cancelled
        if takes_payments:
            extra_create_values.setdefault("payment_request_id", request.id)
        # The link is the one this method decided, for whoever post-processes
        # the transaction (a cron, a user's status poll, a webhook).
        tx = request._with_checked_links(self, request if takes_payments else request.browse())
        payment = super(PaymentTransaction, tx)._create_payment(**extra_create_values)
        if not takes_payments:
            request._notify_payment_on_cancelled(payment)
        elif request.currency_id.compare_amounts(request.amount_residual, 0.0) < 0:
            request._notify_overpaid()
        return payment

    def _log_message_on_linked_documents(self, message):
        """Log the transaction's messages on its payment requests too."""
        res = super()._log_message_on_linked_documents(message)
        author = self.env.user.partner_id if self.env.su else self.partner_id
        for request in self.payment_request_ids or self.source_transaction_id.payment_request_ids:
            request.message_post(body=message, author_id=author.id)
        return res
