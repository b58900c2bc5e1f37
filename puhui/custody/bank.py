"""The simulated custodian bank: sub-accounts, instructions, daily statements.

It keeps its own books in its own SQLite file and answers over HTTP, so the platform can only
reach it the way it would reach a real bank. Instructions are idempotent by id; a replay with a
different body is refused; a debit beyond a sub-account's balance is refused, as a bank would.
"""

import hashlib
import json
import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from puhui.core.signing import signature_matches, timestamp_stale

SCHEMA = """
CREATE TABLE IF NOT EXISTS sub_account (number TEXT PRIMARY KEY, owner TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS instruction (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, debit TEXT, credit TEXT,
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0), status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '', body_hash TEXT NOT NULL, executed_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS instruction_time ON instruction (executed_at);
"""


class BankError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code


class SimulatedBank:
    def __init__(self, path: str) -> None:
        self.connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.connection.executescript(SCHEMA)
        self.lock = threading.Lock()  # one writer: balances are checked and moved atomically

    def sub_account_open(self, owner: str) -> str:
        with self.lock:
            row = self.connection.execute("SELECT number FROM sub_account WHERE owner = ?",
                                          (owner,)).fetchone()
            if row:
                return row[0]
            count = self.connection.execute("SELECT COUNT(*) FROM sub_account").fetchone()[0]
            number = f"6228{count + 1:012d}"
            self.connection.execute("INSERT INTO sub_account VALUES (?, ?)", (number, owner))
            return number

    def balance(self, number: str, until: str | None = None) -> int:
        where = "AND executed_at < ?" if until else ""
        args: tuple = (number, until) if until else (number,)
        credit = self.connection.execute(
            f"SELECT COALESCE(SUM(amount_fen), 0) FROM instruction WHERE status = 'done' "
            f"AND credit = ? {where}", args).fetchone()[0]
        debit = self.connection.execute(
            f"SELECT COALESCE(SUM(amount_fen), 0) FROM instruction WHERE status = 'done' "
            f"AND debit = ? {where}", args).fetchone()[0]
        return int(credit - debit)

    def instruct(self, body: dict[str, Any]) -> dict[str, Any]:
        kind = body.get("kind")
        if kind not in ("deposit", "withdraw", "transfer"):
            raise BankError(400, "BAD_KIND", "kind must be deposit, withdraw or transfer")
        amount = body.get("amount_fen")
        if not isinstance(amount, int) or amount <= 0:
            raise BankError(400, "BAD_AMOUNT", "amount_fen must be a positive integer")
        debit = body.get("from") if kind in ("withdraw", "transfer") else None
        credit = body.get("to") if kind in ("deposit", "transfer") else None
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        with self.lock:
            seen = self.connection.execute(
                "SELECT body_hash, status, reason FROM instruction WHERE id = ?",
                (str(body.get("id")),)).fetchone()
            if seen:
                if seen[0] != digest:
                    raise BankError(409, "ID_REUSED", "this instruction id was used for another")
                return {"id": body["id"], "status": seen[1], "reason": seen[2]}
            for number in (debit, credit):
                if number is not None and not self.connection.execute(
                        "SELECT 1 FROM sub_account WHERE number = ?", (number,)).fetchone():
                    raise BankError(404, "NO_SUCH_SUB_ACCOUNT", f"no sub-account {number}")
            status, reason = "done", ""
            if debit is not None and self.balance(debit) < amount:
                status, reason = "refused", "insufficient balance"
            self.connection.execute(
                "INSERT INTO instruction VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (str(body["id"]), kind, debit, credit, amount, status, reason, digest,
                 datetime.now(UTC).isoformat()))
            return {"id": body["id"], "status": status, "reason": reason}

    def statement(self, business_date: date) -> list[dict[str, Any]]:
        """Balances at the end of the day (UTC)."""
        until = datetime.combine(business_date + timedelta(days=1), datetime.min.time(),
                                 tzinfo=UTC).isoformat()
        numbers = [r[0] for r in self.connection.execute(
            "SELECT number FROM sub_account ORDER BY number")]
        return [{"number": n, "balance_fen": self.balance(n, until)} for n in numbers]


def bank_wsgi_app(bank: SimulatedBank, secret: str) -> Callable[..., list[bytes]]:
    def app(environ: dict, start_response: Any) -> list[bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        query = environ.get("QUERY_STRING", "")
        try:
            timestamp = environ.get("HTTP_X_PUHUI_TIMESTAMP", "")
            given = environ.get("HTTP_X_PUHUI_SIGNATURE", "")
            if not timestamp or not signature_matches(
                    given, secret, method, path + ("?" + query if query else ""), timestamp, body):
                raise BankError(401, "BAD_SIGNATURE", "the request is not signed by a member")
            if timestamp_stale(timestamp):
                raise BankError(401, "STALE_REQUEST", "the request is too old")
            if method == "POST" and path == "/sub-accounts":
                answer: Any = {"number": bank.sub_account_open(json.loads(body)["owner"])}
            elif method == "POST" and path == "/instructions":
                answer = bank.instruct(json.loads(body))
            elif method == "GET" and path == "/statement":
                day = date.fromisoformat(query.removeprefix("date="))
                answer = {"date": day.isoformat(), "balances": bank.statement(day)}
            else:
                raise BankError(404, "NOT_FOUND", "no such endpoint")
            status = "200 OK"
        except BankError as error:
            status = f"{error.status} ERROR"
            answer = {"code": error.code, "message": str(error)}
        except (ValueError, KeyError) as error:
            status = "400 ERROR"
            answer = {"code": "BAD_REQUEST", "message": str(error)}
        payload = json.dumps(answer).encode()
        start_response(status, [("Content-Type", "application/json"),
                                ("Content-Length", str(len(payload)))])
        return [payload]

    return app


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def bank_serve(*, host: str, port: int, database: str, secret: str) -> None:
    server = make_server(host, port, bank_wsgi_app(SimulatedBank(database), secret),
                         server_class=_ThreadingServer, handler_class=_QuietHandler)
    server.serve_forever()
