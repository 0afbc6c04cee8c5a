"""Dependencies: the client and runtime of this process, in routes and websockets."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import Depends, FastAPI, WebSocket
from fastapi.testclient import TestClient
from tasker_contrib_core.client import AsyncTaskClient
from tasker_contrib_core.runtime import Runtime
from tasker_contrib_fastapi import (
    TaskerClientDep,
    TaskerRuntimeDep,
    get_tasker_client,
    get_tasker_runtime,
    tasker_lifespan,
)


def test_annotated_aliases_give_the_runtime_and_its_async_client(example_settings: Any) -> None:
    from tasker_contrib_testsupport.example_tasks import order_request

    app = FastAPI(lifespan=tasker_lifespan(example_settings, log_events=False))

    @app.post("/orders")
    async def create(tasker: TaskerClientDep, runtime: TaskerRuntimeDep) -> dict[str, Any]:
        assert isinstance(tasker, AsyncTaskClient)
        assert isinstance(runtime, Runtime)
        task = await tasker.create_task(order_request())
        return {
            "task_uuid": task.task_uuid,
            "kind": runtime.kind,
            "same": tasker is runtime.async_client,
        }

    with TestClient(app) as client:
        body = client.post("/orders").json()
    assert body["kind"] == "local"
    assert body["same"] is True
    assert body["task_uuid"]


def test_plain_depends_and_websockets_work_too(example_settings: Any) -> None:
    app = FastAPI(lifespan=tasker_lifespan(example_settings, log_events=False))

    @app.get("/kind")
    async def kind(runtime: Runtime = Depends(get_tasker_runtime)) -> dict[str, str]:  # noqa: B008
        return {"kind": runtime.kind}

    @app.websocket("/ws")
    async def ws(websocket: WebSocket, client: Any = Depends(get_tasker_client)) -> None:  # noqa: B008
        await websocket.accept()
        await websocket.send_json({"client": type(client).__name__})
        await websocket.close()

    with TestClient(app) as client:
        assert client.get("/kind").json() == {"kind": "local"}
        with client.websocket_connect("/ws") as socket:
            assert socket.receive_json() == {"client": "AsyncLocalTaskClient"}


@pytest.mark.anyio
async def test_two_apps_in_one_process_keep_their_own_runtime(example_settings: Any) -> None:
    from tasker_contrib_fastapi.testing import lifespan_async_client

    apps = [FastAPI(lifespan=tasker_lifespan(example_settings, log_events=False)) for _ in "ab"]
    for app in apps:

        @app.get("/id")
        async def runtime_id(runtime: TaskerRuntimeDep) -> dict[str, int]:
            return {"id": id(runtime)}

    async with lifespan_async_client(apps[0]) as first, lifespan_async_client(apps[1]) as second:
        one = (await first.get("/id")).json()["id"]
        two = (await second.get("/id")).json()["id"]
    assert one != two
