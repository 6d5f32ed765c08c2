from odoo import api, fields, models


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

    def _create_payment(self, **extra_create_values):
        """Link the payment of a request's transaction to the request.

        The money exists, so it is booked even beyond what the request asks;
        a cancelled request does not take it: it stays an outstanding payment
        of the customer, flagged to the salesperson."""
        request = self.payment_request_ids[:1] or self.source_transaction_id.payment_request_ids[:1]
        if not request:
            return super()._create_payment(**extra_create_values)
        request._lock_for_payment()
        if request.state != "cancel":
            extra_create_values.setdefault("payment_request_id", request.id)
        payment = super()._create_payment(**extra_create_values)
        if request.state == "cancel":
            request._notify_payment_on_cancelled(payment)
        return payment

    def _post_process(self):
        """After the payment of a request's transaction is booked, tell the
        salesperson when the request received more than it asked."""
        res = super()._post_process()
        for tx in self.filtered(lambda t: t.state == "done" and t.payment_request_ids):
            tx.payment_request_ids._notify_overpaid()
        return res

    def _log_message_on_linked_documents(self, message):
        """Log the transaction's messages on its payment requests too."""
        res = super()._log_message_on_linked_documents(message)
        author = self.env.user.partner_id if self.env.su else self.partner_id
        for request in self.payment_request_ids or self.source_transaction_id.payment_request_ids:
            request.message_post(body=message, author_id=author.id)
        return res
