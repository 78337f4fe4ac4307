"""The README's Integrations section cannot drift: its Python examples run against the live service
(the example host and key replaced by the test server's), and its JSON and YAML blocks parse."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
import yaml

from tests.integrations.conftest import KEY

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Integrations", 1)[1].split("\n## ", 1)[0]
PYTHON = re.findall(r"```python\n(.+?)```", SECTION, flags=re.DOTALL)


def _run(code: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    return out.getvalue()


@pytest.mark.parametrize("index", range(len(PYTHON)))
def test_python_example_runs_against_the_service(service: str, indexed_data_dir: Path, index: int) -> None:
    code = PYTHON[index].replace("https://navigator.example.org", service).replace('"KEY"', repr(KEY))
    code = code.replace("Bearer KEY", f"Bearer {KEY}")
    code = code.replace('"data/index"', repr(str(indexed_data_dir / "index")))
    printed = _run(code)
    assert printed.strip(), "each example prints its result"
    assert "False" in printed or "[1]" in printed


def test_there_is_one_example_per_python_integration() -> None:
    assert len(PYTHON) == 3  # openai, mcp, langchain


def test_config_blocks_parse() -> None:
    blocks = re.findall(r"```(json|yaml)\n(.+?)```", SECTION, flags=re.DOTALL)
    assert len(blocks) >= 3
    for kind, text in blocks:
        assert (json.loads(text) if kind == "json" else yaml.safe_load(text))
