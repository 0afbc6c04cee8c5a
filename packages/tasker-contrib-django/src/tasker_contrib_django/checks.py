"""System checks: ``manage.py check`` catches a Tasker misconfiguration before a deploy does.

=================== ==================================================================
id                  what it means
=================== ==================================================================
``tasker.E001``     ``settings.TASKER`` (or ``TASKER_DJANGO``) is invalid: the
                    validator's message, naming the key and the layer that set it
``tasker.E002``     a template directory in ``template_paths`` does not exist
``tasker.E003``     a task template is invalid or names a handler that cannot be resolved
``tasker.E004``     the real worker is asked for (``runtime = "worker"``) but no layer
                    sets a database URL (the built-in development default would be used)
``tasker.E005``     the database URL would abort the engine (not ``postgresql://``,
                    placeholders it cannot substitute...)
``tasker.W001``     a template warning (the validator's)
``tasker.W002``     (``--deploy``) submit-only process without ``api_key``
``tasker.W003``     (``--deploy``) the local runtime in production: not durable
=================== ==================================================================

The checks read settings and template files only: they import handler
packages (to resolve handlers) but never import ``tasker_core``'s worker or
connect to a database.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core import checks

if TYPE_CHECKING:
    from tasker_contrib_core.config import TaskerSettings

TAG = "tasker"


def _settings_or_error(errors: list[Any]) -> TaskerSettings | None:
    from tasker_contrib_django import conf

    try:
        settings = conf.tasker_settings()
        conf.options()
    except (TypeError, ValueError) as exc:  # ConfigErrors is a ValueError too
        errors.append(
            checks.Error(
                str(exc),
                hint="Fix the key named above in settings.py (TASKER / TASKER_DJANGO) or "
                "the environment variable that sets it.",
                id="tasker.E001",
            )
        )
        return None
    except Exception as exc:
        errors.append(checks.Error(f"{type(exc).__name__}: {exc}", id="tasker.E001"))
        return None
    return settings


def _database_url_errors(settings: TaskerSettings) -> list[Any]:
    report = settings.check()
    found: list[Any] = []
    for error in report.errors:
        text = str(error)
        is_url = "database.url" in text or "DATABASE_URL" in text
        found.append(
            checks.Error(
                text,
                hint=(
                    "Use postgresql://user:password@host:5432/dbname; other URLs make the "
                    "engine abort the whole process at start-up."
                    if is_url
                    else "Fix the key named above."
                ),
                id="tasker.E005" if is_url else "tasker.E001",
            )
        )
    return found


def _database_url_set(settings: TaskerSettings) -> bool:
    return any(
        row.path == "common.database.url" and row.layer != "built-in default"
        for row in settings.explain()
    )


@checks.register(TAG)
def check_tasker_settings(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """E001, E004, E005: the settings resolve, validate and name a usable database."""
    errors: list[Any] = []
    settings = _settings_or_error(errors)
    if settings is None:
        return errors
    errors.extend(_database_url_errors(settings))
    if (
        settings.runtime == "worker"
        and settings.worker_enabled
        and not any(error.id == "tasker.E005" for error in errors)
        and not _database_url_set(settings)
    ):
        errors.append(
            checks.Error(
                "TASKER asks for the real worker (runtime='worker') but no database URL "
                "is configured; the built-in development default would be used",
                hint="Set DATABASE_URL (or TASKER['database_url'] / common.database.url), "
                "or use runtime='local' for development.",
                id="tasker.E004",
            )
        )
    return errors


@checks.register(TAG)
def check_tasker_templates(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """E002, E003, W001: template directories exist and their templates validate."""
    from tasker_contrib_django import conf

    try:
        settings = conf.tasker_settings()
    except Exception:
        return []  # reported by check_tasker_settings
    from tasker_contrib_core.templates import validate_paths

    messages: list[Any] = []
    existing: list[Path] = []
    for path in settings.template_paths:
        if Path(path).exists():
            existing.append(Path(path))
            continue
        messages.append(
            checks.Error(
                f"template directory '{path}' (TASKER['template_paths']) does not exist",
                hint="Create it (manage.py tasker_install), or fix template_paths; relative "
                "paths are taken from the directory manage.py runs in.",
                id="tasker.E002",
            )
        )
    if not existing:
        return messages
    findings = validate_paths(
        existing,
        handler_packages=list(settings.handler_packages),
        environment=settings.environment,
    )
    for finding in findings:
        where = ":".join(str(part) for part in (finding.file, finding.line) if part is not None)
        step = f" step '{finding.step}'" if finding.step else ""
        text = f"{where}{step}: {finding.message} [{finding.code}]"
        if finding.is_error:
            messages.append(checks.Error(text, hint=finding.hint or None, id="tasker.E003"))
        else:
            messages.append(checks.Warning(text, hint=finding.hint or None, id="tasker.W001"))
    return messages


@checks.register(TAG)
def check_tasker_console(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """E006: the console is enabled but its access check or permission hook cannot be
    loaded (which would otherwise fail every console request)."""
    from django.core.exceptions import ImproperlyConfigured

    from tasker_contrib_django import conf
    from tasker_contrib_django.access import resolve_access
    from tasker_contrib_django.console_views import resolve_permissions

    try:
        enabled = conf.tasker_settings().console.enabled
        options = conf.options()
    except Exception:  # E001 reports bad settings
        return []
    if not enabled:
        return []
    errors: list[Any] = []
    for load in (
        lambda: resolve_access(options.task_views_access, setting="TASK_VIEWS_ACCESS"),
        lambda: resolve_permissions(options.console_permissions),
    ):
        try:
            load()
        except ImproperlyConfigured as exc:
            errors.append(
                checks.Error(
                    str(exc),
                    hint="The Tasker console is enabled (TASKER['console']['enabled']) and "
                    "uses this check on every request.",
                    id="tasker.E006",
                )
            )
    return errors


@checks.register(TAG, deploy=True)
def check_tasker_deploy(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """W002, W003 (``check --deploy``): production shapes that work but should not ship."""
    from tasker_contrib_django import conf

    try:
        settings = conf.tasker_settings()
    except Exception:
        return []
    warnings: list[Any] = []
    runtime = settings.resolved_runtime()
    if runtime == "worker" and not settings.worker_enabled and settings.api_key is None:
        warnings.append(
            checks.Warning(
                "this process only submits tasks (worker_enabled=False) but no api_key is "
                "set for the orchestration API",
                hint="Set TASKER['api_key'] or TASKER_API_KEY from your secret store.",
                id="tasker.W002",
            )
        )
    if runtime == "local":
        warnings.append(
            checks.Warning(
                "the local runtime is configured: tasks run in this process and are lost "
                "when it exits",
                hint="Configure DATABASE_URL (runtime='worker') and run manage.py "
                "tasker_worker for production.",
                id="tasker.W003",
            )
        )
    return warnings


__all__ = [
    "check_tasker_console",
    "check_tasker_deploy",
    "check_tasker_settings",
    "check_tasker_templates",
]
