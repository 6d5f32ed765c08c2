"""Write the bank statement files a Belgian bank sends: CODA and CAMT.053.

Test and demo code, not shipped behaviour: the tests and the demo
(``scripts/demo_belgium.py``) use these plain functions (no ORM) to make a
statement file of incoming transfers that OCA's importers read:

- :func:`write_coda` writes a Febelfin CODA 2.x file, which OCA's CODA
  importer (pycoda, 18.0 only: OCA publishes no 19.0 CODA importer) reads: a
  structured communication goes in the movement record's structured field
  (type 101), any other reference in its free communication;
- :func:`write_camt053` writes an ISO 20022 CAMT.053 file, which OCA's
  ``account_statement_import_camt`` reads on both series: a structured
  communication goes in ``RmtInf/Strd/CdtrRefInf/Ref`` as Belgian banks
  write it (bare digits, issuer BBA), any other text in ``RmtInf/Ustrd``.
"""

import datetime
from collections import namedtuple
from xml.sax.saxutils import escape

from ..tools.structured_reference import is_valid_ogm, normalize_reference

RECORD_LENGTH = 128

BankTransaction = namedtuple("BankTransaction", "amount reference name iban date")
BankTransaction.__doc__ = """An incoming transfer: ``amount`` (positive, 2 decimals),
``reference`` (an OGM in any usual form, or free text such as an RF
reference), the counterparty's ``name`` and ``iban``, and its ``date``."""
#: The name the CODA tests know it by.
CodaTransaction = BankTransaction


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
    transactions = [BankTransaction(*transaction) for transaction in transactions]
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


CAMT053_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


def _camt_amount(value, currency):
    return f'<Amt Ccy="{escape(currency)}">{abs(value):.2f}</Amt>'


def _camt_balance(code, value, currency, day):
    return (
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>{_camt_amount(value, currency)}"
        f"<CdtDbtInd>{'DBIT' if value < 0 else 'CRDT'}</CdtDbtInd>"
        f"<Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>"
    )


def _camt_remittance(reference, name):
    """Return the remittance of a transfer: a structured communication as
    Belgian banks write it, with the bank's description of the transfer
    beside it (which OCA's importer makes the label), or the free text."""
    if is_valid_ogm(reference):
        # Without a description the importer labels the line "/", which OCA's
        # 19.0 auto-reconciliation matches against any entry name holding a
        # slash.
        description = " ".join(f"SEPA credit transfer from {name or ''}".split())
        return (
            "<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>BBA</Issr></Tp>"
            f"<Ref>{normalize_reference(reference)}</Ref></CdtrRefInf></Strd></RmtInf>"
            f"<AddtlTxInf>{escape(description)}</AddtlTxInf>"
        )
    return f"<RmtInf><Ustrd>{escape(' '.join(str(reference or '').split())[:140])}</Ustrd></RmtInf>"


def write_camt053(
    company_iban,
    transactions,
    holder_name="",
    bic="",
    old_balance=0.0,
    sequence=1,
    currency="EUR",
    creation_date=None,
):
    """Return the bytes of a CAMT.053 file with one statement of the account
    ``company_iban`` holding ``transactions`` (an iterable of
    :class:`BankTransaction` or of ``(amount, reference, name, iban, date)``
    tuples), starting at ``old_balance``. ``sequence`` is the statement's
    electronic sequence number."""
    transactions = [BankTransaction(*transaction) for transaction in transactions]
    if not transactions:
        raise ValueError("A CAMT.053 statement needs at least one transaction.")
    if any(round(transaction.amount, 2) <= 0 for transaction in transactions):
        raise ValueError("Only incoming transfers (positive amounts) are written.")
    dates = [transaction.date for transaction in transactions]
    first_date, last_date = min(dates), max(dates)
    creation_date = creation_date or last_date
    iban = "".join(company_iban.split()).upper()
    new_balance = round(old_balance + sum(transaction.amount for transaction in transactions), 2)
    statement_id = f"{iban}-{last_date:%Y%m%d}-{sequence:03d}"
    entries = []
    for index, transaction in enumerate(transactions, start=1):
        reference = f"PR{sequence:03d}{index:05d}"
        entries.append(
            f"<Ntry><NtryRef>{reference}</NtryRef>{_camt_amount(transaction.amount, currency)}"
            "<CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>"
            f"<BookgDt><Dt>{transaction.date.isoformat()}</Dt></BookgDt>"
            f"<ValDt><Dt>{transaction.date.isoformat()}</Dt></ValDt>"
            f"<AcctSvcrRef>{reference}</AcctSvcrRef>"
            "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>"
            "<NtryDtls><TxDtls>"
            f"<Refs><AcctSvcrRef>{reference}</AcctSvcrRef><EndToEndId>NOTPROVIDED</EndToEndId></Refs>"
            f"<AmtDtls><TxAmt>{_camt_amount(transaction.amount, currency)}</TxAmt></AmtDtls>"
            f"<RltdPties><Dbtr><Nm>{escape(transaction.name or '')}</Nm></Dbtr>"
            f"<DbtrAcct><Id><IBAN>{escape(''.join((transaction.iban or '').split()).upper())}</IBAN></Id>"
            "</DbtrAcct></RltdPties>"
            f"{_camt_remittance(transaction.reference, transaction.name)}"
            "</TxDtls></NtryDtls></Ntry>"
        )
    servicer = f"<Svcr><FinInstnId><BIC>{escape(bic)}</BIC></FinInstnId></Svcr>" if bic else ""
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Document xmlns="{CAMT053_NAMESPACE}"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>{statement_id}</MsgId>"
        f"<CreDtTm>{creation_date.isoformat()}T00:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{statement_id}</Id><ElctrncSeqNb>{sequence}</ElctrncSeqNb>"
        f"<CreDtTm>{creation_date.isoformat()}T00:00:00</CreDtTm>"
        f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>{escape(currency)}</Ccy>"
        f"<Ownr><Nm>{escape(holder_name)}</Nm></Ownr>{servicer}</Acct>"
        f"{_camt_balance('OPBD', old_balance, currency, first_date - datetime.timedelta(days=1))}"
        f"{_camt_balance('CLBD', new_balance, currency, last_date)}"
        f"{''.join(entries)}"
        "</Stmt></BkToCstmrStmt></Document>\n"
    )
    return document.encode("utf-8")
