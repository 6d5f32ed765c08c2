from . import payment_request_register
from . import payment_request_invoice
