"""The Belgian invoice deadline of an advance payment.

Plain functions, no ORM. The money received is the chargeable event for VAT
on an advance payment (WBTW art. 17 §1, art. 22bis), and the invoice for it is
due by the 15th of the month after the month of receipt (KB nr. 1, as amended
by the KB of 18 December 2015).
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

# Monday to Friday; public holidays are not known here.
_WEEKEND = (5, 6)


def advance_invoice_deadline(received_date):
    """Return the date by which money received on ``received_date`` must be
    invoiced: the 15th of the next month."""
    return received_date + relativedelta(months=1, day=15)


def is_working_day(day):
    return day.weekday() not in _WEEKEND


def last_working_day_before(day):
    """Return the last working day (Monday to Friday) strictly before ``day``."""
    day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def next_working_day_after(day):
    """Return the first working day strictly after ``day``: the deadlines
    whose last working day before them is ``day`` or earlier are those up
    to this day."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day
