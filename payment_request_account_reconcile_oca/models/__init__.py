from . import account_bank_statement_line
from . import payment_request
