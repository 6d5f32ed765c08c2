"""Data for the payment_request benchmarks.

The company, its chart of accounts, the customers and the product are made
once and committed into the throwaway benchmark database (see
:func:`ensure_company`). Everything else is made inside the transaction of
one benchmark and rolled back with it.
"""

from datetime import timedelta

from odoo import Command, fields

from odoo.addons.l10n_be_payment_request.tools import OGM_BASE_OFFSET, format_ogm
from odoo.addons.payment_request.compat import GROUPS
from odoo.addons.payment_request.tests.compat import SALE_LINE_TAXES
from odoo.addons.payment_request.tools import normalize_reference

COMPANY_NAME = "Payment Request Bench BE"
COMPANY_IBAN = "BE71 0961 2345 6769"
# Our records use the first half of the customers, Odoo's baseline records
# the second half, so that neither side warms the other's cache.
CUSTOMER_COUNT = 400
BASELINE_OFFSET = 200
ORDER_PRICE = 1000.0  # + 21% VAT
ORDER_TOTAL = 1210.0

# Keep the chatter out of the data made for a benchmark; the measured
# operations never run with these keys.
QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True}
LOUD = {key: False for key in QUIET}


def ensure_company(env):
    """Return the benchmark company, made with the Belgian chart, a bank
    journal with an IBAN, customers and a product the first time, and
    give the administrator, who runs the benchmarks, access to it as an
    accountant (bank statement lines need more than the Billing rights)."""
    admin = env.ref("base.user_admin")
    admin[GROUPS] = [Command.link(env.ref("account.group_account_user").id)]
    company = env["res.company"].search([("name", "=", COMPANY_NAME)], limit=1)
    if company:
        return company
    vals = {}
    if "iap_enrich_auto_done" in env["res.company"]._fields:
        # partner_autocomplete would ask Odoo's servers about the new company.
        vals["iap_enrich_auto_done"] = True
    # install_mode: no automatic install of Belgium's other modules on 19.0
    # (Peppol needs the phonenumbers library the harness does not install).
    company = (
        env["res.company"]
        .with_context(install_mode=True)
        .create(
            {
                **vals,
                "name": COMPANY_NAME,
                "country_id": env.ref("base.be").id,
                "currency_id": env.ref("base.EUR").id,
                "email": "accounting@bench.example.com",
                "street": "Rue de la Loi 16",
                "zip": "1000",
                "city": "Brussels",
                "vat": "BE0477472701",
            }
        )
    )
    env.user.company_ids = [Command.link(company.id)]
    admin.company_ids = [Command.link(company.id)]
    env["account.chart.template"].try_loading("be_comp", company=company, install_demo=False)
    env = env(context=dict(env.context, allowed_company_ids=company.ids))
    bank_account = env["res.partner.bank"].create(
        {"acc_number": COMPANY_IBAN, "partner_id": company.partner_id.id, "allow_out_payment": True}
    )
    journals = env["account.journal"]
    bank_journal = journals.search([*journals._check_company_domain(company), ("type", "=", "bank")], limit=1)
    bank_journal.bank_account_id = bank_account
    env["res.partner"].with_context(**QUIET).create(
        [
            {
                "name": f"Bench Customer {index:03d}",
                "email": f"customer{index:03d}@bench.example.com",
                "country_id": env.ref("base.be").id,
                "company_id": company.id,
                "lang": "en_US",
            }
            for index in range(CUSTOMER_COUNT)
        ]
    )
    env["product.product"].create(
        {
            "name": "Bench Service",
            "type": "service",
            "invoice_policy": "order",
            "list_price": ORDER_PRICE,
            "company_id": company.id,
            "taxes_id": [Command.set(company.account_sale_tax_id.ids)],
        }
    )
    return company


