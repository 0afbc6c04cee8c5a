"""Handler resolution mirrors the tasker-py 0.1.8 worker."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from textwrap import dedent

import pytest
from tasker_contrib_core.engine import FakeClock, resolve_handler, run_template
from tasker_contrib_core.errors import HandlerResolutionError
from tasker_contrib_core.handlers import clear_handler_cache
from tasker_contrib_core.templates.model import TaskTemplate
from tasker_core import HandlerRegistry, StepContext, StepHandler, StepHandlerResult

Parse = Callable[[str], TaskTemplate]

HANDLERS_MODULE = """
from tasker_core import StepHandler
from tasker_core.step_handler.functional import step_handler

INSTANCES = []


class ShipOrder(StepHandler):
    handler_name = "ship_order"

    def __init__(self):
        INSTANCES.append(self)

    def call(self, context):
        return self.success({"shipped": context.get_input("order_id")})


class NeedsConfig(StepHandler):
    handler_name = "needs_config"

    def __init__(self, config):
        self.config = config

    def call(self, context):
        return self.success({"config": self.config, "step_config": context.step_config})


class Unnamed(StepHandler):
    def call(self, context):
        return self.success({"unnamed": True})


@step_handler("notify_customer")
def notify(context):
    return {"notified": True}


Notify = notify
"""


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A throwaway importable package ``<name>.handlers`` holding test handlers."""
    name = f"resolver_pkg_{uuid.uuid4().hex[:8]}"
    root = tmp_path / name
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "handlers.py").write_text(dedent(HANDLERS_MODULE))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    clear_handler_cache()
    for module in [m for m in sys.modules if m.startswith(name)]:
        del sys.modules[module]


def test_registered_names_come_from_handler_packages(package: str) -> None:
    resolved = resolve_handler("ship_order", [package])
    assert resolved.source == "handler_packages"
    assert resolved.handler_class is not None
    assert resolved.handler_class.__name__ == "ShipOrder"
    assert resolved.handler_name == "ship_order"
    decorated = resolve_handler("notify_customer", [f"{package}.handlers"])
    assert decorated.source == "handler_packages"
    assert decorated.handler_name == "notify_customer"


def test_dotted_class_paths_are_imported(package: str) -> None:
    resolved = resolve_handler(f"{package}.handlers.Unnamed")
    assert resolved.source == "class_lookup"
    assert resolved.handler_name == "Unnamed"
    assert resolved.new_instance().call is not None


def test_constructor_with_a_config_argument_gets_an_empty_config(
    package: str, template: Parse
) -> None:
    tpl = template(
        """
        steps:
          - name: configured
            handler: {callable: needs_config, initialization: {region: eu}}
        """
    )
    run = run_template(tpl, {}, handler_packages=[package], clock=FakeClock())
    # the worker resolves by name, so initialization reaches the handler via the context only
    assert run.result("configured") == {"config": {}, "step_config": {"region": "eu"}}


def test_a_new_handler_instance_per_execution(package: str, template: Parse) -> None:
    tpl = template(
        """
        steps:
          - name: a
            handler: {callable: ship_order}
          - name: b
            handler: {callable: ship_order}
            dependencies: [a]
        """
    )
    module = __import__(f"{package}.handlers", fromlist=["INSTANCES"])
    before = len(module.INSTANCES)
    run = run_template(tpl, {"order_id": 9}, handler_packages=[package], clock=FakeClock())
    assert run.result("b") == {"shipped": 9}
    # one trial instance at resolution, then one per step execution
    assert len(module.INSTANCES) - before == 3


def test_registrations_on_the_tasker_core_registry_are_found() -> None:
    class Registered(StepHandler):
        def call(self, context: StepContext) -> StepHandlerResult:
            return self.success({})

    registry = HandlerRegistry.instance(skip_bootstrap=True)
    registry.register("registered_elsewhere", Registered)
    try:
        resolved = resolve_handler("registered_elsewhere")
        assert resolved.source == "registry"
        assert resolved.handler_class is Registered
    finally:
        registry.unregister("registered_elsewhere")


def test_overrides_win(package: str) -> None:
    class Replacement(StepHandler):
        def call(self, context: StepContext) -> StepHandlerResult:
            return self.success({})

    resolved = resolve_handler("ship_order", [package], overrides={"ship_order": Replacement})
    assert resolved.source == "override"
    assert resolved.handler_class is Replacement
    with pytest.raises(HandlerResolutionError, match="not a handler"):
        resolve_handler("x", overrides={"x": lambda context: None})


def test_unresolvable_callables_explain_what_was_tried(package: str) -> None:
    with pytest.raises(HandlerResolutionError) as caught:
        resolve_handler("ship_orders", [package], step="ship")
    message = str(caught.value)
    assert "step 'ship'" in message
    assert "'ship_orders'" in message
    assert "found: needs_config, notify_customer, ship_order" in message
    assert "not shaped like 'package.module.ClassName'" in message
    assert "Fix:" in message

    with pytest.raises(HandlerResolutionError, match="could not be imported"):
        resolve_handler("nowhere.handlers.Missing")
    with pytest.raises(HandlerResolutionError, match="has no attribute 'Missing'"):
        resolve_handler(f"{package}.handlers.Missing")
    with pytest.raises(HandlerResolutionError, match="decorated function"):
        resolve_handler(f"{package}.handlers.Notify")
    with pytest.raises(HandlerResolutionError, match="handler package 'no_such_pkg_zz'"):
        resolve_handler("ship_order", ["no_such_pkg_zz"])
    with pytest.raises(HandlerResolutionError, match="empty"):
        resolve_handler("  ")


def test_a_constructor_that_raises_is_reported_up_front() -> None:
    class Broken(StepHandler):
        def __init__(self) -> None:
            raise RuntimeError("no credentials")

        def call(self, context: StepContext) -> StepHandlerResult:
            return self.success({})

    with pytest.raises(HandlerResolutionError, match="no credentials"):
        resolve_handler("broken", overrides={"broken": Broken})
