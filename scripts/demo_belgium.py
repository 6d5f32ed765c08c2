# ruff: noqa: F821 (`env` comes from `odoo-bin shell`)
"""Give the demo database a Belgian company, run by `make run` through
`odoo-bin shell` after the install:

- *Schrijnwerkerij Vermeulen BV* in Gent, in EUR, with the Belgian chart
  (l10n_be), a VAT number, an IBAN on its bank journal and automatic
  reminders switched on; it is the administrator's default company;
- customers who speak Dutch, French and English, with email addresses;
- quotations and orders, and payment requests in every state, whose PDFs
  carry a working EPC QR code;
- the bank's statement in which the customers of the open requests pay
  them, attached to the bank journal, to import: a CAMT.053 file on both
  series, and a CODA file where OCA's CODA importer is installed (18.0);
- Odoo's *Demo* payment provider enabled (test mode) for the company on its
  bank journal, so that a request can be paid on the portal end to end.

Running it again changes nothing.
"""

import os
from datetime import timedelta

from odoo import Command, fields

COMPANY_XMLID = "payment_request_demo_be.company"
# The modules whose Dutch names the demo company's records take when made:
# the chart, its journals, their payment methods, the payment provider.
DUTCH_MODULES = ("base", "account", "l10n_be", "payment", "payment_demo", "sale", "payment_request")


def xmlid(record, name):
    env["ir.model.data"]._update_xmlids(
        [{"xml_id": f"payment_request_demo_be.{name}", "record": record, "noupdate": True}]
    )


def lang(code):
    env["res.lang"]._activate_lang(code)
    return code


def make_logo():
    """Return a small PNG logo of the demo company (base64): its initials on
    an oak-brown block and its name, drawn with Pillow (an Odoo dependency)
    in Lato (Odoo's web client's font)."""
    import base64
    import io

    from PIL import Image, ImageDraw, ImageFont

    from odoo.tools.misc import file_open

    image = Image.new("RGB", (480, 120), "white")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((4, 4, 116, 116), radius=18, fill=(122, 78, 40))
    try:  # Odoo's web client ships Lato
        with file_open("web/static/fonts/lato/Lato-Bol-webfont.ttf", "rb") as font:
            data = font.read()
        big = ImageFont.truetype(io.BytesIO(data), 56)
        small = ImageFont.truetype(io.BytesIO(data), 30)
    except (OSError, FileNotFoundError):
        big = small = ImageFont.load_default()
    draw.text((60, 60), "SV", font=big, fill="white", anchor="mm")
    draw.text((136, 30), "Schrijnwerkerij", font=small, fill=(60, 40, 20))
    draw.text((136, 70), "Vermeulen", font=small, fill=(122, 78, 40))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue())


def make_company():
    vals = {}
    if "iap_enrich_auto_done" in env["res.company"]._fields:
        # partner_autocomplete would look the new company up on Odoo's IAP
        # servers: the demo stays on this machine.
        vals["iap_enrich_auto_done"] = True
    # install_mode: a new Belgian company makes Odoo 19.0 install the
    # country's other modules (Peppol, which needs the phonenumbers library
    # the harness does not install); the demo loads the chart it needs below.
    company = (
        env["res.company"]
        .with_context(install_mode=True)
        .create(
            {
                **vals,
                "name": "Schrijnwerkerij Vermeulen BV",
                "street": "Kortrijksesteenweg 112",
                "zip": "9000",
                "city": "Gent",
                "country_id": env.ref("base.be").id,
                "currency_id": env.ref("base.EUR").id,
                "vat": "BE0477472701",
                "email": "info@vermeulen-schrijnwerk.example",
                "phone": "+32 9 123 45 67",
                "website": "https://vermeulen-schrijnwerk.example",
                "payment_request_auto_reminder": True,
                "logo": make_logo(),
            }
        )
    )
    xmlid(company, "company")
    env["account.chart.template"].try_loading("be_comp", company=company, install_demo=False)
    # The chart is loaded in English whatever the language (account forces
    # en_US), and a journal's payment method copies its method's name when
    # made: "Manual Payment". Give them their Dutch names.
    method_lines = env["account.payment.method.line"].search([("journal_id.company_id", "=", company.id)])
    for method_line in method_lines:
        method_line.name = method_line.payment_method_id.with_context(lang="nl_BE").name
    bank = env["res.partner.bank"].create(
        {
            "acc_number": "BE68 5390 0754 7034",
            "partner_id": company.partner_id.id,
            "bank_id": env["res.bank"].create({"name": "Belfius Bank", "bic": "GKCCBEBB"}).id,
            "allow_out_payment": True,
        }
    )
    journal = env["account.journal"].search(
        [*env["account.journal"]._check_company_domain(company), ("type", "=", "bank")], limit=1
    )
    journal.bank_account_id = bank
    admin = env.ref("base.user_admin")
    admin.write({"company_ids": [Command.link(company.id)], "company_id": company.id, "lang": lang("nl_BE")})
    return company


