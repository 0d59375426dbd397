"""Plotting with Matplotlib: a line plot and a bar chart, each returned as a Figure.

From the notes: Matplotlib › 基本操作 (折线图, 柱状图).

You draw a line plot with a chosen colour and line width (折线的宽度) and a bar chart with a
chosen bar width, transparency (alpha通道,即透明度) and colour, and you RETURN the Figure
instead of showing it: a Figure can be saved, embedded, or — as the tests do — inspected
artist by artist (the Line2D's data, colour and width; each bar Rectangle's height, width,
colour and alpha) without looking at a single pixel. Use Matplotlib's object-oriented API
(`fig = matplotlib.figure.Figure(); ax = fig.add_subplot()`, or `fig, ax = plt.subplots()`),
draw on `ax`, and `return fig`. The notes' first line, `import matplotlib as plt`, does not
work (`plt.plot` is AttributeError): pyplot is `import matplotlib.pyplot as plt`. And do not
call `plt.show()`: it blocks, or does nothing, and the caller gets nothing back.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

Color = str | tuple[float, ...]


def line_plot(
    x: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    color: Color = "r",
    linewidth: float = 1.5,
) -> Figure:
    """A new Figure with one Axes holding one line through the points (x[i], y[i]).

    Notes (Matplotlib): `plt.plot(x,y,"r")  # 1.x轴 2.y轴 3.颜色` and
    `plt.plot(x,y,"g",lw=10)  # ... 4.折线的宽度`. The notes' `import matplotlib as plt` does not
    work: write `import matplotlib.pyplot as plt` (or use `matplotlib.figure.Figure`).

    `color`: any Matplotlib colour ("r", "red", "#ff0000", an RGB tuple ...). `linewidth`:
    the line's width in points (`lw` for short).

    Returns a `matplotlib.figure.Figure` — not the Axes, not the list of lines `ax.plot`
    returns, and not None after `plt.show()`. Every call makes a NEW Figure with exactly one
    line: drawing on pyplot's current figure would pile up the lines of earlier calls.

    Raises ValueError when x and y differ in length (Matplotlib's own message, "x and y must
    have same first dimension", will do), when `color` is not a colour (Matplotlib raises it
    too: "... is not a valid value for color"), or when `linewidth` is not positive (with
    "linewidth" in the message: Matplotlib accepts it).
    """
    if not linewidth > 0:
        raise ValueError(f"line_plot: linewidth must be positive, got {linewidth}")
    fig = Figure()
    ax = fig.add_subplot()
    ax.plot(x, y, color=color, linewidth=linewidth)
    return fig


def bar_chart(
    x: Sequence[float] | np.ndarray,
    heights: Sequence[float] | np.ndarray,
    width: float = 0.8,
    alpha: float = 1.0,
    color: Color = "b",
) -> Figure:
    """A new Figure with one Axes holding one bar per x: centred at x[i], heights[i] tall.

    Notes (Matplotlib): `plt.bar(x,y,0.9,alpha=1,color='b')  # 3.柱状图的宽 4.alpha通道,即透明度`.

    `width`: each bar's width in data units. `alpha`: the bars' opacity, 0 (invisible) to 1
    (opaque). `color`: any Matplotlib colour. Bars stand upright (`ax.bar`, not `ax.barh`) and
    are centred on their x (Matplotlib's default `align="center"`).

    Returns a `matplotlib.figure.Figure` (not the BarContainer `ax.bar` returns), a new one on
    every call, with exactly `len(x)` bars.

    Raises ValueError:
    - when x and heights differ in length (with "length" in the message: Matplotlib's "shape
      mismatch" error is fine too, but it silently spreads ONE height over all bars);
    - when `alpha` is outside [0, 1] (with "alpha"; Matplotlib raises it itself);
    - when `color` is not a colour (with "color"; Matplotlib raises it itself);
    - when `width` is not positive (with "width": Matplotlib draws a negative width).
    """
    if not width > 0:
        raise ValueError(f"bar_chart: width must be positive, got {width}")
    if len(x) != len(heights):
        raise ValueError(
            f"bar_chart: x and heights must have the same length, got {len(x)} and "
            f"{len(heights)}"
        )
    fig = Figure()
    ax = fig.add_subplot()
    ax.bar(x, heights, width, alpha=alpha, color=color)
    return fig


def notes_figure(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> Figure:
    """The notes' whole example on ONE Axes: a red line, a green line 10 wide, and blue bars.

    Notes (Matplotlib): on one set of axes,
    `plt.plot(x,y,"r")`, `plt.plot(x,y,"g",lw=10)`, `plt.bar(x,y,0.9,alpha=1,color='b')`.

    Returns a new `matplotlib.figure.Figure` with one Axes holding, in this order, a red line
    through (x, y) of Matplotlib's default width (`rcParams["lines.linewidth"]`), a green line
    through (x, y) of width 10, and `len(x)` opaque blue bars of width 0.9 and heights y.
    Raises ValueError (with "length" in the message) when x and y differ in length.
    """
    if len(x) != len(y):
        raise ValueError(
            f"notes_figure: x and y must have the same length, got {len(x)} and {len(y)}"
        )
    fig = Figure()
    ax = fig.add_subplot()
    ax.plot(x, y, "r")
    ax.plot(x, y, "g", lw=10)
    ax.bar(x, y, 0.9, alpha=1, color="b")
    return fig
