import re

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools import find_structured_references

LINKABLE_STATES = ("sent", "partial", "paid")
# A request number as the sequence writes it, e.g. PR/2026/00001.
REQUEST_NUMBER = re.compile(r"\b[A-Z]{1,10}/\d{4}/\d{3,}\b")


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    payment_request_line_ids = fields.One2many(
        comodel_name="account.move.line",
        compute="_compute_payment_request_line_ids",
        string="Payment Request Journal Items",
    )
    payment_request_ids = fields.Many2many(
        comodel_name="payment.request",
        compute="_compute_payment_request_line_ids",
        string="Linked Payment Requests",
    )

    @api.depends("move_id.line_ids.payment_request_id")
    def _compute_payment_request_line_ids(self):
        for st_line in self:
            lines = st_line.move_id.line_ids.filtered("payment_request_id")
            st_line.payment_request_line_ids = lines
            st_line.payment_request_ids = lines.payment_request_id

    # ------------------------------------------------------------------
    # Automatic linking
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        st_lines = super().create(vals_list)
        if not self.env.context.get("payment_request_skip_auto_link"):
            st_lines._payment_request_auto_link()
        return st_lines

    def _get_payment_request_texts(self):
        self.ensure_one()
        return " ".join(filter(None, [self.payment_ref, self.ref, self.narration and str(self.narration)]))

    def _payment_request_auto_link(self):
        """Link each line whose text holds the structured reference of an
        open request of its company, for at most the request's residual."""
        st_lines = self.filtered(
            lambda line: line.company_id.payment_request_auto_link
            and not line.is_reconciled
            and line.currency_id.compare_amounts(line.amount, 0.0) > 0
        )
        if not st_lines:
            return self.browse()
        references = {
            line: find_structured_references(line._get_payment_request_texts()) for line in st_lines
        }
        all_references = {ref for refs in references.values() for ref in refs}
        if not all_references:
            return self.browse()
        requests = self.env["payment.request"].search(
            [
                ("payment_reference_normalized", "in", list(all_references)),
                ("state", "in", ("sent", "partial")),
                ("company_id", "in", st_lines.company_id.ids),
            ]
        )
        by_reference = {(r.company_id, r.payment_reference_normalized): r for r in requests}
        linked = self.browse()
        for st_line in st_lines:
            # Linking deletes the line's suspense item, and unlink() empties the
            # ORM cache: records that prefetch only themselves keep the next
            # line from fetching the whole batch again (quadratic otherwise).
            refs = references[st_line]
            st_line = st_line.with_prefetch()
            for reference in refs:
                request = by_reference.get((st_line.company_id, reference))
                if not request:
                    continue
                request = request.with_prefetch()
                if request.currency_id != st_line._get_payment_request_currency():
                    continue
                if request.currency_id.compare_amounts(st_line.amount, request.amount_residual) > 0:
                    continue
                st_line._link_payment_requests(request, automatic=True)
                linked |= st_line
                break
        return linked

    def action_payment_request_match(self):
        """Link the selected unreconciled lines by structured reference."""
        linked = self._payment_request_auto_link()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if linked else "warning",
                "message": self.env._(
                    "%(linked)s of %(total)s statement lines linked to a payment request.",
                    linked=len(linked),
                    total=len(self),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # ------------------------------------------------------------------
    # Candidates
    # ------------------------------------------------------------------

    def _get_payment_request_candidates(self, limit=20):
        """Return ``[(request, reason)]`` for this line, best first: the exact
        structured reference, the request number, the same partner and
        amount, the same partner."""
        self.ensure_one()
        Request = self.env["payment.request"]
        base_domain = [
            ("company_id", "=", self.company_id.id),
            ("state", "in", LINKABLE_STATES),
            ("currency_id", "=", self._get_payment_request_currency().id),
        ]
        text = self._get_payment_request_texts()
        ranked = []
        seen = Request

        def add(requests, reason):
            nonlocal seen
            for request in requests - seen:
                ranked.append((request, reason))
            seen |= requests

        references = find_structured_references(text)
        if references:
            add(
                Request.search([*base_domain, ("payment_reference_normalized", "in", references)]),
                "reference",
            )
        numbers = REQUEST_NUMBER.findall(text or "")
        if numbers:
            add(Request.search([*base_domain, ("name", "in", numbers)]), "number")
        partner = self.partner_id.commercial_partner_id
        if partner:
            same_partner = Request.search(
                [*base_domain, ("commercial_partner_id", "=", partner.id)], limit=limit
            )
            currency = self._get_payment_request_currency()
            add(
                same_partner.filtered(
                    lambda r: currency.compare_amounts(r.amount_residual, self.amount) == 0
                ),
                "partner_amount",
            )
            add(same_partner, "partner")
        return ranked[:limit]

    # ------------------------------------------------------------------
    # Linking
    # ------------------------------------------------------------------

    def _get_payment_request_currency(self):
        self.ensure_one()
        return self.foreign_currency_id or self.currency_id

    def _lock_for_payment_request(self):
        self.env.cr.execute(
            "SELECT id FROM account_bank_statement_line WHERE id IN %s FOR NO KEY UPDATE",
            [tuple(self.ids)],
        )
        self.invalidate_recordset()

    def _check_payment_request_link(self, requests):
        """Raise when this line cannot be linked to these requests."""
        self.ensure_one()
        if not requests:
            raise UserError(self.env._("Select at least one payment request to link."))
        if self.is_reconciled:
            raise UserError(
                self.env._(
                    "Statement line %(line)s is already reconciled: undo its reconciliation first.",
                    line=self.display_name,
                )
            )
        currency = self._get_payment_request_currency()
        if currency.compare_amounts(self.amount, 0.0) <= 0:
            raise UserError(self.env._("An outgoing transaction cannot pay a payment request."))
        for request in requests:
            if request.company_id != self.company_id:
                raise UserError(
                    self.env._(
                        "Payment request %(request)s belongs to another company than the statement line.",
                        request=request.name,
                    )
                )
            if request.currency_id != currency:
                raise UserError(
                    self.env._(
                        "Payment request %(request)s is in %(request_currency)s, the transaction in "
                        "%(currency)s.",
                        request=request.name,
                        request_currency=request.currency_id.name,
                        currency=currency.name,
                    )
                )
            if request.state in ("cancel", "done", "draft"):
                raise UserError(
                    self.env._(
                        "Payment request %(request)s is %(state)s: it cannot receive money.",
                        request=request.name,
                        state=dict(request._fields["state"]._description_selection(self.env))[request.state],
                    )
                )

    def _get_unmatched_payment_lines(self, request):
        """Return the liquidity lines of the request's registered payments that
        no bank transaction has matched yet, oldest first."""
        payments = request.payment_ids.filtered(
            lambda p: p.state == "in_process" and p.payment_type == "inbound" and not p.is_matched
        )
        lines = self.env["account.move.line"]
        for payment in payments.sorted(lambda p: (p.date, p.id)):
            liquidity, _counterpart, _writeoff = payment._seek_for_lines()
            lines |= liquidity.filtered(lambda line: not line.reconciled and line.account_id.reconcile)
        return lines

    def _prepare_payment_request_line_vals(self, account, partner, amount, name, request=None):
        amounts = self._prepare_counterpart_amounts_using_st_line_rate(
            self._get_payment_request_currency(), 0.0, -amount
        )
        return {
            "move_id": self.move_id.id,
            "account_id": account.id,
            "partner_id": partner.id,
            "currency_id": self._get_payment_request_currency().id,
            "amount_currency": amounts["amount_currency"],
            "balance": amounts["balance"],
            "name": name,
            "payment_request_id": request.id if request else False,
        }

    def _link_payment_requests(self, requests, automatic=False):
        """Book this line's open amount against the requests: first on their
        registered payments that the bank has not matched yet, then on the
        customer's receivable, in the order given. Whatever is left stays in
        suspense. Return the requests that received money."""
        self.ensure_one()
        self._lock_for_payment_request()
        requests._lock_for_payment()
        self._check_payment_request_link(requests)
        currency = self._get_payment_request_currency()
        _liquidity, suspense, _other = self._seek_for_lines()
        remaining = -sum(suspense.mapped("amount_currency"))
        new_vals, to_match, received = [], [], self.env["payment.request"]
        for request in requests:
            partner = request.partner_id.commercial_partner_id
            for payment_line in self._get_unmatched_payment_lines(request):
                if currency.compare_amounts(remaining, payment_line.amount_residual_currency) < 0:
                    continue
                amount = payment_line.amount_residual_currency
                new_vals.append(
                    self._prepare_payment_request_line_vals(
                        payment_line.account_id, partner, amount, payment_line.move_id.name
                    )
                )
                to_match.append((len(new_vals) - 1, payment_line))
                remaining -= amount
                received |= request
            amount = min(request.amount_residual, remaining)
            if currency.compare_amounts(amount, 0.0) > 0:
                receivable = partner.with_company(self.company_id).property_account_receivable_id
                new_vals.append(
                    self._prepare_payment_request_line_vals(
                        receivable, partner, amount, request.payment_reference or request.name, request
                    )
                )
                remaining -= amount
                received |= request
        if not new_vals:
            raise UserError(
                self.env._(
                    "The selected payment requests have nothing left to receive from this transaction."
                )
            )
        if currency.compare_amounts(remaining, 0.0) > 0:
            new_vals.append(
                self._prepare_payment_request_line_vals(
                    self.journal_id.suspense_account_id, self.partner_id, remaining, self.payment_ref or "/"
                )
            )
        if not self.partner_id and len(received.commercial_partner_id) == 1:
            self.partner_id = received.commercial_partner_id
        move = self.move_id.with_context(
            skip_account_move_synchronization=True, force_delete=True, skip_readonly_check=True
        )
        existing = move.line_ids
        move.write(
            {
                "line_ids": [Command.delete(line.id) for line in suspense]
                + [Command.create(v) for v in new_vals]
            }
        )
        created = (move.line_ids - existing).sorted("id")
        for index, payment_line in to_match:
            (created[index] | payment_line).reconcile()
        for request in received:
            request.message_post(
                body=self.env._(
                    "Bank transaction %(line)s of %(amount)s linked%(how)s.",
                    line=self._get_html_link(),
                    amount=currency.format(self.amount),
                    how=self.env._(" automatically by its structured reference") if automatic else "",
                )
            )
        return received

    def action_payment_request_unlink(self):
        """Undo the links to payment requests: the lines go back to suspense."""
        linked = self.filtered(
            lambda line: line.payment_request_line_ids or line._get_payment_request_matched_payments()
        )
        requests = (
            linked.payment_request_ids | linked._get_payment_request_matched_payments().payment_request_id
        )
        if not linked:
            raise UserError(self.env._("These statement lines are not linked to a payment request."))
        linked.action_undo_reconciliation()
        for request in requests:
            request.message_post(body=self.env._("A bank transaction was unlinked from this request."))
        return True

    def _get_payment_request_matched_payments(self):
        counterparts = self.move_id.line_ids.matched_debit_ids.debit_move_id
        return counterparts.move_id.origin_payment_id.filtered("payment_request_id")

    def action_open_payment_request_link(self):
        """Open the wizard that links this line to payment requests."""
        self.ensure_one()
        return {
            "name": self.env._("Link to Payment Request"),
            "type": "ir.actions.act_window",
            "res_model": "payment.request.link",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_statement_line_id": self.id},
        }
