from odoo import api, fields, models
from odoo.exceptions import UserError

# Keys of the widget's proposal lines: the request the journal item made from
# the line pays (a receivable item, as the link wizard tags it), and the
# request whose registered payment the line matches (the item is not tagged:
# the request counts the payment).
REQUEST_KEY = "payment_request_id"
MATCHED_REQUEST_KEY = "matched_payment_request_id"


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    add_payment_request_id = fields.Many2one(
        comodel_name="payment.request",
        check_company=True,
        store=False,
        default=False,
        prefetch=False,
        help="Pick a payment request to add what this transaction pays of it to the reconciliation.",
    )

    # ------------------------------------------------------------------
    # Reconciliation proposal
    # ------------------------------------------------------------------

    @api.onchange("add_payment_request_id")
    def _onchange_add_payment_request_id(self):
        if self.add_payment_request_id:
            self._add_payment_request(self.add_payment_request_id)
            self.add_payment_request_id = False

    def _add_payment_request(self, request):
        """Add to the reconciliation proposal what this transaction pays of the
        request; when the request is in the proposal already, take it out, as
        the widget does for journal items."""
        info = self.reconcile_data_info
        data = info["data"]
        reconcile_auxiliary_id = info["reconcile_auxiliary_id"]
        if request.id in self._get_reconcile_payment_request_ids(data):
            new_data = self._remove_payment_request_reconcile_lines(data, request)
        else:
            self._check_payment_request_link(request)
            new_data, reconcile_auxiliary_id = self._add_payment_request_reconcile_lines(
                data, request, reconcile_auxiliary_id
            )
        self.reconcile_data_info = self._recompute_suspense_line(
            new_data, reconcile_auxiliary_id, self.manual_reference
        )
        self.can_reconcile = self.reconcile_data_info.get("can_reconcile", False)

    def _get_reconcile_open_amount(self, data):
        """Return what the proposal leaves in suspense, in the reconciliation
        currency: the money of the transaction not booked yet."""
        currency = self._get_reconcile_currency()
        return currency.round(
            sum(self._get_amount_currency(line, currency) for line in data if line["kind"] != "suspense")
        )

    def _add_payment_request_reconcile_lines(self, data, request, reconcile_auxiliary_id):
        """Return the proposal with the request's lines added, as the base's
        allocation plans them for the amount the proposal leaves open."""
        open_amount = self._get_reconcile_open_amount(data)
        used_line_ids = {line_id for line in data for line_id in line.get("counterpart_line_ids", [])}
        plan = self._get_payment_request_allocation(
            request, open_amount=open_amount, budget={"residuals": {}, "used_lines": used_line_ids}
        )
        if not plan["requests"]:
            raise UserError(
                self.env._(
                    "Payment request %(request)s has nothing left to receive from this transaction.",
                    request=request.name,
                )
            )
        new_data = list(data)
        for _request, payment_line in plan["payment_lines"]:
            reconcile_auxiliary_id, lines = self._get_reconcile_line(
                payment_line,
                "other",
                is_counterpart=True,
                max_amount=open_amount,
                reconcile_auxiliary_id=reconcile_auxiliary_id,
                move=True,
            )
            for line in lines:
                line[MATCHED_REQUEST_KEY] = request.id
            new_data += lines
            open_amount -= payment_line.amount_residual_currency
        for _request, amount in plan["receivables"]:
            new_data.append(
                self._prepare_payment_request_reconcile_line(request, amount, reconcile_auxiliary_id)
            )
            reconcile_auxiliary_id += 1
        return new_data, reconcile_auxiliary_id

    def _prepare_payment_request_reconcile_line(self, request, amount, reconcile_auxiliary_id):
        """Return the proposal line crediting the request's customer receivable
        with ``amount``, expressed in the request's currency."""
        partner = request.partner_id.commercial_partner_id
        account = partner.with_company(self.company_id).property_account_receivable_id
        amounts = self._prepare_counterpart_amounts_using_st_line_rate(request.currency_id, 0.0, -amount)
        balance = amounts["balance"]
        return {
            "reference": f"reconcile_auxiliary;{reconcile_auxiliary_id}",
            "id": False,
            "kind": "other",
            "account_id": [account.id, account.display_name],
            "partner_id": [partner.id, partner.display_name],
            "date": fields.Date.to_string(self.date),
            "name": request.payment_reference or request.name,
            "debit": balance if balance > 0 else 0.0,
            "credit": -balance if balance < 0 else 0.0,
            "amount": balance,
            "net_amount": 0.0,
            "currency_id": self.company_id.currency_id.id,
            "line_currency_id": self._get_reconcile_currency().id,
            "currency_amount": amounts["amount_currency"],
            "analytic_distribution": False,
            REQUEST_KEY: request.id,
        }

    def _remove_payment_request_reconcile_lines(self, data, request):
        def pays_request(line):
            return request.id in (line.get(REQUEST_KEY), line.get(MATCHED_REQUEST_KEY))

        removed_ids = {line["id"] for line in data if pays_request(line) and line.get("id")}
        return [
            line
            for line in data
            if not pays_request(line) and line.get("original_exchange_line_id") not in removed_ids
        ]

    @api.model
    def _get_reconcile_payment_request_ids(self, data):
        """Return the ids of the requests the proposal lines pay, in their order."""
        request_ids = []
        for line in data:
            request_id = line.get(REQUEST_KEY) or line.get(MATCHED_REQUEST_KEY)
            if request_id and request_id not in request_ids:
                request_ids.append(request_id)
        return request_ids

    def _recompute_suspense_line(self, data, reconcile_auxiliary_id, manual_reference):
        result = super()._recompute_suspense_line(data, reconcile_auxiliary_id, manual_reference)
        # The Payment Requests tab highlights these, as the Reconcile tab does
        # with the counterparts.
        result["payment_request_ids"] = self._get_reconcile_payment_request_ids(result["data"])
        return result

    def _get_reconcile_line(
        self,
        line,
        kind,
        is_counterpart=False,
        max_amount=False,
        from_unreconcile=False,
        reconcile_auxiliary_id=False,
        move=False,
        is_reconciled=False,
    ):
        reconcile_auxiliary_id, lines = super()._get_reconcile_line(
            line,
            kind,
            is_counterpart=is_counterpart,
            max_amount=max_amount,
            from_unreconcile=from_unreconcile,
            reconcile_auxiliary_id=reconcile_auxiliary_id,
            move=move,
            is_reconciled=is_reconciled,
        )
        if kind != "other" or is_counterpart:
            return reconcile_auxiliary_id, lines
        if from_unreconcile:
            self._keep_payment_request_match(line, lines[0])
        elif line.move_id == self.move_id._origin:
            lines = self._keep_payment_request_entry_line(line, lines)
        return reconcile_auxiliary_id, lines

    def _get_payment_request_entry_lines(self):
        """Return the items the link wizard or the automatic link booked on the
        statement entry: those crediting a request, and those matching the
        registered payment of a request."""
        _liquidity, _suspense, other_lines = self._seek_for_lines()
        return other_lines.filtered(
            lambda line: line.payment_request_id
            or (
                line.matched_debit_ids.debit_move_id | line.matched_credit_ids.credit_move_id
            ).move_id.origin_payment_id.payment_request_id
        )

    def _all_partials_lines(self, lines):
        # The proposal of an unreconciled transaction lists the items the link
        # wizard booked as they are, with their request and their match
        # (_keep_payment_request_entry_line), since Reconcile in edit mode
        # recreates them. account_reconcile_oca 19.0 lists, in every proposal,
        # the items they are matched with instead (an invoice's, once it settled
        # the request), which edit mode would book untagged and unmatched; 18.0
        # only does so to show a reconciled transaction or to undo it.
        if not self.is_reconciled:
            lines -= self._get_payment_request_entry_lines()
        return super()._all_partials_lines(lines)

    def _get_payment_request_entry_reconcile_data(self, data, reconcile_auxiliary_id):
        """Return the proposal lines of the items the link wizard booked on the
        statement entry that ``data`` lacks, with the next auxiliary id."""
        if self.is_reconciled:
            return [], reconcile_auxiliary_id
        listed_ids = {line.get("id") for line in data}
        new_data = []
        for line in self._get_payment_request_entry_lines():
            if line.id not in listed_ids:
                reconcile_auxiliary_id, lines = self._get_reconcile_line(
                    line, "other", reconcile_auxiliary_id=reconcile_auxiliary_id
                )
                new_data += lines
        return new_data, reconcile_auxiliary_id

    def _reconcile_data_by_model(self, data, reconcile_model, reconcile_auxiliary_id):
        # OCA's automatic matching applies a reconcile model to the bank line
        # alone (the proposal holds nothing else yet): apply it to what the link
        # wizard left, or Reconcile in edit mode would delete the wizard's items.
        if all(line["kind"] == "liquidity" for line in data):
            entry_data, reconcile_auxiliary_id = self._get_payment_request_entry_reconcile_data(
                data, reconcile_auxiliary_id
            )
            data = data + entry_data
        return super()._reconcile_data_by_model(data, reconcile_model, reconcile_auxiliary_id)

    def _keep_payment_request_entry_in_matching(self, info):
        """Return OCA's automatic proposal ``info`` with the items the link
        wizard booked, when it matched journal items against the bank line
        alone: those items, then the matched items for what is left."""
        data = info["data"]
        entry_data, reconcile_auxiliary_id = self._get_payment_request_entry_reconcile_data(
            data, info["reconcile_auxiliary_id"]
        )
        if not entry_data:
            return info
        new_data = [line for line in data if line["kind"] == "liquidity"] + entry_data
        open_amount = self._get_reconcile_open_amount(new_data)
        currency = self._get_reconcile_currency()
        matched_ids = [line_id for line in data for line_id in line.get("counterpart_line_ids", [])]
        for matched_line in self.env["account.move.line"].browse(matched_ids):
            if currency.is_zero(open_amount):
                break
            reconcile_auxiliary_id, lines = self._get_reconcile_line(
                matched_line,
                "other",
                is_counterpart=True,
                max_amount=open_amount,
                reconcile_auxiliary_id=reconcile_auxiliary_id,
                move=True,
            )
            new_data += lines
            open_amount = self._get_reconcile_open_amount(new_data)
        return self._recompute_suspense_line(new_data, reconcile_auxiliary_id, self.manual_reference)

    def _default_reconcile_data(self, *args, **kwargs):
        # 18.0 proposes the matches of its reconcile models here.
        return self._keep_payment_request_entry_in_matching(super()._default_reconcile_data(*args, **kwargs))

    def _do_auto_reconcile_invoices(self):
        # 19.0 proposes the invoice its number in the label matches here.
        to_do, done = super()._do_auto_reconcile_invoices()
        for st_line in done:
            st_line.reconcile_data_info = st_line._keep_payment_request_entry_in_matching(
                st_line.reconcile_data_info
            )
            if not st_line.reconcile_data_info.get("can_reconcile"):
                to_do |= st_line
        return to_do, done - to_do

    def _keep_payment_request_match(self, payment_line, vals):
        """Keep, in the proposal rebuilt on unreconcile, the match with the
        registered payment of a request, so that Reconcile matches it again
        (the widget would book the amount on its account, unmatched)."""
        request = payment_line.move_id.origin_payment_id.payment_request_id
        if request and payment_line.move_id != self.move_id._origin:
            vals[MATCHED_REQUEST_KEY] = request.id
            vals["counterpart_line_ids"] = payment_line.ids

    def _keep_payment_request_entry_line(self, line, lines):
        """Return the proposal lines of a line the link wizard booked on the
        statement entry, as Reconcile in edit mode must recreate it."""
        matched_lines = line.matched_debit_ids.debit_move_id | line.matched_credit_ids.credit_move_id
        matched_request = matched_lines.move_id.origin_payment_id.payment_request_id[:1]
        if not line.payment_request_id and not matched_lines:
            return lines
        # Edit mode deletes the entry's lines and recreates them from the
        # proposal: keep the line's request, its match with a registered
        # payment and its own amount (the widget would take the
        # transaction's), and no exchange difference: it is booked at the
        # transaction's rate.
        own = lines[0]
        own["currency_amount"] = line.amount_currency
        own["line_currency_id"] = line.currency_id.id
        if line.payment_request_id:
            own[REQUEST_KEY] = line.payment_request_id.id
        elif matched_request:
            own[MATCHED_REQUEST_KEY] = matched_request.id
        if matched_lines:
            own["counterpart_line_ids"] = matched_lines.ids
        return [own] + [vals for vals in lines[1:] if vals.get("original_exchange_line_id") != line.id]

    # ------------------------------------------------------------------
    # Reconcile and unreconcile
    # ------------------------------------------------------------------

    def _reconcile_move_line_vals(self, line, move_id=False):
        vals = super()._reconcile_move_line_vals(line, move_id=move_id)
        if line.get(REQUEST_KEY):
            vals["payment_request_id"] = line[REQUEST_KEY]
        return vals

    def _get_payment_request_entry_links(self):
        """Return the requests linked on the statement entry itself: by the link
        wizard, the automatic link, or the widget in edit mode."""
        return (
            self.payment_request_line_ids.payment_request_id
            | self._get_payment_request_matched_payments().payment_request_id
        )

    def _get_payment_request_keep_moves(self):
        """Return the entries the widget made in keep mode for this line (those
        its unreconciliation reverses)."""
        reconciled_lines = self.line_ids._all_reconciled_lines()
        return reconciled_lines.filtered(
            lambda line: line.move_id != self.move_id and (line.matched_debit_ids or line.matched_credit_ids)
        ).move_id

    def _get_payment_request_links(self):
        """Return every request this line is linked to, in edit or keep mode."""
        self.ensure_one()
        keep_lines = self._get_payment_request_keep_moves().line_ids
        keep_payments = (
            keep_lines.matched_debit_ids.debit_move_id | keep_lines.matched_credit_ids.credit_move_id
        ).move_id.origin_payment_id
        return (
            self._get_payment_request_entry_links()
            | keep_lines.payment_request_id
            | keep_payments.payment_request_id
        )

    def _check_payment_request_reconcile(self, data, new_requests):
        """Raise when the proposal gives money to a request that cannot receive
        it, or books more on a request than it still waits for (another
        transaction or payment may have paid it since it was added)."""
        requests = self.env["payment.request"].browse(self._get_reconcile_payment_request_ids(data))
        self._lock_for_payment_request()
        requests._lock_for_payment()
        if new_requests:
            self._check_payment_request_link(new_requests)
        booked_lines = self.move_id.line_ids.filtered("payment_request_id")
        for request in requests:
            proposed = -sum(line["currency_amount"] for line in data if line.get(REQUEST_KEY) == request.id)
            # What this entry books on the request already is recreated, not added.
            already_booked = -sum(
                booked_lines.filtered(lambda aml, request=request: aml.payment_request_id == request).mapped(
                    "amount_currency"
                )
            )
            available = request.amount_residual + already_booked
            if request.currency_id.compare_amounts(proposed, available) > 0:
                raise UserError(
                    self.env._(
                        "Payment request %(request)s waits for %(available)s, the reconciliation books "
                        "%(proposed)s on it. Take it out of the reconciliation and add it again.",
                        request=request.name,
                        available=request.currency_id.format(available),
                        proposed=request.currency_id.format(proposed),
                    )
                )

    def reconcile_bank_line(self):
        self.ensure_one()
        data = self.reconcile_data_info["data"]
        Request = self.env["payment.request"]
        requests = Request.browse(self._get_reconcile_payment_request_ids(data))
        linked_before = self._get_payment_request_entry_links()
        new_requests = Request.browse(
            self._get_reconcile_payment_request_ids(
                [line for line in data if not self._is_payment_request_entry_line(line)]
            )
        )
        if requests:
            self._check_payment_request_reconcile(data, new_requests)
        if requests and not self.partner_id and len(requests.commercial_partner_id) == 1:
            # Before reconciling: keep mode leaves the suspense line, whose
            # partner cannot change once it is reconciled.
            self.partner_id = requests.commercial_partner_id
        # Every request the proposal tags was checked above: the new ones as a
        # link, those the entry already pays as they stand.
        result = super(
            AccountBankStatementLine, Request._with_checked_links(self, requests)
        ).reconcile_bank_line()
        for request in new_requests:
            request.message_post(
                body=self.env._(
                    "Bank transaction %(line)s of %(amount)s linked in the bank reconciliation.",
                    line=self._get_html_link(),
                    amount=self._get_payment_request_currency().format(self.amount),
                )
            )
        self._post_payment_request_unlinked(linked_before - requests)
        return result

    def _is_payment_request_entry_line(self, line):
        """Tell whether proposal ``line`` is an item of the statement entry
        booked for the same request as it says (recreated as it is, not a
        new link): its id and its request are both checked against the
        entry, since the client sends the proposal."""
        request_id = line.get(REQUEST_KEY) or line.get(MATCHED_REQUEST_KEY)
        if not request_id or not line.get("id"):
            return False
        entry_line = self.move_id.line_ids.filtered(lambda aml: aml.id == line["id"])
        if not entry_line:
            return False
        if line.get(REQUEST_KEY):
            return entry_line.payment_request_id.id == request_id
        matched = entry_line.matched_debit_ids.debit_move_id | entry_line.matched_credit_ids.credit_move_id
        return request_id in matched.move_id.origin_payment_id.payment_request_id.ids

    def unreconcile_bank_line(self):
        self.ensure_one()
        requests = self._get_payment_request_links()
        result = super().unreconcile_bank_line()
        self._post_payment_request_unlinked(requests)
        return result

    def _reconcile_bank_line_edit(self, data):
        # Edit mode deletes the lines of the statement entry and recreates them
        # from the proposal, which keeps their counterparts: the link wizard's
        # lines matching a registered payment must be unreconciled first.
        _liquidity, _suspense, other_lines = self._seek_for_lines()
        reconciled = other_lines.filtered(lambda line: line.matched_debit_ids or line.matched_credit_ids)
        reconciled.remove_move_reconcile()
        return super()._reconcile_bank_line_edit(data)

    def _reconcile_bank_line_keep(self, data):
        # The link wizard booked on the statement entry itself: finish the
        # job there, as keep mode would copy those lines without their link.
        if self._get_payment_request_entry_links():
            return self._reconcile_bank_line_edit(data)
        return super()._reconcile_bank_line_keep(data)

    def _unreconcile_bank_line_keep(self):
        # The link wizard and the automatic link always book on the statement
        # entry itself, whatever the journal's mode: undo those as edit mode.
        if self._get_payment_request_entry_links():
            return self._unreconcile_bank_line_edit()
        booked_lines = self._get_payment_request_keep_moves().line_ids.filtered("payment_request_id")
        result = super()._unreconcile_bank_line_keep()
        # The entry is reversed, not deleted: its lines no longer pay the request.
        # sudo: the link is protected from plain writes; the user may
        # unreconcile this line (the widget did it above).
        booked_lines.sudo().payment_request_id = False
        return result

    def _compute_payment_request_line_ids(self):
        result = super()._compute_payment_request_line_ids()
        # Keep mode books the link in the widget's own entry.
        for st_line in self.filtered(lambda line: line.is_reconciled and line._origin.id):
            keep_requests = st_line._get_payment_request_links() - st_line._get_payment_request_entry_links()
            st_line.payment_request_ids |= keep_requests
        return result

    def action_payment_request_unlink(self):
        # Links booked in the widget's keep-mode entry are undone by reversing
        # that entry, as the widget's Unreconcile does.
        keep_linked = self.filtered(
            lambda line: not line._get_payment_request_entry_links() and line._get_payment_request_links()
        )
        for st_line in keep_linked:
            st_line.unreconcile_bank_line()
        if self - keep_linked:
            return super(AccountBankStatementLine, self - keep_linked).action_payment_request_unlink()
        return True

    def _post_payment_request_unlinked(self, requests):
        for request in requests:
            request.message_post(body=self.env._("A bank transaction was unlinked from this request."))

    # ------------------------------------------------------------------
    # Link wizard
    # ------------------------------------------------------------------

    @api.model
    def _book_payment_request_allocations(self, plans, automatic=False):
        received = super()._book_payment_request_allocations(plans, automatic=automatic)
        # The entries changed under the widget: drop the proposals it saved.
        st_lines = self.browse([plan["st_line"].id for plan in plans])
        st_lines.filtered("reconcile_data").reconcile_data = False
        return received
