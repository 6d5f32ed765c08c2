"""A small fake of the Mollie API v2 for tests (standard library only).

It serves the few endpoints the addon reads, with the JSON shapes of Mollie's
public documentation, so that the real ``mollie-api-python`` client works
against it::

    with FakeMollie() as server:
        client = Client(api_endpoint=server.url, timeout=5)
        client.set_api_key(FakeMollie.API_KEY)
        tr_id = server.add_payment(status="paid", amount="24.95")
        assert client.payments.get(tr_id).is_paid()

Endpoints (all ``GET``):

* ``/v2/payments``, ``/v2/payments/{id}``
* ``/v2/payments/{id}/refunds``, ``/v2/payments/{id}/chargebacks``

Payments, refunds and chargebacks have the shapes of ``mollie-api-python``'s
own test fixtures (``tests/responses/payment_single.json``,
``refunds_list.json``, ``payment_chargebacks_list.json``): a paid payment
carries ``amountRefunded``, ``amountRemaining`` and, once charged back,
``amountChargedBack``; lists are paginated with ``_links.next``.

Every response is ``application/hal+json``; errors are Mollie error objects
(``status``, ``title``, ``detail``, optional ``field``, ``_links``).
Requests need ``Authorization: Bearer test_…`` or ``live_…`` where the key
has Mollie's shape: 30 letters or digits after the prefix.

The fake is not a webhook sender: tests call the addon's webhook themselves.
"""

import json
import logging
import re
import secrets
import string
import threading
from collections import namedtuple
from datetime import datetime, timezone
from decimal import Decimal
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

_logger = logging.getLogger(__name__)

__all__ = ["FakeMollie", "RecordedRequest"]

API_KEY_RE = re.compile(r"^(live|test)_[A-Za-z0-9]{30}$")
PAYMENT_STATUSES = ("open", "pending", "authorized", "paid", "canceled", "expired", "failed")
# Status -> timestamp field Mollie sets when a payment reaches it.
STATUS_TIMESTAMPS = {
    "authorized": "authorizedAt",
    "paid": "paidAt",
    "canceled": "canceledAt",
    "expired": "expiredAt",
    "failed": "failedAt",
}
DOCS = "https://docs.mollie.com/reference"
ERROR_DOCS = "https://docs.mollie.com/overview/handling-errors"
ID_ALPHABET = string.ascii_letters + string.digits


def _now():
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def _token(length):
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(length))


def _money(value, currency):
    return {"value": f"{Decimal(value):.2f}", "currency": currency}


def _link(href, type_="application/hal+json"):
    return {"href": href, "type": type_}


class RecordedRequest(namedtuple("RecordedRequest", "method path headers body")):
    """One request received: ``(method, path, headers, body)``.

    ``path`` is the raw request target (with its query string, if any),
    ``headers`` a dict, ``body`` the decoded JSON (``None`` when empty, the
    text when not JSON).
    """

    __slots__ = ()

    @property
    def route(self):
        """The path without its query string."""
        return urlsplit(self.path).path

    @property
    def query(self):
        return dict(parse_qsl(urlsplit(self.path).query))


class MollieError(Exception):
    def __init__(self, status, detail, field=None, title=None):
        super().__init__(detail)
        self.status = int(status)
        self.detail = detail
        self.field = field
        self.title = title or HTTPStatus(self.status).phrase

    def payload(self):
        body = {"status": self.status, "title": self.title, "detail": self.detail}
        if self.field:
            body["field"] = self.field
        body["_links"] = {"documentation": _link(ERROR_DOCS, "text/html")}
        return body


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeMollie/1.0"
    protocol_version = "HTTP/1.0"  # one connection per request: nothing lingers after stop()

    def do_GET(self):
        self.server.fake._handle(self)

    def log_message(self, format, *args):  # quiet: tests read FakeMollie.requests instead
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that timed out closes its socket before a delayed answer.
        pass


