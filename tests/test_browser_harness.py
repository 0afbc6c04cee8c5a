"""The browser-test harness itself: headless Chromium clicks a button on a page served here.

The page is a small static site on 127.0.0.1 (stdlib ``http.server`` on a thread),
so the harness is checked without any of our apps: a click must run the page's
script and change the DOM, and a screenshot must land in the artefacts folder.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from tasker_contrib_testsupport.browser import (
    CHROME_FLAGS,
    DOC_SCREENSHOTS_ENV,
    save_screenshot,
    screenshot_dirs,
)

pytestmark = pytest.mark.browser

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>harness</title>
<script src="counter.js" defer></script></head>
<body><main><h1 id="title">Harness page</h1>
<button id="add" type="button">Add one</button>
<output id="count" aria-live="polite">0</output>
<ul id="items"></ul></main></body></html>
"""

SCRIPT = """
document.getElementById("add").addEventListener("click", () => {
  const count = document.getElementById("count");
  count.textContent = String(Number(count.textContent) + 1);
  const item = document.createElement("li");
  item.textContent = "clicked <b>" + count.textContent + "</b>";
  document.getElementById("items").appendChild(item);
});
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output free of access lines."""


@pytest.fixture
def static_site(tmp_path: Path) -> Iterator[str]:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(PAGE, encoding="utf-8")
    (site / "counter.js").write_text(SCRIPT, encoding="utf-8")
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="static-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_click_changes_the_dom(browser: Any, static_site: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(static_site)
    assert browser.find_element(By.ID, "title").text == "Harness page"
    assert browser.find_element(By.ID, "count").text == "0"

    browser.find_element(By.ID, "add").click()
    browser.find_element(By.ID, "add").click()

    WebDriverWait(browser, 10).until(ec.text_to_be_present_in_element((By.ID, "count"), "2"))
    items = browser.find_elements(By.CSS_SELECTOR, "#items li")
    assert [item.text for item in items] == ["clicked <b>1</b>", "clicked <b>2</b>"]
    # textContent, not markup: no <b> element was created from the text.
    assert browser.find_elements(By.CSS_SELECTOR, "#items b") == []
    assert browser.get_window_size() == {"width": 1280, "height": 900}


def test_each_test_starts_with_fresh_page_state(browser: Any, static_site: str) -> None:
    browser.get(static_site)
    browser.add_cookie({"name": "left_over", "value": "1"})
    browser.execute_script("window.localStorage.setItem('left_over', '1')")

    from tasker_contrib_testsupport.browser import reset_page_state

    reset_page_state(browser)
    assert browser.current_url == "about:blank"
    browser.get(static_site)
    assert browser.get_cookies() == []
    assert browser.execute_script("return window.localStorage.getItem('left_over')") is None


def test_headless_with_the_debian_driver(browser: Any) -> None:
    capabilities = browser.capabilities
    assert capabilities["browserName"] in {"chrome", "chromium"}
    assert "--headless=new" in CHROME_FLAGS
    user_agent = browser.execute_script("return navigator.userAgent")
    assert "HeadlessChrome" in user_agent


def test_save_screenshot_writes_artefacts(
    browser: Any, static_site: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DOC_SCREENSHOTS_ENV, raising=False)
    browser.get(static_site)
    written = save_screenshot(browser, "harness", root=tmp_path)
    assert written == [tmp_path / "build" / "test-artifacts" / "console" / "harness.png"]
    assert written[0].read_bytes().startswith(b"\x89PNG\r\n\x1a\n")

    monkeypatch.setenv(DOC_SCREENSHOTS_ENV, "1")
    assert screenshot_dirs(tmp_path)[-1] == tmp_path / "docs" / "images" / "console"
    written = save_screenshot(browser, "harness", root=tmp_path)
    assert [path.parent.name for path in written] == ["console", "console"]
    assert all(path.is_file() for path in written)

    with pytest.raises(ValueError, match="plain file name"):
        save_screenshot(browser, "../escape", root=tmp_path)


def test_selenium_manager_is_never_asked(
    browser_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The driver path is explicit, so starting a browser must not consult Selenium Manager
    (which would try to download a driver and a browser build)."""
    from selenium.webdriver.common.selenium_manager import SeleniumManager
    from tasker_contrib_testsupport.browser import HeadlessChromium

    def refuse(self: Any, args: list[str]) -> dict[str, str]:
        raise AssertionError(f"Selenium Manager was asked for {args}")

    monkeypatch.setattr(SeleniumManager, "binary_paths", refuse)
    with HeadlessChromium(browser_session.binaries) as driver:
        driver.get("data:text/html,<p id=x>ok</p>")
        assert driver.find_element("id", "x").text == "ok"
