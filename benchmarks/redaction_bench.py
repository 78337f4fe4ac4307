"""Name redaction on 200 generated messages: recall of name words, clinical terms lost, and time.

    .venv/bin/python benchmarks/redaction_bench.py [--json]

Recall counts a name word as caught when it no longer appears in the redacted text. A false positive
is a clinical term ("Kymriah", "Ph+", "TOWER", "CD19") missing after redaction, or any change to one
of 50 messages with no name in them.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.understanding.person_names import analyzer
from assistant.understanding.safety import redact
from tests.assistant.name_messages import clinical_only, name_messages


def _present(word: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w])", text) is not None


def measure() -> dict[str, float | int | list[str]]:
    t0 = time.perf_counter()
    analyzer()
    load_s = time.perf_counter() - t0
    messages = name_messages()
    plain = clinical_only()
    start = time.perf_counter()
    redacted = [redact(m.text)[0] for m in messages]
    unchanged = [redact(text)[0] for text in plain]
    elapsed = time.perf_counter() - start
    words = [(w, out) for m, out in zip(messages, redacted, strict=True) for w in m.names]
    caught = sum(not _present(w, out) for w, out in words)
    missed = [m.text for m, out in zip(messages, redacted, strict=True) if any(_present(w, out) for w in m.names)]
    terms = [(t, out) for m, out in zip(messages, redacted, strict=True) for t in m.clinical]
    lost = [t for t, out in terms if t not in out]
    changed = [text for text, out in zip(plain, unchanged, strict=True) if text != out]
    return {
        "messages": len(messages), "name_words": len(words), "recall": caught / len(words),
        "messages_fully_redacted": 1 - len(missed) / len(messages),
        "clinical_terms": len(terms), "clinical_terms_lost": len(lost),
        "name_free_messages": len(plain), "name_free_messages_changed": len(changed),
        "ms_per_message": 1000 * elapsed / (len(messages) + len(plain)), "model_load_s": load_s,
        "missed_examples": missed[:5], "lost_examples": sorted(set(lost))[:5] + changed[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    figures = measure()
    if parser.parse_args().json:
        print(json.dumps(figures, indent=2))
        return
    print(f"name words caught:        {figures['recall']:.1%} of {figures['name_words']}"
          f" ({figures['messages_fully_redacted']:.1%} of {figures['messages']} messages fully redacted)")
    print(f"clinical terms lost:      {figures['clinical_terms_lost']} of {figures['clinical_terms']}")
    print(f"name-free messages changed: {figures['name_free_messages_changed']} of {figures['name_free_messages']}")
    print(f"time: {figures['ms_per_message']:.1f} ms per message (model load {figures['model_load_s']:.1f} s)")
    for text in figures["missed_examples"]:  # type: ignore[union-attr]
        print("  missed:", text)
    for text in figures["lost_examples"]:  # type: ignore[union-attr]
        print("  lost:", text)


if __name__ == "__main__":
    main()
