"""The benchmarked problems: sizes, FLOP counts and the bytes each must move at least.

Sizes come from Baidu's DeepBench training sets (code/kernels/gemm_problems.h,
conv_problems.h and rnn_problems.h in github.com/baidu-research/DeepBench); each keeps
DeepBench's numbers in its id. The CPU mode uses small sizes of the same shapes, so that CI
runs every benchmark in seconds.

FLOP counts are the standard ones, a multiply-add counted as two operations:
GEMM 2·M·N·K; convolution 2·N·K·P·Q·C·R·S (P×Q the output size); a recurrent layer
2·G·H·(H+I)·B·T with G gates (vanilla RNN 1, GRU 3, LSTM 4).
"""

from __future__ import annotations

from dataclasses import dataclass

GATES = {"rnn": 1, "gru": 3, "lstm": 4}
# Precisions by name; "tf32" is float32 storage multiplied in TensorFloat-32 on NVIDIA GPUs.
ITEM_BYTES = {"float64": 8, "float32": 4, "tf32": 4, "bfloat16": 2, "float16": 2}


def gemm_flops(m: int, n: int, k: int) -> int:
    return 2 * m * n * k


def conv_output_size(size: int, kernel: int, stride: int, padding: str) -> int:
    if padding == "SAME":
        return -(-size // stride)
    return (size - kernel) // stride + 1


def conv_flops(n: int, h: int, w: int, c: int, k: int, r: int, s: int, stride: int,
               padding: str) -> int:
    p, q = conv_output_size(h, r, stride, padding), conv_output_size(w, s, stride, padding)
    return 2 * n * k * p * q * c * r * s


def rnn_flops(cell: str, hidden: int, inputs: int, batch: int, steps: int) -> int:
    return 2 * GATES[cell] * hidden * (hidden + inputs) * batch * steps


@dataclass(frozen=True)
class Problem:
    """One benchmarked size of one hot path.

    `dims` by hot path: matmul (m, n, k): an [m, k] by [k, n] product; conv
    (n, h, w, c, k, r, s, stride, padding): [n, h, w, c] images, an [r, s, c, k] kernel;
    rnn/lstm/gru (hidden, inputs, batch, steps).
    """

    path: str  # "matmul", "conv", "rnn", "lstm" or "gru"
    name: str  # the test id: DeepBench's numbers, or "cpu-..." for the CPU mode
    dims: tuple

    @property
    def hot_path(self) -> str:
        """The group in the report: matmul, conv or rnn (all three recurrent cells)."""
        return self.path if self.path in ("matmul", "conv") else "rnn"

    def flops(self) -> int:
        if self.path == "matmul":
            return gemm_flops(*self.dims)
        if self.path == "conv":
            return conv_flops(*self.dims)
        return rnn_flops(self.path, *self.dims)

    def min_bytes(self, dtype: str) -> int:
        """Bytes read and written at least once: inputs, weights and outputs."""
        size = ITEM_BYTES[dtype]
        if self.path == "matmul":
            m, n, k = self.dims
            return size * (m * k + k * n + m * n)
        if self.path == "conv":
            n, h, w, c, k, r, s, stride, padding = self.dims
            p, q = conv_output_size(h, r, stride, padding), conv_output_size(w, s, stride,
                                                                             padding)
            return size * (n * h * w * c + r * s * c * k + n * p * q * k)
        hidden, inputs, batch, steps = self.dims
        weights = GATES[self.path] * hidden * (hidden + inputs + 1)
        return size * (weights + batch * steps * (inputs + hidden))

    def intensity(self, dtype: str) -> float:
        """Arithmetic intensity, FLOP per byte: where the problem sits on the roofline."""
        return self.flops() / self.min_bytes(dtype)


def _gemm(m, n, k, tag=""):
    return Problem("matmul", f"gemm-m{m}-n{n}-k{k}{tag}", (m, n, k))


def _conv(w, h, c, n, k, s, r, pad, stride, tag):
    # DeepBench writes (w, h, c, n, k, filter_w, filter_h, pad_w, pad_h, wstride, hstride);
    # its zero padding is VALID here, and its "same" padding (pad = (r - 1) / 2 at stride 1) SAME.
    padding = "VALID" if pad == 0 else "SAME"
    return Problem("conv", f"{tag}-w{w}-h{h}-c{c}-n{n}-k{k}-{r}x{s}-s{stride}",
                   (n, h, w, c, k, r, s, stride, padding))


def _rnn(cell, hidden, batch, steps, tag="deepbench"):
    # DeepBench's recurrent problems feed an input as wide as the hidden state.
    return Problem(cell, f"{tag}-{cell}-h{hidden}-b{batch}-t{steps}", (hidden, hidden, batch,
                                                                        steps))


GPU_PROBLEMS = [
    _gemm(1760, 128, 1760),
    _gemm(2560, 64, 2560),
    _gemm(4096, 7000, 4096),
    _gemm(5124, 9124, 2560),
    _gemm(35, 8457, 2560),
    _gemm(8192, 8192, 8192, "-ceiling"),  # the large square GEMM: near the device's ceiling
    _conv(700, 161, 1, 16, 32, 20, 5, 0, 2, "deepspeech"),
    _conv(56, 56, 64, 16, 64, 3, 3, 1, 1, "resnet50"),
    _conv(56, 56, 64, 16, 256, 1, 1, 0, 2, "resnet50"),
    _conv(28, 28, 256, 16, 512, 3, 3, 1, 1, "vgg"),
    _rnn("rnn", 1760, 64, 50),
    _rnn("lstm", 512, 64, 25),
    _rnn("lstm", 1024, 32, 25),
    _rnn("gru", 512, 32, 1),
    _rnn("gru", 1536, 32, 187),
]

CPU_PROBLEMS = [
    _gemm(256, 256, 256, "-cpu"),
    _gemm(512, 64, 512, "-cpu"),
    Problem("conv", "cpu-resnet-like-3x3-s1", (2, 16, 16, 8, 16, 3, 3, 1, "SAME")),
    Problem("conv", "cpu-deepspeech-like-5x5-s2", (2, 32, 24, 3, 8, 5, 5, 2, "VALID")),
    _rnn("rnn", 64, 8, 10, "cpu"),
    _rnn("lstm", 64, 8, 10, "cpu"),
    _rnn("gru", 64, 8, 10, "cpu"),
]


def problems_for(device: str) -> list[Problem]:
    return GPU_PROBLEMS if device == "gpu" else CPU_PROBLEMS
