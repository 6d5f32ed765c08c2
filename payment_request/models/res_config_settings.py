from mollie.api.error import Error as MollieError

from odoo import fields, models
from odoo.exceptions import UserError


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
    payment_request_due_days = fields.Integer(
        related="company_id.payment_request_due_days",
        readonly=False,
    )
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

    payment_request_mollie_enabled = fields.Boolean(
        related="company_id.payment_request_mollie_enabled",
        readonly=False,
    )
    payment_request_mollie_api_key = fields.Char(
        related="company_id.payment_request_mollie_api_key",
        readonly=False,
        groups="base.group_system",
    )
    payment_request_mollie_journal_id = fields.Many2one(
        related="company_id.payment_request_mollie_journal_id",
        readonly=False,
    )

    def action_payment_request_mollie_test(self):
        """Ask Mollie whether the key works, and say what it answered."""
        self.ensure_one()
        if not self.env.user._is_system():
            raise UserError(self.env._("Only administrators can test the Mollie connection."))
        requests = self.env["payment.request"]
        try:
            client = requests._mollie_client(self.company_id)
            client.payment_links.list(limit=1)
        except MollieError as error:
            raise UserError(
                self.env._("The Mollie connection failed. %s", requests._mollie_error_message(error))
            ) from error
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "success", "message": self.env._("Mollie accepted the API key.")},
        }

    def action_open_payment_request_reminder_levels(self):
        """Open the reminder levels of the current company."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "payment_request.payment_request_reminder_level_action"
        )
        action["domain"] = [("company_id", "=", self.company_id.id)]
        action["context"] = {"default_company_id": self.company_id.id}
        return action
