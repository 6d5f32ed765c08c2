from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    payment_request_due_days = fields.Integer(
        default=14,
        help="Days between a payment request's date and its due date.",
    )
    payment_request_auto_reminder = fields.Boolean(
        string="Send automatic reminders",
        help="Remind customers by mail of every open, overdue payment request of the "
        "company, the existing ones included, following the reminder levels. A request "
        "or a customer can be excluded on its own.",
    )
    payment_request_auto_link = fields.Boolean(
        string="Link bank transactions automatically",
        default=True,
        help="Link new bank statement lines to the open payment request whose "
        "structured reference they carry.",
    )
    payment_request_reminder_level_ids = fields.One2many(
        comodel_name="payment.request.reminder.level",
        inverse_name="company_id",
        string="Payment Request Reminder Levels",
        help="The company's own reminder levels; without any, the default levels apply.",
    )
    payment_request_post_invoice = fields.Boolean(
        string="Post invoices made from payment requests",
        help="The default of Post Invoices in Create Invoice: the last choice made there.",
    )

    payment_request_confirm_order = fields.Boolean(
        string="Confirm quotations of paid requests",
        default=True,
        help="Confirm a quotation once one of its payment requests is paid, whatever the way "
        "the money came in (online, bank transaction, registered payment).",
    )
