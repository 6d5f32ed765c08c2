{
    "name": "Payment Requests in the Bank Reconciliation",
    "summary": "Link bank transactions to payment requests from the OCA reconciliation widget",
    "version": "1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/payment-request/payment_request",
    "author": "payment_request developers",
    "license": "LGPL-3",
    "depends": ["payment_request", "account_reconcile_oca"],
    "auto_install": True,
    "data": [
        # Views
        "views/payment_request_views.xml",
        "views/account_bank_statement_line_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "payment_request_account_reconcile_oca/static/src/js/*.esm.js",
        ],
        "web.assets_tests": [
            "payment_request_account_reconcile_oca/static/tests/tours/*.js",
        ],
    },
}
