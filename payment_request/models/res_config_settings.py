from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    payment_request_auto_reminder = fields.Boolean(
        related="company_id.payment_request_auto_reminder",
        readonly=False,
    )
    payment_request_auto_link = fields.Boolean(
        related="company_id.payment_request_auto_link",
        readonly=False,
    )
    payment_request_reminder_bank_days = fields.Integer(
        related="company_id.payment_request_reminder_bank_days",
        readonly=False,
    )
    payment_request_expiry_days = fields.Integer(
        related="company_id.payment_request_expiry_days",
        readonly=False,
    )
    payment_request_expiry_cancel_quotation = fields.Boolean(
        related="company_id.payment_request_expiry_cancel_quotation",
        readonly=False,
    )
    payment_request_plan_id = fields.Many2one(
        related="company_id.payment_request_plan_id",
        readonly=False,
    )
    payment_request_plan_send_days = fields.Integer(
        related="company_id.payment_request_plan_send_days",
        readonly=False,
    )
    payment_request_due_days = fields.Integer(
        related="company_id.payment_request_due_days",
        readonly=False,
    )

    payment_request_confirm_order = fields.Boolean(
        related="company_id.payment_request_confirm_order",
        readonly=False,
    )

    def action_open_payment_request_reminder_levels(self):
        """Open the reminder levels of the current company: its own ones and
        the defaults of every company (without a company)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "payment_request.payment_request_reminder_level_action"
        )
        action["domain"] = [("company_id", "in", (False, self.company_id.id))]
        action["context"] = {"default_company_id": self.company_id.id}
        return action
