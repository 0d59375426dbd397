"""`import tensorflow` without the extras Keras drags in at every start.

TensorFlow imports Keras, and Keras imports scikit-learn (for its scikit-learn wrappers),
SciPy through it, Matplotlib and OpenCV (for its image-gallery and bounding-box drawing)
whenever they are installed, as they are here: over a second of every `kata check`, for
features no kata's test uses. `install()` hides those packages while TensorFlow's own import
runs, so Keras takes the "not installed" branch, and gives them back at once: a test that
imports scikit-learn or Matplotlib afterwards gets them as usual. A package already imported
is left alone.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
from types import ModuleType

EXTRAS = ("sklearn", "scipy", "matplotlib", "cv2")


class _HiddenWhileLoading(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader) -> None:
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        hidden = [name for name in EXTRAS if name not in sys.modules]
        for name in hidden:
            sys.modules[name] = None  # `import name` raises ImportError meanwhile
        try:
            self.loader.exec_module(module)
        finally:
            for name in hidden:
                if sys.modules.get(name, 0) is None:
                    del sys.modules[name]


class _FirstTensorFlowImport(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)  # once
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _HiddenWhileLoading(spec.loader)
        return spec


def install() -> None:
    """Makes the first `import tensorflow` of this process a lean one."""
    if "tensorflow" not in sys.modules and not any(
            isinstance(f, _FirstTensorFlowImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _FirstTensorFlowImport())
