"""Loading one kata module from the folder under test, by file path.

Tests never import `katas` or `solutions`: the `kata` fixture loads `<impl>/<name>.py`
through this module, so the same tests grade any folder shaped like `katas/`.
"""

from __future__ import annotations

import importlib.util
import sys
import traceback
from pathlib import Path
from types import ModuleType


class KataLoadError(Exception):
    """The kata module is missing or raised while being imported."""


def load_kata_module(impl_dir: Path, name: str) -> ModuleType:
    path = Path(impl_dir) / f"{name}.py"
    if not path.is_file():
        raise KataLoadError(f"{path} is missing: every kata is one module named <kata>.py")
    module_name = f"kata_under_test_{name}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses and pickling look modules up here
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as exc:  # a syntax error and sys.exit() alike
        del sys.modules[module_name]
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        raise KataLoadError(f"{path} could not be imported: {detail}") from exc
    return module
