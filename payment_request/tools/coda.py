"""Write a Belgian CODA bank statement file (Febelfin CODA 2.x).

Plain functions, no ORM. The demo data and the tests use them to make a
statement file of incoming transfers that OCA's CODA importer (pycoda)
reads: a structured communication goes in the movement record's structured
field (type 101), any other reference in its free communication.
"""

import datetime
from collections import namedtuple

from .structured_reference import is_valid_ogm, normalize_reference

RECORD_LENGTH = 128

CodaTransaction = namedtuple("CodaTransaction", "amount reference name iban date")
CodaTransaction.__doc__ = """An incoming transfer: ``amount`` (positive, 2 decimals),
``reference`` (an OGM in any usual form, or free text such as an RF
reference), the counterparty's ``name`` and ``iban``, and its ``date``."""


def _field(value, length, align="left"):
    """Return ``value`` as text of exactly ``length`` characters."""
    text = " ".join(str(value or "").split())[:length]
    return text.ljust(length) if align == "left" else text.rjust(length, "0")


def _amount(value):
    """Return an amount as CODA writes it: 15 digits, 3 of them decimals."""
    return f"{round(abs(value) * 1000):015d}"


def _date(value):
    return value.strftime("%d%m%y")


def _record(*parts):
    line = "".join(parts)
    if len(line) != RECORD_LENGTH:
        raise ValueError(f"A CODA record has {RECORD_LENGTH} characters, not {len(line)}: {line!r}")
    return line


def _account(iban, currency):
    """Return the account structure code and the 37 characters holding the
    account and its currency."""
    iban = "".join(iban.split()).upper()
    if iban.startswith("BE") and len(iban) == 16:
        return "2", iban + " " * 18 + currency
    return "3", iban.ljust(34) + currency


def write_coda(
    company_iban,
    transactions,
    holder_name="",
    bic="",
    old_balance=0.0,
    sequence=1,
    currency="EUR",
    creation_date=None,
):
    """Return the bytes of a CODA file with one statement of the account
    ``company_iban`` holding ``transactions`` (an iterable of
    :class:`CodaTransaction` or of ``(amount, reference, name, iban, date)``
    tuples), starting at ``old_balance``. ``sequence`` is the statement's
    number (1-999) on its paper and in the file."""
    transactions = [CodaTransaction(*transaction) for transaction in transactions]
    if not transactions:
        raise ValueError("A CODA statement needs at least one transaction.")
    if not 0 < sequence < 1000:
        raise ValueError("A CODA statement number is between 1 and 999.")
    if any(round(transaction.amount, 2) <= 0 for transaction in transactions):
        raise ValueError("Only incoming transfers (positive amounts) are written.")
    dates = [transaction.date for transaction in transactions]
    first_date, last_date = min(dates), max(dates)
    creation_date = creation_date or last_date
    seq = f"{sequence:03d}"
    structure, account = _account(company_iban, currency)
    new_balance = round(old_balance + sum(transaction.amount for transaction in transactions), 2)
    records = [
        _record(
            "0",
            "0000",
            _date(creation_date),
            "000",
            "05",
            " ",
            " " * 7,
            _field("", 10),
            _field(holder_name, 26),
            _field(bic, 11),
            "0" * 11,
            " ",
            "00000",
            " " * 16,
            " " * 16,
            " " * 7,
            "2",
        ),
        _record(
            "1",
            structure,
            seq,
            account,
            "1" if old_balance < 0 else "0",
            _amount(old_balance),
            _date(first_date - datetime.timedelta(days=1)),
            _field(holder_name, 26),
            _field("", 35),
            seq,
        ),
    ]
    for index, transaction in enumerate(transactions, start=1):
        number = f"{index:04d}"
        if is_valid_ogm(transaction.reference):
            communication = "1" + "101" + normalize_reference(transaction.reference) + " " * 38
        else:
            communication = "0" + _field(transaction.reference, 53)
        records += [
            _record(
                "21",
                number,
                "0000",
                _field(f"PR{sequence:03d}{index:05d}", 21),
                "0",
                _amount(transaction.amount),
                _date(transaction.date),
                "00150000",
                communication,
                _date(transaction.date),
                seq,
                "0",
                "1",
                " ",
                "0",
            ),
            _record(
                "23",
                number,
                "0000",
                _field("".join((transaction.iban or "").split()).upper(), 34),
                currency,
                _field(transaction.name, 35),
                _field("", 43),
                "0",
                " ",
                "0",
            ),
        ]
    credit = sum(round(abs(transaction.amount) * 1000) for transaction in transactions)
    records += [
        _record(
            "8",
            seq,
            account,
            "1" if new_balance < 0 else "0",
            _amount(new_balance),
            _date(last_date),
            " " * 64,
            "0",
        ),
        _record(
            "9",
            " " * 15,
            f"{len(records) - 1:06d}",
            "0" * 15,
            f"{credit:015d}",
            " " * 75,
            "2",
        ),
    ]
    return ("\n".join(records) + "\n").encode("cp1252", errors="replace")
