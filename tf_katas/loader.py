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
        # Compiled from the file as it is now, never from __pycache__: a .pyc is trusted by
        # the source's mtime (whole seconds) and size, so two saves within a second that
        # keep the size (`+` to `-`) would run the old code.
        code = compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
        exec(code, module.__dict__)
    except (Exception, SystemExit) as exc:  # a syntax error and sys.exit() alike
        del sys.modules[module_name]
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        raise KataLoadError(f"{path} could not be imported: {detail}") from exc
    return module
