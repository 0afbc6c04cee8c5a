from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tasker_contrib_core.config import TaskerSettings


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., TaskerSettings]:
    """Settings isolated from the real environment and from any real config dir."""

    def factory(environ: dict[str, str] | None = None, **values: Any) -> TaskerSettings:
        values.setdefault("config_dir", tmp_path / "no-config")
        return TaskerSettings(_environ=environ or {}, **values)

    return factory


@pytest.fixture
def config_dir(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """Write TOML files under a config dir: ``{"base/common.toml": "..."}``."""

    def write(files: dict[str, str]) -> Path:
        root = tmp_path / "config" / "tasker"
        for relative, text in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return root

    return write
