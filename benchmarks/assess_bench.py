"""Assessments per second: in-process, and over HTTP against the real app under uvicorn on loopback.

    python benchmarks/assess_bench.py [--seconds 3] [--concurrency 8]

The server runs in its own process (so client and server do not share a GIL), built by
``create_app(Settings(data_dir=<temp>), load_knowledge=False)``: /v1/assess needs no index. Figures are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from tools.assess import assess
from tools.profile import PatientProfile

REPO = Path(__file__).resolve().parents[1]


def varied_profiles(count: int, seed: int = 0) -> list[dict[str, Any]]:
    """Deterministic, varied profiles: each field present about two times in three."""
    rng = random.Random(seed)
    choices: dict[str, list[Any]] = {
        "age_years": [1, 9, 17, 18, 22, 25, 26, 45, 55, 67],
        "disease_status": ["refractory", "first relapse", "2nd relapse", "MRD+"],
        "ph_positive": [True, False],
        "marrow_blasts_pct": [0.5, 4.9, 5, 30, 49.9, 50, 80],
        "cd19": ["positive", "dim", "negative"],
        "cd22_positive_pct": [0, 40, 89.9, 90, 98],
        "kmt2a_rearranged": [True, False],
        "cns_disease": [True, False],
        "extramedullary_disease": [True, False],
        "prior_therapies": [[], ["chemo"], ["blina", "chemo"], ["Kymriah"], ["InO", "CD22 CAR T"]],
        "prior_hsct": [True, False],
        "hsct_planned": [True, False],
        "hsct_feasible": [True, False],
        "dual_alkylator_conditioning": [True, False],
        "bilirubin_x_uln": [0.5, 0.99, 1.0, 1.4],
        "planned_ino_cycles": [1, 2, 3, 6],
        "t_cell_dysfunction": [True, False],
        "rapidly_progressive": [True, False],
        "prior_car_t_manufacturing_failure": [True, False],
        "prefers_no_pump": [True, False],
    }
    return [
        {field: rng.choice(values) for field, values in choices.items() if rng.random() < 0.67}
        for _ in range(count)
    ]


def bench_in_process(profiles: list[dict[str, Any]], seconds: float) -> tuple[float, float]:
    """(validate + assess per second, assess alone per second)."""
    validated = [PatientProfile.model_validate(p) for p in profiles]

    def validate_and_assess(i: int) -> None:
        assess(PatientProfile.model_validate(profiles[i]))

    def assess_only(i: int) -> None:
        assess(validated[i])

    rates = []
    for work in (validate_and_assess, assess_only):
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            for i in range(len(profiles)):
                work(i)
            done += len(profiles)
        rates.append(done / (time.perf_counter() - start))
    return rates[0], rates[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int, data_dir: str) -> subprocess.Popen[bytes]:
    code = (
        "import uvicorn\n"
        "from api.app import create_app\n"
        "from assistant.settings import Settings\n"
        f"app = create_app(Settings(data_dir={data_dir!r}), load_knowledge=False)\n"
        f"uvicorn.run(app, host='127.0.0.1', port={port}, log_level='warning', access_log=False)\n"
    )
    server = subprocess.Popen([sys.executable, "-c", code], cwd=REPO)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=0.5).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("the server did not answer /healthz within 20 s")


def bench_http(
    base: str, profiles: list[dict[str, Any]], seconds: float, concurrency: int
) -> dict[str, float]:
    latencies: list[float] = []

    def worker(offset: int) -> int:
        done = 0
        with httpx.Client(base_url=base, timeout=10) as client:
            start = time.perf_counter()
            while time.perf_counter() - start < seconds:
                t0 = time.perf_counter()
                response = client.post("/v1/assess", json=profiles[(offset + done) % len(profiles)])
                latencies.append(time.perf_counter() - t0)
                if response.status_code != 200:
                    raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
                done += 1
        return done

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        total = sum(pool.map(worker, range(concurrency)))
    elapsed = time.perf_counter() - start
    ordered = sorted(latencies)
    return {
        "per_second": total / elapsed,
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[int(len(ordered) * 0.95)] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="duration of each measurement")
    parser.add_argument("--concurrency", type=int, default=8, help="parallel HTTP clients in the second run")
    args = parser.parse_args()

    profiles = varied_profiles(200)
    with_validation, assess_only = bench_in_process(profiles, args.seconds)
    print(f"in-process  validate+assess: {with_validation:9.0f} assessments/s")
    print(f"in-process  assess only:     {assess_only:9.0f} assessments/s")

    port = _free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        server = start_server(port, data_dir)
        try:
            base = f"http://127.0.0.1:{port}"
            bench_http(base, profiles, 0.5, 1)  # warm-up
            for concurrency in (1, args.concurrency):
                figures = bench_http(base, profiles, args.seconds, concurrency)
                print(
                    f"HTTP        {concurrency:2d} client(s):     {figures['per_second']:9.0f} assessments/s"
                    f"  (p50 {figures['p50_ms']:.2f} ms, p95 {figures['p95_ms']:.2f} ms)"
                )
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
