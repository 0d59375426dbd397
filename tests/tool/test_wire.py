"""What may cross between the judge and a kata's sandbox, and how."""

from pathlib import Path

import numpy as np
import pytest

from tf_katas.grading.wire import Codec, WireError


class Proxy:
    def __init__(self, handle, type_name, mro):
        self._handle, self.type_name, self.mro = handle, type_name, mro


def codec(**options):
    return Codec(Proxy, Proxy, **options)


def round_trip(value, sender=None, receiver=None):
    return (receiver or codec()).decode((sender or codec()).encode(value))


@pytest.mark.parametrize("value", [
    None, True, 3, -2.5, float("inf"), 1 + 2j, "文字", b"\x00\xff", [1, (2, 3)],
    {"a": [1], (1, 2): None}, slice(1, None, -1), Ellipsis, Path("/tmp/x.png"),
])
def test_plain_data_crosses_by_value(value):
    assert round_trip(value) == value
    assert type(round_trip(value)) is type(value) or isinstance(value, Path)


def test_arrays_keep_dtype_shape_and_bits_even_zero_dimensional():
    for array in (np.arange(6, dtype=np.uint8).reshape(2, 3), np.array(np.nan, np.float32),
                  np.ones((2, 0)), np.array([True, False])):
        back = round_trip(array)
        assert back.dtype == array.dtype and back.shape == array.shape
        assert np.array_equal(back, array, equal_nan=True)
    assert round_trip(np.float64(0.1)) == np.float64(0.1)


def test_anything_else_becomes_a_handle_with_its_class_ancestry():
    class Figure:
        pass

    sender, receiver = codec(), codec()
    figure = Figure()
    proxy = round_trip(figure, sender, receiver)
    assert isinstance(proxy, Proxy) and proxy.type_name.endswith("Figure")
    assert "builtins.object" in proxy.mro
    assert round_trip(figure, sender, receiver) is proxy  # the same object, the same proxy
    assert sender.decode(receiver.encode(proxy)) is figure  # and back to the object itself


def test_object_arrays_never_cross_by_value():
    proxy = round_trip(np.array([object()]))
    assert isinstance(proxy, Proxy)
    with pytest.raises(WireError, match="may not cross"):
        codec().decode({"__t": "nd", "dtype": "|O", "shape": [1], "b64": ""})


def test_the_judge_sends_only_functions_and_data():
    judge = codec(exportable=callable)
    assert judge.encode(len)["__t"] == "handle"
    with pytest.raises(WireError, match="cannot be passed"):
        judge.encode(object())


@pytest.mark.parametrize("frame", [
    {"__t": "unknown"}, {"__t": "ref", "id": 99}, [1, 2], {"no": "tag"},
    {"__t": "dataset", "path": "/etc"}, {"__t": "keras", "config": {}, "weights": []},
])
def test_malformed_or_unrequested_values_are_refused(frame):
    with pytest.raises(WireError):
        codec().decode(frame)


def test_nesting_is_bounded():
    deep = []
    for _ in range(100):
        deep = [deep]
    with pytest.raises(WireError, match="nested too deeply"):
        codec().encode(deep)
