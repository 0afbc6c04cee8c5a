"""``manage.py tasker_install [--app LABEL]``: core's ``tasker-contrib install`` for a Django project.

With ``--app orders`` the handlers package and the task templates go into
that installed app (``orders/workflows/``, ``orders/tasks/``); the engine
configuration goes to ``config/tasker/`` of the project (the directory of
``settings.BASE_DIR`` when it is set, else the current one, or ``--target``).
Then it prints the ``TASKER`` entries that point at what it wrote. Every
other option is core's (``--dry-run``, ``--force``, layout flags).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from django.core.management.base import CommandError

from tasker_contrib_django.cli_bridge import CoreCommand


def _take_option(args: list[str], name: str) -> tuple[str | None, list[str]]:
    value: str | None = None
    rest: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == name:
            if index + 1 >= len(args):
                raise CommandError(f"{name} needs a value (an installed app label, e.g. orders)")
            value = args[index + 1]
            index += 2
            continue
        if arg.startswith(f"{name}="):
            value = arg.split("=", 1)[1]
        else:
            rest.append(arg)
        index += 1
    return value, rest


def project_dir() -> Path:
    from django.conf import settings

    base = getattr(settings, "BASE_DIR", None)
    return Path(base) if base else Path.cwd()


class Command(CoreCommand):
    help = "Add Tasker to this project (engine config, templates, handlers); --app LABEL."
    core_name = "install"
    _layout: Any = None
    _app_hint: str | None = None

    def prepare_args(self, args: list[str]) -> list[str]:
        label, rest = _take_option(args, "--app")
        target_given = any(arg == "--target" or arg.startswith("--target=") for arg in rest)
        target = project_dir()
        if not target_given:
            rest = ["--target", str(target), *rest]
        if label is None:
            return rest
        from django.apps import apps
        from tasker_contrib_core.scaffold import ScaffoldLayout

        try:
            app_config = apps.get_app_config(label)
        except LookupError as exc:
            raise CommandError(
                f"--app {label}: no installed app has that label; add it to INSTALLED_APPS "
                "or create it with manage.py startapp"
            ) from exc
        app_dir = Path(app_config.path).resolve()
        try:
            relative = app_dir.relative_to(target.resolve())
        except ValueError as exc:
            raise CommandError(
                f"--app {label}: the app lives in {app_dir}, outside the project directory "
                f"{target}; pass --target or install into an app of this project"
            ) from exc
        package_root = Path(*relative.parts[: -len(app_config.name.split("."))] or ["."])
        self._layout = ScaffoldLayout(
            handlers_package=f"{app_config.name}.workflows",
            source_root=package_root.as_posix(),
            templates_dir=(relative / "tasks").as_posix(),
            tests_dir=(relative / "tests" / "workflows").as_posix(),
        )
        self._app_hint = (
            "Then in settings.py:\n"
            "    TASKER = {\n"
            f'        "handler_packages": ["{app_config.name}.workflows"],\n'
            f'        "template_paths": [BASE_DIR / "{(relative / "tasks").as_posix()}"],\n'
            "    }"
        )
        return rest

    def parent_context(self, args: list[str]) -> click.Context:
        context = super().parent_context(args)
        if self._layout is not None:
            context.obj = self._layout
        return context

    def invoke(self, args: list[str], *, prog_name: str, standalone: bool) -> int:
        code = super().invoke(args, prog_name=prog_name, standalone=False)
        if self._app_hint and "--dry-run" not in args:
            self.stdout.write(self._app_hint)
        return code