def make_customers(company):
    vals = [
        ("bakkerij", "Bakkerij De Gouden Korst BV", "BE0403019261", "nl_BE", "Gent", "Veldstraat 10"),
        ("atelier", "Atelier Lumière SRL", "BE0404616494", "fr_BE", "Namur", "Rue de Fer 4"),
        ("jansens", "An Janssens", False, "nl_BE", "Brugge", "Steenstraat 7"),
        ("dubois", "Marc Dubois", False, "fr_BE", "Liège", "Place du Marché 2"),
        ("smith", "Ellen Smith", False, "en_US", "Antwerpen", "Meir 50"),
    ]
    customers = {}
    for key, name, vat, code, city, street in vals:
        partner = env["res.partner"].create(
            {
                "name": name,
                "is_company": bool(vat),
                "vat": vat,
                "lang": lang(code),
                "email": f"{key}@customer.example",
                "street": street,
                "city": city,
                "country_id": env.ref("base.be").id,
                "company_id": False,
            }
        )
        xmlid(partner, f"partner_{key}")
        customers[key] = partner
    return customers


def make_products(company):
    tax = env["account.tax"].search(
        [
            *env["account.tax"]._check_company_domain(company),
            ("type_tax_use", "=", "sale"),
            ("amount", "=", 21),
        ],
        limit=1,
    )
    products = {}
    for key, name, price, policy, kind in (
        ("kitchen", "Maatwerk keuken in eik", 12400.0, "delivery", "consu"),
        ("table", "Eiken tafel 220 x 100", 2350.0, "delivery", "consu"),
        ("placement", "Plaatsing (per uur)", 65.0, "order", "service"),
    ):
        product = env["product.product"].create(
            {
                "name": name,
                "type": kind,
                "list_price": price,
                "invoice_policy": policy,
                "taxes_id": [Command.set(tax.ids)],
                "company_id": company.id,
            }
        )
        xmlid(product, f"product_{key}")
        products[key] = product
    return products


def make_order(company, customer, lines, confirm=True, days_ago=0):
    order = env["sale.order"].create(
        {
            "company_id": company.id,
            "partner_id": customer.id,
            "user_id": env.ref("base.user_admin").id,
            "date_order": fields.Datetime.now() - timedelta(days=days_ago),
            "order_line": [
                Command.create({"product_id": product.id, "product_uom_qty": qty}) for product, qty in lines
            ],
        }
    )
    if confirm:
        order.action_confirm()
    return order


def make_request(order, days_ago=0, **vals):
    today = fields.Date.context_today(order)
    request = env["payment.request"].create(
        {
            "sale_order_id": order.id,
            "date": today - timedelta(days=days_ago),
            "date_due": today - timedelta(days=days_ago) + timedelta(days=14),
            **vals,
        }
    )
    return request


def register(request, amount, memo):
    wizard = (
        env["payment.request.register"]
        .with_context(default_payment_request_id=request.id)
        .create({"amount": amount, "note": memo})
    )
    wizard.action_register_payment()


