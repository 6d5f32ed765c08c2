from . import mollie
from . import portal
