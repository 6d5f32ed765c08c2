from . import mollie
