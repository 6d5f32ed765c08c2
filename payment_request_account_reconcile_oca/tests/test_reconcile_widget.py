import copy

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import ReconcileWidgetCommon


@tagged("post_install", "-at_install")
class TestReconcileWidget(ReconcileWidgetCommon):
    def test_tab_lists_candidates_first(self):
        other = self.create_request(amount=100.0)
        best = self.create_request(amount=300.0)
        partner_b_order = self.create_order(self.partner_b, 500.0)
        unrelated = self.create_request(order=partner_b_order, amount=200.0)
        draft = self.create_request(amount=50.0, send=False)
        st_line = self.create_st_line(300.0, "Betaling bestelling", partner_id=self.partner_a.id)

        rows = self.listed_requests(st_line)
        self.assertEqual(
            [row["id"] for row in rows],
            [best.id, other.id, unrelated.id],
            "the link wizard's candidates first, in its order, then the other open requests",
        )
        self.assertEqual(
            [row["statement_line_match_reason"] for row in rows], ["partner_amount", "partner", False]
        )
        self.assertNotIn(draft.id, [row["id"] for row in rows])
        wizard_candidates = [request.id for request, _reason in st_line._get_payment_request_candidates()]
        self.assertEqual(wizard_candidates, [best.id, other.id])
        # Pages split the ranking as the full list does.
        domain, context = self.request_tab(st_line)
        requests = self.env["payment.request"].with_context(**context)
        first_page = requests.web_search_read(domain, {"name": {}}, offset=0, limit=2)
        self.assertEqual([row["id"] for row in first_page["records"]], [best.id, other.id])
        self.assertEqual(first_page["length"], 3)
        second_page = requests.web_search_read(domain, {"name": {}}, offset=2, limit=2)
        self.assertEqual([row["id"] for row in second_page["records"]], [unrelated.id])
        # Sorting by a column gives the plain order.
        sorted_rows = self.listed_requests(st_line, order="amount_residual asc")
        self.assertEqual([row["id"] for row in sorted_rows], [other.id, unrelated.id, best.id])

    def test_tab_hides_requests_with_nothing_to_receive(self):
        paid = self.create_request(amount=300.0)
        self.create_st_line(300.0, paid.payment_reference)
        self.assertEqual(paid.state, "paid")
        waiting = self.create_request(amount=200.0)
        self.register_payment(waiting)
        self.assertEqual(waiting.state, "paid")
        st_line = self.create_st_line(200.0, "Betaling", partner_id=self.partner_a.id)
        listed = [row["id"] for row in self.listed_requests(st_line)]
        self.assertIn(waiting.id, listed, "its payment waits for the bank")
        self.assertNotIn(paid.id, listed)
        self.assertTrue(waiting.has_unmatched_payment)
        self.assertFalse(paid.has_unmatched_payment)
        self.add_requests(st_line, waiting)
        st_line.reconcile_bank_line()
        self.assertFalse(waiting.has_unmatched_payment)
        self.assertNotIn(waiting.id, [row["id"] for row in self.listed_requests(self.create_st_line(1.0))])

    def test_full_link(self):
        request = self.create_request(amount=300.0)
        st_line = self.create_st_line(300.0, "Betaling bestelling")
        info = self.add_requests(st_line, request)

        self.assertTrue(info.get("can_reconcile"))
        self.assertEqual(info["payment_request_ids"], request.ids)
        [proposed] = self.proposal_lines(st_line, "other")
        self.assertEqual(proposed["account_id"][0], self.receivable.id)
        self.assertEqual(proposed["partner_id"][0], self.partner_a.id)
        self.assertEqual(proposed["credit"], 300.0)
        self.assertEqual(proposed["payment_request_id"], request.id)
        self.assertFalse(self.proposal_lines(st_line, "suspense"))
        self.assertEqual(request.amount_paid, 0.0, "nothing is booked before Reconcile")

        st_line.reconcile_bank_line()

        self.assert_no_suspense(st_line)
        self.assertRecordValues(
            self.receivable_of(st_line),
            [
                {
                    "account_id": self.receivable.id,
                    "partner_id": self.partner_a.id,
                    "balance": -300.0,
                    "amount_residual": -300.0,
                    "reconciled": False,
                    "payment_request_id": request.id,
                }
            ],
        )
        self.assertEqual(st_line.partner_id, self.partner_a, "as the link wizard does")
        self.assertEqual(st_line.payment_request_ids, request)
        self.assertEqual(request.amount_paid, 300.0)
        self.assertEqual(request.amount_residual, 0.0)
        self.assertEqual(request.state, "paid")
        self.assertIn("linked in the bank reconciliation", request.message_ids[0].body)
        self.assertIn(st_line.move_id.line_ids.filtered("payment_request_id"), request.received_line_ids)

    def test_partial_link(self):
        request = self.create_request(amount=300.0)
        st_line = self.create_st_line(100.0, "Voorschot", partner_id=self.partner_a.id)
        self.add_requests(st_line, request)
        [proposed] = self.proposal_lines(st_line, "other")
        self.assertEqual(proposed["credit"], 100.0, "no more than the transaction brings")
        st_line.reconcile_bank_line()

        self.assert_no_suspense(st_line)
        self.assertRecordValues(
            self.receivable_of(st_line),
            [{"balance": -100.0, "partner_id": self.partner_a.id, "payment_request_id": request.id}],
        )
        self.assertEqual(request.amount_paid, 100.0)
        self.assertEqual(request.amount_residual, 200.0)
        self.assertEqual(request.state, "partial")

    def test_more_than_the_residual_stays_open(self):
        request = self.create_request(amount=300.0)
        st_line = self.create_st_line(350.0, "Betaling")
        info = self.add_requests(st_line, request)
        [proposed] = self.proposal_lines(st_line, "other")
        self.assertEqual(proposed["credit"], 300.0, "no more than the request's residual")
        [suspense] = self.proposal_lines(st_line, "suspense")
        self.assertEqual(suspense["account_id"][0], self.suspense_account.id)
        self.assertEqual(suspense["credit"], 50.0)
        self.assertFalse(info.get("can_reconcile"), "the rest has to go somewhere first")

    def test_one_line_pays_two_requests(self):
        first = self.create_request(amount=200.0)
        second = self.create_request(amount=300.0)
        st_line = self.create_st_line(400.0, "Twee betaalverzoeken")
        info = self.add_requests(st_line, first, second)
        self.assertEqual(info["payment_request_ids"], [first.id, second.id])
        self.assertEqual(
            [(line["payment_request_id"], line["credit"]) for line in self.proposal_lines(st_line, "other")],
            [(first.id, 200.0), (second.id, 200.0)],
            "the second gets what is left",
        )
        st_line.reconcile_bank_line()

        self.assert_no_suspense(st_line)
        receivables = self.receivable_of(st_line).sorted("id")
        self.assertRecordValues(
            receivables,
            [
                {"balance": -200.0, "partner_id": self.partner_a.id, "payment_request_id": first.id},
                {"balance": -200.0, "partner_id": self.partner_a.id, "payment_request_id": second.id},
            ],
        )
        self.assertEqual(st_line.payment_request_ids, first | second)
        self.assertRecordValues(
            first | second,
            [
                {"amount_paid": 200.0, "amount_residual": 0.0, "state": "paid"},
                {"amount_paid": 200.0, "amount_residual": 100.0, "state": "partial"},
            ],
        )
        for request in first | second:
            self.assertIn("linked in the bank reconciliation", request.message_ids[0].body)

    def test_click_again_takes_the_request_out(self):
        request = self.create_request(amount=300.0)
        st_line = self.create_st_line(300.0, "Betaling")
        info = self.add_requests(st_line, request, request)
        self.assertEqual(info["payment_request_ids"], [])
        self.assertFalse(self.proposal_lines(st_line, "other"))
        self.assertEqual(self.proposal_lines(st_line, "suspense")[0]["credit"], 300.0)

    @mute_logger("odoo.models.unlink")
    def test_undo(self):
        request = self.create_request(amount=300.0)
        st_line = self.create_st_line(300.0, "Betaling")
        self.add_requests(st_line, request)
        st_line.reconcile_bank_line()
        self.assertEqual(request.state, "paid")

        st_line.unreconcile_bank_line()

        self.assertFalse(st_line.is_reconciled)
        self.assertFalse(st_line.move_id.line_ids.filtered("payment_request_id"))
        self.assertFalse(self.receivable_of(st_line))
        _liquidity, suspense, _other = st_line._seek_for_lines()
        self.assertEqual(suspense.balance, -300.0)
        self.assertFalse(request.received_line_ids)
        self.assertEqual(request.amount_paid, 0.0)
        self.assertEqual(request.state, "sent")
        self.assertIn("unlinked", request.message_ids[0].body)
        # The widget keeps the undone proposal: Reconcile links it again.
        self.assertEqual(st_line.reconcile_data_info["payment_request_ids"], request.ids)
        st_line.reconcile_bank_line()
        self.assert_no_suspense(st_line)
        self.assertEqual(self.receivable_of(st_line).payment_request_id, request)
        self.assertEqual(request.state, "paid")

    def test_registered_payment_is_matched_not_counted_twice(self):
        request = self.create_request(amount=300.0)
        payment = self.register_payment(request)
        self.assertEqual(request.state, "paid")
        self.assertFalse(payment.is_matched)
        payment_line = self.env["account.bank.statement.line"]._get_unmatched_payment_lines(request)
        self.assertEqual(len(payment_line), 1)
        st_line = self.create_st_line(300.0, "Betaling")
        info = self.add_requests(st_line, request)

        self.assertTrue(info.get("can_reconcile"))
        self.assertEqual(info["payment_request_ids"], request.ids)
        self.assertIn(payment_line.id, info["counterparts"])
        [proposed] = self.proposal_lines(st_line, "other")
        self.assertEqual(proposed["account_id"][0], payment_line.account_id.id)
        self.assertEqual(proposed["credit"], 300.0)
        self.assertEqual(proposed["counterpart_line_ids"], payment_line.ids)
        self.assertEqual(proposed["matched_payment_request_id"], request.id)
        self.assertNotIn("payment_request_id", proposed, "the outstanding item is not tagged")

        st_line.reconcile_bank_line()

        self.assert_no_suspense(st_line)
        self.assertFalse(self.receivable_of(st_line), "no second receivable credit")
        outstanding = st_line.move_id.line_ids.filtered(
            lambda line: line.account_id == payment_line.account_id
        )
        self.assertRecordValues(
            outstanding,
            [{"balance": -300.0, "reconciled": True, "payment_request_id": False}],
        )
        self.assertTrue(payment_line.reconciled)
        self.assertTrue(payment.is_matched)
        self.assertEqual(request.amount_paid, 300.0, "the money is counted once")
        self.assertEqual(request.state, "paid")
        self.assertIn("linked in the bank reconciliation", request.message_ids[0].body)

        st_line.unreconcile_bank_line()
        self.assertFalse(payment.is_matched)
        self.assertFalse(payment_line.reconciled)
        self.assertEqual(request.amount_paid, 300.0, "the payment is still registered")
        self.assertIn("unlinked", request.message_ids[0].body)
        # Reconciling the undone proposal again matches the payment again.
        self.assertIn(payment_line.id, st_line.reconcile_data_info["counterparts"])
        st_line.reconcile_bank_line()
        self.assert_no_suspense(st_line)
        self.assertTrue(payment.is_matched)
        self.assertFalse(self.receivable_of(st_line))
        self.assertEqual(request.amount_paid, 300.0)

    def test_registered_payment_and_rest_of_the_request(self):
        request = self.create_request(amount=300.0)
        payment = self.register_payment(request, amount=100.0)
        self.assertEqual(request.amount_residual, 200.0)
        st_line = self.create_st_line(300.0, "Betaling")
        self.add_requests(st_line, request)
        self.assertEqual(
            sorted(line["credit"] for line in self.proposal_lines(st_line, "other")), [100.0, 200.0]
        )
        st_line.reconcile_bank_line()

        self.assert_no_suspense(st_line)
        self.assertTrue(payment.is_matched)
        self.assertRecordValues(
            self.receivable_of(st_line),
            [{"balance": -200.0, "partner_id": self.partner_a.id, "payment_request_id": request.id}],
        )
        self.assertEqual(request.amount_paid, 300.0)
        self.assertEqual(request.state, "paid")

    def test_refusals(self):
        request = self.create_request(amount=300.0)
        outgoing = self.create_st_line(-300.0, "Terugbetaling")
        with self.assertRaisesRegex(UserError, "outgoing"):
            outgoing._add_payment_request(request)

        usd = self.setup_other_currency("USD")
        dollars = self.env["payment.request"].create(
            {"partner_id": self.partner_a.id, "amount": 50.0, "currency_id": usd.id}
        )
        dollars.action_mark_sent()
        st_line = self.create_st_line(300.0, "Betaling")
        with self.assertRaisesRegex(UserError, "USD"):
            st_line._add_payment_request(dollars)
        self.assertNotIn(dollars.id, [row["id"] for row in self.listed_requests(st_line)])

        waiting = self.create_request(amount=300.0)
        self.register_payment(waiting)
        small = self.create_st_line(100.0, "Betaling")
        with self.assertRaisesRegex(UserError, "nothing left to receive"):
            small._add_payment_request(waiting)

    def test_request_paid_meanwhile(self):
        request = self.create_request(amount=300.0)
        st_line = self.create_st_line(300.0, "Betaling")
        self.add_requests(st_line, request)
        # Another transaction pays the request before this one is reconciled.
        self.create_st_line(200.0, request.payment_reference)
        self.assertEqual(request.amount_residual, 100.0)
        with self.assertRaisesRegex(UserError, "waits for"):
            st_line.reconcile_bank_line()
        self.assertFalse(st_line.is_reconciled)
        self.assertEqual(request.amount_paid, 200.0)

    def test_finish_a_wizard_link(self):
        """The link wizard left money in suspense; the widget books the rest
        and keeps the wizard's links."""
        first = self.create_request(amount=300.0)
        payment = self.register_payment(first)
        second = self.create_request(amount=200.0)
        third = self.create_request(amount=50.0)
        st_line = self.create_st_line(550.0, "Betaling")
        st_line._link_payment_requests(first | second)
        self.assertTrue(payment.is_matched)
        self.assertFalse(st_line.is_reconciled)
        self.assertEqual(second.state, "paid")

        info = st_line.reconcile_data_info
        self.assertEqual(info["payment_request_ids"], [first.id, second.id], "both show as added")
        self.assertEqual(self.proposal_lines(st_line, "suspense")[0]["credit"], 50.0)
        self.add_requests(st_line, third)
        st_line.reconcile_bank_line()

        self.assert_no_suspense(st_line)
        self.assertTrue(payment.is_matched, "the registered payment stays matched")
        self.assertRecordValues(
            self.receivable_of(st_line).sorted(lambda line: line.payment_request_id.id),
            [
                {"balance": -200.0, "payment_request_id": second.id},
                {"balance": -50.0, "payment_request_id": third.id},
            ],
        )
        self.assertEqual((first | second | third).mapped("state"), ["paid", "paid", "paid"])
        self.assertEqual((first | second | third).mapped("amount_paid"), [300.0, 200.0, 50.0])
        self.assertIn("linked in the bank reconciliation", third.message_ids[0].body)
        for request in first | second:
            self.assertFalse(
                [body for body in request.message_ids.mapped("body") if "unlinked" in body],
                "the wizard's links are kept",
            )

    def test_finish_a_wizard_link_after_invoicing(self):
        """The invoice settled the request with the wizard's receivable item;
        finishing the transaction in the widget keeps both."""
        request = self.create_request(amount=300.0)
        st_line = self.create_st_line(350.0, "Betaling", partner_id=self.partner_a.id)
        st_line._link_payment_requests(request)
        invoice = self.invoice_requests(request)
        self.assertEqual(request.state, "done")
        self.assertEqual(invoice.amount_residual, 910.0)
        other = self.create_request(order=self.create_order(self.partner_a, 100.0), amount=50.0)

        self.add_requests(st_line, other)
        st_line.reconcile_bank_line()

        self.assert_no_suspense(st_line)
        booked = self.receivable_of(st_line).filtered(lambda line: line.payment_request_id == request)
        self.assertRecordValues(booked, [{"balance": -300.0, "reconciled": True}])
        self.assertEqual(booked.matched_debit_ids.debit_move_id.move_id, invoice)
        self.assertEqual(invoice.amount_residual, 910.0)
        self.assertEqual(request.amount_paid, 300.0)
        self.assertEqual(request.state, "done")
        self.assertEqual(other.state, "paid")

    def test_wizard_link_settled_by_invoice_stays_in_edit_mode(self):
        """Edit mode recreates the statement entry from the proposal: the item
        the link wizard booked for the request, which the invoice settled since,
        stays in it as the request's, matched with the invoice."""
        request = self.create_request(amount=300.0)
        st_line = self.create_st_line(350.0, "Betaling", partner_id=self.partner_a.id)
        st_line._link_payment_requests(request)
        invoice = self.invoice_requests(request)
        booked = self.receivable_of(st_line)
        invoice_line = booked.matched_debit_ids.debit_move_id
        self.assertEqual(invoice_line.move_id, invoice)
        self.assertFalse(st_line.is_reconciled, "50.00 is left in suspense")

        # The widget shows the wizard's item as the request's, with its match.
        info = st_line.reconcile_data_info
        self.assertEqual(info["payment_request_ids"], request.ids)
        [proposed] = self.proposal_lines(st_line, "other")
        self.assertEqual(proposed["id"], booked.id)
        self.assertEqual(proposed["payment_request_id"], request.id)
        self.assertEqual(proposed["credit"], 300.0)
        self.assertEqual(proposed["counterpart_line_ids"], invoice_line.ids)
        self.assertEqual(self.proposal_lines(st_line, "suspense")[0]["credit"], 50.0)

        # The rest pays another invoice, picked in the Reconcile tab.
        other_invoice = self.init_invoice(
            "out_invoice",
            partner=self.partner_a,
            invoice_date=st_line.date,
            amounts=[50.0],
            taxes=self.env["account.tax"],
            post=True,
        )
        other_line = other_invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        with self.widget_form(st_line) as form:
            form.add_account_move_line_id = other_line
        st_line.reconcile_bank_line()

        self.assert_no_suspense(st_line)
        booked = self.receivable_of(st_line).filtered("payment_request_id")
        self.assertRecordValues(
            booked, [{"balance": -300.0, "payment_request_id": request.id, "reconciled": True}]
        )
        self.assertEqual(booked.matched_debit_ids.debit_move_id, invoice_line)
        self.assertEqual(invoice.amount_residual, 910.0, "the request's money still settles the invoice")
        self.assertEqual(other_invoice.amount_residual, 0.0)
        self.assertEqual((request.amount_paid, request.state), (300.0, "done"))
        self.assertFalse([body for body in request.message_ids.mapped("body") if "unlinked" in body])

    def test_wizard_link_then_invoice_matching_for_the_rest(self):
        """One transfer pays a request and part of an open invoice, quoting the
        invoice's structured communication. The link wizard books the request's
        part; the widget's invoice matching (19.0: the invoice's reference in the
        label, 18.0: the chart's reconcile models) proposes the invoice for the
        rest only, and Reconcile keeps the request's item."""
        invoice = self.init_invoice(
            "out_invoice",
            partner=self.partner_a,
            invoice_date=fields.Date.today(),
            amounts=[1000.0],
            taxes=self.env["account.tax"],
            post=True,
        )
        invoice_line = invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        request = self.create_request(amount=300.0)
        st_line = self.create_st_line(650.0, invoice.payment_reference, partner_id=self.partner_a.id)
        self.assertFalse(st_line.is_reconciled)

        # Koppel: the wizard links the request's part on the statement entry.
        action = st_line.action_open_payment_request_link()
        with Form(self.env[action["res_model"]].with_context(**action["context"])) as link_form:
            link_form.payment_request_ids.clear()
            link_form.payment_request_ids.add(request)
        link_form.record.action_link()
        booked = self.receivable_of(st_line)
        self.assertRecordValues(booked, [{"balance": -300.0, "payment_request_id": request.id}])
        self.assertEqual((request.amount_paid, request.state), (300.0, "paid"))
        self.assertFalse(st_line.is_reconciled, "350.00 is left in suspense")

        # The widget shows the wizard's item, and the invoice for what is left.
        info = st_line.reconcile_data_info
        self.assertEqual(info["payment_request_ids"], request.ids)
        self.assertEqual(
            [
                (line["id"], line.get("payment_request_id"), line["credit"])
                for line in self.proposal_lines(st_line, "other")
            ],
            [(booked.id, request.id, 300.0), (invoice_line.id, None, 350.0)],
        )
        self.assertFalse(self.proposal_lines(st_line, "suspense"))
        self.assertTrue(info.get("can_reconcile"))

        st_line.reconcile_bank_line()

        self.assert_no_suspense(st_line)
        receivables = self.receivable_of(st_line)
        self.assertRecordValues(
            receivables.sorted("balance"),
            [
                {"balance": -350.0, "payment_request_id": False, "reconciled": True},
                {"balance": -300.0, "payment_request_id": request.id, "reconciled": False},
            ],
        )
        self.assertEqual(receivables.filtered("reconciled").matched_debit_ids.debit_move_id, invoice_line)
        self.assertEqual(invoice.amount_residual, 650.0)
        self.assertEqual(request.received_line_ids, receivables.filtered("payment_request_id"))
        self.assertEqual((request.amount_paid, request.state), (300.0, "paid"), "counted once")
        self.assertFalse([body for body in request.message_ids.mapped("body") if "unlinked" in body])

    @mute_logger("odoo.models.unlink")
    def test_keep_mode(self):
        """In keep mode the link lives in the widget's own entry; unreconciling
        reverses that entry and the request no longer counts it."""
        self.bank_journal.reconcile_mode = "keep"
        self.suspense_account.reconcile = True
        request = self.create_request(amount=300.0)
        st_line = self.create_st_line(300.0, "Betaling")
        self.add_requests(st_line, request)
        st_line.reconcile_bank_line()

        self.assertTrue(st_line.is_reconciled)
        [keep_move] = st_line._get_payment_request_keep_moves()
        booked = keep_move.line_ids.filtered("payment_request_id")
        self.assertRecordValues(
            booked,
            [
                {
                    "account_id": self.receivable.id,
                    "partner_id": self.partner_a.id,
                    "balance": -300.0,
                    "payment_request_id": request.id,
                }
            ],
        )
        self.assertEqual(request.state, "paid")
        self.assertEqual(request.amount_paid, 300.0)

        st_line.unreconcile_bank_line()

        self.assertFalse(st_line.is_reconciled)
        self.assertTrue(keep_move.reversal_move_ids)
        self.assertFalse(booked.payment_request_id)
        self.assertTrue(booked.reconciled, "reconciled with its reversal")
        self.assertEqual(request.amount_paid, 0.0)
        self.assertEqual(request.state, "sent")
        self.assertIn("unlinked", request.message_ids[0].body)

    @mute_logger("odoo.models.unlink")
    def test_keep_mode_unlink_button(self):
        """The Unlink button of the bank transaction undoes a keep-mode link
        as the widget's Unreconcile does."""
        self.bank_journal.reconcile_mode = "keep"
        self.suspense_account.reconcile = True
        request = self.create_request(amount=300.0)
        payment_request = self.create_request(amount=200.0)
        payment = self.register_payment(payment_request)
        st_line = self.create_st_line(500.0, "Betaling")
        self.add_requests(st_line, request, payment_request)
        st_line.reconcile_bank_line()
        self.assertTrue(payment.is_matched)
        self.assertEqual(st_line.payment_request_ids, request | payment_request)
        self.assertEqual(request.statement_line_ids, st_line)
        [keep_move] = st_line._get_payment_request_keep_moves()

        st_line.action_payment_request_unlink()

        self.assertFalse(st_line.is_reconciled)
        self.assertTrue(keep_move.reversal_move_ids)
        self.assertFalse(st_line.payment_request_ids)
        self.assertEqual((request.amount_paid, request.state), (0.0, "sent"))
        self.assertFalse(payment.is_matched)
        self.assertEqual((payment_request.amount_paid, payment_request.state), (200.0, "paid"))
        self.assertIn("unlinked", request.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "not linked"):
            st_line.action_payment_request_unlink()

    @mute_logger("odoo.models.unlink")
    def test_keep_mode_finishes_a_wizard_link_on_its_entry(self):
        self.bank_journal.reconcile_mode = "keep"
        self.suspense_account.reconcile = True
        request = self.create_request(amount=300.0)
        other = self.create_request(amount=50.0)
        st_line = self.create_st_line(350.0, "Betaling")
        st_line._link_payment_requests(request)
        self.add_requests(st_line, other)
        st_line.reconcile_bank_line()

        self.assert_no_suspense(st_line)
        self.assertFalse(st_line._get_payment_request_keep_moves(), "no separate entry")
        self.assertEqual(st_line.payment_request_ids, request | other)
        self.assertEqual((request | other).mapped("state"), ["paid", "paid"])
        self.assertEqual((request | other).mapped("amount_paid"), [300.0, 50.0], "counted once")

        st_line.unreconcile_bank_line()
        self.assertFalse(st_line.is_reconciled)
        self.assertEqual((request | other).mapped("state"), ["sent", "sent"])

    @mute_logger("odoo.models.unlink")
    def test_keep_mode_undoes_a_wizard_link(self):
        self.bank_journal.reconcile_mode = "keep"
        self.suspense_account.reconcile = True
        request = self.create_request(amount=300.0)
        st_line = self.create_st_line(300.0, request.payment_reference)
        self.assertEqual(request.state, "paid", "linked on the statement entry")
        st_line.reconcile_mode = "keep"

        st_line.unreconcile_bank_line()

        self.assertFalse(st_line.is_reconciled)
        self.assertFalse(st_line.move_id.line_ids.filtered("payment_request_id"))
        self.assertEqual(request.state, "sent")