def enable_payment_demo(company):
    """Odoo's Demo payment provider, in test mode for the company, on its bank
    journal: the request's portal page then offers it."""
    if not env["ir.module.module"].search([("name", "=", "payment_demo"), ("state", "=", "installed")]):
        print("payment_demo is not installed: no online payment in the demo.")
        return
    provider = env["payment.provider"].search(
        [("code", "=", "demo"), ("company_id", "=", company.id)], limit=1
    )
    if not provider:
        provider = env.ref("payment.payment_provider_demo").copy({"company_id": company.id})
    journal = env["account.journal"].search(
        [*env["account.journal"]._check_company_domain(company), ("type", "=", "bank")], limit=1
    )
    provider.write({"state": "test", "is_published": True, "journal_id": journal.id})


def customer_iban(index):
    """A valid Belgian IBAN for the demo's customers' transfers.

    The check digits by ISO 13616 (mod 97 of the BBAN followed by "BE00",
    letters as numbers: B=11, E=14); not with stdnum.iban, whose number
    database Odoo 19.0's import hook for stdnum makes unreadable on Python
    3.11 ("Can't open orphan path")."""
    bban = f"0631234567{index:02d}"
    check = 98 - int(f"{bban}111400") % 97
    return f"BE{check:02d}{bban}"


def import_bank_files():
    """Return odoo.addons.payment_request.tests.bank_files, the writers of
    the bank files (test code, not shipped behaviour), loaded alone: the
    tests package's __init__ imports Odoo's test framework, which logs an
    ERROR when imported outside a test run."""
    import importlib.util

    from odoo.modules.module import get_module_path

    name = "odoo.addons.payment_request.tests.bank_files"
    path = os.path.join(get_module_path("payment_request"), "tests", "bank_files.py")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_demo_bank_files(company):
    """Write the bank's statement of the day: the transfers of the payments
    registered by hand, and the customers of the open requests paying what
    they owe, with the structured communication. The file is a CODA file
    where OCA's CODA importer is installed (18.0), and a CAMT.053 file always
    (OCA publishes no 19.0 CODA importer). They are attached to the bank
    journal (and written to .build/ when run by make run), for the newcomer
    to import (Facturatie > Boekhouding > Bankafschrift importeren)."""
    bank_files = import_bank_files()
    write_camt053, write_coda = bank_files.write_camt053, bank_files.write_coda

    journal = env["account.journal"].search(
        [*env["account.journal"]._check_company_domain(company), ("type", "=", "bank")], limit=1
    )
    requests = env["payment.request"].search(
        [("company_id", "=", company.id), ("state", "in", ("sent", "partial", "paid", "done"))], order="id"
    )
    today = fields.Date.context_today(requests)
    transactions = []
    for i, request in enumerate(requests, start=1):
        payer = (request.partner_id.name, customer_iban(i), today)
        # The transfers behind the payments registered with Betaling, which
        # wait for their bank line, then what the customer still owes.
        for payment in request.payment_ids.filtered(lambda p: p.state == "in_process" and not p.is_matched):
            transactions.append((payment.amount, request.payment_reference, *payer))
        if request.state in ("sent", "partial"):
            transactions.append((request.amount_residual, request.payment_reference, *payer))
    bank_account = journal.bank_account_id
    args = (bank_account.acc_number, transactions)
    kwargs = {"holder_name": company.name, "bic": bank_account.bank_bic or ""}
    files = [("payment_request_demo.camt053.xml", write_camt053(*args, **kwargs))]
    coda_importer = env["ir.module.module"].search_count(
        [("name", "=", "account_statement_import_coda"), ("state", "=", "installed")]
    )
    if coda_importer:
        files.insert(0, ("payment_request_demo.cod", write_coda(*args, **kwargs)))
        body = (
            "Bankafschrift van de demo, als CODA- en als CAMT.053-bestand (dezelfde verrichtingen): "
            "importeer er één (Facturatie > Boekhouding > Bankafschrift importeren) en de "
            "openstaande betaalverzoeken worden betaald."
        )
    else:
        # OCA publishes no CODA importer for Odoo 19.0.
        body = (
            "Bankafschrift van de demo als CAMT.053-bestand: importeer het (Facturatie > "
            "Boekhouding > Bankafschrift importeren) en de openstaande betaalverzoeken worden "
            "betaald. OCA heeft geen CODA-importeur voor Odoo 19.0: daarom geen CODA-bestand."
        )
    journal.message_post(body=body, attachments=files)
    # make run sets DEMO_OUTPUT_DIR to its build folder (.build/<series>).
    output_dir = os.environ.get("DEMO_OUTPUT_DIR", ".build")
    if os.path.isdir(output_dir):
        for name, content in files:
            with open(os.path.join(output_dir, name), "wb") as handle:
                handle.write(content)
    return files


