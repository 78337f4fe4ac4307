"""Understanding a chat message without a model: patient facts, what is asked, and safety checks."""

from assistant.understanding.facts import FactNote, FactUpdate, extract_facts
from assistant.understanding.intents import Intent, classify
from assistant.understanding.safety import is_injection, redact

__all__ = ["FactNote", "FactUpdate", "Intent", "classify", "extract_facts", "is_injection", "redact"]
