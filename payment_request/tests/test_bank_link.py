from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import PaymentRequestCommon


@tagged("post_install", "-at_install")
class TestBankLink(PaymentRequestCommon):
    def create_st_line(self, amount, payment_ref="/", **vals):
        return self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank_journal.id,
                "date": fields.Date.today(),
                "amount": amount,
                "payment_ref": payment_ref,
                **vals,
            }
        )

    def link_form(self, st_line):
        action = st_line.action_open_payment_request_link()
        return Form(self.env[action["res_model"]].with_context(**action["context"]))

    def assert_no_suspense(self, st_line):
        _liquidity, suspense, _other = st_line._seek_for_lines()
        self.assertFalse(suspense, "nothing is left in suspense")
        self.assertTrue(st_line.is_reconciled)
        self.assertAlmostEqual(sum(st_line.move_id.line_ids.mapped("balance")), 0.0)

    def receivable_of(self, st_line):
        return st_line.move_id.line_ids.filtered(lambda line: line.account_type == "asset_receivable")

    def test_manual_link(self):
        request = self.create_request(amount=300.0)
        other = self.create_request(amount=100.0)
        st_line = self.create_st_line(300.0, "Betaling bestelling", partner_id=self.partner_a.id)
        self.assertFalse(st_line.is_reconciled, "no reference in the text: nothing automatic")
        link_form = self.link_form(st_line)
        candidates = link_form.candidate_ids
        self.assertEqual(candidates._records[0]["payment_request_id"], request.id)
        self.assertEqual(candidates._records[0]["match_reason"], "partner_amount")
        self.assertEqual(candidates._records[1]["payment_request_id"], other.id)
        self.assertEqual(
            [r.id for r in link_form.payment_request_ids], request.ids, "the best one is preselected"
        )
        link_form.save().action_link()

        self.assert_no_suspense(st_line)
        receivable = self.receivable_of(st_line)
        self.assertRecordValues(
            receivable,
            [
                {
                    "account_id": self.receivable.id,
                    "partner_id": self.partner_a.id,
                    "balance": -300.0,
                    "amount_residual": -300.0,
                    "payment_request_id": request.id,
                }
            ],
        )
        self.assertEqual(request.amount_paid, 300.0)
        self.assertEqual(request.state, "paid")
        self.assertEqual(st_line.payment_request_ids, request)
        self.assertIn("linked", request.message_ids[0].body)
        self.assertEqual(other.state, "sent")

    def candidates_of(self, link_form):
        return [
            (self.env["payment.request"].browse(values["payment_request_id"]), values["match_reason"])
            for values in link_form.candidate_ids._records
        ]

    def test_candidates_without_customer(self):
        """Koppel on a bank line with no customer proposes the requests whose
        order number is in the label, then those asking exactly the amount."""
        partner_b = self.env["res.partner"].create({"name": "Partner B"})
        tables = self.create_order(partner_b, 2000.0)
        deposit = self.create_request(order=tables, amount=500.0)
        second = self.create_request(order=tables, amount=300.0)
        same_amount = self.create_request(amount=500.0)
        self.create_request(amount=123.0)
        st_line = self.create_st_line(500.0, f"Voorschot tafels bestelling {tables.name}")
        self.assertFalse(st_line.partner_id)
        link_form = self.link_form(st_line)
        self.assertEqual(
            self.candidates_of(link_form),
            [(deposit, "order"), (second, "order"), (same_amount, "amount")],
        )
        self.assertEqual([r.id for r in link_form.payment_request_ids], deposit.ids)
        link_form.save().action_link()
        self.assert_no_suspense(st_line)
        self.assertEqual(self.receivable_of(st_line).partner_id, partner_b)
        self.assertEqual((deposit.state, deposit.amount_paid), ("paid", 500.0))
        self.assertEqual(same_amount.state, "sent")

        # The order number in lower case, and the reason the wizard shows.
        st_line = self.create_st_line(300.0, f"bestelling {tables.name.lower()}")
        link_form = self.link_form(st_line)
        # The request asking this amount first; the paid one stays a
        # candidate, as every linkable state is.
        self.assertEqual(self.candidates_of(link_form), [(second, "order"), (deposit, "order")])
        reasons = dict(
            self.env["payment.request.link.candidate"]
            ._fields["match_reason"]
            ._description_selection(self.env)
        )
        self.assertEqual(reasons["order"], "Order number")
        self.assertEqual(reasons["amount"], "Same amount")

    def test_candidates_by_amount_only(self):
        request = self.create_request(amount=321.5)
        self.create_request(amount=321.0)
        st_line = self.create_st_line(321.5, "Overschrijving")
        self.assertEqual(self.candidates_of(self.link_form(st_line)), [(request, "amount")])
        # A label naming no order or request, and no amount asked: nothing.
        st_line = self.create_st_line(77.0, "Overschrijving 2026 nr 5")
        self.assertEqual(self.candidates_of(self.link_form(st_line)), [])

    def test_auto_link_coda_and_camt_shapes(self):
        coda_request = self.create_request(amount=300.0)
        camt_request = self.create_request(amount=200.0)
        # OCA's CODA importer puts the communication in payment_ref...
        coda_line = self.create_st_line(300.0, coda_request.payment_reference, partner_name="Partner A")
        # ...the CAMT importer puts the bare digits of Strd/CdtrRefInf/Ref in ref.
        camt_digits = camt_request.payment_reference_normalized
        self.assertRegex(camt_digits, r"^\d{12}$")
        camt_line = self.create_st_line(200.0, "Payment", ref=camt_digits)
        for st_line, request in ((coda_line, coda_request), (camt_line, camt_request)):
            self.assert_no_suspense(st_line)
            self.assertEqual(request.state, "paid")
            self.assertEqual(self.receivable_of(st_line).payment_request_id, request)
            self.assertEqual(st_line.partner_id, self.partner_a)

    def test_reference_forms(self):
        request = self.create_request(amount=1000.0)
        digits = request.payment_reference_normalized
        forms = [
            request.payment_reference,
            f"***{digits[:3]}/{digits[3:7]}/{digits[7:]}***",
            digits,
            f"{digits[:3]} {digits[3:7]} {digits[7:]}",
            f"{digits[:3]}/{digits[3:7]}/{digits[7:]}",
        ]
        for text in forms:
            with self.subTest(text=text):
                st_line = self.create_st_line(10.0, f"transfer {text} thanks")
                self.assertEqual(st_line.payment_request_ids, request)
        self.assertEqual(request.amount_paid, 50.0)

    def test_rf_reference_of_other_company(self):
        company = self.setup_other_company(name="US company", country_id=self.env.ref("base.us").id)[
            "company"
        ]
        request = self.create_company_request(company, 40.0)
        request.action_mark_sent()
        self.assertTrue(request.payment_reference.startswith("RF"))
        bank = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
        )
        st_line = (
            self.env["account.bank.statement.line"]
            .with_company(company)
            .create(
                {"journal_id": bank.id, "amount": 40.0, "payment_ref": f"ref {request.payment_reference}"}
            )
        )
        self.assertEqual(st_line.payment_request_ids, request)
        self.assertEqual(request.state, "paid")
        # The same reference in this company's bank does not touch it.
        belgian_line = self.create_st_line(40.0, f"ref {request.payment_reference}")
        self.assertFalse(belgian_line.payment_request_ids)

    def test_auto_link_never_exceeds_the_residual(self):
        request = self.create_request(amount=300.0)
        st_line = self.create_st_line(300.01, request.payment_reference)
        self.assertFalse(st_line.is_reconciled)
        self.assertEqual(request.amount_paid, 0.0)

    def test_auto_link_setting_and_match_action(self):
        self.company.payment_request_auto_link = False
        request = self.create_request(amount=300.0)
        st_line = self.create_st_line(300.0, request.payment_reference)
        unrelated = self.create_st_line(50.0, "unrelated")
        self.assertFalse(st_line.is_reconciled)
        result = (st_line | unrelated).action_payment_request_match()
        self.assertEqual(result["params"]["type"], "warning", "the setting is off")
        self.company.payment_request_auto_link = True
        result = (st_line | unrelated).action_payment_request_match()
        self.assertEqual(result["params"]["type"], "success")
        self.assertIn("1 of 2", result["params"]["message"])
        self.assert_no_suspense(st_line)
        self.assertFalse(unrelated.is_reconciled)
        self.assertEqual(request.state, "paid")

    def test_split_one_line_two_requests(self):
        first = self.create_request(amount=200.0)
        second = self.create_request(amount=300.0)
        st_line = self.create_st_line(500.0, "two requests", partner_id=self.partner_a.id)
        link_form = self.link_form(st_line)
        link_form.payment_request_ids.clear()
        link_form.payment_request_ids.add(first)
        link_form.payment_request_ids.add(second)
        link_form.save().action_link()
        self.assert_no_suspense(st_line)
        receivables = self.receivable_of(st_line)
        self.assertEqual(sorted(receivables.mapped("balance")), [-300.0, -200.0])
        self.assertEqual(receivables.payment_request_id, first | second)
        self.assertEqual((first | second).mapped("state"), ["paid", "paid"])

    def test_several_lines_pay_one_request(self):
        request = self.create_request(amount=300.0)
        self.create_st_line(100.0, request.payment_reference)
        self.assertEqual(request.state, "partial")
        self.assertEqual(request.amount_residual, 200.0)
        self.create_st_line(200.0, request.payment_reference)
        self.assertEqual(request.state, "paid")
        self.assertEqual(len(request.received_line_ids), 2)

    def test_remainder_stays_in_suspense(self):
        request = self.create_request(amount=300.0)
        st_line = self.create_st_line(350.0, "more than asked", partner_id=self.partner_a.id)
        self.link_form(st_line).save().action_link()
        _liquidity, suspense, _other = st_line._seek_for_lines()
        self.assertEqual(suspense.balance, -50.0)
        self.assertFalse(st_line.is_reconciled)
        self.assertEqual(request.state, "paid")

    def test_unlink_restores_suspense(self):
        request = self.create_request(amount=300.0)
        st_line = self.create_st_line(300.0, request.payment_reference)
        self.assertEqual(request.state, "paid")
        st_line.action_payment_request_unlink()
        _liquidity, suspense, _other = st_line._seek_for_lines()
        self.assertEqual(suspense.balance, -300.0)
        self.assertFalse(st_line.is_reconciled)
        self.assertFalse(self.receivable_of(st_line))
        self.assertEqual(request.amount_paid, 0.0)
        self.assertEqual(request.state, "sent")
        self.assertIn("unlinked", request.message_ids[0].body)

    def test_link_onto_registered_payment(self):
        request = self.create_request(amount=300.0)
        payment = self.register_payment(request)
        self.assertFalse(payment.is_matched)
        st_line = self.create_st_line(300.0, "no reference", partner_id=self.partner_a.id)
        self.assertFalse(st_line.is_reconciled)
        link_form = self.link_form(st_line)
        self.assertEqual([r.id for r in link_form.payment_request_ids], request.ids)
        link_form.save().action_link()
        self.assert_no_suspense(st_line)
        self.assertFalse(self.receivable_of(st_line), "no second receivable credit")
        self.assertTrue(payment.is_matched)
        self.assertEqual(request.amount_paid, 300.0, "the money is counted once")
        self.assertEqual(request.payment_ids, payment)
        st_line.action_payment_request_unlink()
        self.assertFalse(payment.is_matched)
        self.assertEqual(request.amount_paid, 300.0)

    def test_link_then_invoice(self):
        request = self.create_request(amount=1210.0)
        st_line = self.create_st_line(1210.0, request.payment_reference)
        invoice = self.invoice_requests(request)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertTrue(self.receivable_of(st_line).reconciled)
        self.assertEqual(self.receivable_of(st_line).matched_debit_ids.debit_move_id.move_id, invoice)
        self.assertEqual(request.state, "done")

    def test_rules(self):
        request = self.create_request(amount=300.0)
        reconciled = self.create_st_line(300.0, request.payment_reference)
        self.assertTrue(reconciled.is_reconciled)
        other_request = self.create_request(amount=100.0)
        with self.assertRaisesRegex(UserError, "already reconciled"):
            reconciled._link_payment_requests(other_request)

        outgoing = self.create_st_line(-100.0, "refund")
        with self.assertRaisesRegex(UserError, "outgoing"):
            outgoing._link_payment_requests(other_request)

        cancelled = self.create_request(amount=50.0)
        cancelled.action_cancel()
        st_line = self.create_st_line(50.0, "x")
        with self.assertRaisesRegex(UserError, "cannot receive money"):
            st_line._link_payment_requests(cancelled)

        other_company = self.setup_other_company(name="Other")["company"]
        foreign = self.env["payment.request"].create(
            {"partner_id": self.partner_a.id, "company_id": other_company.id, "amount": 50.0}
        )
        foreign.action_mark_sent()
        with self.assertRaisesRegex(UserError, "another company"):
            st_line._link_payment_requests(foreign)

        usd = self.setup_other_currency("USD")
        dollars = self.env["payment.request"].create(
            {"partner_id": self.partner_a.id, "amount": 50.0, "currency_id": usd.id}
        )
        dollars.action_mark_sent()
        with self.assertRaisesRegex(UserError, "USD"):
            st_line._link_payment_requests(dollars)

        self.assertFalse(st_line.is_reconciled)
        self.assertEqual(len(st_line.move_id.line_ids), 2, "nothing changed")
        self.assertEqual(other_request.amount_paid, 0.0)

    # ------------------------------------------------------------------
    # Auto-link on registered payments
    # ------------------------------------------------------------------

    def assert_payment_matched(self, payment, st_line):
        # Community leaves the payment's state to its invoices (in_process
        # without one): matched is what the bank changes.
        self.assertTrue(payment.is_matched)
        liquidity, _counterpart, _writeoff = payment._seek_for_lines()
        self.assertTrue(liquidity.reconciled)
        self.assertEqual(liquidity.matched_credit_ids.credit_move_id.move_id, st_line.move_id)

    def test_auto_link_registered_payment_exact_amount(self):
        request = self.create_request(amount=300.0)
        payment = self.register_payment(request)
        self.assertEqual((request.state, payment.state, payment.is_matched), ("paid", "in_process", False))
        st_line = self.create_st_line(300.0, f"Betaling {request.payment_reference}")
        self.assert_no_suspense(st_line)
        self.assertFalse(self.receivable_of(st_line), "no second receivable credit")
        self.assert_payment_matched(payment, st_line)
        self.assertEqual(request.amount_paid, 300.0, "the money is counted once")
        self.assertEqual(request.state, "paid")
        self.assertEqual(st_line.payment_request_ids, request)
        self.assertEqual(request.statement_line_ids, st_line)
        self.assertEqual(st_line.partner_id, self.partner_a, "the customer is filled in")
        self.assertIn("automatically", request.message_ids[0].body)
        action = request.action_view_statement_lines()
        self.assertEqual(action["res_id"], st_line.id)

        st_line.action_payment_request_unlink()
        _liquidity, suspense, _other = st_line._seek_for_lines()
        self.assertEqual(suspense.balance, -300.0)
        self.assertFalse(payment.is_matched)
        self.assertEqual(request.amount_paid, 300.0)
        self.assertFalse(request.statement_line_ids)
        self.assertEqual(request.state, "paid")

    def test_auto_link_two_registered_payments(self):
        request = self.create_request(amount=500.0)
        first = self.register_payment(request, amount=200.0)
        second = self.register_payment(request, amount=300.0)
        st_line = self.create_st_line(500.0, request.payment_reference)
        self.assert_no_suspense(st_line)
        self.assertFalse(self.receivable_of(st_line))
        self.assert_payment_matched(first, st_line)
        self.assert_payment_matched(second, st_line)
        self.assertEqual(request.amount_paid, 500.0)
        self.assertEqual(request.state, "paid")

    def test_auto_link_more_than_the_registered_payments(self):
        request = self.create_request(amount=500.0)
        payment = self.register_payment(request, amount=300.0)
        self.assertEqual(request.state, "partial")
        st_line = self.create_st_line(450.0, request.payment_reference)
        self.assert_no_suspense(st_line)
        self.assert_payment_matched(payment, st_line)
        self.assertRecordValues(
            self.receivable_of(st_line),
            [{"balance": -150.0, "payment_request_id": request.id, "partner_id": self.partner_a.id}],
        )
        self.assertEqual(request.amount_paid, 450.0)
        self.assertEqual(request.amount_residual, 50.0)

        # More than the request waits for: not automatic; the link wizard
        # books the payment, then the receivable, then leaves the rest.
        other = self.create_request(amount=500.0)
        other_payment = self.register_payment(other, amount=300.0)
        big_line = self.create_st_line(600.0, other.payment_reference)
        self.assertFalse(big_line.payment_request_ids)
        link_form = self.link_form(big_line)
        self.assertEqual([r.id for r in link_form.payment_request_ids], other.ids)
        link_form.save().action_link()
        self.assert_payment_matched(other_payment, big_line)
        self.assertEqual(self.receivable_of(big_line).balance, -200.0)
        _liquidity, suspense, _other = big_line._seek_for_lines()
        self.assertEqual(suspense.balance, -100.0)
        self.assertAlmostEqual(sum(big_line.move_id.line_ids.mapped("balance")), 0.0)
        self.assertEqual((other.amount_paid, other.state), (500.0, "paid"))

    def test_auto_link_registered_payment_after_invoicing(self):
        request = self.create_request(amount=1210.0)
        payment = self.register_payment(request)
        invoice = self.invoice_requests(request)
        self.assertEqual(request.state, "done")
        self.assertEqual(invoice.payment_state, "paid")
        self.assertFalse(payment.is_matched)
        st_line = self.create_st_line(1210.0, request.payment_reference)
        self.assert_no_suspense(st_line)
        self.assertFalse(self.receivable_of(st_line), "the invoice is paid already: no new credit")
        self.assert_payment_matched(payment, st_line)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual(request.amount_paid, 1210.0)
        self.assertEqual(request.state, "done")

    def test_auto_link_batch_shares_one_request(self):
        request = self.create_request(amount=300.0)
        vals = {"journal_id": self.bank_journal.id, "date": fields.Date.today()}
        first, second = self.env["account.bank.statement.line"].create(
            [
                {**vals, "amount": 200.0, "payment_ref": request.payment_reference},
                {**vals, "amount": 200.0, "payment_ref": request.payment_reference},
            ]
        )
        self.assertTrue(first.is_reconciled)
        self.assertFalse(second.payment_request_ids, "the batch's first line took 200 of the 300")
        self.assertEqual(request.amount_residual, 100.0)
