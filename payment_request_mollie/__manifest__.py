{
    "name": "Payment Requests: Mollie Refunds and Chargebacks",
    "summary": "Bring the refunds and chargebacks made in Mollie back onto the payment requests",
    "version": "1.0.0",
    "category": "Accounting/Payment Providers",
    "website": "https://github.com/payment-request/payment_request",
    "author": "payment_request developers",
    "license": "LGPL-3",
    "depends": ["payment_request", "payment_mollie"],
    "external_dependencies": {"python": ["mollie-api-python"]},
    "auto_install": True,
    "data": [
        # Data
        "data/ir_cron_data.xml",
    ],
}
