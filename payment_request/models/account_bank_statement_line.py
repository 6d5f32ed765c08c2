import re

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..const import LINKABLE_STATES, OUTSTANDING_STATES, UNMATCHED_PAYMENT_DOMAIN
from ..tools import find_structured_references
from .payment_request import CHECKED_LINKS_KEY

# A request number as the sequence writes it, e.g. PR/2026/00001.
REQUEST_NUMBER = re.compile(r"\b[A-Z]{1,10}/\d{4}/\d{3,}\b")
# A word of a bank line's text that may be an order number, e.g. S00027:
# letters, digits and separators, with at least one digit.
ORDER_NUMBER = re.compile(r"[\w/.-]*\d[\w/.-]*")


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

    @api.depends("move_id.line_ids.payment_request_id", "move_id.line_ids.matched_debit_ids")
    def _compute_payment_request_line_ids(self):
        for st_line in self:
            lines = st_line.move_id.line_ids.filtered("payment_request_id")
            st_line.payment_request_line_ids = lines
            st_line.payment_request_ids = (
                lines.payment_request_id | st_line._get_payment_request_matched_payments().payment_request_id
            )

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
        return self._join_payment_request_texts(self.payment_ref, self.ref, self.narration)

    @api.model
    def _join_payment_request_texts(self, payment_ref, ref, narration):
        """The text in which a transaction may carry a request's reference:
        its label, its reference and its notes."""
        return " ".join(filter(None, [payment_ref, ref, narration and str(narration)]))

    @api.model
    def _get_payment_request_auto_link_domain(self, references, companies):
        """Return the domain of the requests auto-link may pay: those still
        waiting for money and those whose registered payments no bank
        transaction has matched yet."""
        return [
            ("payment_reference_normalized", "in", list(references)),
            ("company_id", "in", companies.ids),
            "|",
            ("state", "in", OUTSTANDING_STATES),
            ("payment_ids", "any", UNMATCHED_PAYMENT_DOMAIN),
        ]

    def _payment_request_auto_link(self):
        """Link each line whose text holds the structured reference of a
        request of its company that waits for money on the bank, for at most
        what the request still waits for."""
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
        Request = self.env["payment.request"]
        requests = Request.search(
            self._get_payment_request_auto_link_domain(all_references, st_lines.company_id)
        )
        st_lines._note_payment_request_cancelled_money(references, requests)
        if not requests:
            return self.browse()
        st_lines._lock_for_payment_request()
        requests._lock_for_payment()
        by_reference = requests.grouped(lambda r: (r.company_id, r.payment_reference_normalized))
        # What each request still waits for, and the registered payments'
        # lines the plans take, as the lines of this batch use them up.
        budget = {"residuals": {}, "used_lines": set()}
        plans = []
        for st_line in st_lines:
            matches = self.env["payment.request"].concat(
                *(
                    by_reference.get((st_line.company_id, reference), Request)
                    for reference in references[st_line]
                )
            )
            if len(matches) > 1:
                # One transaction, several requests (a reference shared, or the
                # references of several requests in its text): a person decides.
                st_line._note_payment_request_ambiguous(matches)
                continue
            request = matches
            if not request or request.currency_id != st_line._get_payment_request_currency():
                continue
            plan = st_line._get_payment_request_allocation(request, budget=budget)
            if not plan["requests"] or not plan["currency"].is_zero(plan["suspense"]):
                # Nothing to receive, or more than the request waits for:
                # the accountant decides.
                continue
            self._spend_payment_request_budget(plan, budget)
            plans.append(plan)
        self.browse()._book_payment_request_allocations(plans, automatic=True)
        return self.browse([plan["st_line"].id for plan in plans])

    def _note_payment_request_cancelled_money(self, references, open_requests):
        """Flag the lines that carry the reference of a cancelled (or
        expired) request and of no open one: the money stays unlinked in the
        bank journal, and the request's salesperson gets an activity."""
        all_references = {ref for refs in references.values() for ref in refs}
        # sudo: whoever imports the bank file, the salesperson of a cancelled
        # request must hear of its money; only the request is flagged.
        cancelled = (
            self.env["payment.request"]
            .sudo()
            .search(
                [
                    ("payment_reference_normalized", "in", list(all_references)),
                    ("company_id", "in", self.company_id.ids),
                    ("is_cancelled", "=", True),
                ]
            )
        )
        if not cancelled:
            return
        open_keys = {(request.company_id, request.payment_reference_normalized) for request in open_requests}
        by_reference = cancelled.grouped(lambda r: (r.company_id, r.payment_reference_normalized))
        for st_line in self:
            keys = [(st_line.company_id, reference) for reference in references[st_line]]
            if any(key in open_keys for key in keys):
                continue
            for key in keys:
                for request in by_reference.get(key, []):
                    request._notify_bank_money_on_cancelled(st_line)

    def _note_payment_request_ambiguous(self, requests):
        """Say on the transaction why it was not linked automatically."""
        self.ensure_one()
        self.move_id._message_log(
            body=self.env._(
                "Not linked automatically: the structured references in this transaction match "
                "several payment requests (%(requests)s). Link it by hand with Link to Payment Request.",
                requests=", ".join(requests.mapped("name")),
            )
        )

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
        structured reference, the request number, the order number, the same
        partner and amount, the same partner, the same amount (a line without
        customer)."""
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
        currency = self._get_payment_request_currency()

        def same_amount(request):
            return currency.compare_amounts(request.amount_residual, self.amount) == 0

        order_numbers = {word.strip("./-") for word in ORDER_NUMBER.findall(text or "")} - {""}
        if order_numbers:
            order_numbers |= {number.upper() for number in order_numbers}
            of_orders = Request.search([*base_domain, ("sale_order_id.name", "in", list(order_numbers))])
            # The request of the order that asks exactly this amount first.
            add(of_orders.sorted(lambda r: not same_amount(r)), "order")
        partner = self.partner_id.commercial_partner_id
        if partner:
            same_partner = Request.search(
                [*base_domain, ("commercial_partner_id", "=", partner.id)], limit=limit
            )
            add(same_partner.filtered(same_amount), "partner_amount")
            add(same_partner, "partner")
        if currency.compare_amounts(self.amount, 0.0) > 0:
            add(
                Request.search(
                    [*base_domain, ("amount_residual", "=", currency.round(self.amount))], limit=limit
                ).filtered(same_amount),
                "amount",
            )
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
            if (
                request.is_cancelled
                or not request.is_sent
                or (request.state == "done" and not self._get_unmatched_payment_lines(request))
            ):
                raise UserError(
                    self.env._(
                        "Payment request %(request)s is %(state)s: it cannot receive money.",
                        request=request.name,
                        state=dict(request._fields["state"]._description_selection(self.env))[request.state],
                    )
                )

    def _get_unmatched_payment_lines(self, request):
        """Return the outstanding lines of the request's registered payments
        that no bank transaction has matched yet, oldest first."""
        payments = request.payment_ids.filtered_domain(UNMATCHED_PAYMENT_DOMAIN)
        lines = self.env["account.move.line"]
        for payment in payments.sorted(lambda p: (p.date, p.id)):
            liquidity, _counterpart, _writeoff = payment._seek_for_lines()
            lines |= liquidity.filtered(lambda line: not line.reconciled and line.account_id.reconcile)
        return lines

    def _get_payment_request_open_amount(self):
        """Return what this line leaves in suspense, in its transaction currency."""
        self.ensure_one()
        _liquidity, suspense, _other = self._seek_for_lines()
        return -sum(suspense.mapped("amount_currency"))

    def _get_payment_request_allocation(self, requests, open_amount=None, budget=None):
        """Return the plan of what this line pays of the requests, in their
        order: first their registered payments that the bank has not matched
        yet (each in full, so that the money is counted once), then the
        customer's receivable up to what the request still waits for; the
        rest stays in suspense. Nothing is booked.

        ``open_amount`` is the money to allocate (by default what the line
        leaves in suspense); ``budget`` holds ``residuals`` (request → what
        it still waits for) and ``used_lines`` (ids of payment lines taken)
        when several plans are made before any is booked.

        The plan is a dict: ``st_line``, ``currency``, ``payment_lines``
        (``[(request, line)]``, matched in full), ``receivables``
        (``[(request, amount)]``), ``suspense`` (the amount left) and
        ``requests`` (those that receive money)."""
        self.ensure_one()
        budget = budget or {"residuals": {}, "used_lines": set()}
        currency = self._get_payment_request_currency()
        remaining = self._get_payment_request_open_amount() if open_amount is None else open_amount
        plan = {
            "st_line": self,
            "currency": currency,
            "payment_lines": [],
            "receivables": [],
            "requests": self.env["payment.request"],
        }
        for request in requests:
            for payment_line in self._get_unmatched_payment_lines(request):
                amount = payment_line.amount_residual_currency
                if payment_line.id in budget["used_lines"] or currency.compare_amounts(remaining, amount) < 0:
                    continue
                plan["payment_lines"].append((request, payment_line))
                plan["requests"] |= request
                remaining -= amount
            if request.state == "done":
                # Its invoice is the document to pay now.
                continue
            amount = min(budget["residuals"].get(request, request.amount_residual), remaining)
            if currency.compare_amounts(amount, 0.0) > 0:
                plan["receivables"].append((request, amount))
                plan["requests"] |= request
                remaining -= amount
        plan["suspense"] = currency.round(remaining)
        return plan

    @api.model
    def _spend_payment_request_budget(self, plan, budget):
        """Take what the plan books from the budget of the plans to come."""
        for _request, payment_line in plan["payment_lines"]:
            budget["used_lines"].add(payment_line.id)
        for request, amount in plan["receivables"]:
            budget["residuals"][request] = budget["residuals"].get(request, request.amount_residual) - amount

    def _prepare_payment_request_line_vals(self, account, partner, amount, name, request=None):
        amounts = self._prepare_counterpart_amounts_using_st_line_rate(
            self._get_payment_request_currency(), 0.0, -amount
        )
        vals = {
            "move_id": self.move_id.id,
            "account_id": account.id,
            "partner_id": partner.id,
            "currency_id": self._get_payment_request_currency().id,
            "amount_currency": amounts["amount_currency"],
            "balance": amounts["balance"],
            "name": name,
        }
        if request:
            vals["payment_request_id"] = request.id
        return vals

    def _prepare_payment_request_plan_vals(self, plan):
        """Return ``[(vals, payment_line)]``: the journal items that book the
        plan on this line's entry, with the registered payment's line each
        one matches (or ``None``), the suspense rest last."""
        self.ensure_one()
        vals_list = []
        for request, payment_line in plan["payment_lines"]:
            vals = self._prepare_payment_request_line_vals(
                payment_line.account_id,
                request.partner_id.commercial_partner_id,
                payment_line.amount_residual_currency,
                payment_line.move_id.name,
            )
            vals_list.append((vals, payment_line))
        for request, amount in plan["receivables"]:
            partner = request.partner_id.commercial_partner_id
            receivable = partner.with_company(self.company_id).property_account_receivable_id
            vals = self._prepare_payment_request_line_vals(
                receivable, partner, amount, request.payment_reference or request.name, request
            )
            vals_list.append((vals, None))
        if not plan["currency"].is_zero(plan["suspense"]):
            suspense_account = self.journal_id.suspense_account_id
            vals = self._prepare_payment_request_line_vals(
                suspense_account, self.partner_id, plan["suspense"], self.payment_ref or "/"
            )
            vals_list.append((vals, None))
        return vals_list

    @api.model
    def _book_payment_request_allocations(self, plans, automatic=False):
        """Book the plans on their lines' entries, all in one go: the suspense
        item of each line becomes the plan's first journal item (its amount
        split off into the others), a line without partner gets the customer,
        the registered payments' lines are matched, and each request gets a
        note. Return the requests that received money."""
        plans = [plan for plan in plans if plan["requests"]]
        if not plans:
            return self.env["payment.request"]
        AccountMoveLine = self.env["account.move.line"]
        moves = self.env["account.move"].browse([plan["st_line"].move_id.id for plan in plans])
        to_create, to_match, created_matches = [], [], []
        bodies = {}
        self._prefetch_payment_request_booking(moves, plans)
        # One balance check for all entries at the end (the journal items are
        # written without one, and without Odoo's context switch of every
        # environment for it, quadratic over a big batch); the journal items are
        # written in place (no deletion, so the ORM cache survives), without
        # tracking: the request's note says what happened. Statement entries
        # are no invoices and hold no taxes: the invoice syncs have nothing
        # to do, and skipping them spares each write a pass over all the
        # transaction's environments (quadratic over a big batch). The
        # statement line is not synchronized from its entry after each write
        # (the booking keeps its liquidity item and amount; only a partner is
        # copied, below), as OCA's reconciliation widget books: on 18.0, that
        # synchronization makes an environment per line that its check of the
        # entry's balance renames on exit, so it is never reused, and that
        # stays in a reference cycle; every new environment scans them all.
        booking_context = {
            "tracking_disable": True,
            "skip_invoice_sync": True,
            "skip_invoice_line_sync": True,
            "check_move_validity": False,
            "skip_account_move_synchronization": True,
        }
        # The plans' requests were checked (_check_payment_request_link, or the
        # auto-link domain): their journal items may be linked to them.
        requests = self.env["payment.request"].concat(*(plan["requests"] for plan in plans))
        checked = self.env["payment.request"]._with_checked_links(self, requests)
        booking_context[CHECKED_LINKS_KEY] = checked.env.context[CHECKED_LINKS_KEY]
        # sudo: Odoo's synchronization of a line from its entry writes the
        # line and the entry as superuser (a billing user may not write bank
        # statement lines); the booking only copies the requests' partner with
        # it. One environment for all lines: made here, outside the entries'
        # balance checks, it is never renamed by them, and is reused.
        sync_env = self.sudo().with_context(**booking_context, skip_readonly_check=True).env
        for plan in plans:
            st_line = plan["st_line"].with_context(**booking_context)
            liquidity, suspense, _other = st_line._seek_for_lines()
            if len(suspense) != 1:
                raise UserError(
                    self.env._(
                        "Statement line %(line)s is already reconciled: undo its reconciliation first.",
                        line=st_line.display_name,
                    )
                )
            partners = plan["requests"].commercial_partner_id
            if not st_line.partner_id and len(partners) == 1:
                # The line, its posted entry and its liquidity item have one
                # partner, as Odoo's synchronization of the line keeps them.
                partner_vals = {"partner_id": partners.id}
                liquidity.with_context(skip_readonly_check=True).write(partner_vals)
                for record in (st_line.move_id, st_line):
                    record.with_env(sync_env).write(partner_vals)
            (first_vals, first_payment_line), *others = st_line._prepare_payment_request_plan_vals(plan)
            first_vals.pop("move_id")
            suspense.write(first_vals)
            if first_payment_line:
                to_match.append(suspense | first_payment_line)
            for vals, payment_line in others:
                to_create.append(vals)
                created_matches.append(payment_line)
            how = self.env._(" automatically by its structured reference") if automatic else ""
            for request in plan["requests"]:
                body = self.env._(
                    "Bank transaction %(line)s of %(amount)s linked%(how)s.",
                    line=st_line._get_html_link(),
                    amount=plan["currency"].format(st_line.amount),
                    how=how,
                )
                if request.id in bodies:
                    body = bodies[request.id] + Markup("<br/>") + body
                bodies[request.id] = body
        created = AccountMoveLine.with_context(**booking_context).create(to_create)
        with moves.with_context(check_move_validity=True)._check_balanced({"records": moves}):
            pass  # Odoo's own balance check of all the entries, once
        for line, payment_line in zip(created, created_matches, strict=True):
            if payment_line:
                to_match.append(line | payment_line)
        if to_match:
            AccountMoveLine._reconcile_plan(to_match)
        received = self.env["payment.request"].browse(list(bodies))
        received._message_log_batch(bodies=bodies)
        # Money from the bank may complete a quotation's request, as money
        # from any other path does.
        received._confirm_paid_quotations()
        return received

    @api.model
    def _prefetch_payment_request_booking(self, moves, plans):
        """Read at once, for all the entries, what writing their journal items
        reads (the ORM would read it entry by entry)."""
        lines = moves.line_ids
        line_fields = [
            name
            for name in (
                "matched_debit_ids",
                "matched_credit_ids",
                "analytic_line_ids",
                "tax_ids",
                "tax_tag_ids",
                "sale_line_ids",
            )
            if name in lines._fields
        ]
        for name in line_fields:
            lines.mapped(name)
        for name in ("statement_line_ids", "payment_ids", "matched_payment_ids"):
            if name in moves._fields:
                moves.mapped(name)
        partners = self.env["payment.request"].concat(*(plan["requests"] for plan in plans)).partner_id
        for name in ("category_id", "bank_ids", "child_ids", "barcode"):
            partners.commercial_partner_id.mapped(name)

    def _link_payment_requests(self, requests, automatic=False):
        """Book this line's open amount against the requests, as
        ``_get_payment_request_allocation`` plans it. Return the requests that
        received money."""
        self.ensure_one()
        self._lock_for_payment_request()
        requests._lock_for_payment()
        self._check_payment_request_link(requests)
        plan = self._get_payment_request_allocation(requests)
        if not plan["requests"]:
            raise UserError(
                self.env._(
                    "The selected payment requests have nothing left to receive from this transaction."
                )
            )
        return self._book_payment_request_allocations([plan], automatic=automatic)

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
