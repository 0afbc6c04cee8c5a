"""Render the Jinja2 templates shipped in ``scaffold/templates/``.

Generated files are source code, not HTML: autoescaping is off, undefined
variables are errors (a typo in a template must fail our tests, not produce a
file with a hole in it), and block tags do not leave blank lines behind, so
the output is exactly what ``ruff format`` would write.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import jinja2

from tasker_contrib_core.scaffold.pysource import from_import, str_assign, str_tuple


def _py_str(value: str) -> str:
    """A double-quoted Python string literal (JSON escaping is valid Python)."""
    return json.dumps(value, ensure_ascii=False)


def _yaml_str(value: str) -> str:
    """A double-quoted YAML scalar (YAML's double-quoted style is a superset of JSON's)."""
    return json.dumps(value, ensure_ascii=False)


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The shared environment; templates are loaded from this package's data."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tasker_contrib_core.scaffold", "templates"),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["py_str"] = _py_str
    env.filters["yaml_str"] = _yaml_str
    env.globals["from_import"] = from_import
    env.globals["str_tuple"] = str_tuple
    env.globals["str_assign"] = str_assign
    return env


def render(template: str, **context: Any) -> str:
    """Render ``templates/<template>`` with ``context``."""
    return environment().get_template(template).render(**context)


__all__ = ["environment", "render"]
