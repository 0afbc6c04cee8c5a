"""Importing the package (and building an app with it) must not import the engine."""

from __future__ import annotations

from tasker_contrib_testsupport.subprocesses import run_fresh_python


def test_import_and_app_setup_import_no_engine_and_no_heavy_core_modules() -> None:
    result = run_fresh_python(
        """
        import sys
        import tasker_contrib_fastapi
        from tasker_contrib_fastapi import (
            TaskerClientDep, TaskerRuntimeDep, get_tasker_client, install, tasker_lifespan,
            tasker_router,
        )
        from fastapi import FastAPI

        app = FastAPI(lifespan=tasker_lifespan())
        app.include_router(tasker_router())

        @app.get("/x")
        async def x(client: TaskerClientDep) -> dict:
            return {}

        loaded = [
            name for name in (
                "tasker_core", "tasker_contrib_core.config", "tasker_contrib_core.events",
                "tasker_contrib_core.engine", "structlog",
            )
            if name in sys.modules
        ]
        print("LOADED", loaded)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "LOADED []"
    assert result.stderr == ""


def test_every_public_name_resolves_without_the_engine() -> None:
    result = run_fresh_python(
        """
        import sys
        import tasker_contrib_fastapi as package
        for name in package.__all__:
            getattr(package, name)
        assert sorted(dir(package)) == sorted(set(dir(package)))
        print(package.__version__, "ENGINE" if "tasker_core" in sys.modules else "CLEAN")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0.1.0", "CLEAN"]
