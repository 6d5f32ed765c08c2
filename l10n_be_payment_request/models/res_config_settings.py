from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    payment_request_invoice_deadline_scope = fields.Selection(
        related="company_id.payment_request_invoice_deadline_scope",
        readonly=False,
    )
    payment_request_invoice_deadline_days = fields.Integer(
        related="company_id.payment_request_invoice_deadline_days",
        readonly=False,
    )
    payment_request_auto_invoice = fields.Boolean(
        related="company_id.payment_request_auto_invoice",
        readonly=False,
    )
