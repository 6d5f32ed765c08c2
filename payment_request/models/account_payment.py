from odoo import api, fields, models
from odoo.exceptions import UserError


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
