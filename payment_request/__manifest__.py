{
    "name": "Payment Requests",
    "summary": "Ask customers to pay all or part of a sale in advance, " "without an invoice up front",
    "version": "1.1.0",
    "category": "Sales/Sales",
    "website": "https://github.com/payment-request/payment_request",
    "author": "payment_request developers",
    "license": "LGPL-3",
    "depends": ["sale", "account", "account_qr_code_sepa", "portal"],
    "data": [
        # Security
        "security/payment_request_security.xml",
        "security/ir.model.access.csv",
        # Data
        "data/ir_sequence_data.xml",
        # Reports (before the mail template that attaches the report)
        "report/payment_request_report.xml",
        "report/payment_request_templates.xml",
        "data/mail_template_data.xml",
        "data/payment_request_reminder_data.xml",
        "data/ir_cron_data.xml",
        # Wizards
        "wizard/payment_request_register_views.xml",
        "wizard/payment_request_invoice_views.xml",
        "wizard/payment_request_link_views.xml",
        "wizard/payment_link_wizard_views.xml",
        # Views
        "views/payment_request_plan_views.xml",
        "views/payment_request_views.xml",
        "views/sale_order_views.xml",
        "views/account_payment_views.xml",
        "views/account_move_views.xml",
        "views/payment_request_reminder_level_views.xml",
        "views/account_bank_statement_line_views.xml",
        "views/payment_request_portal_templates.xml",
        "views/payment_transaction_views.xml",
    ],
    "demo": [
        "demo/payment_request_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "payment_request/static/tests/tours/*.js",
        ],
    },
}
