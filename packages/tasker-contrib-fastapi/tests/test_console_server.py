"""The console of examples/fastapi-app under a real uvicorn, over HTTP and in Chromium.

The example app runs as its README says (``uvicorn fastapi_orders.main:app``),
on the embedded local runtime with ``TASKER_CONSOLE__ENABLED=true``; an order
goes in through the app's own ``POST /orders`` and is followed in the console.
The browser tests save screenshots (``fastapi-list``, ``fastapi-task``,
``fastapi-step``) used by docs/console.md.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tasker_contrib_testsupport.example_servers import fastapi_example, post_json
from tasker_contrib_testsupport.example_tasks import order_context
from tasker_contrib_testsupport.servers import Server

CONSOLE = "/tasker/console/"


def order(**changes: Any) -> dict[str, Any]:
    base = order_context()
    base.update(changes)
    return base


def fetch(server: Server, path: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}", timeout=10) as answer:
        return answer.status, dict(answer.headers.items()), answer.read()


def submit_order(server: Server, **changes: Any) -> str:
    status, body = post_json(f"http://127.0.0.1:{server.port}", "/orders", order(**changes))
    assert status == 202, body
    return str(body["task_uuid"])


def wait_complete(server: Server, task_uuid: str, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        _, _, raw = fetch(server, f"{CONSOLE}api/tasks/{task_uuid}")
        data: dict[str, Any] = json.loads(raw)
        if data["task"]["terminal"]:
            return data
        assert time.monotonic() < deadline, f"{task_uuid} still {data['task']['status']}"
        time.sleep(0.1)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with fastapi_example(tmp_path) as running:
        yield running


def test_the_example_apps_console_follows_an_order_under_uvicorn(server: Server) -> None:
    task_uuid = submit_order(server)
    data = wait_complete(server, task_uuid)
    assert data["task"]["status"] == "complete"
    nodes = {node["name"]: node["state"] for node in data["dag"]["nodes"]}
    assert nodes["express_shipping"] == "complete"
    assert nodes["standard_shipping"] == "not_taken"
    assert sum(1 for name in nodes if name.startswith("send_notification_batch_")) == 2

    status, headers, page = fetch(server, CONSOLE)
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    assert "tasker_console_csrf=" in headers["set-cookie"]
    assert b'<meta name="tasker-console-mode" content="local">' in page
    _, _, listing = fetch(server, f"{CONSOLE}api/tasks")
    assert [task["uuid"] for task in json.loads(listing)["tasks"]] == [task_uuid]
    status, headers, script = fetch(server, f"{CONSOLE}static/console.js")
    assert status == 200
    assert headers["content-type"].startswith("text/javascript")
    assert b"textContent" in script


# -- in Chromium ----------------------------------------------------------------------


def wait_for(driver: Any, condition: Any, what: str, timeout: float = 20.0) -> Any:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # The page re-renders while it polls: an element found a moment ago may be gone.
    ignored = (NoSuchElementException, StaleElementReferenceException)
    wait = WebDriverWait(driver, timeout, ignored_exceptions=ignored)
    return wait.until(condition, message=f"waiting for {what}")


@pytest.mark.browser
def test_chromium_sees_the_order_complete_opens_it_and_a_step(server: Server, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from tasker_contrib_testsupport.browser import save_screenshot

    base = f"http://127.0.0.1:{server.port}"
    task_uuid = submit_order(server)
    browser.get(base + CONSOLE)
    row = f'#task-rows tr[data-task-uuid="{task_uuid}"]'
    wait_for(
        browser,
        lambda d: d.find_element(By.CSS_SELECTOR, f"{row} .status").text == "complete",
        "the order to show as complete in the list",
    )
    assert browser.find_element(By.CSS_SELECTOR, f"{row} .progress-text").text == "10/10 steps"
    save_screenshot(browser, "fastapi-list")

    browser.find_element(By.CSS_SELECTOR, f"{row} a.task-link").click()
    wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#dag .dag-node")) == 11,
             "one DAG node per step")  # fmt: skip
    nodes = {
        node.get_attribute("data-step-name"): node.get_attribute("data-state")
        for node in browser.find_elements(By.CSS_SELECTOR, "#dag .dag-node")
    }
    assert nodes["standard_shipping"] == "not_taken"
    assert nodes["validate_order"] == "complete"
    assert browser.find_element(By.ID, "task-status").text == "complete"
    standard = browser.find_element(
        By.CSS_SELECTOR, '.dag-node[data-step-name="standard_shipping"]'
    )
    assert standard.get_attribute("aria-label") == "standard_shipping: not taken"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#dag .dag-group")) == 1
    browser.execute_script("document.getElementById('dag-title').scrollIntoView()")
    save_screenshot(browser, "fastapi-task")

    # Keyboard: the node takes focus, Enter opens the step panel.
    charge = browser.find_element(By.CSS_SELECTOR, '.dag-node[data-step-name="charge_payment"]')
    browser.execute_script("arguments[0].focus()", charge)
    charge.send_keys(Keys.ENTER)
    wait_for(browser, lambda d: d.find_element(By.ID, "step-name").text == "charge_payment",
             "the step panel of charge_payment")  # fmt: skip
    assert browser.find_element(By.ID, "step-state").text == "complete"
    assert json.loads(browser.find_element(By.ID, "step-inputs").text)["context"]["order_id"] == (
        "ORD-1001"
    )
    result = json.loads(browser.find_element(By.ID, "step-result").text)
    assert result["amount"] > 0
    assert browser.find_elements(By.CSS_SELECTOR, "#step-history tbody tr")
    save_screenshot(browser, "fastapi-step")


@pytest.mark.browser
def test_a_script_in_a_step_result_renders_as_text(server: Server, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    evil = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
    task_uuid = submit_order(server, items=[{"sku": evil, "quantity": 1, "unit_price": 1.0}])
    wait_complete(server, task_uuid)
    browser.get(f"http://127.0.0.1:{server.port}{CONSOLE}#/tasks/{task_uuid}/validate_order")
    wait_for(browser, lambda d: d.find_element(By.ID, "step-name").text == "validate_order",
             "the step panel of validate_order")  # fmt: skip
    result = browser.find_element(By.ID, "step-result")
    assert "<script>window.__pwned=1</script><img src=x onerror=" in result.text
    assert json.loads(result.text)["skus"] == [evil]
    assert browser.execute_script("return window.__pwned === undefined")
    assert browser.execute_script("return document.querySelectorAll('script').length") == 1
    assert browser.execute_script("return document.querySelectorAll('main img').length") == 0


@pytest.mark.browser
def test_the_task_view_updates_itself_while_the_task_runs(tmp_path: Path, browser: Any) -> None:

    # Three simulated gateway timeouts: with the development retry policy
    # charge_payment retries with backoff (0.5 s, 1 s, 2 s) before it succeeds, so
    # the task runs for a few seconds (the test environment retries once, at once).
    with fastapi_example(tmp_path, TASKER_ENV="development") as server:
        _follow_a_retrying_order(server, browser)


def _follow_a_retrying_order(server: Server, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    task_uuid = submit_order(server, simulate_gateway_failures=3)
    browser.get(f"http://127.0.0.1:{server.port}{CONSOLE}#/tasks/{task_uuid}/charge_payment")
    wait_for(browser, lambda d: d.find_element(By.ID, "step-name").text == "charge_payment",
             "the step panel of charge_payment")  # fmt: skip
    # Keyboard focus on a node survives the redraws while the task runs.
    node = browser.find_element(By.CSS_SELECTOR, '.dag-node[data-step-name="charge_payment"]')
    browser.execute_script("arguments[0].focus()", node)
    seen_states = set()

    def finished(driver: Any) -> bool:
        node = driver.find_element(By.CSS_SELECTOR, '.dag-node[data-step-name="charge_payment"]')
        seen_states.add(node.get_attribute("data-state"))
        return bool(driver.find_element(By.ID, "task-status").text == "complete")

    wait_for(browser, finished, "the task to complete without a reload", timeout=40)
    assert seen_states - {"complete"}, "the page showed the step before it completed"
    focused = browser.execute_script("return document.activeElement.getAttribute('data-step-name')")
    assert focused == "charge_payment"
    assert browser.find_element(By.ID, "step-attempts").text == "4 of 4"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#step-history tbody tr")) == 4
