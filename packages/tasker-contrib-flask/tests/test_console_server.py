"""The console's submit action in headless Chromium against ``flask run``.

A real server (``tests/apps/console_app.py``: a session login, the blueprint's
``auth`` hook, actions granted to the admin), a real browser: refused with 401
before logging in, then the submit form posts with the double-submit CSRF
cookie and header and the new task runs to completion in the console.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import tasker_contrib_example as example
from tasker_contrib_testsupport.example_servers import wait_until_answering
from tasker_contrib_testsupport.example_tasks import order_context
from tasker_contrib_testsupport.servers import Server, clean_env, free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

APPS = Path(__file__).resolve().parent / "apps"


@pytest.fixture
def console_server(tmp_path: Path) -> Any:
    port = free_port()
    log = tmp_path / "lifecycle.jsonl"
    env = clean_env(
        log,
        pythonpath=[APPS],
        TASKER_CONSOLE__ENABLED="true",
        TASKER_CONSOLE__ACTIONS=json.dumps(["submit"]),
        TASKER_RUNTIME="local",
        FLASK_DEBUG=None,
    )
    args = ["-m", "flask", "--app", "console_app", "run", "--host", "127.0.0.1"]
    server = Server(
        [*args, "--port", str(port), "--no-reload"],
        env=env,
        cwd=tmp_path,
        log=log,
        output=tmp_path / "out.txt",
        port=port,
    )
    with server:
        wait_until_answering(server, "/login")
        yield server


def test_an_admin_submits_a_task_from_the_console(browser: Any, console_server: Server) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base = f"http://127.0.0.1:{console_server.port}"
    browser.get(f"{base}/tasker/console/")
    assert "Unauthorized" in browser.find_element(By.TAG_NAME, "body").text
    assert browser.find_elements(By.ID, "task-rows") == []

    browser.get(f"{base}/login")
    form = WebDriverWait(browser, 30).until(lambda d: d.find_element(By.ID, "submit-form"))
    context = order_context()
    context["order_id"] = "ORD-9009"
    form.find_element(By.ID, "submit-namespace").send_keys(example.NAMESPACE)
    form.find_element(By.ID, "submit-name").send_keys(example.TEMPLATE_NAME)
    form.find_element(By.ID, "submit-version").send_keys(example.TEMPLATE_VERSION)
    field = form.find_element(By.ID, "submit-context")
    field.clear()
    field.send_keys(json.dumps(context))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

    WebDriverWait(browser, 60).until(lambda d: "#/tasks/" in d.current_url)
    WebDriverWait(browser, 60).until(
        lambda d: "complete" in d.find_element(By.ID, "task-status").text.lower()
    )
    assert "ORD-9009" in browser.find_element(By.ID, "task-context").text
    # The CSRF cookie is HttpOnly and scoped to the console: the page's script cannot read it.
    cookies = {cookie["name"]: cookie for cookie in browser.get_cookies()}
    assert cookies["tasker_console_csrf"]["httpOnly"] is True
    assert cookies["tasker_console_csrf"]["path"] == "/tasker/console/"
    assert cookies["tasker_console_csrf"]["sameSite"] == "Strict"
    assert "tasker_console_csrf" not in browser.execute_script("return document.cookie")
