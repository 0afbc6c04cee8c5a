"""The console of the Django example in headless Chromium: runserver, a superuser, clicks.

The example project runs as its README says (``manage.py migrate`` then ``manage.py
runserver --noreload``) on the embedded local runtime with
``TASKER_CONSOLE__ENABLED=true``; an order goes through the project's own
``POST /orders/``; the browser is refused the console until it logs in through the
admin's login form, then walks the console like the Flask test does.
Screenshots land in ``build/test-artifacts/console/``.
"""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import tasker_contrib_example as example
from tasker_contrib_testsupport.console_walk import ConsoleWalk, assert_rendered_as_text
from tasker_contrib_testsupport.example_servers import django_example, post_json

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ADMIN = ("console-admin", "a-long-test-password-1")
EVIL = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


def order(**changes: Any) -> dict[str, Any]:
    context: dict[str, Any] = json.loads((example.CONTEXTS_DIR / "order.json").read_text("utf-8"))
    context.update(changes)
    return context


def submit(base: str, context: dict[str, Any], timeout: float = 60.0) -> str:
    """POST the order; its task is submitted on commit, so read the uuid from the order."""
    status, accepted = post_json(base, "/orders/", context)
    assert status == 202, accepted
    deadline = time.monotonic() + timeout
    while True:
        with urllib.request.urlopen(base + accepted["location"], timeout=10) as response:
            shown = json.loads(response.read())
        if shown.get("task_uuid"):
            return str(shown["task_uuid"])
        assert time.monotonic() < deadline, shown
        time.sleep(0.1)


def log_in(driver: Any, base: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{base}/admin/login/?next=/tasker/console/")
    driver.find_element(By.ID, "id_username").send_keys(ADMIN[0])
    driver.find_element(By.ID, "id_password").send_keys(ADMIN[1])
    driver.find_element(By.CSS_SELECTOR, "form#login-form [type=submit]").click()
    WebDriverWait(driver, 30).until(ec.url_to_be(f"{base}/tasker/console/"))


def test_the_console_shows_an_order_after_an_admin_logs_in(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    with django_example(tmp_path, superuser=ADMIN) as server:
        base = f"http://127.0.0.1:{server.port}"
        task_uuid = submit(base, order())

        browser.get(f"{base}/tasker/console/")
        refused = browser.find_element(By.TAG_NAME, "body").text
        assert "not allowed" in refused, refused
        assert task_uuid not in refused
        assert browser.find_elements(By.ID, "task-rows") == []

        log_in(browser, base)
        ConsoleWalk(browser, f"{base}/tasker/console/", "django").run(task_uuid, "ORD-1001")


def test_markup_in_a_step_result_is_shown_as_text(browser: Any, tmp_path: Path) -> None:
    items = [{"sku": EVIL, "quantity": 1, "unit_price": 5.0}]
    with django_example(tmp_path, superuser=ADMIN) as server:
        base = f"http://127.0.0.1:{server.port}"
        task_uuid = submit(base, order(order_id="ORD-7007", items=items))
        log_in(browser, base)
        assert_rendered_as_text(browser, f"{base}/tasker/console/", task_uuid, EVIL)


def test_a_superuser_submits_an_order_from_the_console(browser: Any, tmp_path: Path) -> None:
    """The submit action end to end: Django's CsrfViewMiddleware (on in the example) accepts
    the page's X-CSRFToken header, the task runs, the console shows it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    actions = json.dumps(["submit"])
    with django_example(tmp_path, superuser=ADMIN, TASKER_CONSOLE__ACTIONS=actions) as server:
        base = f"http://127.0.0.1:{server.port}"
        log_in(browser, base)
        form = WebDriverWait(browser, 30).until(lambda d: d.find_element(By.ID, "submit-form"))
        form.find_element(By.ID, "submit-namespace").send_keys(example.NAMESPACE)
        form.find_element(By.ID, "submit-name").send_keys(example.TEMPLATE_NAME)
        form.find_element(By.ID, "submit-version").send_keys(example.TEMPLATE_VERSION)
        context = form.find_element(By.ID, "submit-context")
        context.clear()
        context.send_keys(json.dumps(order(order_id="ORD-8008")))
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

        WebDriverWait(browser, 60).until(lambda d: "#/tasks/" in d.current_url)
        WebDriverWait(browser, 60).until(
            lambda d: "complete" in d.find_element(By.ID, "task-status").text.lower()
        )
        title = browser.find_element(By.ID, "task-title").text
        assert example.TEMPLATE_NAME in title, title
        # The new task's context is the one typed into the form.
        assert "ORD-8008" in browser.find_element(By.ID, "task-context").text
