"""Two real Odoo servers on one database, and faults: what survives them.

Usage (see README.md, ``make reliability``)::

    .venv/18.0/bin/python benchmarks/reliability.py --config .build/18.0/odoo.conf \\
        --database payment_request_reliability_18 --ports 8171,8172,8173,8174 \\
        --pg-dir .build/18.0/pg

The run owns everything it breaks (``reliability_infra.py``): a PostgreSQL
cluster in ``--pg-dir`` (``initdb`` on first use, its own port and socket), and
an SMTP server on loopback that Odoo uses as its outgoing mail server. It

1. makes a fresh database on its PostgreSQL with ``payment_request``,
   ``l10n_be`` and ``payment_demo`` (from a template of the last install when
   nothing it depends on changed), and adds a Belgian company
   (``benchmarks/fixtures.py``) with the due requests of each phase (one
   customer each), the payment targets, a second job of the reminder cron
   (each server's cron worker can take one) and Odoo's demo payment provider;
2. starts two ``odoo-bin --workers=2 --max-cron-threads=1`` servers;
3. runs the phases, each printing its own line and checked on its own, in the
   database and at the SMTP server:

   - ``baseline``: both reminder jobs run while payment calls (a *Betaling*
     registration or a bank link per target, each sent twice, once per
     server) arrive; no fault;
   - ``kill -9``: the same, and server 2 (its master, HTTP and cron workers)
     is killed with SIGKILL mid-batch; the harness starts it again;
   - ``PostgreSQL restart``: the same, and PostgreSQL is stopped as a crash
     would (``pg_ctl -m immediate``) and started again;
   - ``SMTP refused``: the reminders are queued while the mail server does
     not listen, then answers 421, then is back;
   - ``malformed calls``: 200 calls with wrong types, unknown ids, negative,
     NaN, huge or foreign-currency amounts, missing or foreign tokens,
     cancelled and draft requests: each must be refused with a business error
     and nothing may change;
   - ``link holders``: 50 concurrent portal payments (5 per request, through
     both servers) on 10 requests with Odoo's demo provider, once with the
     customer's saved card and once with a card typed in: the money accepted
     for a request may not exceed what it asks, and all of it is booked.

   A client whose call fails for anything but a business refusal (connection
   cut, database gone) is told so, counts an error, and tries again on the
   other server, as a client behind a load balancer does. After a fault, the
   scheduler's next run is started at once (``ir.cron._trigger``) rather than
   after its one-minute poll.

   What must hold after each phase: every due request reminded exactly once,
   with exactly one mail delivered to its customer by the SMTP server; one
   payment or one bank link per target, never two; every journal entry
   balanced; no draft payment, no request or job row left locked; every call
   answered (a success, or a business refusal) in the end.
4. prints one table (one row per phase) and exits 1 when a check fails.
"""

import argparse
import json
import os
import random
import shutil
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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, Command, api, fields  # noqa: E402

from benchmarks.reliability_infra import PgInstance, SmtpSink  # noqa: E402

USER_LOGIN = "reliability_billing"
USER_PASSWORD = "reliability_billing"  # a throwaway database on loopback
# The business errors a refused call gets; anything else returned to a client
# is counted as an error (and the client tries again).
REFUSALS = ("odoo.exceptions.UserError", "odoo.exceptions.ValidationError")
# What a malformed call may be refused with: any business exception of Odoo.
BUSINESS_ERRORS = (
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.MissingError",
    "odoo.exceptions.AccessDenied",
    # The framework's refusals of a malformed request: no such route (an id
    # that is not a number), an argument the route does not take (19.0).
    "werkzeug.exceptions.NotFound",
    "werkzeug.exceptions.BadRequest",
)
MODULES = "payment_request,l10n_be,payment_demo"
MAX_ATTEMPTS = 30
HOLDER_AMOUNT = 100.0
# The due requests have customers 0 to 319, one each. The requests the payment
# calls pay, and the other fixtures, have customers from 320 on: a bank line not
# linked yet holds the reminders of its customer's due requests (issue 25), so
# the two never share a customer.
FIRST_OTHER_CUSTOMER = 320


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--config", required=True, help="Odoo configuration file (addons path)")
    parser.add_argument("--database", required=True, help="the run's database (dropped and made again)")
    parser.add_argument(
        "--ports",
        default="8171,8172,8173,8174",
        help="HTTP and gevent ports of server 1, then of server 2 (default: 8171,8172,8173,8174)",
    )
    parser.add_argument("--pg-dir", required=True, help="directory of the run's own PostgreSQL cluster")
    parser.add_argument("--pg-port", type=int, help="its port (default: the last of --ports + 1)")
    parser.add_argument(
        "--smtp-port", type=int, help="the SMTP server's port (default: the last of --ports + 2)"
    )
    parser.add_argument(
        "--requests",
        default="60,120,80,60",
        help="due requests of the baseline, kill -9, PostgreSQL and SMTP phases (default: 60,120,80,60)",
    )
    parser.add_argument(
        "--calls", type=int, default=60, help="payment calls of each of the first three phases (default: 60)"
    )
    parser.add_argument(
        "--rate", type=float, default=5.0, help="payment calls started per second (default: 5)"
    )
    parser.add_argument(
        "--attempts",
        type=int,
        default=MAX_ATTEMPTS,
        help=f"times a client sends a call that got an error (default: {MAX_ATTEMPTS}; 1: never again)",
    )
    parser.add_argument("--clients", type=int, default=8, help="concurrent JSON-RPC clients (default: 8)")
    parser.add_argument("--batch", type=int, default=20, help="requests per reminder batch (default: 20)")
    parser.add_argument("--malformed", type=int, default=200, help="malformed calls (default: 200)")
    parser.add_argument("--holders", type=int, default=50, help="concurrent portal payments (default: 50)")
    parser.add_argument("--holder-requests", type=int, default=10, help="requests they pay (default: 10)")
    parser.add_argument(
        "--timeout", type=int, default=180, help="seconds each phase may wait for its work (default: 180)"
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="install the modules even when a template of the same install is kept",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="copy the kept template even if the addon changed (a Python-only change, while developing)",
    )
    parser.add_argument("--results", help="write the figures of every phase to this JSON file")
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

REMINDER_PHASES = ("baseline", "kill", "pg_restart", "smtp")
CALL_PHASES = ("baseline", "kill", "pg_restart")


