"""Headless Chromium for browser tests (Debian's ``chromium`` and ``chromium-driver``).

Selenium drives the Debian binaries directly: the driver path is handed to the
``Service``, so Selenium Manager (which would try to download a driver and a
browser build) never runs. The driver is started once per test session and
each test gets it back with fresh page state (cookies and storage cleared,
``about:blank`` loaded).

Screenshots go to ``build/test-artifacts/console/<name>.png``; with
``TASKER_CONTRIB_UPDATE_DOC_SCREENSHOTS=1`` they are also written to
``docs/images/console/<name>.png``, which is how the docs images are refreshed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

__all__ = [
    "BROWSER_ENV",
    "CHROMEDRIVER_ENV",
    "CHROME_FLAGS",
    "DOC_SCREENSHOTS_ENV",
    "BrowserBinaries",
    "BrowserNotFoundError",
    "HeadlessChromium",
    "find_browser_binaries",
    "reset_page_state",
    "save_screenshot",
    "screenshot_dirs",
]

#: Environment variables naming the binaries; they win over the Debian paths.
BROWSER_ENV = "TASKER_TEST_CHROMIUM"
CHROMEDRIVER_ENV = "TASKER_TEST_CHROMEDRIVER"
#: Set to 1 to also write screenshots into the docs' image folder.
DOC_SCREENSHOTS_ENV = "TASKER_CONTRIB_UPDATE_DOC_SCREENSHOTS"

DEFAULT_BROWSER = Path("/usr/bin/chromium")
DEFAULT_CHROMEDRIVER = Path("/usr/bin/chromedriver")

#: Headless, no sandbox (root in containers), and nothing that reaches the network
#: on its own (updates, sync, QUIC probes).
CHROME_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
WINDOW_SIZE = (1280, 900)

_INSTALL_HINT = (
    "install Debian's chromium and chromium-driver packages "
    "(`apt-get install chromium chromium-driver`), or set "
    f"{BROWSER_ENV} and {CHROMEDRIVER_ENV} to the binaries"
)

_REPO_ROOT = Path(__file__).resolve().parents[4]


class BrowserNotFoundError(RuntimeError):
    """Chromium, its driver, or the selenium package is missing on this machine."""


@dataclass(frozen=True)
class BrowserBinaries:
    browser: Path
    chromedriver: Path


def _binary(env: str, default: Path, what: str) -> Path:
    explicit = os.environ.get(env)
    path = Path(explicit) if explicit else default
    if not (path.is_file() and os.access(path, os.X_OK)):
        source = f"{env}={explicit}" if explicit else str(default)
        raise BrowserNotFoundError(f"{what} not found at {source}; {_INSTALL_HINT}")
    return path


def find_browser_binaries() -> BrowserBinaries:
    """The chromium and chromedriver binaries, and selenium importable; raises with a hint."""
    binaries = BrowserBinaries(
        browser=_binary(BROWSER_ENV, DEFAULT_BROWSER, "chromium"),
        chromedriver=_binary(CHROMEDRIVER_ENV, DEFAULT_CHROMEDRIVER, "chromedriver"),
    )
    try:
        import selenium  # noqa: F401
    except ImportError as exc:
        raise BrowserNotFoundError(
            "the selenium package is not installed (it is in the workspace's test "
            "dependency group: `python3 -m uv sync --locked`)"
        ) from exc
    return binaries


class HeadlessChromium:
    """One headless Chromium under chromedriver, with a throwaway profile folder."""

    def __init__(self, binaries: BrowserBinaries) -> None:
        self.binaries = binaries
        self.driver: WebDriver | None = None
        self._profile: str | None = None
        self._driver_log: str | None = None

    def __enter__(self) -> WebDriver:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.quit()

    def start(self) -> WebDriver:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self._profile = tempfile.mkdtemp(prefix="tasker-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = str(self.binaries.browser)
        for flag in CHROME_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self._profile}")
        options.add_argument(f"--window-size={WINDOW_SIZE[0]},{WINDOW_SIZE[1]}")
        self._driver_log = str(Path(self._profile) / "chromedriver.log")
        # An explicit driver path: Selenium Manager is skipped, nothing is downloaded.
        service = Service(
            executable_path=str(self.binaries.chromedriver), log_output=self._driver_log
        )
        self.driver = webdriver.Chrome(options=options, service=service)
        self.driver.set_page_load_timeout(30)
        self.driver.set_script_timeout(30)
        return self.driver

    def quit(self) -> None:
        try:
            if self.driver is not None:
                self.driver.quit()
        finally:
            self.driver = None
            if self._profile is not None:
                shutil.rmtree(self._profile, ignore_errors=True)
                self._profile = None


def reset_page_state(driver: WebDriver) -> None:
    """Forget what the previous test left: cookies, storage of every origin, the open page."""
    driver.get("about:blank")
    driver.delete_all_cookies()
    # Storage is per origin and about:blank has none: clear every origin through
    # the DevTools protocol ("*" means all origins).
    driver.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": "*", "storageTypes": "all"})


def screenshot_dirs(root: Path | None = None) -> list[Path]:
    """Where screenshots go: the test artefacts, plus the docs when asked to update them."""
    base = root or _REPO_ROOT
    dirs = [base / "build" / "test-artifacts" / "console"]
    if os.environ.get(DOC_SCREENSHOTS_ENV, "").strip() == "1":
        dirs.append(base / "docs" / "images" / "console")
    return dirs


def save_screenshot(driver: Any, name: str, *, root: Path | None = None) -> list[Path]:
    """Save the current page as ``<name>.png`` in every :func:`screenshot_dirs` folder."""
    if not name or "/" in name or name.startswith("."):
        raise ValueError(f"screenshot name {name!r} must be a plain file name without '.png'")
    png: bytes = driver.get_screenshot_as_png()
    written = []
    for folder in screenshot_dirs(root):
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        path.write_bytes(png)
        written.append(path)
    return written
