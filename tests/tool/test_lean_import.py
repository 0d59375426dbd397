"""The lean `import tensorflow` of every test run (tf_katas.lean_import, installed by the
project's conftest): Keras' optional extras stay out of the start, and remain importable."""

from __future__ import annotations

import subprocess
import sys

PROGRAM = """
import sys
from tf_katas import lean_import
lean_import.install()
import tensorflow as tf
extras = [name for name in lean_import.EXTRAS if name in sys.modules]
import cv2, matplotlib.pyplot, sklearn.datasets
import keras
print(extras, float(tf.constant(2.0) * 3), keras.layers.Dense(2)(tf.ones([1, 3])).shape)
"""


def test_tensorflow_starts_without_keras_extras_which_stay_importable():
    run = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True,
                         env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": ""}, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.split("\n")[-2] == "[] 6.0 (1, 2)", run.stdout
