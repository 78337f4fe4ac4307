"""RR-ALL Navigator: the conversation layer (sessions, understanding, planning, composing, CLI)."""

__version__ = "0.1.0"
