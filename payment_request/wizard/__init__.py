from . import payment_request_register
