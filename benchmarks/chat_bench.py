"""Chat-turn latency, p50 and p95: in-process (ChatEngine) and over HTTP (uvicorn on loopback).

    python benchmarks/chat_bench.py [--rounds 5] [--data-dir DIR]

Each round plays the same mix of turns: evidence questions in fresh sessions (one of them in two
parts, one out of scope) and a multi-turn patient conversation. In process, the CPU time of each turn
(this process's user + system time) is printed beside the wall-clock figures: on a shared machine it
is the steadier measure of what a turn costs. Both measurements share one temporary data directory,
so the index is built once (the build is not timed). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import uvicorn

from api.app import create_app
from assistant.runtime import build_engine
from assistant.settings import Settings

QUESTIONS = (
    "What were the CR/CRi rates in INO-VATE for InO vs chemo?",
    "What are the risk factors for SOS after inotuzumab?",
    "How common is CRS with Kymriah?",
    "What is a BiTE?",
    "What's the weather in Boston today?",
    "What was the CR rate in INO-VATE and how often did SOS occur?",
    "ino sos rate in pts going to allo",
)
CONVERSATION = (
    "I have a 34-year-old man with B-ALL in second relapse.",
    "Marrow shows 80% blasts, CD19 positive, CD22 95%.",
    "He had an allogeneic transplant last year, bilirubin 1.4x ULN.",
    "actually blasts are 10% now",
    "How should I sequence these agents for this patient?",
)
# One turn: (message, session id or None) -> session id of the answer.
Turn = Callable[[str, str | None], str]


CPU_TIMES: list[float] = []


def play(turn: Turn, rounds: int) -> list[float]:
    timings: list[float] = []
    CPU_TIMES.clear()

    def timed(message: str, session: str | None) -> str:
        start, cpu = time.perf_counter(), time.process_time()
        answered = turn(message, session)
        timings.append(time.perf_counter() - start)
        CPU_TIMES.append(time.process_time() - cpu)
        return answered

    for _ in range(rounds):
        for question in QUESTIONS:
            timed(question, None)
        session: str | None = None
        for message in CONVERSATION:
            session = timed(message, session)
    return timings


def percentiles(timings: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000


def in_process(settings: Settings, rounds: int) -> list[float]:
    engine = build_engine(settings)

    def turn(message: str, session_id: str | None) -> str:
        return engine.respond(message, session_id).session_id

    play(turn, 1)  # warm-up: first queries load models and caches
    return play(turn, rounds)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def over_http(settings: Settings, rounds: int, ready_timeout: float = 300.0) -> list[float]:
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False
        )
    )
    thread = threading.Thread(target=server.run, name="bench-uvicorn", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30.0) as client:
            deadline = time.monotonic() + ready_timeout
            while True:
                try:
                    if client.get("/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"server on {base} not ready after {ready_timeout:.0f} s")
                time.sleep(0.1)

            def turn(message: str, session_id: str | None) -> str:
                body: dict[str, str] = {"message": message}
                if session_id:
                    body["session_id"] = session_id
                response = client.post("/v1/chat", json=body)
                response.raise_for_status()
                return str(response.json()["session_id"])

            play(turn, 1)
            return play(turn, rounds)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5, help="times the turn mix is played (default 5)")
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="data directory (default: a temporary one)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rrall-bench-") as tmp:
        # The bench is one client sending turns back to back: lift the per-address limits out of its way.
        settings = Settings(data_dir=args.data_dir or Path(tmp), rate_limit_per_minute=0)
        start = time.perf_counter()
        build_engine(settings)  # builds the index once if missing; not part of the turn timings
        print(f"index ready in {time.perf_counter() - start:.1f} s ({settings.data_dir})")
        for name, measure in (("in-process", in_process), ("HTTP", over_http)):
            timings = measure(settings, args.rounds)
            p50, p95 = percentiles(timings)
            print(
                f"chat turn {name:<10}  n={len(timings):<4} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   "
                f"max {max(timings) * 1000:7.1f} ms"
            )
            if name == "in-process":
                cpu50, cpu95 = percentiles(CPU_TIMES)
                mean = statistics.mean(CPU_TIMES) * 1000
                print(f"cpu per turn {name:<7}  mean {mean:7.1f} ms   p50 {cpu50:7.1f} ms   p95 {cpu95:7.1f} ms")


if __name__ == "__main__":
    main()
