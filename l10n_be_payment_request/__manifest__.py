{
    "name": "Payment Requests - Belgium",
    "summary": "Belgian rules of payment requests: the invoice deadline of advance payments "
    "(VAT) and the structured communication (OGM)",
    "version": "1.0.0",
    "category": "Accounting/Localizations",
    "website": "https://github.com/payment-request/payment_request",
    "author": "payment_request developers",
    "license": "LGPL-3",
    "depends": ["payment_request", "l10n_be"],
    "auto_install": True,
    "data": [
        "security/l10n_be_payment_request_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/mail_activity_type_data.xml",
        "views/payment_request_views.xml",
        "views/res_config_settings_views.xml",
        "report/payment_request_advance_report_views.xml",
    ],
}