class FakeMollie:
    """Fake Mollie API server. ``start()``/``stop()`` or use as a context manager.

    State, readable (and writable) by tests, keyed by id, in the API's JSON shape:
    ``payments`` (``tr_…``), ``refunds`` and ``chargebacks``; ``requests`` lists every
    request received as :class:`RecordedRequest` tuples.
    """

    API_KEY = "test_" + "a1B2c3D4e5" * 3  # a key of Mollie's shape, accepted by default
    DASHBOARD_BASE = "https://my.mollie.com/dashboard/payments/"

    def __init__(self, host="127.0.0.1"):
        self.host = host
        self.payments = {}
        self.requests = []
        self._payment_state = {}  # payment id -> {"refunded": "0.00", "charged_back": "0.00"}
        self.refunds = {}  # re_… -> refund
        self.chargebacks = {}  # chb_… -> chargeback
        self._payment_refunds = {}  # payment id -> [refund ids], oldest first
        self._payment_chargebacks = {}  # payment id -> [chargeback ids], oldest first
        self._path_failures = {}  # path fragment -> status code, until cleared
        self._lock = threading.RLock()
        self._httpd = None
        self._thread = None

    # ------------------------------------------------------------------
    # Lifecycle
    # ------------------------------------------------------------------

    def start(self):
        if self._httpd:
            return self
        self._httpd = _Server((self.host, 0), _Handler)
        self._httpd.fake = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True, name="FakeMollie"
        )
        self._thread.start()
        return self

    def stop(self):
        if not self._httpd:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)
        self._httpd = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self):
        return self._httpd.server_address[1] if self._httpd else None

    @property
    def url(self):
        """Base URL to give the client as ``api_endpoint`` (it appends ``/v2/…``)."""
        if not self._httpd:
            raise RuntimeError("FakeMollie is not started")
        return f"http://{self.host}:{self.port}"

    def reset(self):
        """Forget all payments, refunds, chargebacks, requests and failures."""
        with self._lock:
            self.payments.clear()
            self.requests.clear()
            self._payment_state.clear()
            self.refunds.clear()
            self.chargebacks.clear()
            self._payment_refunds.clear()
            self._payment_chargebacks.clear()
            self._path_failures.clear()

    # ------------------------------------------------------------------
    # Test control
    # ------------------------------------------------------------------

    def fail_path(self, fragment, status_code=500):
        """Answer every request whose path contains ``fragment`` with ``status_code``
        until :meth:`clear_path_failures` (a payment Mollie cannot serve for a while)."""
        with self._lock:
            self._path_failures[fragment] = int(status_code)

    def clear_path_failures(self):
        with self._lock:
            self._path_failures.clear()

    def add_payment(self, status="paid", amount="10.00", currency="EUR", description="Payment", mode="test"):
        """Create a ``tr_…`` payment made through the Payments API, as Odoo's
        payment_mollie makes it; return its id."""
        with self._lock:
            payment_id = "tr_" + _token(10)
            payment = {
                "resource": "payment",
                "id": payment_id,
                "mode": mode,
                "createdAt": _now(),
                "status": "open",
                "isCancelable": False,
                "amount": _money(amount, currency),
                "description": description,
                "method": "bancontact",
                "metadata": None,
                "details": None,
                "profileId": "pfl_FakeMollie",
                "sequenceType": "oneoff",
                "redirectUrl": None,
                "webhookUrl": None,
                "_links": {},
            }
            self.payments[payment_id] = payment
            self._apply_payment_fields(payment, status=status, refunded="0.00", charged_back="0.00")
            return payment_id

    def add_refund(self, tr_id, amount, status="refunded", description="Refund"):
        """Refund ``amount`` of paid payment ``tr_id``, as in Mollie's dashboard; return the
        ``re_…`` id. The payment's ``amountRefunded`` counts refunds not failed or canceled."""
        with self._lock:
            payment = self.payments[tr_id]
            refund_id = "re_" + _token(10)
            self.refunds[refund_id] = {
                "resource": "refund",
                "id": refund_id,
                "amount": _money(amount, payment["amount"]["currency"]),
                "status": status,
                "createdAt": _now(),
                "description": description,
                "paymentId": tr_id,
                "_links": {
                    "self": _link(self._api(f"payments/{tr_id}/refunds/{refund_id}")),
                    "payment": _link(self._api(f"payments/{tr_id}")),
                    "documentation": _link(f"{DOCS}/v2/refunds-api/get-refund", "text/html"),
                },
            }
            self._payment_refunds.setdefault(tr_id, []).append(refund_id)
            self._refresh_refunded(tr_id)
            return refund_id

    def update_refund(self, refund_id, status):
        """Change a refund's status, as Mollie does when it processes, fails or
        cancels it; the payment's ``amountRefunded`` follows."""
        with self._lock:
            refund = self.refunds[refund_id]
            refund["status"] = status
            self._refresh_refunded(refund["paymentId"])
            return refund

    def _refresh_refunded(self, tr_id):
        total = sum(
            Decimal(self.refunds[i]["amount"]["value"])
            for i in self._payment_refunds.get(tr_id, [])
            if self.refunds[i]["status"] not in ("failed", "canceled")
        )
        self._apply_payment_fields(self.payments[tr_id], refunded=total)

    def add_chargeback(self, tr_id, amount):
        """Charge back ``amount`` of payment ``tr_id`` (the customer's bank took it back);
        return the ``chb_…`` id."""
        with self._lock:
            payment = self.payments[tr_id]
            currency = payment["amount"]["currency"]
            chargeback_id = "chb_" + _token(6)
            self.chargebacks[chargeback_id] = {
                "resource": "chargeback",
                "id": chargeback_id,
                "amount": _money(amount, currency),
                "settlementAmount": _money(amount, currency),
                "createdAt": _now(),
                "reversedAt": None,
                "paymentId": tr_id,
                "_links": {
                    "self": _link(self._api(f"payments/{tr_id}/chargebacks/{chargeback_id}")),
                    "payment": _link(self._api(f"payments/{tr_id}")),
                    "documentation": _link(f"{DOCS}/v2/chargebacks-api/get-chargeback", "text/html"),
                },
            }
            self._payment_chargebacks.setdefault(tr_id, []).append(chargeback_id)
            self._refresh_charged_back(tr_id)
            return chargeback_id

    def reverse_chargeback(self, chargeback_id):
        """Reverse a chargeback (the merchant won the dispute): Mollie sets its
        ``reversedAt`` and the payment's ``amountChargedBack`` no longer counts it."""
        with self._lock:
            chargeback = self.chargebacks[chargeback_id]
            chargeback["reversedAt"] = _now()
            self._refresh_charged_back(chargeback["paymentId"])
            return chargeback

    def _refresh_charged_back(self, tr_id):
        total = sum(
            Decimal(self.chargebacks[i]["amount"]["value"])
            for i in self._payment_chargebacks.get(tr_id, [])
            if not self.chargebacks[i]["reversedAt"]
        )
        self._apply_payment_fields(self.payments[tr_id], charged_back=total)

    # ------------------------------------------------------------------
    # Internals: model
    # ------------------------------------------------------------------

    def _api(self, path):
        return f"{self.url}/v2/{path}"

    def _apply_payment_fields(self, payment, status=None, refunded=None, charged_back=None):
        if status is not None:
            if status not in PAYMENT_STATUSES:
                raise ValueError(f"Unknown Mollie payment status {status!r}, use one of {PAYMENT_STATUSES}")
            payment["status"] = status
            stamp = STATUS_TIMESTAMPS.get(status)
            if stamp and not payment.get(stamp):
                payment[stamp] = _now()
        state = self._payment_state.setdefault(payment["id"], {"refunded": "0.00", "charged_back": "0.00"})
        if refunded is not None:
            state["refunded"] = f"{Decimal(refunded):.2f}"
        if charged_back is not None:
            state["charged_back"] = f"{Decimal(charged_back):.2f}"
        self._derive_payment(payment)

    def _derive_payment(self, payment):
        """Recompute the fields Mollie derives: refund amounts (only once paid), links."""
        currency = payment["amount"]["currency"]
        state = self._payment_state[payment["id"]]
        refunded, charged_back = Decimal(state["refunded"]), Decimal(state["charged_back"])
        for key in ("amountRefunded", "amountRemaining", "amountChargedBack"):
            payment.pop(key, None)
        links = {
            "self": _link(self._api(f"payments/{payment['id']}")),
            "dashboard": _link(self.DASHBOARD_BASE + payment["id"], "text/html"),
        }
        if payment.get("paidAt"):
            # Mollie: "only available when refunds are available for this payment" (paid ones).
            remaining = max(Decimal(payment["amount"]["value"]) - refunded - charged_back, Decimal(0))
            payment["amountRefunded"] = _money(refunded, currency)
            payment["amountRemaining"] = _money(remaining, currency)
        if refunded:
            links["refunds"] = _link(self._api(f"payments/{payment['id']}/refunds"))
        if charged_back:
            payment["amountChargedBack"] = _money(charged_back, currency)
            links["chargebacks"] = _link(self._api(f"payments/{payment['id']}/chargebacks"))
        links["documentation"] = _link(f"{DOCS}/get-payment", "text/html")
        payment["_links"] = links

    @staticmethod
    def _public(obj):
        """A snapshot of a stored object, safe to serialise outside the lock."""
        return json.loads(json.dumps(obj))

    # ------------------------------------------------------------------
    # Internals: HTTP
    # ------------------------------------------------------------------

    def _handle(self, handler):
        split = urlsplit(handler.path)
        headers = dict(handler.headers.items())
        with self._lock:
            self.requests.append(RecordedRequest(handler.command, handler.path, headers, None))
            status = next((code for frag, code in self._path_failures.items() if frag in split.path), None)
        if status:
            failure = MollieError(status, "Fake failure injected by the test")
            return self._send(handler, status, failure.payload())
        try:
            api_key = self._authenticate(handler.headers.get("Authorization", ""))
            status, payload = self._route(split, api_key)
        except MollieError as err:
            status, payload = err.status, err.payload()
        self._send(handler, status, payload)

    def _authenticate(self, authorization):
        scheme, _, key = authorization.partition(" ")
        key = key.strip()
        if scheme != "Bearer" or not API_KEY_RE.match(key):
            raise MollieError(
                401, "Missing authentication, or failed to authenticate", title="Unauthorized Request"
            )
        return key

    def _route(self, split, api_key):
        mode = "live" if api_key.startswith("live_") else "test"
        parts = [p for p in split.path.split("/") if p]
        query = dict(parse_qsl(split.query))
        if not parts or parts[0] != "v2":
            raise MollieError(404, "The resource does not exist")
        parts = parts[1:]
        with self._lock:
            if parts == ["payments"]:
                ids = [i for i, payment in self.payments.items() if payment["mode"] == mode]
                return 200, self._page("payments", "payments", ids, self.payments, query)
            elif len(parts) == 2 and parts[0] == "payments":
                return 200, self._public(self._get(self.payments, parts[1], "payment", mode))
            elif len(parts) == 3 and parts[0] == "payments" and parts[2] == "refunds":
                self._get(self.payments, parts[1], "payment", mode)
                ids = self._payment_refunds.get(parts[1], [])
                return 200, self._page(f"payments/{parts[1]}/refunds", "refunds", ids, self.refunds, query)
            elif len(parts) == 3 and parts[0] == "payments" and parts[2] == "chargebacks":
                self._get(self.payments, parts[1], "payment", mode)
                ids = self._payment_chargebacks.get(parts[1], [])
                path = f"payments/{parts[1]}/chargebacks"
                return 200, self._page(path, "chargebacks", ids, self.chargebacks, query)
        raise MollieError(404, "The resource does not exist")

    @staticmethod
    def _get(store, object_id, label, mode):
        """Like Mollie, objects of the other mode (test/live) than the key's do not exist."""
        obj = store.get(object_id)
        if obj is None or obj.get("mode") != mode:
            raise MollieError(404, f"No {label} exists with token {object_id}.")
        return obj

    def _page(self, path, name, ids, store, query):
        """A Mollie list: newest first, ``limit`` (default 50, max 250) and ``from`` cursor."""
        ids = list(reversed(ids))
        try:
            limit = int(query.get("limit", 50))
        except ValueError:
            raise MollieError(400, "Invalid limit", field="limit") from None
        if not 1 <= limit <= 250:
            raise MollieError(400, "The limit must be between 1 and 250", field="limit")
        start = 0
        if "from" in query:
            if query["from"] not in ids:
                raise MollieError(400, f"Invalid value for 'from': {query['from']}", field="from")
            start = ids.index(query["from"])
        page, rest = ids[start : start + limit], ids[start + limit :]
        previous = ids[max(start - limit, 0)] if start else None

        def href(from_id):
            return _link(self._api(path) + "?" + urlencode({"from": from_id, "limit": limit}))

        items = [self._public(store[i]) for i in page]
        return {
            "count": len(items),
            "_embedded": {name: items},
            "_links": {
                "self": href(page[0]) if page else _link(self._api(path)),
                "previous": href(previous) if previous else None,
                "next": href(rest[0]) if rest else None,
                "documentation": _link(f"{DOCS}/list-payments", "text/html"),
            },
        }

    def _send(self, handler, status, payload):
        data = json.dumps(payload).encode("utf-8")
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/hal+json")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except OSError as error:
            # The client went away (it timed out): nobody reads the answer.
            _logger.debug("Fake Mollie: client gone before the answer: %s", error)
