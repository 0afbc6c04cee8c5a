"""client_error_status: the HTTP answer every framework's task routes give a client error."""

from __future__ import annotations

import pytest
from tasker_contrib_core.errors import (
    OrchestrationClientError,
    OrchestrationHTTPError,
    OrchestrationUnavailableError,
    TaskNotFoundError,
)
from tasker_contrib_core.integration import client_error_status


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (TaskNotFoundError("no such task", task_uuid="x"), 404),
        (OrchestrationUnavailableError("connection refused"), 503),
        (OrchestrationHTTPError("bad request", status_code=422), 422),
        (OrchestrationHTTPError("server error", status_code=500), 502),
        (OrchestrationClientError("odd answer"), 502),
    ],
)
def test_client_errors_map_to_the_status_a_caller_can_act_on(error: Exception, status: int) -> None:
    assert client_error_status(error) == status
