from odoo import api, fields, models

from ..const import LINKABLE_STATES

MATCH_REASONS = [
    ("reference", "Structured reference"),
    ("number", "Request number"),
    ("order", "Order number"),
    ("partner_amount", "Same customer and amount"),
    ("partner", "Same customer"),
    ("amount", "Same amount"),
]


class PaymentRequestLink(models.TransientModel):
    _name = "payment.request.link"
    _description = "Link a Bank Transaction to Payment Requests"

    statement_line_id = fields.Many2one(
        comodel_name="account.bank.statement.line",
        string="Bank Transaction",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="statement_line_id.company_id")
    currency_id = fields.Many2one(related="statement_line_id.currency_id")
    amount = fields.Monetary(related="statement_line_id.amount")
    payment_ref = fields.Char(related="statement_line_id.payment_ref")
    partner_id = fields.Many2one(related="statement_line_id.partner_id")
    candidate_ids = fields.One2many(
        comodel_name="payment.request.link.candidate",
        inverse_name="wizard_id",
        compute="_compute_candidate_ids",
        store=True,
        readonly=True,
        precompute=True,
    )
    payment_request_ids = fields.Many2many(
        comodel_name="payment.request",
        string="Payment Requests",
        compute="_compute_payment_request_ids",
        store=True,
        readonly=False,
        precompute=True,
        domain=f"[('company_id', '=', company_id), ('state', 'in', {LINKABLE_STATES!r})]",
        help="The transaction pays these requests in this order, each up to what it still owes.",
    )

    @api.depends("statement_line_id")
    def _compute_candidate_ids(self):
        for wizard in self:
            candidates = (
                wizard.statement_line_id._get_payment_request_candidates() if wizard.statement_line_id else []
            )
            wizard.candidate_ids = [fields.Command.clear()] + [
                fields.Command.create(
                    {"sequence": rank, "payment_request_id": request.id, "match_reason": reason}
                )
                for rank, (request, reason) in enumerate(candidates)
            ]

    @api.depends("candidate_ids")
    def _compute_payment_request_ids(self):
        for wizard in self:
            best = wizard.candidate_ids.sorted("sequence")[:1]
            wizard.payment_request_ids = best.payment_request_id

    def action_link(self):
        """Link the bank transaction to the selected requests."""
        self.ensure_one()
        requests = self.payment_request_ids
        self.statement_line_id._link_payment_requests(requests)
        return {"type": "ir.actions.act_window_close"}


class PaymentRequestLinkCandidate(models.TransientModel):
    _name = "payment.request.link.candidate"
    _description = "Candidate Payment Request for a Bank Transaction"
    _order = "sequence, id"

    wizard_id = fields.Many2one(comodel_name="payment.request.link", required=True, ondelete="cascade")
    sequence = fields.Integer()
    payment_request_id = fields.Many2one(comodel_name="payment.request", required=True, ondelete="cascade")
    match_reason = fields.Selection(selection=MATCH_REASONS, string="Match")
    partner_id = fields.Many2one(related="payment_request_id.partner_id")
    payment_reference = fields.Char(related="payment_request_id.payment_reference")
    amount_residual = fields.Monetary(related="payment_request_id.amount_residual")
    currency_id = fields.Many2one(related="payment_request_id.currency_id")
    state = fields.Selection(related="payment_request_id.state")
