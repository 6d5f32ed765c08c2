#!/usr/bin/env python3
"""`make upgrade-test`: a database of an older commit's addons upgrades to
this tree's and keeps its records and values.

Usage (the Makefile runs it with the series' venv python):

    upgrade_test.py seed    --config OLD.conf --database DB
    upgrade_test.py dump    --config CONF     --database DB --output FILE.json
    upgrade_test.py compare BEFORE.json AFTER.json

``seed`` makes, with the old code, what the upgrade must carry over when the
demo data does not: a Belgian company's settings set away from their
defaults, a request paid today whose money must be invoiced by a deadline,
and the activity the daily cron gives for it. ``dump`` reads the rows with
SQL only, so that the same query reads the old and the new layout:
requests, company settings, activities, the activity type, the cron, the
advance payments report and the addons' xmlids. ``compare`` fails, with a
diff, on any row lost or value changed. The one change it expects is the
rule of issue 26: the invoice deadline is Belgian, so a request of a company
whose fiscal country is not Belgium loses its deadline (and its report rows
no longer say the deadline applies).
"""

import argparse
import json
import sys

MODULES = ("payment_request", "l10n_be_payment_request")
# The xmlids that moved from payment_request to l10n_be_payment_request
# (payment_request/migrations/1.1.0/pre-migration.py); the field and
# selection xmlids of the moved fields and of the report model are told by
# their names.
MOVED_NAMES = {
    "ir_cron_payment_request_invoice_deadlines",
    "ir_cron_payment_request_invoice_deadlines_ir_actions_server",
    "mail_activity_type_payment_request_invoice",
    "payment_request_advance_report_rule_company",
    "access_payment_request_advance_report_billing",
    "access_payment_request_advance_report_readonly",
    "payment_request_advance_report_view_list",
    "payment_request_advance_report_view_pivot",
    "payment_request_advance_report_view_search",
    "payment_request_advance_report_action",
    "payment_request_advance_report_menu",
    "model_payment_request_advance_report",
}
MOVED_FIELDS = (
    "payment_request__invoice_deadline",
    "res_company__payment_request_invoice_deadline",
    "res_company__payment_request_auto_invoice",
    "res_config_settings__payment_request_invoice_deadline",
    "res_config_settings__payment_request_auto_invoice",
    "payment_request_advance_report__",
)

# What the commits after 845de4c removed on purpose, which the upgrade
# deletes as Odoo does: the xmlid -> the commit that removed it.
REMOVED_SINCE = {
    # da19542/40a2584: Mollie reversals as child transactions; the register
    # wizard lost its provider path.
    "payment_request.constraint_account_payment_payment_request_provider_ref_uniq": "da19542",
    "payment_request.field_account_payment__payment_request_provider_ref": "da19542",
    "payment_request.field_payment_request_register__provider_reference": "da19542",
    # abb0630: the actions' groups set from payment.request, no ir.actions.actions extension.
    "payment_request.model_ir_actions_actions": "abb0630",
    # 19.0 reflected the fields of that extension too.
    "payment_request.field_ir_actions_actions__display_name": "abb0630",
    "payment_request.field_ir_actions_actions__id": "abb0630",
    "payment_request.model_inherit__ir_actions_act_url__ir_actions_actions": "abb0630",
    "payment_request.model_inherit__ir_actions_act_window__ir_actions_actions": "abb0630",
    "payment_request.model_inherit__ir_actions_act_window_close__ir_actions_actions": "abb0630",
    "payment_request.model_inherit__ir_actions_client__ir_actions_actions": "abb0630",
    "payment_request.model_inherit__ir_actions_report__ir_actions_actions": "abb0630",
    "payment_request.model_inherit__ir_actions_server__ir_actions_actions": "abb0630",
}

REQUEST_COLUMNS = (
    "name",
    "payment_reference",
    "payment_reference_normalized",
    "company_id",
    "partner_id",
    "sale_order_id",
    "amount",
    "amount_paid",
    "amount_residual",
    "amount_due",
    "amount_uninvoiced",
    "state",
    "date",
    "date_due",
    "invoice_deadline",
    "invoice_deadline_activity_date",
)
REPORT_FIELDS = (
    "payment_request_id",
    "company_id",
    "date",
    "invoice_deadline",
    "amount_received",
    "amount_invoiced",
    "amount_to_invoice",
    "deadline_applies",
)
COMPANY_COLUMNS = (
    "name",
    "account_fiscal_country_id",
    "payment_request_due_days",
    "payment_request_auto_reminder",
    "payment_request_auto_link",
    "payment_request_invoice_deadline_scope",
    "payment_request_invoice_deadline_days",
    "payment_request_auto_invoice",
)


TABLES = ("payment_request", "res_company", "mail_activity", "mail_activity_type", "ir_cron", "report")


def is_moved(name):
    return name in MOVED_NAMES or any(
        name.startswith((f"field_{field}", f"selection__{field}")) for field in MOVED_FIELDS
    )


