from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    payment_request_due_days = fields.Integer(
        default=14,
        help="Days between a payment request's date and its due date.",
    )
