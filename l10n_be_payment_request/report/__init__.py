from . import payment_request_advance_report
