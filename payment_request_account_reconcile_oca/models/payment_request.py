from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.payment_request.const import UNMATCHED_PAYMENT_DOMAIN
from odoo.addons.payment_request.wizard.payment_request_link import MATCH_REASONS

# The Payment Requests tab of the reconciliation widget puts this statement
# line in the context of the requests it lists.
STATEMENT_LINE_CONTEXT_KEY = "payment_request_statement_line_id"


class PaymentRequest(models.Model):
    _inherit = "payment.request"

    statement_line_match_reason = fields.Selection(
        selection=MATCH_REASONS,
        string="Match",
        compute="_compute_statement_line_match_reason",
        help="Why this request may be what the bank transaction pays.",
    )
    has_unmatched_payment = fields.Boolean(
        string="Payment Waiting for the Bank",
        compute="_compute_has_unmatched_payment",
        search="_search_has_unmatched_payment",
        help="A payment registered on this request waits for its bank transaction.",
    )

    @api.depends_context(STATEMENT_LINE_CONTEXT_KEY)
    def _compute_statement_line_match_reason(self):
        reasons = {request.id: reason for request, reason in self._get_statement_line_candidates()}
        for request in self:
            request.statement_line_match_reason = reasons.get(request.id, False)

    @api.depends("payment_ids.state", "payment_ids.payment_type", "payment_ids.is_matched")
    def _compute_has_unmatched_payment(self):
        for request in self:
            unmatched = request.payment_ids.filtered_domain(UNMATCHED_PAYMENT_DOMAIN)
            request.has_unmatched_payment = bool(unmatched)

    def _search_has_unmatched_payment(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        domain = [("payment_ids", "any", UNMATCHED_PAYMENT_DOMAIN)]
        return domain if (operator == "=") == value else ["!", *domain]

    def _get_statement_lines(self):
        st_lines = super()._get_statement_lines()
        # Keep mode books the link in an entry of the widget's own, whose
        # suspense item is reconciled with the bank transaction's.
        payment_lines = self.payment_ids.move_id.line_ids
        booked = (
            self.received_line_ids
            | payment_lines.matched_debit_ids.debit_move_id
            | payment_lines.matched_credit_ids.credit_move_id
        )
        suspense_lines = booked.move_id.filtered(lambda move: not move.statement_line_ids).line_ids.filtered(
            lambda line: line.account_id == line.journal_id.suspense_account_id
        )
        counterparts = (
            suspense_lines.matched_debit_ids.debit_move_id | suspense_lines.matched_credit_ids.credit_move_id
        )
        return st_lines | counterparts.move_id.statement_line_ids

    @api.model
    def _get_statement_line_candidates(self):
        """Return ``[(request, reason)]``, best first, for the statement line in
        the context, as the link wizard ranks them."""
        st_line_id = self.env.context.get(STATEMENT_LINE_CONTEXT_KEY)
        if not isinstance(st_line_id, int):
            return []
        st_line = self.env["account.bank.statement.line"].browse(st_line_id).exists()
        return st_line._get_payment_request_candidates() if st_line else []

    @api.model
    def web_search_read(self, domain, specification, offset=0, limit=None, order=None, count_limit=None):
        candidates = self._get_statement_line_candidates()
        if order or not candidates:
            return super().web_search_read(
                domain, specification, offset=offset, limit=limit, order=order, count_limit=count_limit
            )
        # Unless the user sorts the list, the best candidates for the statement
        # line come first, in the link wizard's order, then the other requests.
        candidate_ids = [request.id for request, _reason in candidates]
        matching_ids = set(self.search([*domain, ("id", "in", candidate_ids)]).ids)
        ranked_ids = [request_id for request_id in candidate_ids if request_id in matching_ids]
        page_ids = ranked_ids[offset : offset + limit] if limit else ranked_ids[offset:]
        records = self.browse(page_ids)
        if not limit or len(page_ids) < limit:
            records |= self.search(
                [*domain, ("id", "not in", ranked_ids)],
                offset=max(0, offset - len(ranked_ids)),
                limit=limit - len(page_ids) if limit else None,
            )
        values = records.web_read(specification)
        return self._format_web_search_read_results(domain, values, offset, limit, count_limit)