# ----------------------------------------------------------------------
# Odoo, as a library
# ----------------------------------------------------------------------


def open_registry(config, database):
    import odoo

    odoo.tools.config.parse_config(["-c", config, "-d", database, "--log-level=warn"], setup_logging=True)
    return odoo.modules.registry.Registry(database)


def seed(env):
    """Make, with the old code, the rows the upgrade must keep."""
    from odoo import Command, fields

    company = env["res.company"].search([("account_fiscal_country_id.code", "=", "BE")], limit=1)
    if not company:
        sys.exit("upgrade-test: no Belgian company in the database (l10n_be's demo makes one)")
    # Every setting away from its default.
    company.write(
        {
            "payment_request_due_days": 21,
            "payment_request_invoice_deadline_scope": "all",
            "payment_request_invoice_deadline_days": 60,
            "payment_request_auto_invoice": True,
        }
    )
    env = env(context=dict(env.context, allowed_company_ids=company.ids))
    partner = env["res.partner"].create(
        {"name": "Upgrade test customer", "vat": "BE0477472701", "company_id": company.id}
    )
    product = env["product.product"].create({"name": "Upgrade test product", "list_price": 1000.0})
    order = env["sale.order"].create(
        {
            "partner_id": partner.id,
            "company_id": company.id,
            "order_line": [Command.create({"product_id": product.id, "price_unit": 1000.0})],
        }
    )
    order.action_confirm()
    Request = env["payment.request"]
    paid = Request.create({"sale_order_id": order.id, "amount": 300.0})
    paid.action_mark_sent()
    action = paid.action_register_payment()
    wizard = env[action["res_model"]].with_context(**action["context"]).create({})
    wizard.action_register_payment()
    # A bank transaction that carries the reference of a second request: the
    # money received on a bank journal item, a row of the advance payments
    # report.
    by_bank = Request.create({"sale_order_id": order.id, "amount": 200.0})
    by_bank.action_mark_sent()
    journal = env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", company.id)], limit=1)
    env["account.bank.statement.line"].create(
        {
            "journal_id": journal.id,
            "date": fields.Date.context_today(by_bank),
            "amount": 200.0,
            "payment_ref": by_bank.payment_reference,
        }
    )
    if not by_bank.received_line_ids or not by_bank.invoice_deadline:
        sys.exit(f"upgrade-test: the bank transaction of {by_bank.name} was not linked or has no deadline")
    draft = Request.create({"sale_order_id": order.id, "amount": 100.0})
    if not paid.invoice_deadline:
        sys.exit(f"upgrade-test: the paid request {paid.name} has no invoice deadline")
    # The deadline is within the 60 warning days: the cron gives the activity.
    Request._cron_invoice_deadlines()
    if not paid.invoice_deadline_activity_date or not by_bank.invoice_deadline_activity_date:
        sys.exit("upgrade-test: the cron gave no activity")
    print(
        f"seeded in {company.name}: {paid.name} {paid.payment_reference} paid {paid.amount_paid}, "
        f"deadline {fields.Date.to_string(paid.invoice_deadline)}; {by_bank.name} paid by a bank "
        "transaction; "
        f"{draft.name} {draft.payment_reference}"
    )


def rows(cr, query, params=None):
    cr.execute(query, params)
    names = [column.name for column in cr.description]
    return {str(row[0]): dict(zip(names[1:], row[1:], strict=True)) for row in cr.fetchall()}


def table_rows(cr, table, columns):
    """Return the rows of ``table`` with those of ``columns`` it has: an older
    layout may lack a column added since (the comparison reads what the old
    one has)."""
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table])
    present = {name for (name,) in cr.fetchall()}
    names = ", ".join(column for column in columns if column in present)
    return rows(cr, f"SELECT id, {names} FROM {table} ORDER BY id")


def dump(env):
    """Return the rows to compare, read with SQL (JSON-ready)."""
    cr = env.cr
    cr.execute("SELECT name, state, latest_version FROM ir_module_module WHERE name IN %s", [MODULES])
    modules = {name: {"state": state, "version": version} for name, state, version in cr.fetchall()}
    cr.execute(
        """
        SELECT id FROM res_company company
         WHERE account_fiscal_country_id = (SELECT id FROM res_country WHERE code = 'BE')
        """
    )
    belgian = [str(company_id) for (company_id,) in cr.fetchall()]
    data = {
        "modules": modules,
        "belgian_company_ids": belgian,
        "payment_request": table_rows(cr, "payment_request", REQUEST_COLUMNS),
        "res_company": table_rows(cr, "res_company", COMPANY_COLUMNS),
        "mail_activity": rows(
            cr,
            """
            SELECT id, res_id, activity_type_id, date_deadline, user_id, summary, note::text
              FROM mail_activity WHERE res_model = 'payment.request' ORDER BY id
            """,
        ),
        "mail_activity_type": rows(
            cr, "SELECT id, name::text, res_model, delay_count FROM mail_activity_type ORDER BY id"
        ),
        "ir_cron": rows(
            cr,
            """
            SELECT cron.id, action.code, cron.active, cron.interval_number, cron.interval_type
              FROM ir_cron cron JOIN ir_act_server action ON action.id = cron.ir_actions_server_id
             WHERE action.code LIKE 'model._cron_%%' ORDER BY cron.id
            """,
        ),
        "ir_model_data": rows(
            cr,
            """
            SELECT module || '.' || name, module, name, model, res_id FROM ir_model_data
             WHERE module IN %s ORDER BY module, name
            """,
            [MODULES],
        ),
    }
    # The report is a query of its model (_table_query), not a table: read
    # through the ORM, in both layouts.
    report = env["payment.request.advance.report"].sudo()
    data["report"] = {}
    for row in report.search_read([], REPORT_FIELDS, order="id"):
        for field in ("payment_request_id", "company_id"):
            row[field] = row[field] and row[field][0]
        data["report"][str(row.pop("id"))] = row
    return json.loads(json.dumps(data, default=str))


