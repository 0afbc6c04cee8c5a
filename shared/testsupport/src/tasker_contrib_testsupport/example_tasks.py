"""The shared example workflow's task, as tests submit it.

Nearly every package's tests run ``ecommerce/order_processing`` with the sample
order from ``shared/example-workflow/contexts``; these two functions spare each
test the file read and the template's identity. Like the plugin's
``example_settings`` fixture, this needs ``tasker_contrib_example`` installed
(the workspace installs it) only when called, and imports ``tasker_contrib_core``
only to build a request, so importing this module stays cheap.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tasker_contrib_core.client import TaskRequest

__all__ = ["order_context", "order_request"]


def order_context(name: str = "order.json") -> dict[str, Any]:
    """A fresh copy of the sample context ``name`` (``order.json`` takes the express path)."""
    import tasker_contrib_example as example

    context: dict[str, Any] = json.loads((example.CONTEXTS_DIR / name).read_text(encoding="utf-8"))
    return context


def order_request(context: dict[str, Any] | None = None, **fields: Any) -> TaskRequest:
    """A request for the example template with ``context`` (default: :func:`order_context`).

    ``fields`` are further :class:`~tasker_contrib_core.client.TaskRequest`
    fields, such as ``initiator`` or ``reason``.
    """
    import tasker_contrib_example as example
    from tasker_contrib_core.client import TaskRequest

    return TaskRequest(
        name=example.TEMPLATE_NAME,
        namespace=example.NAMESPACE,
        version=example.TEMPLATE_VERSION,
        context=order_context() if context is None else context,
        **fields,
    )
