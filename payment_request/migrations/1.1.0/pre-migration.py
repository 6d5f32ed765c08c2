"""Move the Belgian rules to l10n_be_payment_request (issue 26).

The invoice deadline of advance payments (its fields, settings, cron,
activity type and report) left payment_request for the new addon
l10n_be_payment_request, under the same names. As OpenUpgrade moves fields
between modules (openupgradelib's ``update_module_moved_fields`` and
``rename_xmlids``), the xmlids of what moved are given to the new module
before payment_request is loaded: Odoo then drops no column and deletes no
record at the end of the upgrade, and the new module, installed in the same
run, takes them over with their data.

The new addon is ``auto_install`` on payment_request and l10n_be, but Odoo
does not install a new auto_install module on ``-u``: this script marks it to
install, which the same ``-u payment_request`` run then does. Without
l10n_be, nothing is Belgian: what moved is left to be removed with the
module's data, and the cron, kept by its noupdate flag, goes with it.
"""

import logging

_logger = logging.getLogger(__name__)

NEW_MODULE = "l10n_be_payment_request"

MOVED_FIELDS = {
    "payment.request": ("invoice_deadline", "invoice_deadline_activity_date"),
    "res.company": (
        "payment_request_invoice_deadline_scope",
        "payment_request_invoice_deadline_days",
        "payment_request_auto_invoice",
    ),
    "res.config.settings": (
        "payment_request_invoice_deadline_scope",
        "payment_request_invoice_deadline_days",
        "payment_request_auto_invoice",
    ),
}
MOVED_MODELS = ("payment.request.advance.report",)
MOVED_XMLIDS = (
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
)


def _module_state(cr, name):
    cr.execute("SELECT state FROM ir_module_module WHERE name = %s", [name])
    row = cr.fetchone()
    return row and row[0]


def _moved_names():
    """Return the ir_model_data names (of payment_request) that moved, and
    the LIKE patterns of those named per value or per field."""
    names = list(MOVED_XMLIDS)
    patterns = []
    for model, fields in MOVED_FIELDS.items():
        prefix = model.replace(".", "_")
        for field in fields:
            names.append(f"field_{prefix}__{field}")
            patterns.append(f"selection\\_\\_{prefix}\\_\\_{field}\\_\\_%")
    for model in MOVED_MODELS:
        prefix = model.replace(".", "_")
        names.append(f"model_{prefix}")
        patterns.append(f"field\\_{prefix}\\_\\_%")
    return names, patterns


def migrate(cr, version):
    if not version:
        return
    if _module_state(cr, "l10n_be") not in ("installed", "to upgrade"):
        _logger.info("payment_request: no l10n_be, the Belgian invoice deadline is removed")
        cr.execute(
            """
            DELETE FROM ir_cron
             WHERE id IN (SELECT res_id FROM ir_model_data
                           WHERE module = 'payment_request' AND model = 'ir.cron'
                             AND name = 'ir_cron_payment_request_invoice_deadlines')
            """
        )
        return
    names, patterns = _moved_names()
    cr.execute(
        """
        UPDATE ir_model_data
           SET module = %s
         WHERE module = 'payment_request'
           AND (name = ANY(%s) OR name LIKE ANY(%s))
        """,
        [NEW_MODULE, names, patterns],
    )
    _logger.info("payment_request: %s xmlids moved to %s", cr.rowcount, NEW_MODULE)
    if _module_state(cr, NEW_MODULE) == "uninstalled":
        cr.execute("UPDATE ir_module_module SET state = 'to install' WHERE name = %s", [NEW_MODULE])
        _logger.info("payment_request: %s marked to install", NEW_MODULE)