@tagged("post_install", "-at_install")
class TestReconcileWidgetTamperedProposal(ReconcileWidgetCommon):
    """Issue 23, item 10: the client sends the proposal; a line with the id of
    an item of the statement entry is checked like any other."""

    def tampered(self, st_line, from_request, to_request):
        info = copy.deepcopy(st_line.reconcile_data_info)
        tagged_lines = [line for line in info["data"] if line.get("payment_request_id") == from_request.id]
        self.assertTrue(tagged_lines and all(line.get("id") for line in tagged_lines))
        for line in tagged_lines:
            line["payment_request_id"] = to_request.id
        st_line.reconcile_data_info = info
        return st_line

    def test_existing_entry_line_retagged_to_a_cancelled_request(self):
        linked = self.create_request(amount=200.0)
        cancelled = self.create_request(amount=300.0)
        cancelled.action_cancel()
        st_line = self.create_st_line(550.0, "Betaling")
        st_line._link_payment_requests(linked)
        self.tampered(st_line, linked, cancelled)
        with self.assertRaisesRegex(UserError, cancelled.name):
            st_line.reconcile_bank_line()
        self.assertFalse(cancelled.received_line_ids)
        self.assertEqual(cancelled.amount_paid, 0.0)
        self.assertEqual(linked.amount_paid, 200.0)

    def test_existing_entry_line_retagged_to_another_company_request(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        request_b = (
            self.env["payment.request"]
            .with_company(company_b)
            .create({"partner_id": self.partner_a.id, "amount": 300.0, "company_id": company_b.id})
        )
        request_b.action_mark_sent()
        linked = self.create_request(amount=200.0)
        st_line = self.create_st_line(550.0, "Betaling")
        st_line._link_payment_requests(linked)
        self.tampered(st_line, linked, request_b)
        with self.assertRaises(UserError):
            st_line.reconcile_bank_line()
        self.assertFalse(request_b.sudo().received_line_ids)
        self.assertEqual(linked.amount_paid, 200.0)
