"""Two real Odoo servers on one database: reminders and payments at once.

Usage (see README.md, ``make reliability``)::

    .venv/bin/python benchmarks/reliability.py --config .build/odoo.conf \
        --database payment_request_reliability --ports 8171,8172,8173,8174

The database must have ``payment_request`` and ``l10n_be`` installed and
nothing else of ours (the Makefile makes a fresh one). The script

1. adds a Belgian company (``benchmarks/fixtures.py``) with 500 due payment
   requests of its 400 customers, and the requests and bank transactions that
   the payment calls use, and a second job of the reminder cron, so that each
   server's cron worker can take one: both run the reminders at once;
2. starts two ``odoo-bin --workers=2 --max-cron-threads=1`` servers on
   loopback (HTTP and gevent ports from ``--ports``) and waits until they
   answer;
3. wakes both reminder jobs and, while they run, fires the payment calls over
   JSON-RPC at both servers at a bounded rate: *Betaling* registrations
   (``payment.request.register``) and bank links (``payment.request.link``),
   each target twice, once per server, so that half of the calls are
   duplicates;
4. waits until every due request is reminded, stops both servers (SIGTERM,
   then SIGKILL after a bounded wait), and checks in the database: exactly one
   reminder and one mail per request, one payment or one bank link per
   target, every journal entry balanced, every duplicate refused with a
   business error and no other error returned to a client.

It prints one line of figures and exits 1 when a check fails.
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import odoo
from odoo import SUPERUSER_ID, Command, api, fields

HERE = Path(__file__).resolve().parent
USER_LOGIN = "reliability_billing"
USER_PASSWORD = "reliability_billing"  # a throwaway database on loopback
# The business errors a duplicate gets; anything else returned to a client is
# counted as an error.
REFUSALS = ("odoo.exceptions.UserError", "odoo.exceptions.ValidationError")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--config", required=True, help="Odoo configuration file (addons path)")
    parser.add_argument("--database", required=True, help="throwaway database with payment_request installed")
    parser.add_argument(
        "--ports",
        default="8171,8172,8173,8174",
        help="HTTP and gevent ports of server 1, then of server 2 (default: 8171,8172,8173,8174)",
    )
    parser.add_argument("--requests", type=int, default=500, help="due requests to remind (default: 500)")
    parser.add_argument(
        "--calls", type=int, default=200, help="payment calls, half duplicates (default: 200)"
    )
    parser.add_argument(
        "--rate", type=float, default=20.0, help="payment calls started per second (default: 20)"
    )
    parser.add_argument("--clients", type=int, default=8, help="concurrent JSON-RPC clients (default: 8)")
    parser.add_argument(
        "--timeout", type=int, default=600, help="seconds to wait for the reminders (default: 600)"
    )
    parser.add_argument(
        "--with-pdf",
        action="store_true",
        help="attach the request PDF to each reminder (wkhtmltopdf); by default the reminders go without it",
    )
    return parser.parse_args(argv)


def progress(message):
    print(f"[reliability {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------


def set_up(env, args, base_url):
    """Commit the company, the due requests, the payment targets and the
    second reminder job; return what the rest of the run needs."""
    from odoo.addons.payment_request.compat import GROUPS

    from benchmarks import fixtures

    company = fixtures.ensure_company(env)
    env = env(context=dict(env.context, allowed_company_ids=company.ids, **fixtures.QUIET))
    factory = fixtures.Factory(env, company)
    company.write({"payment_request_auto_reminder": True, "payment_request_auto_link": False})
    env["ir.config_parameter"].set_param("web.base.url", base_url)
    env["ir.config_parameter"].set_param("web.base.url.freeze", "True")
    env["ir.config_parameter"].set_param("report.url", base_url)
    # Queue the mails instead of sending them at once: they stay in the outbox,
    # where the check counts them (there is no mail server on loopback).
    env["ir.config_parameter"].set_param("mail.mail.force.send.limit", "0")
    user = env["res.users"].create(
        {
            "name": "Reliability Billing",
            "login": USER_LOGIN,
            "email": "billing@reliability.example.com",
            "password": USER_PASSWORD,
            "company_id": company.id,
            "company_ids": [Command.set(company.ids)],
            GROUPS: [
                Command.set(
                    [
                        env.ref("base.group_user").id,
                        env.ref("sales_team.group_sale_salesman_all_leads").id,
                        env.ref("account.group_account_user").id,
                    ]
                )
            ],
        }
    )
    if not args.with_pdf:
        for template in env["mail.template"].search([("model", "=", "payment.request")]):
            template.report_template_ids = [Command.clear()]
    # Nothing else runs in the servers' cron workers: no mail queue (the mails
    # stay in the outbox, where they are counted), no other job.
    reminder_cron = env.ref("payment_request.ir_cron_payment_request_reminders")
    far = fields.Datetime.now() + timedelta(days=365)
    env["ir.cron"].search([("id", "!=", reminder_cron.id)]).write({"active": False})
    reminder_cron.write({"active": True, "nextcall": far})
    second_cron = reminder_cron.copy({"name": "Payment requests: reminders (second job)", "nextcall": far})
    second_cron.active = True

    customers = factory.customers
    past = fields.Date.today() - timedelta(days=30)
    future = fields.Date.today() + timedelta(days=30)
    due = env["payment.request"].create(
        [
            {
                "partner_id": customers[index % len(customers)].id,
                "company_id": company.id,
                "amount": 100.0,
                "date_due": past,
                "auto_reminder": True,
            }
            for index in range(args.requests)
        ]
    )
    due.action_mark_sent()
    targets = args.calls // 2
    paid_later = env["payment.request"].create(
        [
            {
                "partner_id": factory.customer(100 + index).id,
                "company_id": company.id,
                "amount": 100.0 + index,
                "date_due": future,
                "auto_reminder": False,
            }
            for index in range(targets)
        ]
    )
    paid_later.action_mark_sent()
    to_register = paid_later[: targets // 2]
    to_link = paid_later[targets // 2 :]
    st_lines = (
        env["account.bank.statement.line"]
        .with_context(payment_request_skip_auto_link=True)
        .create(
            [
                {
                    "journal_id": factory.bank_journal.id,
                    "date": fields.Date.today(),
                    "amount": request.amount,
                    "payment_ref": f"Transfer {index}",
                    "partner_id": request.partner_id.id,
                }
                for index, request in enumerate(to_link)
            ]
        )
    )
    # Odoo numbers the first entry of a journal and period while it is still a
    # draft, so two first payments posted at once both get number 1 and one
    # fails on the unique name; later entries are numbered on posting, with a
    # retry. Start the period as a journal in use does: one payment posted.
    warm_up = env["payment.request"].create(
        {"partner_id": factory.customer(399).id, "company_id": company.id, "amount": 1.0}
    )
    warm_up.action_mark_sent()
    env["payment.request.register"].create(
        {"payment_request_id": warm_up.id, "journal_id": factory.bank_journal.id}
    )._create_payments()
    return {
        "company_id": company.id,
        "user_id": user.id,
        "cron_ids": (reminder_cron | second_cron).ids,
        "due_ids": due.ids,
        "register_ids": to_register.ids,
        "link_pairs": list(zip(to_link.ids, st_lines.ids, strict=True)),
    }


# ----------------------------------------------------------------------
# Servers
# ----------------------------------------------------------------------


def start_server(args, index, http_port, gevent_port, log_dir):
    command = [
        sys.executable,
        str(HERE / "odoo_server.py"),
        "-c",
        args.config,
        "-d",
        args.database,
        f"--db-filter=^{args.database}$",
        "--http-interface=127.0.0.1",
        f"--http-port={http_port}",
        f"--gevent-port={gevent_port}",
        "--workers=2",
        "--max-cron-threads=1",
        "--no-database-list",
        f"--logfile={log_dir / f'reliability-server-{index}.log'}",
        "--log-level=info",
    ]
    # A process group of its own: stopping it stops its workers too.
    return subprocess.Popen(command, start_new_session=True)


def wait_until_up(port, deadline):
    url = f"http://127.0.0.1:{port}/web/webclient/version_info"
    while time.monotonic() < deadline:
        try:
            rpc(url, {})
            return True
        except (OSError, urllib.error.URLError, RpcError):
            time.sleep(1)
    return False


def stop_servers(processes, grace=30):
    """Stop the servers and their workers; SIGKILL whatever is left after
    ``grace`` seconds. Bounded in time."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