# ----------------------------------------------------------------------
# The comparison
# ----------------------------------------------------------------------


def expected_change(table, row, column, before, after, belgian):
    """Tell whether a changed value is the one issue 26 intends: no Belgian
    invoice deadline for a company whose fiscal country is not Belgium."""
    if str(row.get("company_id")) in belgian:
        return False
    if table == "payment_request" and column == "invoice_deadline":
        return after is None
    if table == "report" and column == "deadline_applies":
        return after is False
    return False


def compare(before, after):
    problems = []
    expected = []
    if after["modules"].get("l10n_be_payment_request", {}).get("state") != "installed":
        problems.append(f"l10n_be_payment_request is not installed: {after['modules']}")
    if not before["report"] or not before["mail_activity"]:
        problems.append("the old database has no report row or no activity to carry over: seed it")
    belgian = set(before["belgian_company_ids"])
    for table in TABLES:
        old_rows, new_rows = before[table], after[table]
        for key, old in old_rows.items():
            new = new_rows.get(key)
            if new is None:
                problems.append(f"{table} {key}: lost ({old})")
                continue
            for column, value in old.items():
                if column not in new:
                    problems.append(f"{table} {key}: column {column} lost (was {value!r})")
                elif new[column] != value:
                    change = f"{table} {key}.{column}: {value!r} -> {new[column]!r}"
                    if expected_change(table, old, column, value, new[column], belgian):
                        expected.append(f"{change} (not Belgian: no invoice deadline)")
                    else:
                        problems.append(change)
        added = sorted(set(new_rows) - set(old_rows))
        if added and table not in ("mail_activity_type", "ir_cron"):
            problems.append(f"{table}: rows added by the upgrade: {added}")
    old_xmlids, new_xmlids = before["ir_model_data"], after["ir_model_data"]
    for xmlid, old in old_xmlids.items():
        name = old["name"]
        module = "l10n_be_payment_request" if is_moved(name) else old["module"]
        new = new_xmlids.get(f"{module}.{name}")
        if new is None and xmlid in REMOVED_SINCE:
            expected.append(f"xmlid {xmlid}: removed by {REMOVED_SINCE[xmlid]}")
        elif new is None:
            problems.append(f"xmlid {xmlid}: lost (expected as {module}.{name})")
        elif (new["model"], new["res_id"]) != (old["model"], old["res_id"]):
            problems.append(
                f"xmlid {xmlid} ({old['model']}, {old['res_id']}) is now {module}.{name} "
                f"({new['model']}, {new['res_id']})"
            )
        elif module != old["module"] and f"{old['module']}.{name}" in new_xmlids:
            problems.append(f"xmlid {xmlid}: moved to {module} but still in {old['module']} too")
    return problems, expected


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="step", required=True)
    for step in ("seed", "dump"):
        command = sub.add_parser(step)
        command.add_argument("--config", required=True)
        command.add_argument("--database", required=True)
        if step == "dump":
            command.add_argument("--output", required=True)
    command = sub.add_parser("compare")
    command.add_argument("before")
    command.add_argument("after")
    args = parser.parse_args(argv)

    if args.step == "compare":
        with open(args.before) as file:
            before = json.load(file)
        with open(args.after) as file:
            after = json.load(file)
        problems, expected = compare(before, after)
        counts = ", ".join(f"{len(before[table])} {table}" for table in TABLES)
        for change in expected:
            print(f"expected: {change}")
        if problems:
            print(f"upgrade-test FAILED: {len(problems)} rows lost or changed:")
            for problem in problems:
                print(f"  {problem}")
            return 1
        print(f"upgrade-test: every row kept ({counts}, {len(before['ir_model_data'])} xmlids)")
        return 0

    from odoo import SUPERUSER_ID, api

    registry = open_registry(args.config, args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if args.step == "seed":
            seed(env)
            cr.commit()
        else:
            env.flush_all()
            with open(args.output, "w") as file:
                json.dump(dump(env), file, indent=1, sort_keys=True)
            print(f"dumped {args.database} into {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