class Factory:
    """Make the records of one benchmark in the benchmark company."""

    def __init__(self, env, company):
        self.env = env
        self.company = company
        self.customers = env["res.partner"].search(
            [("name", "=like", "Bench Customer %"), ("company_id", "=", company.id)], order="name"
        )
        self.product = env["product.product"].search(
            [("name", "=", "Bench Service"), ("company_id", "=", company.id)], limit=1
        )
        self.tax = company.account_sale_tax_id
        journals = env["account.journal"]
        company_domain = journals._check_company_domain(company)
        self.bank_journal = journals.search([*company_domain, ("type", "=", "bank")], limit=1)
        self.sale_journal = journals.search([*company_domain, ("type", "=", "sale")], limit=1)

    def customer(self, index):
        return self.customers[index % len(self.customers)]

    # ------------------------------------------------------------------
    # Orders, requests, invoices, payments
    # ------------------------------------------------------------------

    def confirmed_orders(self, count, offset=0, customer_count=None):
        """Return ``count`` confirmed orders of 1,000.00 + 21% VAT, for
        ``customer_count`` customers (all by default) from the ``offset``-th
        on, in turn."""
        customer_count = customer_count or len(self.customers)
        vals_list = [
            {
                "partner_id": self.customer(offset + index % customer_count).id,
                "company_id": self.company.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 1.0,
                            "price_unit": ORDER_PRICE,
                            SALE_LINE_TAXES: [Command.set(self.tax.ids)],
                        }
                    )
                ],
            }
            for index in range(count)
        ]
        orders = self.env["sale.order"].with_context(**QUIET).create(vals_list)
        orders.action_confirm()
        return orders.with_context(**LOUD)

    def sent_requests_for(self, orders):
        """Return one sent request per order, for the order's total."""
        requests = (
            self.env["payment.request"]
            .with_context(**QUIET)
            .create(
                [
                    {"sale_order_id": order.id, "amount": order.amount_total, "is_sent": True}
                    for order in orders
                ]
            )
        )
        return requests.with_context(**LOUD)

    def customer_payments(self, orders):
        """Return one posted customer payment per order, for the order's
        total, without invoice: what a user registers without the addon
        (Invoicing > Customers > Payments > New)."""
        method_line = self.bank_journal.inbound_payment_method_line_ids[:1]
        payments = (
            self.env["account.payment"]
            .with_context(**QUIET)
            .create(
                [
                    {
                        "payment_type": "inbound",
                        "partner_type": "customer",
                        "partner_id": order.partner_id.commercial_partner_id.id,
                        "amount": order.amount_total,
                        "journal_id": self.bank_journal.id,
                        "payment_method_line_id": method_line.id,
                        "memo": order.name,
                    }
                    for order in orders
                ]
            )
        )
        payments.action_post()
        return payments.with_context(**LOUD)

    def posted_invoices(self, count, offset=BASELINE_OFFSET):
        """Return ``count`` posted customer invoices of 1,000.00 + 21% VAT,
        one per customer from the ``offset``-th on."""
        vals_list = [
            {
                "move_type": "out_invoice",
                "partner_id": self.customer(offset + index).id,
                "journal_id": self.sale_journal.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "quantity": 1.0,
                            "price_unit": ORDER_PRICE,
                            "tax_ids": [Command.set(self.tax.ids)],
                        }
                    )
                ],
            }
            for index in range(count)
        ]
        invoices = self.env["account.move"].with_context(**QUIET).create(vals_list)
        invoices.action_post()
        return invoices.with_context(**LOUD)

    def pay_requests(self, requests):
        """Register the full amount of each request through the wizard."""
        wizards = self.env["payment.request.register"].with_context(**QUIET)
        for request in requests:
            wizards.create({"payment_request_id": request.id}).action_register_payment()

    def overdue_requests(self, count, offset=0, customer_count=None):
        """Return ``count`` sent requests due 30 days ago, with automatic
        reminders, for ``customer_count`` customers (all by default) from
        the ``offset``-th on, in turn, made in batches by the ORM."""
        customer_count = customer_count or len(self.customers)
        today = fields.Date.context_today(self.env["payment.request"])
        vals_list = [
            {
                "partner_id": self.customer(offset + index % customer_count).id,
                "amount": ORDER_TOTAL,
                "date": today - timedelta(days=44),
                "date_due": today - timedelta(days=30),
                "auto_reminder": True,
                "is_sent": True,
            }
            for index in range(count)
        ]
        model = self.env["payment.request"].with_context(**QUIET)
        requests = model.browse()
        for start in range(0, count, 1000):
            requests |= model.create(vals_list[start : start + 1000])
        return requests.with_context(**LOUD)

    def statement_lines(self, requests):
        """Return one statement line per request, paying its residual with
        its structured reference in the communication, not linked yet."""
        vals_list = [
            {
                "journal_id": self.bank_journal.id,
                "date": fields.Date.context_today(request),
                "payment_ref": f"Betaling {request.payment_reference} dank u",
                "amount": request.amount_residual,
            }
            for request in requests
        ]
        model = self.env["account.bank.statement.line"].with_context(
            payment_request_skip_auto_link=True, **QUIET
        )
        lines = model.browse()
        for start in range(0, len(vals_list), 500):
            lines |= model.create(vals_list[start : start + 500])
        return lines.with_context(payment_request_skip_auto_link=False, **LOUD)

    # ------------------------------------------------------------------
    # Bulk rows in SQL
    # ------------------------------------------------------------------

    def bulk_copy(self, template, count, overrides):
        """Insert ``count`` copies of the ``template`` record's row in SQL and
        return their ids. ``overrides`` maps a column to an SQL expression
        of ``g``, the copy's number from 1, with ``%(customers)s`` (the
        customer ids) and ``%(customer_count)s`` available."""
        self.env.flush_all()
        table = template._table
        copied = [
            name
            for name, field in template._fields.items()
            if field.store and field.column_type and name != "id" and name not in overrides
        ]
        columns = ", ".join(f'"{name}"' for name in [*overrides, *copied])
        values = ", ".join([*overrides.values(), *(f'"{table}"."{name}"' for name in copied)])
        self.env.cr.execute(
            f"""
            INSERT INTO "{table}" ({columns})
            SELECT {values}
              FROM "{table}", generate_series(1, %(count)s) g
             WHERE "{table}".id = %(template)s
            RETURNING id
            """,
            {
                "count": count,
                "template": template.id,
                "customers": self.customers.ids,
                "customer_count": len(self.customers),
            },
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.env.invalidate_all()
        return ids

    def bulk_requests(self, count, states=(("sent", 0.0),), references=True):
        """Return the ids of ``count`` requests of 1,210.00 inserted in SQL
        from one request made by the ORM: customers in turn, states given out
        in turn from ``states`` (``(state, amount_paid)`` pairs), and, with
        ``references``, a structured reference made with the addon's formula
        (an UPDATE of every row; without it the rows are left as inserted)."""
        template = (
            self.env["payment.request"]
            .with_context(**QUIET)
            .create({"partner_id": self.customer(0).id, "amount": ORDER_TOTAL, "is_sent": True})
        )
        state_list = "ARRAY[{}]::varchar[]".format(", ".join(f"'{state}'" for state, _paid in states))
        paid_list = "ARRAY[{}]::numeric[]".format(", ".join(str(paid) for _state, paid in states))
        position = f"1 + (g - 1) %% {len(states)}"
        customer = "(%(customers)s::int[])[1 + g %% %(customer_count)s]"
        ids = self.bulk_copy(
            template,
            count,
            {
                "name": "'BENCH/' || lpad(g::text, 7, '0')",
                "partner_id": customer,
                "commercial_partner_id": customer,
                "state": f"({state_list})[{position}]",
                "amount_paid": f"({paid_list})[{position}]",
                "amount_residual": f"payment_request.amount - ({paid_list})[{position}]",
                # What is asked: only by sent and partially paid requests.
                "amount_due": f"CASE WHEN ({state_list})[{position}] IN ('sent', 'partial') "
                f"THEN payment_request.amount - ({paid_list})[{position}] ELSE 0 END",
                "payment_reference": "NULL",
                "payment_reference_normalized": "NULL",
                "access_token": "NULL",
            },
        )
        if not references:
            return ids
        rows = []
        for request_id in ids:
            reference = format_ogm(OGM_BASE_OFFSET + request_id)
            rows.append((request_id, reference, normalize_reference(reference)))
        self.env.cr.execute_values(
            """
            UPDATE payment_request request
               SET payment_reference = v.reference, payment_reference_normalized = v.normalized
              FROM (VALUES %s) AS v(id, reference, normalized)
             WHERE request.id = v.id
            """,
            rows,
            page_size=10000,
        )
        return ids

    def bulk_invoices(self, count, payment_states):
        """Return the ids of ``count`` posted invoices inserted in SQL (the
        ``account_move`` rows only, enough to search and group them), from
        one invoice made by the ORM, with payment states given out in turn."""
        template = self.posted_invoices(1)
        states = "ARRAY[{}]::varchar[]".format(", ".join(f"'{state}'" for state in payment_states))
        state = f"({states})[1 + (g - 1) %% {len(payment_states)}]"
        customer = "(%(customers)s::int[])[1 + g %% %(customer_count)s]"
        open_amount = f"CASE WHEN {state} = 'paid' THEN 0 ELSE account_move.amount_total END"
        return self.bulk_copy(
            template,
            count,
            {
                "name": "'BENCH/' || lpad(g::text, 7, '0')",
                "partner_id": customer,
                "commercial_partner_id": customer,
                "payment_state": state,
                "amount_residual": open_amount,
                "amount_residual_signed": open_amount,
            },
        )