# ----------------------------------------------------------------------
# JSON-RPC clients
# ----------------------------------------------------------------------


class RpcError(Exception):
    def __init__(self, error):
        super().__init__(error.get("data", {}).get("name") or error.get("message"))
        self.name = error.get("data", {}).get("name", "")
        self.message = error.get("data", {}).get("message", "")
        self.debug = error.get("data", {}).get("debug", "")


def rpc(url, params, timeout=120):
    payload = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}).encode()
    http_request = urllib.request.Request(url, payload, {"Content-Type": "application/json"})
    with urllib.request.urlopen(http_request, timeout=timeout) as response:
        answer = json.loads(response.read())
    if "error" in answer:
        raise RpcError(answer["error"])
    return answer["result"]


class Client:
    """One server's external API, as the reliability user."""

    def __init__(self, port, database, company_id):
        self.url = f"http://127.0.0.1:{port}/jsonrpc"
        self.database = database
        self.context = {"allowed_company_ids": [company_id], "lang": "en_US"}
        self.uid = rpc(
            self.url,
            {"service": "common", "method": "login", "args": [database, USER_LOGIN, USER_PASSWORD]},
        )

    def call(self, model, method, *args, **kwargs):
        kwargs.setdefault("context", self.context)
        return rpc(
            self.url,
            {
                "service": "object",
                "method": "execute_kw",
                "args": [self.database, self.uid, USER_PASSWORD, model, method, list(args), kwargs],
            },
        )


