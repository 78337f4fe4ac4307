"""Placeholder: service hardening (API keys, CORS, rate limits, size cap, request ids, logs)."""

from fastapi import FastAPI

from assistant.settings import Settings


def install_middleware(app: FastAPI, settings: Settings) -> None:
    """Filled in by its owner."""
