"""pytest plugin: registers the shared fixtures for every package's tests.

Loaded through the ``pytest11`` entry point, so it is imported for every test
run of every package: it must stay cheap to import. The cluster module is only
imported when a test actually asks for PostgreSQL, and ``tasker_core`` is never
imported here (engine tests run the worker in a subprocess, see
``worker_probe``).

Fixtures:

``postgres_cluster`` (session)
    One throwaway PostgreSQL cluster shared by the whole run. Skips the test
    when no server binaries are installed, except on CI (``CI`` set to a true
    value), where the absence is an error so engine tests never silently
    disappear from the pipeline.
``real_stack`` (session)
    The cluster from ``shared/realstack`` (upstream's schema) for the whole run,
    with helpers to start hosts and inject steps
    (:class:`~tasker_contrib_testsupport.realstack.RealStack`). Skips when the
    folder or PostgreSQL is missing, fails instead under ``CI``.
``tasker_database_url`` (session)
    A URL of the real stack's database through a role of its own: what a test
    needs to start the worker runtime, which refuses a database without the schema.
``redis_server`` (session)
    A throwaway ``redis-server`` on 127.0.0.1 (a real Celery broker). Skips
    when the binary is missing, fails instead under ``CI``.
``postgres_url`` (function)
    A fresh, empty database in that cluster for one test, dropped afterwards.
    Its URL is password-authenticated TCP on 127.0.0.1, the form the engine
    accepts.
``browser`` (function)
    A headless Chromium WebDriver (Debian's ``chromium`` under ``/usr/bin/chromedriver``,
    see :mod:`~tasker_contrib_testsupport.browser`), started once per session and
    handed to each test with fresh page state. Skips when chromium, chromedriver or
    selenium is missing, fails instead under ``CI``. Mark such tests ``browser``.
``example_settings`` (function)
    Local-runtime settings serving the shared example workflow, built with the
    ``tasker_local_settings`` fixture of the framework package under test
    (FastAPI's or Flask's testing plugin).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

    from tasker_contrib_testsupport.browser import HeadlessChromium
    from tasker_contrib_testsupport.postgres import PostgresCluster
    from tasker_contrib_testsupport.realstack import RealStack
    from tasker_contrib_testsupport.redis_server import RedisServer

__all__ = [
    "browser",
    "browser_session",
    "ci_is_set",
    "example_settings",
    "postgres_cluster",
    "postgres_url",
    "real_stack",
    "redis_server",
    "tasker_database_url",
    "unavailable",
]

_TRUE = frozenset({"1", "true", "yes", "on"})


def ci_is_set() -> bool:
    """True when the ``CI`` environment variable holds a true value (as CI services set it)."""
    return os.environ.get("CI", "").strip().lower() in _TRUE


def unavailable(missing: str, *, tests: str, cause: object) -> NoReturn:
    """End a test whose binary or resource is missing: a skip locally, an error on CI.

    A developer without, say, ``redis-server`` still gets a green run, while a
    pipeline that lost a package from ``.ci/run`` fails loudly instead of
    quietly dropping those tests. ``missing`` names what is absent in the skip
    reason, ``tests`` the kind of test in the CI error, ``cause`` says why.
    """
    if ci_is_set():
        pytest.fail(f"CI is set, so {tests} tests may not be skipped: {cause}", pytrace=False)
    pytest.skip(f"{missing} not available: {cause}")


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A private PostgreSQL server for the whole test session."""
    from tasker_contrib_testsupport.postgres import (
        PostgresCluster,
        PostgresNotFoundError,
        find_postgres_bindir,
    )

    try:
        bindir = find_postgres_bindir()
    except PostgresNotFoundError as exc:
        unavailable("PostgreSQL server binaries", tests="engine", cause=exc)
    with PostgresCluster(bindir=bindir) as cluster:
        yield cluster


@pytest.fixture
def postgres_url(
    postgres_cluster: PostgresCluster, request: pytest.FixtureRequest
) -> Iterator[str]:
    """URL of a new empty database, unique to the requesting test."""
    # A readable prefix helps when inspecting a cluster kept alive in a debugger.
    slug = re.sub(r"[^a-z0-9_]", "_", request.node.name.lower())[:24]
    name = f"t_{slug}_{os.urandom(4).hex()}"
    url = postgres_cluster.create_database(name)
    try:
        yield url
    finally:
        postgres_cluster.drop_database(name)


@pytest.fixture(scope="session")
def tasker_database_url(real_stack: RealStack) -> str:
    """A database the real worker accepts (upstream's schema and pgmq), for hosts that
    start the worker runtime without injecting steps.

    It is the real stack's database through a role of its own whose password
    (``tasker-test-password``) appears nowhere else in the URL, so tests can swap
    or look for the password without touching the user or database name.
    """
    return real_stack.role_url("tasker_test", "tasker-test-password")


@pytest.fixture(scope="session")
def real_stack() -> Iterator[RealStack]:
    """The real worker's database (upstream schema) for the whole session; hosts are
    started per module or per test through it and all stopped at the end."""
    from tasker_contrib_testsupport.realstack import RealStackUnavailable, open_real_stack

    try:
        stack = open_real_stack()
    except RealStackUnavailable as exc:
        unavailable("real stack", tests="real-stack", cause=exc)
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A private Redis server for the whole test session (a real Celery broker)."""
    from tasker_contrib_testsupport.redis_server import (
        RedisNotFoundError,
        RedisServer,
        find_redis_server,
    )

    try:
        binary = find_redis_server()
    except RedisNotFoundError as exc:
        unavailable("redis-server", tests="broker", cause=exc)
    with RedisServer(binary) as server:
        yield server


@pytest.fixture(scope="session")
def browser_session() -> Iterator[HeadlessChromium]:
    """One headless Chromium for the whole test session (started on first use)."""
    from tasker_contrib_testsupport.browser import (
        BrowserNotFoundError,
        HeadlessChromium,
        find_browser_binaries,
    )

    try:
        binaries = find_browser_binaries()
    except BrowserNotFoundError as exc:
        unavailable("headless chromium", tests="browser", cause=exc)
    chromium = HeadlessChromium(binaries)
    with chromium:
        yield chromium


@pytest.fixture
def browser(browser_session: HeadlessChromium) -> WebDriver:
    """The session's WebDriver with no cookies, storage or page left by another test."""
    from tasker_contrib_testsupport.browser import reset_page_state

    driver = browser_session.driver
    assert driver is not None
    reset_page_state(driver)
    return driver


@pytest.fixture
def example_settings(tasker_local_settings: Callable[..., Any]) -> Any:
    """Local-runtime settings serving the shared example workflow.

    ``tasker_local_settings`` comes from the framework package's own testing
    plugin, so this plugin never imports a framework package; only a test that
    asks for these settings needs one.
    """
    import tasker_contrib_example as example

    return tasker_local_settings(
        handler_packages=list(example.HANDLER_PACKAGES),
        template_paths=[example.TEMPLATES_DIR],
        shutdown_timeout_seconds=5,
    )