def register_payment(client, request_id):
    wizard_id = client.call("payment.request.register", "create", {"payment_request_id": request_id})
    client.call("payment.request.register", "action_register_payment", [wizard_id])


def link_transaction(client, request_id, st_line_id):
    wizard_id = client.call(
        "payment.request.link",
        "create",
        {"statement_line_id": st_line_id, "payment_request_ids": [Command.set([request_id])]},
    )
    client.call("payment.request.link", "action_link", [wizard_id])


def fire_payment_calls(clients, data, args):
    """Each target twice, once per server, the two calls started one right
    after the other; ``args.rate`` calls started per second at most, by
    ``args.clients`` threads. Return the outcome of every call."""
    operations = [("register", (request_id,)) for request_id in data["register_ids"]]
    operations += [("link", pair) for pair in data["link_pairs"]]
    random.Random(17).shuffle(operations)
    calls = []
    for number, (kind, target) in enumerate(operations):
        first = number % 2
        calls += [(kind, target, first), (kind, target, 1 - first)]
    outcomes = []
    lock = threading.Lock()

    def run(kind, target, server):
        client = clients[server]
        try:
            if kind == "register":
                register_payment(client, *target)
            else:
                link_transaction(client, *target)
            outcome = ("ok", kind, target, "")
        except RpcError as error:
            outcome = (
                "refused" if error.name in REFUSALS else "error",
                kind,
                target,
                f"{error.name}: {error.message.splitlines()[0] if error.message else ''}",
            )
            if outcome[0] == "error":
                progress(f"error on {kind} {target}: {error.name}: {error.message}\n{error.debug}")
        except Exception as error:  # a connection or HTTP error is an error too
            outcome = ("error", kind, target, repr(error))
            progress(f"error on {kind} {target}: {error!r}")
        with lock:
            outcomes.append(outcome)

    interval = 1.0 / args.rate
    with ThreadPoolExecutor(max_workers=args.clients) as pool:
        start = time.monotonic()
        for number, call in enumerate(calls):
            delay = start + number * interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(run, *call)
    return outcomes


