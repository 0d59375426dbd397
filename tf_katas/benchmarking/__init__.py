"""Hot-path benchmarks (`pytest -m gpu`): the code under test against TensorFlow's own ops.

- `problems`: the sizes (DeepBench's training sets, small ones for the CPU mode) and their
  FLOP and byte counts;
- `devices`: datasheet peaks of known GPUs, and a ceiling measured where the device is not known;
- `timing`: correctness first, a time budget, the device synchronised before the clock stops;
- `report`: the terminal table, `benchmarks.json` and the plot;
- `plugin`: the pytest options and the end-of-run report.
"""
