from . import res_company
from . import payment_request
from . import sale_order
from . import account_payment
from . import account_move
from . import res_partner_bank
