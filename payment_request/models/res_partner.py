from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    payment_request_no_reminder = fields.Boolean(
        string="No Payment Request Reminders",
        help="Never send automatic payment request reminders to this customer.",
    )
    payment_request_plan_id = fields.Many2one(
        comodel_name="payment.request.plan",
        string="Payment Plan",
        company_dependent=True,
        help="The payment plan of this customer's new orders (on the company of the contact, "
        "its commercial partner's); without one, the company's default plan applies.",
    )
