"""API fuzzing with schemathesis's own command line, as an outside tester runs it: every operation in
/openapi.json, ``--checks all``, all four phases (examples, coverage, fuzzing and the stateful phase,
which chains calls: a chat's session id into GET, PATCH and DELETE /v1/sessions/{id}, a question's id
into its answer), against a real server over loopback. Zero failures allowed.

The server has a loaded index, API keys (so the ignored-auth check has something to check; the key
is schemathesis's own auth setting, so it knows which credentials are valid) and rate limits off (the
fuzzer is one very busy client). A fixed seed keeps the run reproducible; ``-n`` bounds its length.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.live import live_server
from tests.service.conftest import KEY

MAX_EXAMPLES = 40
SEED = 13
ST = Path(sys.executable).with_name("st")


@pytest.mark.slow
def test_schemathesis_checks_all_with_the_stateful_phase_find_nothing(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "schemathesis.toml"
    config.write_text(f'[auth.openapi.apiKey]\napi_key = "{KEY}"\n')
    app = make_app(api_keys=KEY, rate_limit_per_minute=0, key_rate_limit_per_minute=0)
    with live_server(app, wait_ready=True) as base:
        run = subprocess.run(
            [str(ST), "--config-file", str(config), "run", f"{base}/openapi.json", "--checks", "all",
             "--phases", "examples,coverage,fuzzing,stateful", "--max-examples", str(MAX_EXAMPLES),
             "--workers", "1", "--seed", str(SEED), "--generation-database", "none", "--no-color",
             # Fuzzed with their own leniency in test_fuzz_integrations.py (their valid-looking bodies can
             # rightly be refused); the patient-view call names a FHIR server to fetch, never fuzzed.
             "--exclude-path-regex", r"^/(cds-services/\{service_id\}|v1/chat/completions)$"],
            capture_output=True, text=True, timeout=900, cwd=tmp_path, check=False,
        )
    summary = run.stdout[run.stdout.find("SUMMARY"):]
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "Failures:" not in summary and "Errors:" not in summary
    assert all(f"✅ {phase}" in summary for phase in ("Examples", "Coverage", "Fuzzing", "Stateful")), summary
    assert "Tested: 0" not in summary
    # The stateful phase really chained calls: links between operations were found and followed.
    assert re.search(r"API Links:\s+[1-9]\d* covered", run.stdout), run.stdout[-3000:]
