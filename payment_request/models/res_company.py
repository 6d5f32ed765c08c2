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
    payment_request_reminder_bank_days = fields.Integer(
        string="Hold reminders on bank data older than (days)",
        default=3,
        help="Reminders wait while the newest transaction of the company's bank journals is older "
        "than this many days: the customer may have paid in a bank file not imported yet. "
        "0 switches the check off. A company without bank transactions reminds as usual.",
    )
    payment_request_expiry_days = fields.Integer(
        string="Expire unpaid requests after (days)",
        help="Cancel a sent request that received nothing, once its last reminder level is sent "
        "and its due date is more than this many days ago; the customer gets a last mail. "
        "0 (the default) never expires requests.",
    )
    payment_request_expiry_cancel_quotation = fields.Boolean(
        string="Cancel the quotation of an expired request",
        help="When a request expires, cancel its quotation too (a quotation in draft or sent, "
        "none of whose payment requests received money).",
    )
    payment_request_plan_id = fields.Many2one(
        comodel_name="payment.request.plan",
        string="Default payment plan",
        help="The payment plan of new orders whose customer has no plan of their own.",
    )
    payment_request_plan_send_days = fields.Integer(
        string="Send planned instalments (days before due)",
        default=14,
        help="An instalment of a payment plan goes out by itself this many days before its due date.",
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
