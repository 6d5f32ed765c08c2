from odoo import api, fields, models
from odoo.exceptions import UserError

from ..const import PAYMENT_RECEIVED_STATES


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

    @api.model_create_multi
    def create(self, vals_list):
        self.env["payment.request"]._check_link_fields(self, vals_list, {"payment_request_id"})
        payments = super().create(vals_list)
        payments.payment_request_id._check_can_receive_money()
        return payments

    def write(self, vals):
        self.env["payment.request"]._check_link_fields(self, [vals], {"payment_request_id"})
        res = super().write(vals)
        if vals.get("payment_request_id"):
            self.payment_request_id._check_can_receive_money()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_payment_request(self):
        for payment in self:
            if payment.payment_request_id and payment.state in PAYMENT_RECEIVED_STATES:
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
