"""One instance per app, made on first use and kept on ``app.state``: for the small SQL stores of the
integration routes, which create their tables once rather than on every request."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request

T = TypeVar("T")
_LOCK = threading.Lock()


def per_app(request: Request, name: str, factory: Callable[[], T]) -> T:
    holder: Any = request.app.state
    with _LOCK:
        found = getattr(holder, name, None)
        if found is None:
            found = factory()
            setattr(holder, name, found)
    return found
