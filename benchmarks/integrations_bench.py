"""Latency of the integration surfaces over HTTP on loopback, p50 and p95: a CDS Hooks patient-view call
with prefetch, an OpenAI-compatible chat completion, and an MCP assess_patient call with the SDK client;
plus FHIR mapping and cards in process.

    PYTHONPATH=. .venv/bin/python benchmarks/integrations_bench.py [--rounds 20]

The synthetic FHIR records are the tests' library (tests/integrations/fhir_bundles.py). Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import anyio
import httpx
import uvicorn
from mcp import Client

from api.app import create_app
from api.fhir.cards import build_cards
from api.fhir.record import map_record, parse_resources
from api.fhir.table import load_mapping
from assistant.settings import Settings
from knowledge.pack import default_pack
from tests.integrations.fhir_bundles import library
from tests.live import free_port
from tools.assess import assess

RECORDS = [r for r in library().values() if r.name != "spec_example_patient"]


def percentiles(timings: list[float]) -> str:
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return f"n={len(timings):<4} p50 {cuts[49] * 1000:7.1f} ms   p95 {cuts[94] * 1000:7.1f} ms"


def timed(call: Callable[[], object], rounds: int) -> list[float]:
    call()  # warm-up
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        timings.append(time.perf_counter() - start)
    return timings


def in_process(rounds: int) -> list[float]:
    table, pack = load_mapping(), default_pack()

    def one() -> None:
        for record in RECORDS:
            resources, _ = parse_resources([v for v in record.prefetch().values() if v])
            mapped = map_record(resources, table=table, today=dt.date.today())
            build_cards(mapped, assess(mapped.profile) if mapped.in_scope else None, pack=pack,
                        base_url="http://x", hook_instance="bench", session_url="http://x/widget")

    return [t / len(RECORDS) for t in timed(one, rounds)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    print(f"FHIR record -> cards, in process   {percentiles(in_process(args.rounds))}")
    with tempfile.TemporaryDirectory(prefix="rrall-bench-") as tmp:
        port = free_port()
        app = create_app(Settings(data_dir=Path(tmp), rate_limit_per_minute=0))
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{port}"
        try:
            while True:
                try:
                    if httpx.get(f"{base}/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            client = httpx.Client(base_url=base, timeout=30)
            record = RECORDS[0]
            hook = {"hook": "patient-view", "hookInstance": "bench", "prefetch": record.prefetch(),
                    "context": {"userId": "Practitioner/1", "patientId": record.patient_id}}
            cds = timed(lambda: client.post("/cds-services/rrall-agent-choice", json=hook).raise_for_status(),
                        args.rounds)
            print(f"CDS Hooks patient-view (prefetch)  {percentiles(cds)}")
            chat = {"model": "rrall-navigator",
                    "messages": [{"role": "user", "content": "What are the risk factors for SOS after InO?"}]}
            completions = timed(lambda: client.post("/v1/chat/completions", json=chat).raise_for_status(),
                                args.rounds)
            print(f"OpenAI chat completion (JSON)      {percentiles(completions)}")

            async def mcp_calls() -> list[float]:
                async with Client(f"{base}/mcp") as mcp:
                    timings = []
                    for _ in range(args.rounds + 1):
                        start = time.perf_counter()
                        profile = {"age_years": 34, "marrow_blasts_pct": 80}
                        await mcp.call_tool("assess_patient", {"profile": profile})
                        timings.append(time.perf_counter() - start)
                    return timings[1:]

            print(f"MCP assess_patient (HTTP, SDK)     {percentiles(anyio.run(mcp_calls))}")
        finally:
            server.should_exit = True
            thread.join(timeout=10)


if __name__ == "__main__":
    main()