# ----------------------------------------------------------------------
# Checks
# ----------------------------------------------------------------------


def count_reminded(registry, due_ids):
    with registry.cursor() as cr:
        cr.execute(
            "SELECT count(*) FROM payment_request WHERE id IN %s AND reminder_count > 0", [tuple(due_ids)]
        )
        return cr.fetchone()[0]


def check(env, data, outcomes):
    """Return (figures, failures)."""
    failures = []
    due_ids = data["due_ids"]
    comment = env.ref("mail.mt_comment").id
    env.cr.execute(
        """
        SELECT count(*), count(DISTINCT res_id) FROM mail_message
         WHERE model = 'payment.request' AND res_id IN %s AND subtype_id = %s
        """,
        [tuple(due_ids), comment],
    )
    reminders, reminded = env.cr.fetchone()
    env.cr.execute(
        """
        SELECT count(*), count(DISTINCT msg.res_id)
          FROM mail_mail mail
          JOIN mail_message msg ON msg.id = mail.mail_message_id
         WHERE msg.model = 'payment.request' AND msg.res_id IN %s AND msg.subtype_id = %s
        """,
        [tuple(due_ids), comment],
    )
    mails, mailed = env.cr.fetchone()
    env.cr.execute(
        "SELECT reminder_count, count(*) FROM payment_request WHERE id IN %s GROUP BY reminder_count",
        [tuple(due_ids)],
    )
    counts = dict(env.cr.fetchall())
    if not (reminders == reminded == mails == mailed == len(due_ids) and counts == {1: len(due_ids)}):
        failures.append(
            f"reminders: {reminders} messages for {reminded} requests, {mails} mails for {mailed}, "
            f"reminder counts {counts}, expected exactly one each for {len(due_ids)}"
        )
    env.cr.execute(
        """
        SELECT cron_id, sum(done) FROM ir_cron_progress
         WHERE cron_id IN %s GROUP BY cron_id ORDER BY cron_id
        """,
        [tuple(data["cron_ids"])],
    )
    per_job = [int(done or 0) for _cron, done in env.cr.fetchall()]

    requests = env["payment.request"].browse(data["register_ids"])
    for request in requests:
        payments = request.payment_ids.filtered(lambda p: p.state in ("in_process", "paid"))
        if len(payments) != 1 or request.currency_id.compare_amounts(request.amount_paid, request.amount):
            failures.append(f"{request.name}: {len(payments)} payments, {request.amount_paid} received")
    for request_id, st_line_id in data["link_pairs"]:
        request = env["payment.request"].browse(request_id)
        st_line = env["account.bank.statement.line"].browse(st_line_id)
        if len(request.received_line_ids) != 1 or not st_line.is_reconciled or request.state != "paid":
            failures.append(
                f"{request.name}: {len(request.received_line_ids)} bank items, state {request.state}, "
                f"transaction reconciled {st_line.is_reconciled}"
            )
    env.cr.execute(
        """
        SELECT count(*) FROM (
            SELECT move_id FROM account_move_line GROUP BY move_id
            HAVING abs(sum(debit) - sum(credit)) > 0.001 OR abs(sum(balance)) > 0.001
        ) unbalanced
        """
    )
    unbalanced = env.cr.fetchone()[0]
    if unbalanced:
        failures.append(f"{unbalanced} journal entries do not balance")

    by_kind = {}
    for outcome, _kind, target, _name in outcomes:
        by_kind.setdefault(target, []).append(outcome)
    errors = sum(1 for outcome, *_rest in outcomes if outcome == "error")
    refused = sum(1 for outcome, *_rest in outcomes if outcome == "refused")
    oks = sum(1 for outcome, *_rest in outcomes if outcome == "ok")
    wrong = [target for target, results in by_kind.items() if sorted(results) != ["ok", "refused"]]
    if errors:
        failures.append(f"{errors} calls returned an error other than a business refusal")
    if wrong:
        failures.append(f"{len(wrong)} targets did not get exactly one success and one refusal: {wrong[:5]}")
    refusals = {}
    for outcome, kind, _target, name in outcomes:
        if outcome == "refused":
            # The reason without the record's name, e.g. "... PR/2026/00012 is Paid: ...".
            reason = " ".join(word for word in name.split() if not any(c.isdigit() for c in word))
            refusals[(kind, reason)] = refusals.get((kind, reason), 0) + 1
    for (kind, reason), count in sorted(refusals.items()):
        progress(f"refused {count} {kind} calls: {reason}")
    figures = {
        "requests": len(due_ids),
        "reminders": reminders,
        "mails": mails,
        "per_job": per_job,
        "calls": len(outcomes),
        "ok": oks,
        "duplicates_refused": refused,
        "errors": errors,
        "unbalanced_entries": unbalanced,
    }
    return figures, failures


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    ports = [int(port) for port in args.ports.split(",")]
    if len(ports) != 4:
        raise SystemExit("--ports takes four ports: HTTP and gevent of server 1, then of server 2")
    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn"], setup_logging=True
    )
    sys.path.insert(0, str(HERE.parent))
    registry = odoo.modules.registry.Registry(args.database)
    log_dir = Path(args.config).resolve().parent

    progress(f"setting up {args.requests} due requests and {args.calls // 2} payment targets")
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        data = set_up(env, args, f"http://127.0.0.1:{ports[0]}")
        cr.commit()

    started = time.monotonic()
    processes = []
    outcomes = []
    try:
        for index, (http_port, gevent_port) in enumerate(((ports[0], ports[1]), (ports[2], ports[3])), 1):
            processes.append(start_server(args, index, http_port, gevent_port, log_dir))
        deadline = time.monotonic() + 120
        for port in (ports[0], ports[2]):
            if not wait_until_up(port, deadline):
                raise SystemExit(f"the server on port {port} did not answer within 120 seconds")
        progress("both servers answer; waking both reminder jobs")
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            crons = env["ir.cron"].browse(data["cron_ids"])
            crons.write({"nextcall": fields.Datetime.now()})
            for cron in crons:
                cron._trigger()
            cr.commit()
        clients = [Client(port, args.database, data["company_id"]) for port in (ports[0], ports[2])]
        progress(f"firing {args.calls} payment calls at {args.rate:g}/s while the reminders run")
        outcomes = fire_payment_calls(clients, data, args)
        deadline = time.monotonic() + args.timeout
        while (
            count_reminded(registry, data["due_ids"]) < len(data["due_ids"]) and time.monotonic() < deadline
        ):
            time.sleep(2)
        # Let a late duplicate show itself, if any.
        time.sleep(5)
    finally:
        progress("stopping both servers")
        stop_servers(processes)
    elapsed = time.monotonic() - started

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"allowed_company_ids": [data["company_id"]]})
        figures, failures = check(env, data, outcomes)
    jobs = " + ".join(str(done) for done in figures["per_job"])
    print(
        f"reliability: 2 servers x 2 workers, {figures['requests']} due requests, "
        f"{figures['reminders']} reminders and {figures['mails']} mails (by job: {jobs}), "
        f"{figures['calls']} payment calls: {figures['ok']} paid or linked, "
        f"{figures['duplicates_refused']} duplicates refused, {figures['errors']} errors, "
        f"{figures['unbalanced_entries']} unbalanced entries, {elapsed:.0f} s"
    )
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
