from . import payment_request_register
from . import payment_request_invoice
from . import payment_request_link
from . import payment_link_wizard
