"""Load: concurrent multi-turn chat sessions against a real `assistant serve --workers N` on loopback.

    python benchmarks/load.py [--users 50] [--duration 60] [--workers 2] [--turns 6] [--json]

Starts the server itself (a fresh data directory, the index built first and not timed, an API key
configured so the key check is on the path, the per-client rate limit off because every simulated
user shares 127.0.0.1), runs ``--users`` simulated clinicians for ``--duration`` seconds, each
playing conversations of ``--turns`` turns and starting a new session after each, then stops the
server. Reports throughput, latency percentiles and errors, and checks through
``GET /v1/sessions/{id}`` that every session's transcript holds exactly two entries per turn that
was answered. Loopback only; bounded in time; prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

KEY = "load-test-key"
SCRIPT = (
    "I have a {age}-year-old with first relapse of Ph-negative B-ALL, 60% marrow blasts.",
    "CD22 is 95% and CD19 is positive. Which agent would you choose?",
    "What are the risk factors for sinusoidal obstruction syndrome after inotuzumab?",
    "She had an allogeneic transplant before. Does that change anything?",
    "How long does tisagenlecleucel manufacturing take?",
    "Compare blinatumomab and CAR T for CNS disease.",
    "actually blasts are 10% now",
    "How should I sequence these agents for this patient?",
)


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    turns_by_session: dict[str, int] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, *, workers: int, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "RRALL_DATA_DIR": str(data_dir), "RRALL_API_KEYS": KEY, "RRALL_LOG_LEVEL": "INFO",
           "RRALL_RATE_LIMIT_PER_MINUTE": "0", "RRALL_KEY_RATE_LIMIT_PER_MINUTE": "0"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [sys.executable, "-c", "from assistant.cli import main; main()", "serve", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers)]
    log = open(data_dir / "serve.log", "wb")  # noqa: SIM115 - the server writes to it until it stops
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)


def wait_ready(base: str, log: Path, proc: subprocess.Popen[bytes], *, workers: int, timeout: float = 180) -> None:
    """Until every worker has logged its index as loaded (one busy worker can leave all new
    connections to the others, so /readyz alone cannot tell), then /readyz answers 200."""
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"server did not become ready; see {log}")
        entries = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        loaded = {e["pid"] for e in entries if e.get("logger") == "rrall.knowledge"
                  and str(e.get("message", "")).startswith("index ")}
        if len(loaded) >= workers:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
        time.sleep(0.2)


async def user(client: httpx.AsyncClient, number: int, *, deadline: float, turns: int, tally: Tally) -> None:
    while time.monotonic() < deadline:
        session_id: str | None = None
        for turn in range(turns):
            if time.monotonic() >= deadline:
                break
            message = SCRIPT[turn % len(SCRIPT)].format(age=30 + number % 40)
            body: dict[str, Any] = {"message": message} | ({"session_id": session_id} if session_id else {})
            start = time.perf_counter()
            try:
                response = await client.post("/v1/chat", json=body)
            except httpx.HTTPError as exc:
                tally.errors[type(exc).__name__] += 1
                break
            tally.latencies.append(time.perf_counter() - start)
            if response.status_code != 200:
                tally.errors[str(response.status_code)] += 1
                break
            session_id = response.json()["session_id"]
            tally.turns_by_session[session_id] = tally.turns_by_session.get(session_id, 0) + 1


async def verify(client: httpx.AsyncClient, tally: Tally) -> list[str]:
    """Sessions whose transcript does not hold two entries per answered turn."""
    gate = asyncio.Semaphore(20)

    async def check(session_id: str, turns: int) -> str | None:
        async with gate:
            response = await client.get(f"/v1/sessions/{session_id}")
        if response.status_code != 200 or len(response.json()["transcript"]) != 2 * turns:
            return session_id
        return None

    results = await asyncio.gather(*(check(s, n) for s, n in tally.turns_by_session.items()))
    return [s for s in results if s]


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


async def run(base: str, *, users: int, duration: float, turns: int) -> dict[str, Any]:
    tally = Tally()
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(base_url=base, headers={"X-API-Key": KEY}, limits=limits, timeout=60) as client:
        started = time.monotonic()
        deadline = started + duration
        await asyncio.gather(*(user(client, n, deadline=deadline, turns=turns, tally=tally) for n in range(users)))
        elapsed = time.monotonic() - started
        incomplete = await verify(client, tally)
    latencies = sorted(tally.latencies)
    return {
        "users": users, "duration_s": round(elapsed, 1), "turns": len(latencies),
        "throughput_turns_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "errors": sum(tally.errors.values()), "errors_by_kind": dict(tally.errors),
        "sessions": len(tally.turns_by_session), "sessions_incomplete": len(incomplete),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent simulated users (sessions)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (at most 600)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--turns", type=int, default=6, help="turns per conversation before a new session")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    duration = min(args.duration, 600.0)

    from knowledge.index import open_retriever

    with tempfile.TemporaryDirectory(prefix="rrall-load-") as tmp:
        data_dir = Path(tmp)
        open_retriever(index_dir=data_dir / "index")  # built here, untimed; the workers only load it
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        proc = start_server(data_dir, workers=args.workers, port=port)  # INFO logs: as in production
        try:
            wait_ready(base, data_dir / "serve.log", proc, workers=args.workers)
            figures = asyncio.run(run(base, users=args.users, duration=duration, turns=args.turns))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    figures["workers"] = args.workers
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{figures['users']} users, {figures['workers']} workers, {figures['duration_s']} s: "
          f"{figures['turns']} chat turns, {figures['throughput_turns_per_s']} turns/s")
    print(f"latency p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms")
    print(f"errors: {figures['errors']} {figures['errors_by_kind'] or ''}")
    print(f"sessions: {figures['sessions']}, with an incomplete transcript: {figures['sessions_incomplete']}")


if __name__ == "__main__":
    main()