def set_up(env, args, base_url, smtp_port):
    """Commit the company, the requests of every phase and the jobs; return
    what the rest of the run needs."""
    from odoo.addons.payment_request.compat import GROUPS

    from benchmarks import fixtures

    company = fixtures.ensure_company(env)
    env = env(context=dict(env.context, allowed_company_ids=company.ids, **fixtures.QUIET))
    factory = fixtures.Factory(env, company)
    company.write({"payment_request_auto_reminder": True, "payment_request_auto_link": False})
    icp = env["ir.config_parameter"]
    icp.set_param("web.base.url", base_url)
    icp.set_param("web.base.url.freeze", "True")
    icp.set_param("report.url", base_url)
    # Mails are queued, never sent inside the business transaction: the mail
    # queue job sends them (what Odoo does past its send limit).
    icp.set_param("mail.mail.force.send.limit", "0")
    icp.set_param("mail.catchall.domain", "reliability.example.com")
    icp.set_param("mail.default.from", "notifications")
    env["ir.mail_server"].search([]).write({"active": False})
    env["ir.mail_server"].create(
        {
            "name": "Reliability SMTP (loopback)",
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_port,
            "smtp_encryption": "none",
            "sequence": 1,
        }
    )
    user = env["res.users"].create(
        {
            "name": "Reliability Billing",
            "login": USER_LOGIN,
            "email": "billing@reliability.example.com",
            "password": USER_PASSWORD,
            "company_id": company.id,
            "company_ids": [Command.set(company.ids)],
            "notification_type": "inbox",
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

    # The jobs of the run; nothing else runs in the servers' cron workers. The
    # run wakes them (nextcall far away, then _trigger) when their work is due.
    reminder_cron = env.ref("payment_request.ir_cron_payment_request_reminders")
    mail_cron = env.ref("mail.ir_cron_mail_scheduler_action")
    retry_cron = env.ref("payment_request.ir_cron_payment_request_mail_retry")
    tx_cron = env.ref("payment.cron_post_process_payment_tx")
    far = fields.Datetime.now() + timedelta(days=365)
    kept = reminder_cron | mail_cron | retry_cron | tx_cron
    env["ir.cron"].with_context(active_test=False).search([("id", "not in", kept.ids)]).write(
        {"active": False}
    )
    kept.write({"active": True, "nextcall": far})
    second_cron = reminder_cron.copy({"name": "Payment requests: reminders (second job)", "nextcall": far})
    second_cron.active = True
    # Batches of 20 (200 by default): each job commits often, a kill finds a batch in flight.
    (reminder_cron | second_cron).code = f"model._cron_send_reminders(batch_size={args.batch})"

    sizes = [int(size) for size in args.requests.split(",")]
    if len(sizes) != len(REMINDER_PHASES):
        raise SystemExit(f"--requests takes {len(REMINDER_PHASES)} sizes")
    if sum(sizes) > FIRST_OTHER_CUSTOMER:
        raise SystemExit(
            f"at most {FIRST_OTHER_CUSTOMER} due requests: one customer each, and the customers of the "
            "requests paid by the calls come after them (their bank lines, unlinked until the calls, "
            "would hold the reminders of their own due requests)"
        )
    past = fields.Date.today() - timedelta(days=30)
    future = fields.Date.today() + timedelta(days=30)
    due = {}
    offset = 0
    for phase, size in zip(REMINDER_PHASES, sizes, strict=True):
        # One customer per due request: the mails a customer gets are its request's.
        # Not reminded until its phase starts (auto_reminder off).
        requests = env["payment.request"].create(
            [
                {
                    "partner_id": factory.customers[offset + index].id,
                    "company_id": company.id,
                    "amount": 100.0,
                    "date_due": past,
                    "auto_reminder": False,
                }
                for index in range(size)
            ]
        )
        requests.action_mark_sent()
        due[phase] = requests.ids
        offset += size

    def outstanding(count, amount=100.0, customer=FIRST_OTHER_CUSTOMER):
        requests = env["payment.request"].create(
            [
                {
                    "partner_id": factory.customer(customer + index).id,
                    "company_id": company.id,
                    "amount": amount + index,
                    "date_due": future,
                    "auto_reminder": False,
                }
                for index in range(count)
            ]
        )
        requests.action_mark_sent()
        return requests

    targets = {}
    for phase in CALL_PHASES:
        paid_later = outstanding(args.calls // 2)
        to_register = paid_later[: len(paid_later) // 2]
        to_link = paid_later[len(paid_later) // 2 :]
        st_lines = (
            env["account.bank.statement.line"]
            .with_context(payment_request_skip_auto_link=True)
            .create(
                [
                    {
                        "journal_id": factory.bank_journal.id,
                        "date": fields.Date.today(),
                        "amount": request.amount,
                        "payment_ref": f"Transfer {phase} {index}",
                        "partner_id": request.partner_id.id,
                    }
                    for index, request in enumerate(to_link)
                ]
            )
        )
        targets[phase] = {
            "register": to_register.ids,
            "link": [list(pair) for pair in zip(to_link.ids, st_lines.ids, strict=True)],
        }

    # Odoo numbers the first entry of a journal and period while it is still a
    # draft, so two first payments posted at once both get number 1 and one
    # fails on the unique name; later entries are numbered on posting, with a
    # retry. Start the period as a journal in use does: one payment posted.
    warm_up = outstanding(1, amount=1.0, customer=399)
    env["payment.request.register"].create(
        {"payment_request_id": warm_up.id, "journal_id": factory.bank_journal.id}
    )._create_payments()

    # Odoo's demo provider, enabled in test mode for the company on a bank journal of its own.
    provider_journal = env["account.journal"].create(
        {"name": "Online payments", "code": "ONL", "type": "bank", "company_id": company.id}
    )
    provider = env.ref("payment.payment_provider_demo").copy(
        {"company_id": company.id, "name": "Demo (reliability)"}
    )
    provider.write({"state": "test", "is_published": True, "journal_id": provider_journal.id})
    holders = {}
    for flow, customer in (("token", FIRST_OTHER_CUSTOMER + 30), ("direct", FIRST_OTHER_CUSTOMER + 45)):
        requests = outstanding(args.holder_requests, amount=HOLDER_AMOUNT, customer=customer)
        # Every holder asks the whole amount: the requests ask the same.
        requests.write({"amount": HOLDER_AMOUNT})
        rows = []
        for request in requests:
            token_id = None
            if flow == "token":
                # The customer's saved card: the provider charges it within the call.
                token_id = (
                    env["payment.token"]
                    .sudo()
                    .create(
                        {
                            "provider_id": provider.id,
                            "payment_method_id": env.ref("payment_demo.payment_method_demo").id,
                            "partner_id": request.partner_id.id,
                            "provider_ref": f"demo-{request.id}",
                            "payment_details": "4242",
                            "demo_simulated_state": "done",
                        }
                    )
                    .id
                )
            rows.append((request.id, request._portal_ensure_token(), token_id))
        holders[flow] = rows
    # The first online payment of the journal, as above for the bank journal.
    warm_up_online = outstanding(1, amount=1.0, customer=398)
    warm_tx = (
        env["payment.transaction"]
        .sudo()
        .create(
            {
                "provider_id": provider.id,
                "payment_method_id": env.ref("payment_demo.payment_method_demo").id,
                "amount": 1.0,
                "currency_id": warm_up_online.currency_id.id,
                "partner_id": warm_up_online.partner_id.id,
                "payment_request_ids": [Command.set(warm_up_online.ids)],
            }
        )
    )
    warm_tx._set_done()
    warm_tx._post_process()

    # The malformed calls' victims: a request with money due (and its token),
    # a cancelled one, a draft, another customer's request, a free bank line.
    victim = outstanding(1, amount=500.0, customer=FIRST_OTHER_CUSTOMER + 70)
    other = outstanding(1, amount=70.0, customer=FIRST_OTHER_CUSTOMER + 71)
    cancelled = outstanding(1, amount=80.0, customer=FIRST_OTHER_CUSTOMER + 72)
    cancelled.action_cancel()
    draft = env["payment.request"].create(
        {
            "partner_id": factory.customer(FIRST_OTHER_CUSTOMER + 73).id,
            "company_id": company.id,
            "amount": 90.0,
        }
    )
    for request in victim | other | cancelled:
        request._portal_ensure_token()
    free_line = (
        env["account.bank.statement.line"]
        .with_context(payment_request_skip_auto_link=True)
        .create(
            {
                "journal_id": factory.bank_journal.id,
                "date": fields.Date.today(),
                "amount": 90.0,
                "payment_ref": "Transfer for nobody",
                "partner_id": draft.partner_id.id,
            }
        )
    )
    usd = env.ref("base.USD")
    usd.active = True
    return {
        "company_id": company.id,
        "user_id": user.id,
        "reminder_crons": (reminder_cron | second_cron).ids,
        "mail_cron": mail_cron.id,
        "retry_cron": retry_cron.id,
        "tx_cron": tx_cron.id,
        "due": due,
        "targets": targets,
        "provider_id": provider.id,
        "payment_method_id": env.ref("payment_demo.payment_method_demo").id,
        "holders": holders,
        "victim": {"id": victim.id, "token": victim.access_token},
        "other": {"id": other.id, "token": other.access_token},
        "cancelled": {"id": cancelled.id, "token": cancelled.access_token},
        "draft": {"id": draft.id},
        "free_line": free_line.id,
        "bank_journal": factory.bank_journal.id,
        "usd": usd.id,
    }


# ----------------------------------------------------------------------
# Servers
# ----------------------------------------------------------------------


class Servers:
    def __init__(self, args, ports, pg, log_dir, data_dir):
        self.args = args
        self.ports = ports
        self.pg = pg
        self.log_dir = log_dir
        self.data_dir = data_dir
        self.processes = [None, None]

    def command(self, index):
        http_port, gevent_port = self.ports[2 * index], self.ports[2 * index + 1]
        return [
            sys.executable,
            str(HERE / "odoo_server.py"),
            "-c",
            self.args.config,
            "-d",
            self.args.database,
            *self.pg.odoo_options(),
            f"--data-dir={self.data_dir}",
            f"--db-filter=^{self.args.database}$",
            "--http-interface=127.0.0.1",
            f"--http-port={http_port}",
            f"--gevent-port={gevent_port}",
            "--workers=2",
            "--max-cron-threads=1",
            "--no-database-list",
            f"--logfile={self.log_dir / f'reliability-server-{index + 1}.log'}",
            "--log-level=info",
        ]

    def start(self, index):
        # A process group of its own: killing it kills its workers too.
        self.processes[index] = subprocess.Popen(self.command(index), start_new_session=True)

    def http_port(self, index):
        return self.ports[2 * index]

    def revive(self):
        """Start again a server whose master exited (on 19.0 a master can stop
        itself while PostgreSQL recovers from a crash), as a supervisor
        (systemd, a container runtime) does; return how many were started."""
        started = 0
        for index, process in enumerate(self.processes):
            if process is not None and process.poll() is not None:
                progress(f"server {index + 1} had exited (code {process.returncode}): started again")
                self.start(index)
                if not self.wait_up(index):
                    raise SystemExit(f"server {index + 1} did not come back")
                started += 1
        return started

    def wait_up(self, index, seconds=120):
        url = f"http://127.0.0.1:{self.http_port(index)}/web/webclient/version_info"
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                rpc(url, {}, timeout=10)
                return True
            except (OSError, urllib.error.URLError, RpcError):
                time.sleep(0.5)
        return False

    def kill(self, index):
        """SIGKILL the server's master and every worker, as the OOM killer or
        a deploy would; return how many processes died."""
        process = self.processes[index]
        pids = subprocess.run(
            ["pgrep", "-g", str(process.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        return len(pids)

    def stop(self, grace=30):
        """Stop the servers and their workers; SIGKILL whatever is left after
        ``grace`` seconds. Bounded in time."""
        running = [p for p in self.processes if p and p.poll() is None]
        for process in running:
            os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in running:
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
        self.message = error.get("data", {}).get("message", "") or error.get("message", "")
        self.debug = error.get("data", {}).get("debug", "")


def rpc(url, params, timeout=120):
    # allow_nan: a NaN amount is one of the malformed calls (JSON's NaN, which
    # Python's json module and Odoo read).
    payload = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}).encode()
    http_request = urllib.request.Request(url, payload, {"Content-Type": "application/json"})
    with urllib.request.urlopen(http_request, timeout=timeout) as response:
        answer = json.loads(response.read())
    if "error" in answer:
        raise RpcError(answer["error"])
    # Odoo leaves "result" out when a route returns None.
    return answer.get("result")


class Client:
    """One server's external API, as the reliability user."""

    def __init__(self, port, database, company_id, uid):
        self.base = f"http://127.0.0.1:{port}"
        self.url = f"{self.base}/jsonrpc"
        self.database = database
        self.context = {"allowed_company_ids": [company_id], "lang": "en_US"}
        self.uid = uid

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

    def route(self, path, params):
        return rpc(self.base + path, params)


def register_payment(client, request_id, **values):
    wizard_id = client.call(
        "payment.request.register", "create", {"payment_request_id": request_id, **values}
    )
    client.call("payment.request.register", "action_register_payment", [wizard_id])


def link_transaction(client, request_ids, st_line_id):
    wizard_id = client.call(
        "payment.request.link",
        "create",
        {"statement_line_id": st_line_id, "payment_request_ids": [Command.set(request_ids)]},
    )
    client.call("payment.request.link", "action_link", [wizard_id])


class CallLog:
    """Every call's final answer, and every error a client was given on the way."""

    def __init__(self, attempts=MAX_ATTEMPTS):
        self.attempts = attempts
        self.lock = threading.Lock()
        self.outcomes = []  # (final, kind, target, text)
        self.errors = []  # (kind, target, text): errors returned, then tried again

    def answer(self, clients, server, kind, target, function):
        """Call until answered: a success or a business refusal. Any other
        error is returned to the client, counted, and the client tries again
        on the other server."""
        text = ""
        for _attempt in range(self.attempts):
            try:
                function(clients[server])
                final, text = "ok", ""
                break
            except RpcError as error:
                first_line = error.message.splitlines()[0] if error.message else ""
                text = f"{error.name}: {first_line}"
                if error.name in REFUSALS:
                    final = "refused"
                    break
            except Exception as error:  # a cut connection, an HTTP error: an error too
                text = repr(error)
            with self.lock:
                self.errors.append((kind, target, text))
            server = 1 - server
            time.sleep(0.5)
        else:
            final = "error"
            progress(f"no answer for {kind} {target}: {text}")
        with self.lock:
            self.outcomes.append((final, kind, target, text))


def fire_payment_calls(clients, targets, args, log):
    """Each target twice, once per server, the two calls started one right
    after the other; ``args.rate`` calls started per second at most, by
    ``args.clients`` threads."""
    operations = [("register", (request_id,)) for request_id in targets["register"]]
    operations += [("link", tuple(pair)) for pair in targets["link"]]
    random.Random(17).shuffle(operations)
    calls = []
    for number, (kind, target) in enumerate(operations):
        first = number % 2
        calls += [(kind, target, first), (kind, target, 1 - first)]

    def run(kind, target, server):
        if kind == "register":
            log.answer(clients, server, kind, target, lambda client: register_payment(client, target[0]))
        else:
            log.answer(
                clients, server, kind, target, lambda client: link_transaction(client, [target[0]], target[1])
            )

    interval = 1.0 / args.rate
    with ThreadPoolExecutor(max_workers=args.clients) as pool:
        start = time.monotonic()
        for number, call in enumerate(calls):
            delay = start + number * interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(run, *call)


# ----------------------------------------------------------------------
# The run's database access (survives a PostgreSQL restart)
# ----------------------------------------------------------------------


class Database:
    def __init__(self, name):
        self.name = name
        self.registry = odoo.modules.registry.Registry(name)

    def run(self, function, attempts=20):
        """``function(env)`` in a transaction of its own, committed; tried again
        while PostgreSQL comes back."""
        import psycopg2

        for attempt in range(attempts):
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    result = function(env)
                    cr.commit()
                    return result
            except (psycopg2.OperationalError, psycopg2.InterfaceError):
                if attempt == attempts - 1:
                    raise
                odoo.sql_db.close_all()
                time.sleep(0.5)
        return None

    def sql(self, query, params=None):
        def execute(env):
            env.cr.execute(query, params or [])
            return env.cr.fetchall()

        return self.run(execute)

    def trigger(self, cron_ids):
        """Wake these jobs now: what the scheduler does at its next poll."""

        def wake(env):
            # A trigger row, not a write on the job: a running job's row is locked.
            for cron in env["ir.cron"].browse(cron_ids):
                cron._trigger()

        self.run(wake)


def count_reminded(db, due_ids):
    return db.sql(
        "SELECT count(*) FROM payment_request WHERE id IN %s AND reminder_count > 0", [tuple(due_ids)]
    )[0][0]


def customer_emails(db, due_ids):
    rows = db.sql(
        """
        SELECT request.id, lower(partner.email) FROM payment_request request
          JOIN res_partner partner ON partner.id = request.partner_id
         WHERE request.id IN %s
        """,
        [tuple(due_ids)],
    )
    return dict(rows)


def delivered_to(smtp, emails):
    wanted = set(emails)
    counts = {}
    for _message_id, recipient in smtp.snapshot():
        if recipient in wanted:
            counts[recipient] = counts.get(recipient, 0) + 1
    return counts


def wait_until(predicate, seconds, step=1.0, wake=None, wake_every=10.0):
    """Poll ``predicate`` until true or ``seconds`` passed; call ``wake`` every
    ``wake_every`` seconds meanwhile (the scheduler's next run)."""
    deadline = time.monotonic() + seconds
    last_wake = time.monotonic()
    while time.monotonic() < deadline:
        if predicate():
            return True
        if wake and time.monotonic() - last_wake > wake_every:
            wake()
            last_wake = time.monotonic()
        time.sleep(step)
    return predicate()


# ----------------------------------------------------------------------
# Checks
# ----------------------------------------------------------------------


def check_reminders(db, smtp, data, due_ids):
    """Every due request reminded exactly once, with one message and one mail
    delivered to its customer; nothing left in the outbox."""
    failures = []

    def read(env):
        comment = env.ref("mail.mt_comment").id
        env.cr.execute(
            """
            SELECT request.id, request.reminder_count,
                   (SELECT count(*) FROM mail_message msg
                     WHERE msg.model = 'payment.request' AND msg.res_id = request.id
                       AND msg.subtype_id = %s)
              FROM payment_request request WHERE request.id IN %s
            """,
            [comment, tuple(due_ids)],
        )
        rows = env.cr.fetchall()
        env.cr.execute(
            """
            SELECT mail.state, count(*) FROM mail_mail mail
              JOIN mail_message msg ON msg.id = mail.mail_message_id
             WHERE msg.model = 'payment.request' AND msg.res_id IN %s
             GROUP BY mail.state
            """,
            [tuple(due_ids)],
        )
        return rows, dict(env.cr.fetchall())

    rows, mail_states = db.run(read)
    emails = customer_emails(db, due_ids)
    counts = delivered_to(smtp, emails.values())
    not_once = [rid for rid, count, messages in rows if count != 1 or messages != 1]
    if not_once:
        failures.append(
            f"{len(not_once)} of {len(due_ids)} requests not reminded exactly once: {not_once[:5]}"
        )
    undelivered = [rid for rid, email in emails.items() if counts.get(email, 0) == 0]
    twice = [rid for rid, email in emails.items() if counts.get(email, 0) > 1]
    if undelivered:
        failures.append(f"{len(undelivered)} reminders never delivered: {undelivered[:5]}")
    if twice:
        failures.append(f"{len(twice)} reminders delivered more than once: {twice[:5]}")
    left = {state: count for state, count in mail_states.items() if state != "sent"}
    if left:
        failures.append(f"mails left in the outbox: {left}")
    return {
        "reminders": sum(messages for _rid, _count, messages in rows),
        "delivered": sum(counts.values()),
    }, failures


def check_targets(db, data, targets):
    """One payment per registration target, one bank link per link target."""
    failures = []

    def read(env):
        env = env(context={"allowed_company_ids": [data["company_id"]]})
        found = []
        for request in env["payment.request"].browse(targets["register"]):
            payments = request.payment_ids.filtered(lambda p: p.state in ("in_process", "paid"))
            if len(payments) != 1 or request.currency_id.compare_amounts(request.amount_paid, request.amount):
                found.append(f"{request.name}: {len(payments)} payments, {request.amount_paid} received")
        for request_id, st_line_id in targets["link"]:
            request = env["payment.request"].browse(request_id)
            st_line = env["account.bank.statement.line"].browse(st_line_id)
            if len(request.received_line_ids) != 1 or not st_line.is_reconciled or request.state != "paid":
                found.append(
                    f"{request.name}: {len(request.received_line_ids)} bank items, state {request.state}, "
                    f"transaction reconciled {st_line.is_reconciled}"
                )
        return found

    wrong = db.run(read)
    if wrong:
        failures.append(f"{len(wrong)} targets not paid or linked exactly once: {wrong[:3]}")
    return failures


def check_books(db):
    """Every journal entry balanced, no payment left in draft, no request or
    job row left locked."""
    failures = []
    unbalanced = db.sql(
        """
        SELECT count(*) FROM (
            SELECT move_id FROM account_move_line GROUP BY move_id
            HAVING abs(sum(debit) - sum(credit)) > 0.001 OR abs(sum(balance)) > 0.001
        ) unbalanced
        """
    )[0][0]
    if unbalanced:
        failures.append(f"{unbalanced} journal entries do not balance")
    drafts = db.sql("SELECT count(*) FROM account_payment WHERE state = 'draft'")[0][0]
    if drafts:
        failures.append(f"{drafts} payments left in draft")

    def locks(env):
        # Nothing runs now: any row still locked belongs to a dead transaction.
        # READ COMMITTED: lock what is there now, whatever changed since the
        # snapshot. A job that just woke up with nothing to do holds its row a moment.
        env.cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        env.cr.execute("SET LOCAL lock_timeout = '5s'")
        try:
            env.cr.execute("SELECT id FROM payment_request FOR UPDATE")
            env.cr.execute("SELECT id FROM ir_cron FOR UPDATE")
        except Exception as error:  # LockNotAvailable
            return str(error).splitlines()[0]
        finally:
            env.cr.rollback()
        return ""

    locked = db.run(locks)
    if locked:
        failures.append(f"rows left locked: {locked}")
    return unbalanced, failures


def check_calls(log, targets=None):
    """Every call answered in the end; per target exactly one success at most
    (the database says which one booked it) and the rest refused."""
    failures = []
    unanswered = [outcome for outcome in log.outcomes if outcome[0] == "error"]
    if unanswered:
        failures.append(f"{len(unanswered)} calls never answered: {unanswered[:3]}")
    if targets is not None:
        per_target = {}
        for final, _kind, target, _text in log.outcomes:
            per_target.setdefault(target, []).append(final)
        twice = [target for target, finals in per_target.items() if finals.count("ok") > 1]
        if twice:
            failures.append(f"{len(twice)} targets accepted twice: {twice[:5]}")
        expected = len(targets["register"]) + len(targets["link"])
        if len(per_target) != expected:
            failures.append(f"{expected - len(per_target)} targets got no call")
    return failures


# ----------------------------------------------------------------------
# Phases
# ----------------------------------------------------------------------


class Run:
    def __init__(self, args, db, servers, smtp, pg, data):
        self.args = args
        self.db = db
        self.servers = servers
        self.smtp = smtp
        self.pg = pg
        self.data = data
        self.rows = []
        self.failed = False
        self.phase_log_offset = 0

    def clients(self):
        return [
            Client(
                self.servers.http_port(index),
                self.args.database,
                self.data["company_id"],
                self.data["user_id"],
            )
            for index in (0, 1)
        ]

    def report(self, name, injected, when, figures, failures, started):
        figures["seconds"] = round(time.monotonic() - started)
        row = {"phase": name, "injected": injected, "when": when, **figures, "failures": failures}
        self.rows.append(row)
        shown = ", ".join(f"{key} {value}" for key, value in figures.items())
        print(f"phase {name}: {injected}; {shown}; {'FAILED' if failures else 'ok'}", flush=True)
        for failure in failures:
            print(f"FAILED ({name}): {failure}", flush=True)
        self.failed |= bool(failures)

    def enable_reminders(self, due_ids):
        def enable(env):
            env["payment.request"].browse(due_ids).write({"auto_reminder": True})

        self.db.run(enable)

    def deliver(self, due_ids, seconds):
        """Run the mail queue until every reminder of ``due_ids`` is delivered."""
        emails = customer_emails(self.db, due_ids)
        jobs = [self.data["mail_cron"], self.data["retry_cron"]]
        self.db.trigger(jobs)
        return wait_until(
            lambda: len(delivered_to(self.smtp, emails.values())) >= len(emails),
            seconds,
            wake=lambda: self.db.trigger(jobs),
        )

    def reminder_phase(self, name, injected, fault=None):
        """Reminders and payment calls at once, the fault injected mid-run;
        then the next runs finish the work, and everything is checked."""
        started = time.monotonic()
        due_ids = self.data["due"][name]
        targets = self.data["targets"][name]
        log = CallLog(self.args.attempts)
        self.phase_log_offset = self.log_size(1)
        self.enable_reminders(due_ids)
        self.db.trigger(self.data["reminder_crons"])
        # The calls start once the reminder jobs run (their first batch committed).
        wait_until(lambda: count_reminded(self.db, due_ids) > 0, self.args.timeout, 0.2)
        clients = self.clients()
        calls = threading.Thread(target=fire_payment_calls, args=(clients, targets, self.args, log))
        calls.start()
        when = "no fault"
        if fault:
            # Mid-run: calls in flight, reminder batches in flight.
            time.sleep(min(3.0, self.args.calls / self.args.rate / 4))
            when = fault(
                lambda: f"{count_reminded(self.db, due_ids)}/{len(due_ids)} reminded, "
                f"{len(log.outcomes)}/{self.args.calls} calls answered"
            )
        calls.join()
        reminders = self.data["reminder_crons"]
        done = wait_until(
            lambda: count_reminded(self.db, due_ids) >= len(due_ids),
            self.args.timeout,
            wake=lambda: self.db.trigger(reminders),
        )
        if done:
            self.deliver(due_ids, self.args.timeout)
        time.sleep(2)  # let a late duplicate show itself, if any
        figures, failures = check_reminders(self.db, self.smtp, self.data, due_ids)
        failures += check_targets(self.db, self.data, targets)
        failures += check_calls(log, targets)
        unbalanced, book_failures = check_books(self.db)
        failures += book_failures
        refused = sum(1 for outcome in log.outcomes if outcome[0] == "refused")
        figures = {
            "requests": len(due_ids),
            **figures,
            "calls": len(log.outcomes),
            "paid or linked": sum(1 for outcome in log.outcomes if outcome[0] == "ok"),
            "duplicates refused": refused,
            "errors returned": len(log.errors),
            "unbalanced": unbalanced,
        }
        if name == "baseline" and log.errors:
            failures.append(f"{len(log.errors)} errors without a fault: {log.errors[:3]}")
        self.report(name, injected, when, figures, failures, started)

    def batch_in_flight(self, index, offset):
        """Whether server ``index``'s log, from ``offset``, shows a reminder
        batch started and not done: its cron worker is inside a batch."""
        path = self.servers.log_dir / f"reliability-server-{index + 1}.log"
        with open(path, encoding="utf-8", errors="replace") as handle:
            handle.seek(offset)
            lines = [line for line in handle if "Payment requests: " in line and "reminders" in line]
        # 18.0 logs each batch (starting, done in); 19.0 the job (starting, then its status and #loop).
        events = [line for line in lines if ") starting" in line or ") done in" in line or "(#loop" in line]
        return bool(events) and ") starting" in events[-1]

    def log_size(self, index):
        path = self.servers.log_dir / f"reliability-server-{index + 1}.log"
        return path.stat().st_size if path.exists() else 0

    def kill_server(self, state):
        """Kill server 2 while its cron worker is inside a reminder batch (up
        to 20 s of waiting for one), calls in flight."""
        deadline = time.monotonic() + 20
        while not self.batch_in_flight(1, self.phase_log_offset) and time.monotonic() < deadline:
            time.sleep(0.1)
        in_batch = self.batch_in_flight(1, self.phase_log_offset)
        when = state()
        killed = self.servers.kill(1)
        down_since = time.monotonic()
        progress(f"killed server 2: {killed} processes (SIGKILL), inside a reminder batch: {in_batch}")
        time.sleep(2)
        self.servers.start(1)
        if not self.servers.wait_up(1):
            raise SystemExit("server 2 did not come back")
        # The killed batch was never committed: its rows are free again, its
        # job's trigger stays, and the next run (woken now rather than at the
        # scheduler's next poll) does it.
        self.db.trigger(self.data["reminder_crons"])
        batch = "inside a reminder batch" if in_batch else "its cron worker between batches"
        return f"{when}; {killed} processes killed, {batch}; back after {time.monotonic() - down_since:.0f} s"

    def restart_postgres(self, state):
        when = state()
        down = self.pg.restart("immediate")
        odoo.sql_db.close_all()
        progress(f"PostgreSQL restarted (immediate stop) in {down:.1f} s")
        self.db.trigger(self.data["reminder_crons"])
        return f"{when}; PostgreSQL down {down:.1f} s"

    def smtp_phase(self):
        started = time.monotonic()
        due_ids = self.data["due"]["smtp"]
        self.smtp.down()
        self.enable_reminders(due_ids)
        reminders = self.data["reminder_crons"]
        self.db.trigger(reminders)
        wait_until(
            lambda: count_reminded(self.db, due_ids) >= len(due_ids),
            self.args.timeout,
            wake=lambda: self.db.trigger(reminders),
        )
        failed_ids = tuple(due_ids)

        def failed_mails():
            return self.db.sql(
                """
                SELECT count(*) FROM mail_mail mail JOIN mail_message msg ON msg.id = mail.mail_message_id
                 WHERE msg.model = 'payment.request' AND msg.res_id IN %s AND mail.state = 'exception'
                """,
                [failed_ids],
            )[0][0]

        # The mail server does not listen: the mail queue marks the mails failed.
        self.db.trigger([self.data["mail_cron"]])
        wait_until(
            lambda: failed_mails() >= len(due_ids), 60, wake=lambda: self.db.trigger([self.data["mail_cron"]])
        )
        not_listening = failed_mails()
        # Then it answers 421: the retry job queues them again, they fail again.
        self.smtp.refuse()
        self.db.trigger([self.data["retry_cron"]])
        time.sleep(5)
        wait_until(
            lambda: failed_mails() >= len(due_ids), 60, wake=lambda: self.db.trigger([self.data["mail_cron"]])
        )
        refusals = self.smtp._refuser.refused if self.smtp._refuser else 0
        emails = customer_emails(self.db, due_ids)
        delivered_while_down = sum(delivered_to(self.smtp, emails.values()).values())
        # Back: the next retry delivers them, once.
        self.smtp.up()
        self.deliver(due_ids, self.args.timeout)
        time.sleep(2)
        figures, failures = check_reminders(self.db, self.smtp, self.data, due_ids)
        unbalanced, book_failures = check_books(self.db)
        failures += book_failures
        if delivered_while_down:
            failures.append(f"{delivered_while_down} mails delivered while the SMTP server refused them")
        when = (
            f"mail queue run while down: {not_listening} mails failed (connection refused), "
            f"then {refusals} connections answered 421"
        )
        self.report(
            "smtp",
            "SMTP server not listening, then answering 421, then back",
            when,
            {
                "requests": len(due_ids),
                **figures,
                "failed while down": not_listening,
                "421 answers": refusals,
                "delivered while refused": delivered_while_down,
                "unbalanced": unbalanced,
            },
            failures,
            started,
        )

    # -- malformed calls -------------------------------------------------

    def fingerprint(self):
        """What a call could change: the business tables' rows and amounts."""
        queries = {
            "payment_request": "SELECT count(*), sum(amount), sum(amount_paid), max(write_date)::text, "
            "string_agg(state, '' ORDER BY id) FROM payment_request",
            "account_payment": "SELECT count(*), max(write_date)::text FROM account_payment",
            "account_move": "SELECT count(*), max(write_date)::text FROM account_move",
            "account_move_line": "SELECT count(*), sum(balance), max(write_date)::text "
            "FROM account_move_line",
            "account_partial_reconcile": "SELECT count(*) FROM account_partial_reconcile",
            "payment_transaction": "SELECT count(*), max(write_date)::text FROM payment_transaction",
            "statement_lines": "SELECT count(*), count(*) FILTER (WHERE is_reconciled) "
            "FROM account_bank_statement_line",
            "mail_message": "SELECT count(*) FROM mail_message WHERE model = 'payment.request'",
        }
        return {name: self.db.sql(query)[0] for name, query in queries.items()}

    def malformed_calls(self):
        """The calls a broken or hostile client sends; every one must be
        refused with a business error."""
        data = self.data
        victim, other, cancelled, draft = data["victim"], data["other"], data["cancelled"], data["draft"]
        nan = float("nan")

        def register(payment_request_id=None, **values):
            request_id = victim["id"] if payment_request_id is None else payment_request_id
            return lambda client, _public: register_payment(client, request_id, **values)

        def link(request_ids, line=None):
            return lambda client, _public: link_transaction(client, request_ids, line or data["free_line"])

        def portal(request_id, token=..., **values):
            params = {
                "amount": 100.0,
                "provider_id": data["provider_id"],
                "payment_method_id": data["payment_method_id"],
                "token_id": None,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": "/my",
            }
            if token is not ...:
                params["access_token"] = token
            params.update(values)
            return lambda _client, public: public.route(
                f"/my/payment_requests/{request_id}/transaction", params
            )

        unknown = 2_000_000_000
        kinds = [
            ("register: request id of the wrong type", register(payment_request_id="PR/0001")),
            ("register: unknown request", register(payment_request_id=unknown)),
            ("register: negative amount", register(amount=-50.0)),
            ("register: zero amount", register(amount=0.0)),
            ("register: NaN amount", register(amount=nan)),
            ("register: huge amount", register(amount=1e18)),
            ("register: amount of the wrong type", register(amount="12,50")),
            ("register: amount in another currency", register(amount=50.0, currency_id=data["usd"])),
            ("register: cancelled request", register(payment_request_id=cancelled["id"])),
            ("register: draft request", register(payment_request_id=draft["id"])),
            ("register: unknown journal", register(journal_id=unknown)),
            ("link: unknown statement line", link([victim["id"]], line=unknown)),
            ("link: unknown request", link([unknown])),
            ("link: draft request", link([draft["id"]])),
            ("link: cancelled request", link([cancelled["id"]])),
            ("portal: no token", portal(victim["id"])),
            ("portal: another request's token", portal(victim["id"], other["token"])),
            ("portal: forged token", portal(victim["id"], "0" * 36)),
            ("portal: unknown request", portal(unknown, victim["token"])),
            ("portal: negative amount", portal(victim["id"], victim["token"], amount=-100.0)),
            ("portal: NaN amount", portal(victim["id"], victim["token"], amount=nan)),
            ("portal: huge amount", portal(victim["id"], victim["token"], amount=1e18)),
            ("portal: amount of the wrong type", portal(victim["id"], victim["token"], amount="cent")),
            ("portal: another currency", portal(victim["id"], victim["token"], currency_id=data["usd"])),
            ("portal: cancelled request", portal(cancelled["id"], cancelled["token"], amount=80.0)),
            ("portal: draft request", portal(draft["id"], victim["token"], amount=90.0)),
            ("portal: id of the wrong type", portal("abc", victim["token"])),
        ]
        calls = [kinds[index % len(kinds)] for index in range(self.args.malformed)]
        return calls

    def malformed_phase(self):
        started = time.monotonic()
        before = self.fingerprint()
        clients = self.clients()
        public = [
            Client(self.servers.http_port(i), self.args.database, self.data["company_id"], None)
            for i in (0, 1)
        ]
        results = {}
        lock = threading.Lock()

        transport_errors = []

        def send(number, label, function):
            server = number % 2
            for _attempt in range(5):
                try:
                    function(clients[server], public[server])
                    outcome = "accepted"
                except RpcError as error:
                    outcome = (
                        error.name if error.name in BUSINESS_ERRORS else f"not a business error: {error.name}"
                    )
                    if error.name.startswith(("psycopg2.OperationalError", "psycopg2.InterfaceError")):
                        # The database connection, not the input: a client tries again.
                        transport_errors.append(outcome)
                        server = 1 - server
                        continue
                except urllib.error.HTTPError as error:
                    if error.code == 404:
                        # No route for such a URL (an id that is not a number): refused.
                        outcome = "werkzeug.exceptions.NotFound"
                    else:
                        outcome = f"not a business error: HTTP {error.code}"
                        transport_errors.append(outcome)
                        server = 1 - server
                        continue
                except Exception as error:
                    outcome = f"not a business error: {error!r}"
                    transport_errors.append(outcome)
                    server = 1 - server
                    continue
                break
            with lock:
                results.setdefault(label, []).append(outcome)

        calls = self.malformed_calls()
        with ThreadPoolExecutor(max_workers=self.args.clients) as pool:
            for number, (label, function) in enumerate(calls):
                pool.submit(send, number, label, function)
        time.sleep(1)
        after = self.fingerprint()
        failures = []
        refused = 0
        for label, outcomes in sorted(results.items()):
            wrong = [outcome for outcome in outcomes if outcome not in BUSINESS_ERRORS]
            refused += len(outcomes) - len(wrong)
            if wrong:
                failures.append(f"{label}: {len(wrong)} of {len(outcomes)} {sorted(set(wrong))}")
        changed = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
        if changed:
            failures.append(f"the calls changed data: {changed}")
        by_error = {}
        for outcomes in results.values():
            for outcome in outcomes:
                name = outcome.rsplit(".", 1)[-1]
                by_error[name] = by_error.get(name, 0) + 1
        self.report(
            "malformed",
            f"{len(calls)} malformed calls ({len(results)} kinds) on both servers",
            "after the fault phases",
            {
                "calls": len(calls),
                "refused with a business error": refused,
                "by error": ", ".join(f"{name} {count}" for name, count in sorted(by_error.items())),
                "tables changed": len(changed),
                "errors returned": len(transport_errors),
            },
            failures,
            started,
        )

    # -- link holders ------------------------------------------------------

    def holders_phase(self, flow):
        """Link holders paying at once: with the customer's saved card (the
        provider charges it within the call, ``flow`` token), or with a card
        typed in the form (the provider confirms right after, ``direct``)."""
        started = time.monotonic()
        data = self.data
        public = [
            Client(self.servers.http_port(i), self.args.database, data["company_id"], None) for i in (0, 1)
        ]
        requests = data["holders"][flow]
        holders = [requests[index % len(requests)] for index in range(self.args.holders)]
        outcomes = []
        lock = threading.Lock()
        barrier = threading.Barrier(self.args.holders)

        def pay(number, request_id, token, token_id):
            client = public[number % 2]
            try:
                barrier.wait(timeout=30)
            except threading.BrokenBarrierError:
                pass
            try:
                processing = client.route(
                    f"/my/payment_requests/{request_id}/transaction",
                    {
                        "access_token": token,
                        "amount": HOLDER_AMOUNT,
                        "provider_id": data["provider_id"],
                        "payment_method_id": data["payment_method_id"],
                        "token_id": token_id,
                        "flow": flow,
                        "tokenization_requested": False,
                        "landing_route": f"/my/payment_requests/{request_id}",
                    },
                )
                if flow == "direct":
                    # The customer's card is charged: the provider says done.
                    client.route(
                        "/payment/demo/simulate_payment",
                        {
                            "reference": processing["reference"],
                            "payment_details": "4242",
                            "simulated_state": "done",
                        },
                    )
                outcome = "paid"
            except RpcError as error:
                outcome = (
                    "refused" if error.name in REFUSALS else f"error {error.name}: {error.message[:200]}"
                )
            except Exception as error:
                outcome = f"error {error!r}"
            with lock:
                outcomes.append(outcome)

        with ThreadPoolExecutor(max_workers=self.args.holders) as pool:
            for number, (request_id, token, token_id) in enumerate(holders):
                pool.submit(pay, number, request_id, token, token_id)
        request_ids = tuple(request_id for request_id, _token, _token_id in requests)

        def unprocessed():
            return self.db.sql(
                """
                SELECT count(*) FROM payment_transaction tx
                  JOIN payment_request_transaction_rel rel ON rel.transaction_id = tx.id
                 WHERE rel.payment_request_id IN %s AND tx.state = 'done' AND NOT tx.is_post_processed
                """,
                [request_ids],
            )[0][0]

        def read(env):
            env = env(context={"allowed_company_ids": [data["company_id"]]})
            rows = []
            for request in env["payment.request"].browse(request_ids):
                accepted = sum(
                    tx.amount
                    for tx in request.transaction_ids
                    if tx.state in ("pending", "authorized", "done")
                )
                rows.append((request.name, request.amount, accepted, request.amount_paid))
            return rows

        def all_booked():
            rows = self.db.run(read)
            return unprocessed() == 0 and all(abs(row[2] - row[3]) < 0.005 for row in rows)

        self.db.trigger([data["tx_cron"]])
        # The post-processing job books the payments: wait for it (or 60 s).
        wait_until(all_booked, 60, wake=lambda: self.db.trigger([data["tx_cron"]]))
        rows = self.db.run(read)
        failures = []
        over = [row for row in rows if row[2] > row[1] + 0.005]
        unbooked = [row for row in rows if abs(row[2] - row[3]) > 0.005]
        for name, asked, accepted, booked in rows:
            print(
                f"  link holders ({flow}): {name} asked {asked:.2f}, "
                f"accepted {accepted:.2f}, booked {booked:.2f}"
            )
        if over:
            failures.append(f"{len(over)} requests accepted more money than they ask: {over[:3]}")
        if unbooked:
            failures.append(f"{len(unbooked)} requests where accepted money is not booked: {unbooked[:3]}")
        errors = [outcome for outcome in outcomes if outcome.startswith("error")]
        if errors:
            failures.append(f"{len(errors)} payments answered with an error: {sorted(set(errors))[:3]}")
        unbalanced, book_failures = check_books(self.db)
        failures += book_failures
        self.report(
            f"link_holders_{flow}",
            f"{len(holders)} concurrent portal payments on {len(rows)} requests, both servers, "
            + ("with the customer's saved card" if flow == "token" else "with a card typed in"),
            "all at once (a barrier)" + (", the provider confirms each at once" if flow == "direct" else ""),
            {
                "payments": len(holders),
                "paid": outcomes.count("paid"),
                "refused": outcomes.count("refused"),
                "errors returned": len(errors),
                "asked": round(sum(row[1] for row in rows), 2),
                "accepted": round(sum(row[2] for row in rows), 2),
                "booked": round(sum(row[3] for row in rows), 2),
                "requests over": len(over),
                "unbalanced": unbalanced,
            },
            failures,
            started,
        )


# ----------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------


def install_key():
    """What the installed database depends on: the Odoo release and our
    addon's files. A run whose key matches a kept template skips the install."""
    import hashlib

    digest = hashlib.sha1(f"{odoo.release.version}|{MODULES}".encode())
    addon = HERE.parent / "payment_request"
    for path in sorted(addon.rglob("*")):
        skipped = {"__pycache__", "tests", "readme", "static", "i18n", "README.rst"}
        if path.is_file() and not skipped & set(path.relative_to(addon).parts):
            digest.update(str(path.relative_to(addon)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def install(args, pg, data_dir, log_dir):
    """Make the run's database: from the template of the last install when
    nothing it depends on changed (``install_key``), else by installing the
    modules, then keep it as the template of the next run."""
    template = f"{args.database}_tpl_{install_key()}"
    filestore = data_dir / "filestore"
    pg.psql(f'DROP DATABASE IF EXISTS "{args.database}"')
    shutil.rmtree(filestore / args.database, ignore_errors=True)
    templates = [
        name
        for name in pg.psql(
            f"SELECT datname FROM pg_database WHERE datname LIKE '{args.database}_tpl_%'", tuples=True
        ).split()
    ]
    if args.reuse and templates and not args.fresh:
        template = templates[0]
    if template in templates and not args.fresh:
        progress(f"database {args.database} copied from {template} (same Odoo and addon files)")
        pg.psql(f'CREATE DATABASE "{args.database}" TEMPLATE "{template}"')
        if (filestore / template).exists():
            shutil.copytree(filestore / template, filestore / args.database)
        return
    for old in templates:
        pg.psql(f'DROP DATABASE IF EXISTS "{old}"')
        shutil.rmtree(filestore / old, ignore_errors=True)
    progress(f"installing {MODULES} in a fresh {args.database} on the run's PostgreSQL")
    command = [
        sys.executable,
        str(HERE / "odoo_server.py"),
        "-c",
        args.config,
        "-d",
        args.database,
        *pg.odoo_options(),
        f"--data-dir={data_dir}",
        "-i",
        MODULES,
        "--stop-after-init",
        "--without-demo=all",
        "--no-http",
        f"--logfile={log_dir / 'reliability-install.log'}",
    ]
    subprocess.run(command, check=True, timeout=900)
    pg.psql(f'CREATE DATABASE "{template}" TEMPLATE "{args.database}"')
    if (filestore / args.database).exists():
        shutil.copytree(filestore / args.database, filestore / template)


def print_table(rows):
    print("\n| phase | injected | when | figures | seconds | result |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        figures = ", ".join(
            f"{key} {value}"
            for key, value in row.items()
            if key not in ("phase", "injected", "when", "failures", "seconds")
        )
        result = "FAILED" if row["failures"] else "ok"
        print(
            f"| {row['phase']} | {row['injected']} | {row['when']} | {figures} | "
            f"{row['seconds']} | {result} |"
        )


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    ports = [int(port) for port in args.ports.split(",")]
    if len(ports) != 4:
        raise SystemExit("--ports takes four ports: HTTP and gevent of server 1, then of server 2")
    pg_dir = Path(args.pg_dir).resolve()
    log_dir = Path(args.config).resolve().parent
    data_dir = pg_dir / "odoo-data"
    total_started = time.monotonic()
    pg = PgInstance(pg_dir, args.pg_port or ports[3] + 1, log=progress)
    smtp = SmtpSink(args.smtp_port or ports[3] + 2)
    servers = None
    run = None
    try:
        pg.ensure()
        pg.start()
        smtp.up()
        install(args, pg, data_dir, log_dir)
        odoo.tools.config.parse_config(
            [
                "-c",
                args.config,
                "-d",
                args.database,
                *pg.odoo_options(),
                f"--data-dir={data_dir}",
                "--log-level=warn",
            ],
            setup_logging=True,
        )
        db = Database(args.database)
        sizes = args.requests.replace(",", "/")
        progress(f"setting up {sizes} due requests, {args.calls // 2} payment targets per phase")
        data = db.run(lambda env: set_up(env, args, f"http://127.0.0.1:{ports[0]}", smtp.port))
        servers = Servers(args, ports, pg, log_dir, data_dir)
        servers.start(0)
        servers.start(1)
        for index in (0, 1):
            if not servers.wait_up(index):
                raise SystemExit(f"server {index + 1} did not answer within 120 seconds")
        progress("both servers answer")
        run = Run(args, db, servers, smtp, pg, data)
        phases = [
            (
                "baseline",
                lambda: run.reminder_phase(
                    "baseline", "none: two servers, both reminder jobs, payment calls"
                ),
            ),
            (
                "kill",
                lambda: run.reminder_phase(
                    "kill", "kill -9 of server 2 (master, workers)", fault=run.kill_server
                ),
            ),
            (
                "pg_restart",
                lambda: run.reminder_phase(
                    "pg_restart",
                    "PostgreSQL stopped as in a crash (immediate), started",
                    fault=run.restart_postgres,
                ),
            ),
            ("smtp", run.smtp_phase),
            ("malformed", run.malformed_phase),
            ("link_holders_token", lambda: run.holders_phase("token")),
            ("link_holders_direct", lambda: run.holders_phase("direct")),
        ]
        for name, phase in phases:
            try:
                servers.revive()
                phase()
            except Exception as error:  # a phase that breaks is a broken promise, the next ones still run
                progress(f"phase {name} broke: {error!r}")
                run.report(name, "(broke)", "", {}, [f"the phase broke: {error!r}"], time.monotonic())
    finally:
        if servers:
            progress("stopping both servers")
            servers.stop()
        smtp.close()
        odoo.sql_db.close_all()
        pg.stop()
    elapsed = time.monotonic() - total_started
    if run is None:
        return 1
    print_table(run.rows)
    print(f"reliability: {len(run.rows)} phases, {elapsed:.0f} s in all (install included)")
    if args.results:
        Path(args.results).write_text(json.dumps({"seconds": round(elapsed), "phases": run.rows}, indent=2))
    return 1 if run.failed else 0


if __name__ == "__main__":
    sys.exit(main())
