"""One live app with every platform configured against one fake platform server, for all channel tests.

The app is served over real HTTP by tests/live.py; its index is built with the deterministic hash
embedder (under a second) rather than the ONNX model (about twelve), since channels do not test
retrieval. Regenerate the golden renderings with ``pytest tests/channels --update-channel-golden``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.channels.fake_platform import FakePlatform
from tests.channels.harness import LiveApp, platform_settings, ready_app
from tests.live import live_server


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-channel-golden", action="store_true", default=False,
                     help="Rewrite tests/channels/golden/*.txt from the current renderers (review the diff).")


@pytest.fixture(scope="session")
def update_channel_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-channel-golden", default=False))


@pytest.fixture(scope="package")
def fake() -> Iterator[FakePlatform]:
    platform = FakePlatform().start()
    yield platform
    platform.stop()


@pytest.fixture(scope="package")
def live(fake: FakePlatform, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    settings = platform_settings(tmp_path_factory.mktemp("channels"), fake.url, identity_url=fake.tls_url,
                                 ca_file=fake.ca_file)
    app = ready_app(settings)
    with live_server(app, wait_ready=True) as base:
        yield LiveApp(base=base, app=app, settings=settings)
