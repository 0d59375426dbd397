"""What the device can do at most: datasheet peaks of known GPUs, or a measured ceiling.

Peaks are dense (no structured sparsity) FLOP/s per precision and memory bandwidth in
bytes/s. "float32" is the CUDA cores' FP32 rate (TF32 off); "tf32", "bfloat16" and "float16"
are the Tensor Cores' rates with float32 accumulation, which is what TensorFlow uses. A
precision a device lacks is absent. For a device not in the table (and for every CPU) the
benchmarks measure a ceiling instead: the FLOP/s of the largest GEMM TensorFlow runs there
and the bytes/s of a large element-wise add; the report says which kind of peak it used.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

T = 1e12
G = 1e9


@dataclass(frozen=True)
class DevicePeak:
    name: str
    flops: dict[str, float]  # precision -> FLOP/s
    bandwidth: float  # bytes/s
    source: str  # "datasheet: ..." or "measured: ..."
    tf32: bool = False  # has TensorFloat-32 Tensor Cores (compute capability 8.0 or newer)
    extra: dict = field(default_factory=dict)


def _gpu(name, fp32, tf32, bf16, fp16, bandwidth_gb, source):
    flops = {"float32": fp32 * T}
    for precision, value in (("tf32", tf32), ("bfloat16", bf16), ("float16", fp16)):
        if value:
            flops[precision] = value * T
    return DevicePeak(name, flops, bandwidth_gb * G, f"datasheet: {source}", tf32=bool(tf32))


# (substrings that identify the device in TensorFlow's device_name, checked in order) -> peak.
# More specific names first: "H100 PCIe" before "H100".
KNOWN_GPUS: list[tuple[tuple[str, ...], DevicePeak]] = [
    # NVIDIA H100 Tensor Core GPU datasheet (2023): SXM5, PCIe and NVL columns, dense figures
    # (the datasheet's Tensor Core numbers are with sparsity: halved here).
    (("H100", "NVL"), _gpu("NVIDIA H100 NVL", 60, 417.5, 835.5, 835.5, 3900,
                           "NVIDIA H100 datasheet")),
    (("H100", "PCIE"), _gpu("NVIDIA H100 PCIe", 51, 378, 756, 756, 2000, "NVIDIA H100 datasheet")),
    (("H100",), _gpu("NVIDIA H100 SXM", 67, 494.7, 989.4, 989.4, 3350, "NVIDIA H100 datasheet")),
    # NVIDIA H200 Tensor Core GPU datasheet (2024), SXM: H100's compute, HBM3e at 4.8 TB/s.
    (("H200",), _gpu("NVIDIA H200 SXM", 67, 494.7, 989.4, 989.4, 4800, "NVIDIA H200 datasheet")),
    # NVIDIA A100 Tensor Core GPU datasheet (2021): 80GB SXM 2039 GB/s, 80GB PCIe 1935 GB/s,
    # 40GB 1555 GB/s; FP32 19.5, TF32 156, BF16/FP16 312 TFLOPS dense.
    (("A100", "80GB", "PCIE"),
     _gpu("NVIDIA A100 80GB PCIe", 19.5, 156, 312, 312, 1935, "NVIDIA A100 datasheet")),
    (("A100", "80GB"), _gpu("NVIDIA A100 80GB SXM", 19.5, 156, 312, 312, 2039,
                            "NVIDIA A100 datasheet")),
    (("A100",), _gpu("NVIDIA A100 40GB", 19.5, 156, 312, 312, 1555, "NVIDIA A100 datasheet")),
    # NVIDIA L4 datasheet (2023): FP32 30.3; TF32 120, BF16/FP16 242 with sparsity.
    (("L4",), _gpu("NVIDIA L4", 30.3, 60, 121, 121, 300, "NVIDIA L4 datasheet")),
    # NVIDIA T4 datasheet (2019): FP32 8.1, mixed-precision FP16 65 TFLOPS; no TF32, no BF16.
    (("T4",), _gpu("NVIDIA T4", 8.1, 0, 0, 65, 320, "NVIDIA T4 datasheet")),
    # NVIDIA V100 datasheet (SXM2): FP32 15.7, Tensor (FP16) 125 TFLOPS, 900 GB/s.
    (("V100",), _gpu("NVIDIA V100 SXM2", 15.7, 0, 0, 125, 900, "NVIDIA V100 datasheet")),
    # NVIDIA Ada Lovelace architecture whitepaper (2022), appendix tables, dense figures with
    # FP32 accumulation.
    (("RTX 4090",), _gpu("NVIDIA GeForce RTX 4090", 82.6, 82.6, 165.2, 165.2, 1008,
                         "NVIDIA Ada GPU architecture whitepaper")),
    (("RTX 4080",), _gpu("NVIDIA GeForce RTX 4080", 48.7, 48.7, 97.5, 97.5, 716.8,
                         "NVIDIA Ada GPU architecture whitepaper")),
    (("RTX 4070 TI",), _gpu("NVIDIA GeForce RTX 4070 Ti", 40.1, 40.1, 80.2, 80.2, 504.2,
                            "NVIDIA Ada GPU architecture whitepaper")),
    (("RTX 4070",), _gpu("NVIDIA GeForce RTX 4070", 29.1, 29.1, 58.3, 58.3, 504.2,
                         "NVIDIA Ada GPU architecture whitepaper")),
]


def known_peak(device_name: str) -> DevicePeak | None:
    """The datasheet peak of a GPU named as TensorFlow names it, or None when not known."""
    upper = device_name.upper()
    for keys, peak in KNOWN_GPUS:
        # Whole words only: "L4" must not match an L40S, nor "T4" a name that merely holds it.
        if all(re.search(rf"(?<![A-Z0-9]){re.escape(key)}(?![A-Z0-9])", upper) for key in keys):
            return peak
    return None


def measured_peak(name: str, device: str, gemm_size: int, vector_size: int,
                  repeats: int = 5) -> DevicePeak:
    """A ceiling measured on `device` ("/CPU:0", "/GPU:0"): float32 FLOP/s of the largest
    GEMM (gemm_size squared) and bytes/s of an element-wise add of vector_size floats."""
    import tensorflow as tf

    from tf_katas.benchmarking.timing import synchronise

    with tf.device(device):
        a = tf.random.normal([gemm_size, gemm_size])
        v = tf.random.normal([vector_size])
        matmul, add = tf.function(tf.matmul), tf.function(tf.add)
        matmul(a, a), add(v, v)  # trace and warm up
        synchronise()
        best_gemm = best_add = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            matmul(a, a)
            synchronise()
            best_gemm = min(best_gemm, time.perf_counter() - start)
            start = time.perf_counter()
            add(v, v)
            synchronise()
            best_add = min(best_add, time.perf_counter() - start)
    flops = 2 * gemm_size**3 / best_gemm
    bandwidth = 3 * 4 * vector_size / best_add  # two reads and one write of float32
    return DevicePeak(
        name,
        {"float32": flops},
        bandwidth,
        f"measured: float32 GEMM {gemm_size}x{gemm_size}x{gemm_size}, "
        f"element-wise add of {vector_size} floats",
    )
