"""Tests for the plotting kata: a line plot and a bar chart, returned as Figures.

The Figures are inspected artist by artist under the Agg backend (no window, no pixels):
the line's data, colour and width; each bar's position, height, width, colour and alpha.
Colours are compared as RGBA (matplotlib.colors.to_rgba), so "r", "red" and "#ff0000" are
one colour. Every Figure a test makes is closed, so memory does not grow (while grading,
the Figures live in the kata's process and go with it).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import example, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from tf_katas.testing import assert_array, is_instance  # noqa: E402

X = np.array([1, 2, 3, 4, 5, 6, 7, 8], dtype=float)
Y = np.array([3, 1, 4, 1, 5, 9, 2, 6], dtype=float)  # not the notes' y = x: a swap shows


@pytest.fixture(autouse=True)
def _close_figures():
    """pyplot keeps every figure it made until closed; close them after each test."""
    yield
    plt.close("all")


def close(fig: Figure) -> None:
    """Closes a Figure of this process (one in the kata's process goes with that process)."""
    if isinstance(fig, Figure):
        plt.close(fig)


def figure_of(result, call: str) -> Figure:
    assert is_instance(result, Figure), (
        f"{call}: expected a matplotlib.figure.Figure, got {type(result).__name__} "
        "(return the Figure, not the Axes, the artists or plt.show()'s None)"
    )
    return result


def only_axes(fig: Figure, call: str):
    assert len(fig.axes) == 1, f"{call}: expected a Figure with one Axes, got {len(fig.axes)}"
    return fig.axes[0]


def bars_of(ax) -> list[Rectangle]:
    return [p for p in ax.patches if is_instance(p, Rectangle)]


def assert_color(actual, expected, what: str) -> None:
    got, want = to_rgba(actual), to_rgba(expected)
    assert np.allclose(got, want, atol=1e-6), f"{what}: expected colour RGBA {want}, got {got}"


def draw_line(kata, *args, **kwargs):
    call = "line_plot" + (f" with {kwargs}" if kwargs else "")
    fig = figure_of(kata.line_plot(*args, **kwargs), call)
    ax = only_axes(fig, call)
    lines = ax.get_lines()
    assert len(lines) == 1, f"{call}: expected one line on the Axes, got {len(lines)}"
    return fig, lines[0]


# --- line_plot -----------------------------------------------------------------------------


def test_line_plot_returns_a_figure_with_the_line_through_x_and_y(kata):
    """plt.plot(y) alone, or x and y swapped, puts other data on the line."""
    fig, line = draw_line(kata, X, Y)
    assert_array(line.get_xdata(), X, what="the line's x data (x and y swapped? x left out?)")
    assert_array(line.get_ydata(), Y, what="the line's y data")
    close(fig)


@pytest.mark.parametrize("color", ["r", "red", "#ff0000", (1.0, 0.0, 0.0)])
def test_line_plot_is_drawn_in_the_colour_asked_for(kata, color):
    fig, line = draw_line(kata, X, Y, color=color)
    assert_color(line.get_color(), "red", what=f"line_plot(x, y, color={color!r})'s line")
    close(fig)


def test_line_plot_green_line_10_wide_as_in_the_notes(kata):
    """The notes: plt.plot(x, y, "g", lw=10)."""
    fig, line = draw_line(kata, X, Y, color="g", linewidth=10)
    assert_color(line.get_color(), "g", what="line_plot(x, y, 'g', 10)'s line")
    assert line.get_linewidth() == pytest.approx(10), (
        f"line_plot(x, y, 'g', 10): expected line width 10, got {line.get_linewidth()}"
    )
    close(fig)


def test_line_plot_makes_a_new_figure_every_call(kata):
    """Drawing on pyplot's current figure would pile up the lines of earlier calls."""
    first, _ = draw_line(kata, X, Y, color="b", linewidth=2)
    second, line = draw_line(kata, Y, X, color="k", linewidth=3)
    assert second is not first, "line_plot: two calls returned the same Figure"
    assert_array(line.get_xdata(), Y, what="second call's line x data")
    close(first)
    close(second)


@st.composite
def same_length_pairs(draw):
    n = draw(st.integers(1, 12), label="number of points")
    coordinates = hnp.arrays(np.float64, n, elements=st.floats(-100, 100))
    return draw(coordinates, label="x"), draw(coordinates, label="y")


@given(
    points=same_length_pairs(),
    linewidth=st.floats(0.5, 20),
    color=st.sampled_from(["c", "magenta", "#123456", "C3", (0.2, 0.4, 0.6)]),
)
@example(points=(Y, X), linewidth=4.0, color="C3")
def test_line_plot_keeps_any_data_colour_and_width(kata, points, linewidth, color):
    x, y = points
    fig, line = draw_line(kata, x, y, color=color, linewidth=linewidth)
    try:
        assert_array(line.get_xdata(), x, what=f"the line's x data ({x.size} points)")
        assert_array(line.get_ydata(), y, what=f"the line's y data ({y.size} points)")
        assert_color(line.get_color(), color, what=f"line_plot(color={color!r})'s line")
        assert line.get_linewidth() == pytest.approx(linewidth), (
            f"line_plot(linewidth={linewidth}): got line width {line.get_linewidth()}"
        )
    finally:
        close(fig)


def test_line_plot_rejects_x_and_y_of_different_lengths(kata):
    with pytest.raises(ValueError, match="(?i)dimension|length"):
        kata.line_plot(X, Y[:-1])


def test_line_plot_rejects_a_non_positive_linewidth(kata):
    with pytest.raises(ValueError, match="linewidth"):
        kata.line_plot(X, Y, "r", 0)


def test_line_plot_rejects_something_that_is_not_a_colour(kata):
    with pytest.raises(ValueError, match="(?i)colou?r"):
        kata.line_plot(X, Y, "not-a-colour")


# --- bar_chart -----------------------------------------------------------------------------


def draw_bars(kata, *args, **kwargs):
    call = "bar_chart" + (f" with {kwargs}" if kwargs else "")
    fig = figure_of(kata.bar_chart(*args, **kwargs), call)
    bars = bars_of(only_axes(fig, call))
    assert len(bars) == len(args[0]), f"{call}: expected {len(args[0])} bars, got {len(bars)}"
    return fig, bars


def assert_bars(bars, x, heights, width, alpha, color, call: str) -> None:
    for i, bar in enumerate(bars):
        assert bar.get_height() == pytest.approx(heights[i]), (
            f"{call}: bar {i} should be {heights[i]} tall, got {bar.get_height()} "
            "(barh instead of bar?)"
        )
        assert bar.get_width() == pytest.approx(width), (
            f"{call}: bar {i} should be {width} wide, got {bar.get_width()}"
        )
        centre = bar.get_x() + bar.get_width() / 2
        assert centre == pytest.approx(x[i]), (
            f"{call}: bar {i} should be centred at x = {x[i]}, its centre is {centre} "
            "(align='edge'?)"
        )
        got, want = bar.get_facecolor(), to_rgba(color, alpha)
        assert np.allclose(got, want, atol=1e-6), (
            f"{call}: bar {i} should be coloured {color!r} with alpha {alpha}: expected RGBA "
            f"{want}, got {got}"
        )


def test_bar_chart_draws_the_notes_bars(kata):
    """The notes: plt.bar(x, y, 0.9, alpha=1, color='b')."""
    fig, bars = draw_bars(kata, X, Y, 0.9, 1.0, "b")
    assert_bars(bars, X, Y, 0.9, 1.0, "b", "bar_chart(x, y, 0.9, alpha=1, color='b')")
    close(fig)


def test_bar_chart_bars_are_half_transparent_and_narrow(kata):
    """Default width 0.8 or alpha 1 left in place shows here."""
    fig, bars = draw_bars(kata, X, Y, width=0.5, alpha=0.4, color="#ff0000")
    assert_bars(bars, X, Y, 0.5, 0.4, "red", "bar_chart(x, y, width=0.5, alpha=0.4, red)")
    close(fig)


@given(
    heights=hnp.arrays(np.float64, st.integers(1, 8), elements=st.floats(-50, 50)),
    width=st.floats(0.1, 2),
    alpha=st.floats(0, 1),
    color=st.sampled_from(["g", "orange", "#00ff7f", "C1", (0.9, 0.1, 0.3)]),
)
@example(heights=np.array([2.0, -1.0, 0.5]), width=1.5, alpha=0.25, color="orange")
def test_bar_chart_keeps_any_heights_width_alpha_and_colour(kata, heights, width, alpha, color):
    n = heights.size
    x = np.arange(n, dtype=float) * 3 - 4
    fig, bars = draw_bars(kata, x, heights, width=width, alpha=alpha, color=color)
    try:
        assert_bars(bars, x, heights, width, alpha, color,
                    f"bar_chart({n} bars, width={width:.3g}, alpha={alpha:.3g}, {color!r})")
    finally:
        close(fig)


@pytest.mark.parametrize("count", [len(Y) - 2, 1], ids=["two-short", "one-height"])
def test_bar_chart_rejects_x_and_heights_of_different_lengths(kata, count):
    """One height is the case Matplotlib lets through: it spreads it over every bar."""
    with pytest.raises(ValueError, match="(?i)length|shape"):
        kata.bar_chart(X, Y[:count])


@pytest.mark.parametrize("alpha", [-0.1, 1.5])
def test_bar_chart_rejects_alpha_outside_0_1(kata, alpha):
    with pytest.raises(ValueError, match="(?i)alpha"):
        kata.bar_chart(X, Y, 0.9, alpha)


@pytest.mark.parametrize("width", [0, -0.5])
def test_bar_chart_rejects_a_non_positive_width(kata, width):
    with pytest.raises(ValueError, match="width"):
        kata.bar_chart(X, Y, width)


def test_bar_chart_rejects_something_that_is_not_a_colour(kata):
    with pytest.raises(ValueError, match="(?i)colou?r"):
        kata.bar_chart(X, Y, color="not-a-colour")


# --- notes_figure --------------------------------------------------------------------------


def test_notes_figure_puts_two_lines_and_the_bars_on_one_axes(kata):
    fig = figure_of(kata.notes_figure(X, Y), "notes_figure(x, y)")
    ax = only_axes(fig, "notes_figure(x, y) (plots on two Axes?)")
    lines = ax.get_lines()
    assert len(lines) == 2, f"notes_figure: expected 2 lines, got {len(lines)}"
    red, green = lines
    for name, line in (("red", red), ("green", green)):
        assert_array(line.get_xdata(), X, what=f"notes_figure: the {name} line's x data")
        assert_array(line.get_ydata(), Y, what=f"notes_figure: the {name} line's y data")
    assert_color(red.get_color(), "r", what="notes_figure: the first line")
    assert red.get_linewidth() == pytest.approx(matplotlib.rcParams["lines.linewidth"]), (
        f"notes_figure: the red line should have the default width, got {red.get_linewidth()}"
    )
    assert_color(green.get_color(), "g", what="notes_figure: the second line")
    assert green.get_linewidth() == pytest.approx(10), (
        f"notes_figure: the green line should be 10 wide, got {green.get_linewidth()}"
    )
    bars = bars_of(ax)
    assert len(bars) == len(X), f"notes_figure: expected {len(X)} bars, got {len(bars)}"
    assert_bars(bars, X, Y, 0.9, 1.0, "b", "notes_figure's bars")
    close(fig)


def test_notes_figure_rejects_x_and_y_of_different_lengths(kata):
    with pytest.raises(ValueError, match="(?i)length|dimension|shape"):
        kata.notes_figure(X, Y[:3])
