"""A small fake of the Mollie API v2 for tests (standard library only).

It serves the few endpoints the addon uses, with the JSON shapes of Mollie's
public documentation, so that the real ``mollie-api-python`` client works
against it::

    with FakeMollie() as server:
        client = Client(api_endpoint=server.url, timeout=5)
        client.set_api_key(FakeMollie.API_KEY)
        link = client.payment_links.create({"amount": {"value": "24.95", "currency": "EUR"}, ...})
        tr_id = server.add_payment(link.id, status="paid")
        assert client.payments.get(tr_id).is_paid()

Endpoints:

* ``POST /v2/payment-links`` (201), ``GET /v2/payment-links``,
  ``GET /v2/payment-links/{id}``, ``GET /v2/payment-links/{id}/payments``
* ``GET /v2/payments``, ``GET /v2/payments/{id}``
* ``GET /v2/payments/{id}/refunds``, ``GET /v2/payments/{id}/chargebacks``

Payments, refunds and chargebacks have the shapes of ``mollie-api-python``'s
own test fixtures (``tests/responses/payment_single.json``,
``refunds_list.json``, ``payment_chargebacks_list.json``): a paid payment
carries ``amountRefunded``, ``amountRemaining`` and, once charged back,
``amountChargedBack``; lists are paginated with ``_links.next``.

Every response is ``application/hal+json``; errors are Mollie error objects
(``status``, ``title``, ``detail``, optional ``field``, ``_links``).
Requests need ``Authorization: Bearer test_…`` or ``live_…`` where the key
has Mollie's shape: 30 letters or digits after the prefix (``api_keys=``
restricts the accepted keys to an explicit set instead). ``Idempotency-Key``
replays the first successful response, with ``Idempotent-Replayed: true``.

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

AMOUNT_RE = re.compile(r"^\d+\.\d{2}$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
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

    def header(self, name, default=None):
        """Case-insensitive header lookup."""
        name = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == name), default)


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

    do_POST = do_PATCH = do_DELETE = do_PUT = do_GET

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
    ``links`` (``pl_…``) and ``payments`` (``tr_…``); ``requests`` lists every
    request received as :class:`RecordedRequest` tuples.
    """

    API_KEY = "test_" + "a1B2c3D4e5" * 3  # a key of Mollie's shape, accepted by default
    LIVE_API_KEY = "live_" + "a1B2c3D4e5" * 3
    PAYMENT_LINK_BASE = "https://payment-links.mollie.com/payment/"
    DASHBOARD_BASE = "https://my.mollie.com/dashboard/payments/"

    def __init__(self, api_keys=None, reject_local_webhook=False, host="127.0.0.1"):
        """:param api_keys: if given, the only accepted API keys (else any key of Mollie's shape).
        :param reject_local_webhook: answer 422 on a ``webhookUrl`` that points to localhost,
            as the real Mollie does since it cannot reach it.
        """
        self.api_keys = set(api_keys) if api_keys is not None else None
        self.reject_local_webhook = reject_local_webhook
        self.host = host
        self.links = {}
        self.payments = {}
        self.requests = []
        self._link_payments = {}  # link id -> [payment ids], oldest first
        self._payment_state = {}  # payment id -> {"refunded": "0.00", "charged_back": "0.00"}
        self.refunds = {}  # re_… -> refund
        self.chargebacks = {}  # chb_… -> chargeback
        self._payment_refunds = {}  # payment id -> [refund ids], oldest first
        self._payment_chargebacks = {}  # payment id -> [chargeback ids], oldest first
        self._path_failures = {}  # path fragment -> status code, until cleared
        self._idempotency = {}  # (api key, idempotency key) -> (status, body)
        self._failures = []  # [(status, body, content_type)]
        self._delays = []  # [seconds]
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._httpd = None
        self._thread = None

    # ------------------------------------------------------------------
    # Lifecycle
    # ------------------------------------------------------------------

    def start(self):
        if self._httpd:
            return self
        self._stopping.clear()
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
        self._stopping.set()  # wakes up delayed requests
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
        """Forget all links, payments, requests, idempotency keys, pending failures and delays."""
        with self._lock:
            self.links.clear()
            self.payments.clear()
            self.requests.clear()
            self._link_payments.clear()
            self._payment_state.clear()
            self.refunds.clear()
            self.chargebacks.clear()
            self._payment_refunds.clear()
            self._payment_chargebacks.clear()
            self._path_failures.clear()
            self._idempotency.clear()
            self._failures.clear()
            self._delays.clear()

    # ------------------------------------------------------------------
    # Test control
    # ------------------------------------------------------------------

    def fail_next(self, status_code, times=1, detail=None, body=None, content_type="application/hal+json"):
        """Answer the next ``times`` requests with HTTP ``status_code`` and a Mollie error
        object (or the raw ``body`` given, e.g. an HTML proxy page). Nothing is processed.
        """
        if body is None:
            body = MollieError(status_code, detail or "Fake failure injected by the test").payload()
        with self._lock:
            self._failures.extend([(int(status_code), body, content_type)] * times)

    def fail_path(self, fragment, status_code=500):
        """Answer every request whose path contains ``fragment`` with ``status_code``
        until :meth:`clear_path_failures` (a payment Mollie cannot serve for a while)."""
        with self._lock:
            self._path_failures[fragment] = int(status_code)

    def clear_path_failures(self):
        with self._lock:
            self._path_failures.clear()

    def delay_next(self, seconds, times=1):
        """Sleep ``seconds`` before handling each of the next ``times`` requests.

        The request is still processed after the sleep (as a real server would
        after the client gave up), unless the server is stopped meanwhile.
        """
        with self._lock:
            self._delays.extend([float(seconds)] * times)

    def add_link(self, amount="24.95", currency="EUR", description="Payment link", mode="test", **fields):
        """Create a payment link directly (no HTTP); ``fields`` are API (camelCase) fields."""
        with self._lock:
            link = self._new_link(
                {"amount": _money(amount, currency), "description": description, **fields}, mode
            )
            link.update(fields)  # e.g. archived=True, paidAt=…
            return link["id"]

    def update_link(self, link_id, **fields):
        """Overwrite API (camelCase) fields of a link, e.g. ``archived=True``, ``paidAt=…``."""
        with self._lock:
            self.links[link_id].update(fields)
            self.links[link_id]["updatedAt"] = _now()
            return self.links[link_id]

    def add_payment(
        self,
        link_id,
        status="paid",
        amount=None,
        method="bancontact",
        refunded="0.00",
        charged_back="0.00",
        **fields,
    ):
        """Create a ``tr_…`` payment made through payment link ``link_id`` (or, with
        ``link_id=None``, through the Payments API, as Odoo's payment_mollie does); return its id.

        ``amount`` defaults to the link amount (a ``"12.34"`` string or an amount dict);
        ``fields`` are extra API (camelCase) fields, e.g. ``details={…}``, ``paidAt="…"``.
        """
        with self._lock:
            link = (
                self.links[link_id]
                if link_id
                else {
                    "amount": _money(amount or "10.00", fields.pop("currency", "EUR")),
                    "mode": fields.pop("mode", "test"),
                    "description": fields.pop("description", "Payment"),
                    "profileId": "pfl_FakeMollie",
                }
            )
            if amount is None:
                amount = dict(link["amount"])
            elif not isinstance(amount, dict):
                amount = _money(amount, link["amount"]["currency"])
            payment_id = "tr_" + _token(10)
            payment = {
                "resource": "payment",
                "id": payment_id,
                "mode": link["mode"],
                "createdAt": _now(),
                "status": "open",
                "isCancelable": False,
                "amount": amount,
                "description": link["description"],
                "method": method,
                "metadata": None,
                "details": None,
                "profileId": link["profileId"],
                "sequenceType": "oneoff",
                "redirectUrl": link.get("redirectUrl"),
                "webhookUrl": link.get("webhookUrl"),
                "_links": {},
            }
            self.payments[payment_id] = payment
            self._apply_payment_fields(
                payment, status=status, refunded=refunded, charged_back=charged_back, **fields
            )
            if link_id:
                self._link_payments.setdefault(link_id, []).append(payment_id)
                self._refresh_link_paid(link_id)
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

    def update_payment(self, tr_id, **fields):
        """Change a payment. Accepts ``status``, ``refunded``, ``charged_back``, ``method``,
        ``amount`` (as for :meth:`add_payment`) and raw API (camelCase) fields.
        Derived fields (timestamps, ``amountRemaining``, ``_links``) follow.
        """
        with self._lock:
            payment = self.payments[tr_id]
            self._apply_payment_fields(payment, **fields)
            for link_id, ids in self._link_payments.items():
                if tr_id in ids:
                    self._refresh_link_paid(link_id)
            return payment

    def link_payment_ids(self, link_id):
        """Ids of the payments of a link, oldest first."""
        return list(self._link_payments.get(link_id, []))

    @property
    def last_request(self):
        return self.requests[-1] if self.requests else None

    # ------------------------------------------------------------------
    # Internals: model
    # ------------------------------------------------------------------

    def _api(self, path):
        return f"{self.url}/v2/{path}"

    def _new_link(self, data, mode):
        token = _token(21)
        link_id = "pl_" + token
        link = {
            "resource": "payment-link",
            "id": link_id,
            "mode": mode,
            "profileId": data.get("profileId", "pfl_FakeMollie"),
            "createdAt": _now(),
            "paidAt": None,
            "updatedAt": None,
            "expiresAt": data.get("expiresAt"),
            "amount": data["amount"],
            "archived": False,
            "description": data["description"],
            "redirectUrl": data.get("redirectUrl"),
            "webhookUrl": data.get("webhookUrl"),
            "reusable": bool(data.get("reusable", False)),
            "_links": {
                "self": _link(self._api(f"payment-links/{link_id}")),
                "paymentLink": _link(self.PAYMENT_LINK_BASE + token, "text/html"),
                "documentation": _link(f"{DOCS}/get-payment-link", "text/html"),
            },
        }
        for key in ("allowedMethods", "sequenceType", "customerId", "minimumAmount", "lines"):
            if key in data:
                link[key] = data[key]
        self.links[link_id] = link
        return link

    def _apply_payment_fields(self, payment, status=None, refunded=None, charged_back=None, **fields):
        currency = payment["amount"]["currency"]
        if "amount" in fields and not isinstance(fields["amount"], dict):
            fields["amount"] = _money(fields["amount"], currency)
        payment.update(fields)
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

    def _refresh_link_paid(self, link_id):
        link = self.links[link_id]
        if link.get("paidAt"):
            return
        paid = [
            self.payments[tr]["paidAt"]
            for tr in self._link_payments.get(link_id, [])
            if self.payments[tr]["status"] == "paid" and self.payments[tr].get("paidAt")
        ]
        if paid:
            link["paidAt"] = min(paid)
            link["updatedAt"] = _now()

    @staticmethod
    def _public(obj):
        """A snapshot of a stored object, safe to serialise outside the lock."""
        return json.loads(json.dumps(obj))

    # ------------------------------------------------------------------
    # Internals: HTTP
    # ------------------------------------------------------------------

    def _handle(self, handler):
        split = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body, body_error = None, None
        if raw:
            try:
                body = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                body, body_error = raw.decode("utf-8", "replace"), True
        headers = dict(handler.headers.items())
        with self._lock:
            self.requests.append(RecordedRequest(handler.command, handler.path, headers, body))
            delay = self._delays.pop(0) if self._delays else 0
            failure = self._failures.pop(0) if self._failures else None
        if delay and self._stopping.wait(delay):
            return  # stopped while sleeping: drop the connection
        if not failure:
            with self._lock:
                status = next(
                    (code for frag, code in self._path_failures.items() if frag in split.path), None
                )
            if status:
                failure = (status, MollieError(status, "Fake failure injected by the test").payload(), None)
        if failure:
            status, payload, content_type = failure
            return self._send(handler, status, payload, content_type=content_type or "application/hal+json")
        try:
            api_key = self._authenticate(handler.headers.get("Authorization", ""))
            if body_error:
                raise MollieError(400, "The JSON body is invalid")
            status, payload, replayed = self._route(handler, split, body, api_key)
        except MollieError as err:
            status, payload, replayed = err.status, err.payload(), False
        self._send(handler, status, payload, replayed=replayed)

    def _authenticate(self, authorization):
        scheme, _, key = authorization.partition(" ")
        key = key.strip()
        if self.api_keys is not None:
            valid = key in self.api_keys
        else:
            valid = bool(API_KEY_RE.match(key))
        if scheme != "Bearer" or not valid:
            raise MollieError(
                401, "Missing authentication, or failed to authenticate", title="Unauthorized Request"
            )
        return key

    def _route(self, handler, split, body, api_key):
        method = handler.command
        mode = "live" if api_key.startswith("live_") else "test"
        parts = [p for p in split.path.split("/") if p]
        query = dict(parse_qsl(split.query))
        if not parts or parts[0] != "v2":
            raise MollieError(404, "The resource does not exist")
        parts = parts[1:]
        with self._lock:
            if parts == ["payment-links"]:
                if method == "POST":
                    return self._create_link(handler, body, api_key, mode)
                if method == "GET":
                    ids = [i for i, link in self.links.items() if link["mode"] == mode]
                    return 200, self._page("payment-links", "payment_links", ids, self.links, query), False
            elif len(parts) == 2 and parts[0] == "payment-links" and method == "GET":
                return 200, self._public(self._get(self.links, parts[1], "payment link", mode)), False
            elif (
                len(parts) == 3 and parts[0] == "payment-links" and parts[2] == "payments" and method == "GET"
            ):
                self._get(self.links, parts[1], "payment link", mode)
                ids = self.link_payment_ids(parts[1])
                path = f"payment-links/{parts[1]}/payments"
                return 200, self._page(path, "payments", ids, self.payments, query), False
            elif parts == ["payments"] and method == "GET":
                ids = [i for i, payment in self.payments.items() if payment["mode"] == mode]
                return 200, self._page("payments", "payments", ids, self.payments, query), False
            elif len(parts) == 2 and parts[0] == "payments" and method == "GET":
                return 200, self._public(self._get(self.payments, parts[1], "payment", mode)), False
            elif len(parts) == 3 and parts[0] == "payments" and parts[2] == "refunds" and method == "GET":
                self._get(self.payments, parts[1], "payment", mode)
                ids = self._payment_refunds.get(parts[1], [])
                return (
                    200,
                    self._page(f"payments/{parts[1]}/refunds", "refunds", ids, self.refunds, query),
                    False,
                )
            elif len(parts) == 3 and parts[0] == "payments" and parts[2] == "chargebacks" and method == "GET":
                self._get(self.payments, parts[1], "payment", mode)
                ids = self._payment_chargebacks.get(parts[1], [])
                path = f"payments/{parts[1]}/chargebacks"
                return 200, self._page(path, "chargebacks", ids, self.chargebacks, query), False
            else:
                raise MollieError(404, "The resource does not exist")
        raise MollieError(405, f"The {method} method is not supported for this resource")

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

    def _create_link(self, handler, body, api_key, mode):
        key = handler.headers.get("Idempotency-Key")
        with self._lock:
            if key and (api_key, key) in self._idempotency:
                status, payload = self._idempotency[(api_key, key)]
                return status, payload, True
            self._validate_link(body)
            payload = self._public(self._new_link(body, mode))
            if key:
                self._idempotency[(api_key, key)] = (201, payload)
            return 201, payload, False

    def _validate_link(self, body):
        if not isinstance(body, dict):
            raise MollieError(400, "The request body must be a JSON object")
        amount = body.get("amount")
        if amount is None:
            raise MollieError(422, "The amount is required", field="amount")
        if not isinstance(amount, dict):
            raise MollieError(422, "The amount must be an object with a value and a currency", field="amount")
        value, currency = amount.get("value"), amount.get("currency")
        if not isinstance(value, str) or not AMOUNT_RE.match(value):
            raise MollieError(
                422,
                "The amount contains an invalid value: use a string with exactly 2 decimals, e.g. '10.00'",
                field="amount.value",
            )
        if not isinstance(currency, str) or not CURRENCY_RE.match(currency):
            raise MollieError(422, "The currency is invalid", field="amount.currency")
        if Decimal(value) < Decimal("0.01"):
            raise MollieError(422, "The amount is lower than the minimum", field="amount")
        description = body.get("description")
        if not isinstance(description, str) or not description.strip():
            raise MollieError(422, "The description is required", field="description")
        for field in ("redirectUrl", "webhookUrl"):
            url = body.get(field)
            if url is None:
                continue
            parsed = urlsplit(url) if isinstance(url, str) else None
            if not parsed or parsed.scheme not in ("http", "https") or not parsed.hostname:
                label = "redirect" if field == "redirectUrl" else "webhook"
                raise MollieError(422, f"The {label} URL is invalid", field=field)
            if (
                field == "webhookUrl"
                and self.reject_local_webhook
                and (parsed.hostname in ("localhost", "::1") or parsed.hostname.startswith("127."))
            ):
                raise MollieError(
                    422,
                    "The webhook URL is invalid because it is unreachable from Mollie's point of view",
                    field="webhookUrl",
                )
        if "reusable" in body and not isinstance(body["reusable"], bool):
            raise MollieError(422, "The reusable parameter must be a boolean", field="reusable")

    def _send(self, handler, status, payload, content_type="application/hal+json", replayed=False):
        if isinstance(payload, dict | list):
            data = json.dumps(payload).encode("utf-8")
        elif isinstance(payload, str):
            data = payload.encode("utf-8")
        else:
            data = payload or b""
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(data)))
            if replayed:
                handler.send_header("Idempotent-Replayed", "true")
            handler.end_headers()
            if data and handler.command != "HEAD":
                handler.wfile.write(data)
        except OSError as error:
            # The client went away (it timed out): nobody reads the answer.
            _logger.debug("Fake Mollie: client gone before the answer: %s", error)
