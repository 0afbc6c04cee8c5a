"""Walk the Tasker console in a real browser, as a person would, and check the DOM.

Shared by every framework's browser test: the console page is core's, so the
walk is the same; only how the server starts and who logs in differ. Each step
waits with a hard deadline and fails with what the page showed.

The walk: open the list, see the task reach ``complete``, click into it, see
the DAG (one SVG node per template step, each coloured by its state, the
decision branch not taken marked so, the batch workers grouped), click a step
and read its inputs and result in the step panel; a screenshot at each stage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tasker_contrib_testsupport.browser import save_screenshot

__all__ = [
    "EXAMPLE_STEPS",
    "ConsoleWalk",
    "assert_rendered_as_text",
    "open_step",
    "open_task",
    "wait_for_task_in_list",
]

#: The template steps of the shared example workflow (``order_processing``).
EXAMPLE_STEPS = frozenset(
    {
        "validate_order",
        "reserve_inventory",
        "charge_payment",
        "choose_shipping",
        "express_shipping",
        "standard_shipping",
        "finalize_shipment",
        "prepare_notifications",
        "complete_order",
    }
)

DEADLINE = 60.0


def _wait(driver: Any, condition: Any, what: str, timeout: float = DEADLINE) -> Any:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1).until(condition)
    except TimeoutException:
        status = driver.execute_script(
            "var s = document.getElementById('status'); return s ? s.textContent : null"
        )
        raise AssertionError(
            f"timed out after {timeout:.0f}s waiting for {what} at {driver.current_url}; "
            f"status line: {status!r}; page text:\n{_body_text(driver)[:3000]}"
        ) from None


def _body_text(driver: Any) -> str:
    from selenium.webdriver.common.by import By

    try:
        return str(driver.find_element(By.TAG_NAME, "body").text)
    except Exception:  # the page may be mid-navigation
        return ""


def wait_for_task_in_list(driver: Any, console_url: str, task_uuid: str) -> Any:
    """Open the console's list and wait until the task's row shows ``complete``."""
    from selenium.webdriver.common.by import By

    driver.get(console_url)
    selector = f'#task-rows tr[data-task-uuid="{task_uuid}"][data-status="complete"]'
    _wait(
        driver,
        lambda d: d.find_elements(By.CSS_SELECTOR, selector),
        f"task {task_uuid} to be listed as complete",
    )
    row = driver.find_element(By.CSS_SELECTOR, selector)
    assert "complete" in row.text.lower(), row.text
    return row


def open_task(driver: Any, task_uuid: str) -> list[Any]:
    """Click the task's link in the list; wait for its DAG; return the DAG's nodes."""
    from selenium.webdriver.common.by import By

    row = driver.find_element(By.CSS_SELECTOR, f'#task-rows tr[data-task-uuid="{task_uuid}"]')
    row.find_element(By.CSS_SELECTOR, "a.task-link").click()
    _wait(
        driver,
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#dag .dag-node")) >= len(EXAMPLE_STEPS),
        "the task's DAG",
    )
    _wait(
        driver,
        lambda d: "complete" in d.find_element(By.ID, "task-status").text.lower(),
        "the task view to show the task complete",
    )
    return list(driver.find_elements(By.CSS_SELECTOR, "#dag .dag-node"))


def open_step(driver: Any, name: str) -> Any:
    """Click the step's node in the DAG and wait for the step panel to show it."""
    from selenium.webdriver.common.by import By

    node = driver.find_element(By.CSS_SELECTOR, f'#dag .dag-node[data-step-name="{name}"]')
    node.click()
    _wait(
        driver,
        lambda d: (
            d.find_element(By.ID, "step-name").text == name
            and d.find_elements(By.ID, "step-result")
        ),
        f"the step panel of {name}",
    )
    return driver.find_element(By.ID, "step-panel")


def _fill(driver: Any, node: Any) -> str:
    rect = node.find_element("css selector", "rect")
    return str(driver.execute_script("return getComputedStyle(arguments[0]).fill", rect))


@dataclass
class ConsoleWalk:
    """The standard walk over one completed example task; ``prefix`` names the screenshots."""

    driver: Any
    console_url: str
    prefix: str

    def run(self, task_uuid: str, order_id: str) -> None:
        from selenium.webdriver.common.by import By

        driver = self.driver
        wait_for_task_in_list(driver, self.console_url, task_uuid)
        save_screenshot(driver, f"{self.prefix}-list")

        nodes = open_task(driver, task_uuid)
        states = {node.get_attribute("data-step-name"): node.get_attribute("data-state")
                  for node in nodes}  # fmt: skip
        assert set(states) >= EXAMPLE_STEPS, states
        assert states["validate_order"] == "complete", states
        assert states["complete_order"] == "complete", states
        # The example context asks for express shipping: the other branch was not taken.
        assert states["standard_shipping"] == "not_taken", states
        assert states["express_shipping"] == "complete", states
        groups = driver.find_elements(By.CSS_SELECTOR, "#dag .dag-group")
        assert groups, "the batch workers are not grouped in the DAG"
        by_name = {node.get_attribute("data-step-name"): node for node in nodes}
        complete_fill = _fill(driver, by_name["validate_order"])
        not_taken_fill = _fill(driver, by_name["standard_shipping"])
        assert complete_fill != not_taken_fill, (complete_fill, not_taken_fill)
        save_screenshot(driver, f"{self.prefix}-task")

        panel = open_step(driver, "validate_order")
        inputs = driver.find_element(By.ID, "step-inputs").text
        result = driver.find_element(By.ID, "step-result").text
        assert order_id in inputs, inputs
        assert "customer_email" in result, result
        assert order_id in result, result
        assert "complete" in driver.find_element(By.ID, "step-state").text.lower()
        assert panel.find_elements(By.ID, "step-attempts")
        save_screenshot(driver, f"{self.prefix}-step")


def assert_rendered_as_text(driver: Any, console_url: str, task_uuid: str, evil: str) -> None:
    """The task's validate_order result carries ``evil`` (markup): it must show as text,
    add no element and run nothing."""
    from selenium.webdriver.common.by import By

    wait_for_task_in_list(driver, console_url, task_uuid)
    scripts_before = driver.execute_script("return document.scripts.length")
    open_task(driver, task_uuid)
    open_step(driver, "validate_order")
    result = driver.find_element(By.ID, "step-result")
    # The value is shown as JSON: the markup appears as a (quoted) JSON string, as text.
    assert json.dumps(evil, ensure_ascii=False) in result.text, result.text
    assert "<script>" in result.text
    assert result.find_elements(By.XPATH, ".//*") == [], "markup in a result became elements"
    assert driver.execute_script("return document.scripts.length") == scripts_before
    assert driver.execute_script("return window.__pwned === undefined") is True
    assert driver.find_elements(By.CSS_SELECTOR, "#step-panel script, #step-panel img") == []
