"""The three agents the review compares, in the fixed order every result lists them, and the names
clinicians type for them."""

from __future__ import annotations

import re
from typing import Literal

Agent = Literal["blinatumomab", "inotuzumab_ozogamicin", "tisagenlecleucel"]
AGENTS: tuple[Agent, ...] = ("blinatumomab", "inotuzumab_ozogamicin", "tisagenlecleucel")

DISPLAY_NAME: dict[Agent, str] = {
    "blinatumomab": "blinatumomab",
    "inotuzumab_ozogamicin": "inotuzumab ozogamicin (InO)",
    "tisagenlecleucel": "tisagenlecleucel",
}

# Names users type (clinical-rules.md section 1), compared after normalise_term().
AGENT_SYNONYMS: dict[str, Agent] = {
    "blinatumomab": "blinatumomab",
    "blina": "blinatumomab",
    "blincyto": "blinatumomab",
    "bite": "blinatumomab",
    "inotuzumab ozogamicin": "inotuzumab_ozogamicin",
    "inotuzumab": "inotuzumab_ozogamicin",
    "ino": "inotuzumab_ozogamicin",
    "besponsa": "inotuzumab_ozogamicin",
    "tisagenlecleucel": "tisagenlecleucel",
    "tisa cel": "tisagenlecleucel",
    "tisacel": "tisagenlecleucel",
    "kymriah": "tisagenlecleucel",
    "ctl019": "tisagenlecleucel",
    "cd19 car t": "tisagenlecleucel",
    "car t": "tisagenlecleucel",
}


def normalise_term(text: str) -> str:
    """Lower case; hyphens, underscores and runs of spaces become one space ("Tisa-cel" -> "tisa cel")."""
    return re.sub(r"[\s_\-]+", " ", text.strip().lower()).strip()


def parse_agent(value: object) -> Agent:
    """The agent key for a name a clinician typed; ValueError naming the known agents otherwise."""
    if isinstance(value, str):
        agent = AGENT_SYNONYMS.get(normalise_term(value))
        if agent is not None:
            return agent
    raise ValueError(
        f"agent must be one of {', '.join(AGENTS)} (or a common name such as blina, InO, Kymriah), "
        f"got {value!r}"
    )
