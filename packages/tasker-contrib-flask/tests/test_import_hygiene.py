"""Importing the package must not import the engine; init_app must not either."""

from __future__ import annotations

from tasker_contrib_testsupport.subprocesses import run_fresh_python


def test_import_and_app_setup_import_no_engine() -> None:
    result = run_fresh_python(
        """
        import sys
        import tasker_contrib_flask
        assert "tasker_core" not in sys.modules
        assert "tasker_contrib_core.config" not in sys.modules
        from flask import Flask
        from tasker_contrib_flask import Tasker, tasker_blueprint
        app = Flask("hygiene")
        app.config["TASKER"] = {"runtime": "worker", "worker_enabled": False}
        Tasker(app)
        app.register_blueprint(tasker_blueprint(include_task_routes=True))
        print("LOADED", [m for m in ("tasker_core",) if m in sys.modules])
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "LOADED []"


def test_every_public_name_resolves_without_the_engine() -> None:
    result = run_fresh_python(
        """
        import sys
        import tasker_contrib_flask as package
        for name in package.__all__:
            getattr(package, name)
        import tasker_contrib_flask.gunicorn
        print(package.__version__, "ENGINE" if "tasker_core" in sys.modules else "CLEAN")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0.1.0", "CLEAN"]
