from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    payment_request_no_reminder = fields.Boolean(
        string="No Payment Request Reminders",
        help="Never send automatic payment request reminders to this customer.",
    )
