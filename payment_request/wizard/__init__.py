from . import payment_request_register
from . import payment_request_invoice
from . import payment_request_link
