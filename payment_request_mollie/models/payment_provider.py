from mollie.api.client import Client

from odoo import models
from odoo.modules import module
from odoo.tools import config

# Tests point the client at a fake Mollie; honoured only when Odoo runs tests.
ENDPOINT_PARAM = "payment_request_mollie.api_endpoint"
# One number, not a (connect, read) tuple: Odoo 19.0's guard of outgoing
# requests in tests cannot compare a tuple (TypeError).
TIMEOUT = 10


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    def _payment_request_mollie_client(self):
        """Return a mollie-api-python client with this Mollie provider's API key:
        the one configuration of Mollie, per company."""
        self.ensure_one()
        endpoint = ""
        if config["test_enable"] or module.current_test:
            # sudo: a technical parameter the tests set; read, never shown.
            endpoint = self.env["ir.config_parameter"].sudo().get_param(ENDPOINT_PARAM) or ""
        client = Client(api_endpoint=endpoint, timeout=TIMEOUT)
        # sudo: the API key is readable by administrators only; the webhook
        # and the cron use it on the company's behalf.
        client.set_api_key(self.sudo().mollie_api_key)
        return client
