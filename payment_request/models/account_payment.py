from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..compat import sql_constraints


@sql_constraints(
    (
        "payment_request_provider_ref_uniq",
        "unique(company_id, payment_request_provider_ref)",
        "This provider payment is already registered.",
    )
)
class AccountPayment(models.Model):
    _inherit = "account.payment"

    payment_request_id = fields.Many2one(
        comodel_name="payment.request",
        index="btree_not_null",
        copy=False,
        readonly=True,
        check_company=True,
        ondelete="restrict",
    )

    payment_request_provider_ref = fields.Char(
        string="Provider Reference",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The payment provider's reference of this money movement (e.g. a provider's "
        "payment id, with the refunded or charged back total for a refund): one movement, "
        "one payment.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        self.env["payment.request"]._check_link_fields(self, vals_list, {"payment_request_id"})
        payments = super().create(vals_list)
        payments._check_payment_request_open()
        return payments

    def write(self, vals):
        self.env["payment.request"]._check_link_fields(self, [vals], {"payment_request_id"})
        res = super().write(vals)
        if vals.get("payment_request_id"):
            self._check_payment_request_open()
        return res

    def _check_payment_request_open(self):
        """Refuse a payment for a draft or cancelled request, whoever makes it:
        a draft asked nothing yet, a cancelled request asks nothing more.
        Money that still arrives for a cancelled request (online, by bank) is
        booked without the link and flagged to the salesperson."""
        for payment in self.filtered("payment_request_id"):
            # sudo: only the request's flags are read, to refuse the link.
            request = payment.payment_request_id.sudo()
            if request.is_cancelled or not request.is_sent:
                raise ValidationError(
                    self.env._(
                        "Payment request %(request)s is a draft or cancelled: it cannot receive a payment.",
                        request=request.name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_payment_request(self):
        for payment in self:
            if payment.payment_request_id and payment.state not in ("draft", "canceled"):
                raise UserError(
                    self.env._(
                        "Payment %(payment)s is linked to payment request %(request)s: "
                        "cancel it before deleting it.",
                        payment=payment.name,
                        request=payment.payment_request_id.name,
                    )
                )

    def action_post(self):
        res = super().action_post()
        self.payment_request_id._confirm_paid_quotations()
        return res
