"""tf-katas: learn TensorFlow by making tests pass.

The package holds the `kata` command (manifest, runner, verify, watch) and the helpers the
tests share (`tf_katas.testing`). Katas themselves live in `katas/`, their reference
implementations in `solutions/`, their tests in `tests/`.
"""

__version__ = "0.1.0"