def main():
    global env
    existing = env.ref(COMPANY_XMLID, raise_if_not_found=False)
    if existing:
        enable_payment_demo(existing)
        env.cr.commit()
        print("The Belgian demo company exists already.")
        return
    # In Dutch, the company's language: the chart of accounts, its journals
    # and their payment methods (whose names are copied when the chart makes
    # them) read as a Dutch user expects ("Handmatige betaling", not "Manual
    # Payment"). make run installs nl_BE first (--load-language).
    env = env(context=dict(env.context, lang=lang("nl_BE")))
    installed = env["ir.module.module"].search([("state", "=", "installed")]).mapped("name")
    # A database made without --load-language lacks the Dutch terms of these.
    env["ir.module.module"]._load_module_terms(
        [name for name in DUTCH_MODULES if name in installed], ["nl_BE"], overwrite=False
    )
    company = make_company()
    # The rest is made in the Belgian company, as its users would.
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    company = company.with_env(env)
    customers = make_customers(company)
    products = make_products(company)
    p = products

    # A quotation, and a request on it still in draft: 30 %.
    quotation = make_order(
        company, customers["bakkerij"], [(p["kitchen"], 1), (p["placement"], 16)], confirm=False
    )
    make_request(quotation, amount_type="percentage", percentage=30)
    # Sent, waiting for the money.
    order = make_order(company, customers["atelier"], [(p["table"], 2)])
    make_request(order, amount=1500.0).action_mark_sent()
    # Sent and overdue: the reminders cron will write to the customer.
    order = make_order(company, customers["jansens"], [(p["table"], 1)], days_ago=30)
    make_request(order, days_ago=30, amount=1000.0).action_mark_sent()
    # Partially paid.
    order = make_order(company, customers["dubois"], [(p["kitchen"], 1)])
    request = make_request(order, amount=5000.0)
    request.action_mark_sent()
    register(request, 2000.0, "Eerste deel")
    # Paid, waiting for the invoice.
    order = make_order(company, customers["smith"], [(p["table"], 1), (p["placement"], 4)])
    request = make_request(order, amount_type="remaining")
    request.action_mark_sent()
    register(request, request.amount, "Volledig betaald")
    # Done: paid, then invoiced as a down payment; the payment settles it.
    order = make_order(company, customers["bakkerij"], [(p["table"], 3)], days_ago=10)
    request = make_request(order, days_ago=10, amount=2000.0)
    request.action_mark_sent()
    register(request, 2000.0, "Voorschot")
    wizard = (
        env["payment.request.invoice"]
        .with_context(default_payment_request_ids=request.ids)
        .create({"invoice_mode": "down_payment", "post_invoice": True})
    )
    wizard.action_create_invoices()
    # A payment plan (betalingsschema): 30 % now, the balance after 30 days;
    # applied on the quotation, whose deposit goes out at once, then confirmed.
    quotation = make_order(company, customers["dubois"], [(p["kitchen"], 1)], confirm=False)
    quotation.payment_request_plan_id = env.ref("payment_request.payment_request_plan_demo_deposit_balance")
    quotation.action_apply_payment_request_plan()
    quotation.action_confirm()
    # Cancelled.
    order = make_order(company, customers["atelier"], [(p["placement"], 10)])
    make_request(order, amount=300.0).action_cancel()
    enable_payment_demo(company)
    write_demo_bank_files(company)
    env.cr.commit()
    print(f"Belgian demo company {company.name} created (id {company.id}).")


main()
