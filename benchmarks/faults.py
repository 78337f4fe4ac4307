"""Faults: 50 users for 60 s against a real `assistant serve --workers 2`, one worker killed (kill -9)
in the middle.

    python benchmarks/faults.py [--users 50] [--duration 60] [--workers 2] [--json]

Half the users chat over HTTP (`POST /v1/chat`, each turn with an `Idempotency-Key`, retried with the
same key after an error, as a careful client does); the other half are Telegram users whose webhooks go
to the server and whose replies go to a fake Telegram API on loopback, which records them (a webhook
that fails is resent, as Telegram does). Halfway through, one uvicorn worker is killed with SIGKILL;
uvicorn starts another. After the load, the queue is drained and the figures are read from the clients,
the fake platform and the session database:

- turns lost / duplicated: turns a client saw answered that the transcript lacks / holds twice;
- replies lost / duplicated: reply messages the outbox produced that Telegram never got / got twice;
- time to full capacity: from the kill until the replacement worker has its index loaded.

Loopback only; bounded in time; prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import KEY, _free_port, wait_ready  # the load benchmark's server helpers

BOT_TOKEN, SECRET = "123456:fault-benchmark-token", "fault-benchmark-secret"
QUESTIONS = ("What is CRS?", "What is ICANS?", "How long does tisagenlecleucel manufacturing take?",
             "What are the risk factors for SOS after inotuzumab?", "62yo first relapse, CD22 95%. Which agent?")


@dataclass
class Tally:
    http_turns: dict[str, int] = field(default_factory=dict)  # session -> turns answered (200)
    accepted: Counter[int] = field(default_factory=Counter)  # chat -> webhooks acknowledged
    retries: Counter[str] = field(default_factory=Counter)


class FakeTelegram(BaseHTTPRequestHandler):
    received: ClassVar[Counter[int]] = Counter()
    lock: ClassVar[threading.Lock] = threading.Lock()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0)).decode()
        fields = parse_qs(body) if "json" not in (self.headers.get("content-type") or "") else \
            {k: [str(v)] for k, v in json.loads(body).items()}
        chat = int(fields.get("chat_id", ["0"])[-1])
        with self.lock:
            self.received[chat] += 1
        payload = json.dumps({"ok": True, "result": {"message_id": 1, "date": int(time.time()),
                                                     "chat": {"id": chat, "type": "private"}, "text": "ok"}}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return None


async def http_user(client: httpx.AsyncClient, number: int, deadline: float, tally: Tally) -> None:
    while time.monotonic() < deadline:
        session_id: str | None = None
        for turn in range(6):
            if time.monotonic() >= deadline:
                break
            body: dict[str, Any] = {"message": QUESTIONS[(number + turn) % len(QUESTIONS)]}
            if session_id:
                body["session_id"] = session_id
            key = str(uuid.uuid4())
            for _ in range(30):  # the same key each time: at most one stored turn
                try:
                    response = await client.post("/v1/chat", json=body, headers={"Idempotency-Key": key})
                    if response.status_code == 200:
                        break
                    tally.retries[f"http {response.status_code}"] += 1
                except httpx.HTTPError as exc:
                    tally.retries[type(exc).__name__] += 1
                await asyncio.sleep(0.5)
            else:
                return
            session_id = response.json()["session_id"]
            tally.http_turns[session_id] = tally.http_turns.get(session_id, 0) + 1


async def telegram_user(client: httpx.AsyncClient, chat: int, updates: itertools.count[int], deadline: float,
                        tally: Tally) -> None:
    turn = 0
    while time.monotonic() < deadline:
        update_id = next(updates)
        message = {"message_id": update_id, "date": int(time.time()), "text": QUESTIONS[turn % len(QUESTIONS)],
                   "chat": {"id": chat, "type": "private"}, "from": {"id": chat, "is_bot": False, "first_name": "U"}}
        for _ in range(30):  # Telegram resends the same update until it gets a 2xx
            try:
                response = await client.post("/webhooks/telegram", json={"update_id": update_id, "message": message},
                                             headers={"x-telegram-bot-api-secret-token": SECRET})
                if response.status_code == 200:
                    break
                tally.retries[f"webhook {response.status_code}"] += 1
            except httpx.HTTPError as exc:
                tally.retries[f"webhook {type(exc).__name__}"] += 1
            await asyncio.sleep(0.5)
        else:
            return
        tally.accepted[chat] += 1
        turn += 1
        wait_until = time.monotonic() + 20  # a user waits for the answer before asking again
        while FakeTelegram.received[chat] < tally.accepted[chat] and time.monotonic() < wait_until:
            await asyncio.sleep(0.1)


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def loaded_pids(log: Path) -> set[int]:
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    return {e["pid"] for e in entries if e.get("logger") == "rrall.knowledge" and str(e.get("message", ""))
            .startswith("index ")}


async def kill_one_worker(server_pid: int, log: Path, at: float, figures: dict[str, Any]) -> None:
    await asyncio.sleep(max(0.0, at - time.monotonic()))
    before = loaded_pids(log)
    victim = children(server_pid)[-1]
    os.kill(victim, signal.SIGKILL)
    killed_at = time.monotonic()
    figures["killed_pid"] = victim
    while time.monotonic() - killed_at < 120:
        if loaded_pids(log) - before - {victim}:
            figures["time_to_full_capacity_s"] = round(time.monotonic() - killed_at, 2)
            return
        await asyncio.sleep(0.1)


def drain(database: Path, timeout: float = 90) -> None:
    """Until nothing is left to answer or send (or the timeout passes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sqlite3.connect(database) as db:
            pending = sum(db.execute(f"SELECT count(*) FROM {t} WHERE status = 'pending'").fetchone()[0]
                          for t in ("channel_inbox", "channel_outbox"))
        if not pending:
            return
        time.sleep(0.5)


def count(database: Path, tally: Tally, received: Counter[int]) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        parts = Counter({int(c): n for c, n in db.execute(
            "SELECT conversation, count(*) FROM channel_outbox GROUP BY conversation")})
        platform_turns = Counter({int(c): n for c, n in db.execute(
            "SELECT l.conversation, count(*) FROM channel_links l JOIN chat_messages m ON m.session_id = l.session_id "
            "WHERE m.role = 'user' GROUP BY l.conversation")})
        stored = Counter(dict(db.execute(
            "SELECT session_id, count(*) FROM chat_messages WHERE role = 'user' GROUP BY session_id").fetchall()))
    chats = set(tally.accepted) | set(parts) | set(received)
    turns_seen = {**{str(c): n for c, n in tally.accepted.items()}, **tally.http_turns}
    turns_stored = {**{str(c): platform_turns[c] for c in tally.accepted}, **{s: stored[s] for s in tally.http_turns}}
    return {
        "turns_answered": sum(turns_seen.values()),
        "turns_lost": sum(max(0, n - turns_stored[k]) for k, n in turns_seen.items()),
        "turns_duplicated": sum(max(0, turns_stored[k] - n) for k, n in turns_seen.items()),
        "replies_expected": sum(parts.values()),
        "replies_lost": sum(max(0, parts[c] - received[c]) for c in chats)
        + sum(max(0, tally.accepted[c] - platform_turns[c]) for c in chats),
        "replies_duplicated": sum(max(0, received[c] - parts[c]) for c in chats),
    }


async def run(base: str, *, users: int, duration: float, server: Any, log: Path) -> tuple[Tally, dict[str, Any]]:
    tally, figures = Tally(), {}
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base, headers={"X-API-Key": KEY}, limits=limits, timeout=60) as client:
        deadline = time.monotonic() + duration
        updates = itertools.count(1)
        talkers = [http_user(client, n, deadline, tally) if n % 2 == 0 else
                   telegram_user(client, 900_000 + n, updates, deadline, tally) for n in range(users)]
        await asyncio.gather(kill_one_worker(server.pid, log, deadline - duration / 2, figures), *talkers)
    return tally, figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent users, half HTTP, half Telegram")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (at most 600)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    from knowledge.index import open_retriever

    fake = ThreadingHTTPServer(("127.0.0.1", 0), FakeTelegram)
    threading.Thread(target=fake.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory(prefix="rrall-faults-") as tmp:
        data_dir = Path(tmp)
        open_retriever(index_dir=data_dir / "index")  # built here, untimed
        port = _free_port()
        env = {**os.environ, "RRALL_DATA_DIR": str(data_dir), "RRALL_API_KEYS": KEY,
               "RRALL_RATE_LIMIT_PER_MINUTE": "0", "RRALL_KEY_RATE_LIMIT_PER_MINUTE": "0",
               "RRALL_TELEGRAM_BOT_TOKEN": BOT_TOKEN, "RRALL_TELEGRAM_SECRET_TOKEN": SECRET,
               "RRALL_TELEGRAM_API_URL": f"http://127.0.0.1:{fake.server_address[1]}"}
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        log = data_dir / "serve.log"
        with open(log, "wb") as out:
            server = subprocess.Popen(
                [sys.executable, "-c", "from assistant.cli import main; main()", "serve", "--port", str(port),
                 "--workers", str(args.workers)], stdout=out, stderr=subprocess.STDOUT, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base, log, server, workers=args.workers)
            started = time.monotonic()
            tally, figures = asyncio.run(run(base, users=args.users, duration=min(args.duration, 600.0),
                                             server=server, log=log))
            figures["duration_s"] = round(time.monotonic() - started, 1)
            drain(data_dir / "sessions.sqlite3")
            time.sleep(2.0)  # a late duplicate would show now
            figures.update(count(data_dir / "sessions.sqlite3", tally, FakeTelegram.received))
            figures["client_retries"] = dict(tally.retries)
        finally:
            server.terminate()
            server.wait(timeout=30)
            fake.shutdown()
    figures.update(users=args.users, workers=args.workers)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{figures['users']} users ({figures['users'] // 2} HTTP, {figures['users'] - figures['users'] // 2} "
          f"Telegram), {figures['workers']} workers, {figures['duration_s']} s, worker {figures.get('killed_pid')} "
          "killed (SIGKILL) halfway")
    print(f"turns answered {figures['turns_answered']}: lost {figures['turns_lost']}, "
          f"duplicated {figures['turns_duplicated']}")
    print(f"replies {figures['replies_expected']}: lost {figures['replies_lost']}, "
          f"duplicated {figures['replies_duplicated']}")
    print(f"time to full capacity after the kill: {figures.get('time_to_full_capacity_s', 'not reached')} s")
    print(f"client retries: {figures['client_retries'] or 'none'}")


if __name__ == "__main__":
    main()
