"""One figure style for the whole book, and the plots that chapters share.

Colours carry meaning everywhere: data (``p_data``) is blue, the generator (``p_g``) is
orange, the discriminator (``D``) is green, reference values are grey dashed lines.
"""

from __future__ import annotations

import matplotlib as mpl

from gan_lib.validation import check_array, check_integer, check_number

COLORS = {
    "data": "#1f77b4",
    "generator": "#ff7f0e",
    "discriminator": "#2ca02c",
    "optimal": "#d62728",
    "reference": "#7f7f7f",
}

# Figures are sized for the book's column: at most COLUMN_WIDTH_IN inches wide (at
# DPI dots per inch that is the column's width in pixels at 1280 px, so a figure is shown
# at about its natural size), and no text is smaller than MIN_FONT_PT points. Then its
# smallest text renders at MIN_FONT_PT * DPI / 72 * (rendered / natural width) >= 9 px,
# the rule tests/browser/test_layout.py checks on every figure of the built book.
COLUMN_WIDTH_IN = 7.0
DPI = 100
MIN_FONT_PT = 9

STYLE = {
    "figure.figsize": (COLUMN_WIDTH_IN, 3.6),
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.frameon": False,
    "legend.fontsize": MIN_FONT_PT,
    "xtick.labelsize": MIN_FONT_PT,
    "ytick.labelsize": MIN_FONT_PT,
    "figure.titlesize": 12,
    "lines.linewidth": 2.0,
    "animation.embed_limit": 40.0,  # MB: animations are embedded in the static HTML book
}


def use_book_style() -> None:
    """Apply the book's matplotlib style (called once by every chapter through gan_lib.plotting)."""
    mpl.rcParams.update(STYLE)


use_book_style()  # importing gan_lib.plotting sets the style


def smallest_font_pt(fig) -> float:
    """The smallest font size (points) among the visible, non-empty texts of ``fig``."""
    sizes = [
        text.get_fontsize()
        for text in fig.findobj(lambda artist: hasattr(artist, "get_fontsize"))
        if text.get_visible() and getattr(text, "get_text", lambda: "")()
    ]
    return min(sizes, default=float("inf"))


def reference_line(ax, value: float, label: str, axis: str = "y") -> None:
    """A grey dashed line marking a theoretical value, e.g. ``-log 4`` or ``D = 1/2``."""
    if axis not in ("x", "y"):
        raise ValueError(f"axis must be 'x' (a vertical line) or 'y' (a horizontal one); got {axis!r}")
    value = check_number("value", value)
    draw = ax.axhline if axis == "y" else ax.axvline
    draw(value, color=COLORS["reference"], linestyle="--", linewidth=1.2, label=label)


def labelled(ax, xlabel: str, ylabel: str, title: str | None = None, legend: bool = True):
    """Label both axes (and title); add a legend when any artist has a label."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if legend and ax.get_legend_handles_labels()[0]:
        ax.legend()
    return ax


def density_histogram(ax, samples, bins: int = 100, limits=None, color: str = COLORS["data"],
                      label: str | None = None, alpha: float = 0.35):
    """A histogram that estimates the density of ``samples``, to overlay on ``p(x)``.

    Bar height = count / (n * bin width) with ``n`` counting ALL samples, also those outside
    ``limits``: the bars then estimate ``p(x)`` even when ``limits`` cuts off heavy tails
    (matplotlib's ``density=True`` would rescale the visible bars to unit area).
    Returns ``(heights, edges)``.
    """
    import numpy as np

    samples = np.asarray(samples, dtype=float).ravel()
    if samples.size == 0 or not np.isfinite(samples).all():
        raise ValueError(f"samples must be a non-empty array of finite numbers; got {samples.size} "
                         "values" + ("" if samples.size == 0 else " with NaN or inf among them"))
    counts, edges = np.histogram(samples, bins=bins, range=limits)
    heights = counts / (samples.size * np.diff(edges))
    ax.stairs(heights, edges, fill=True, color=color, alpha=alpha, label=label)
    return heights, edges



def animation_html(fig, update, frames: int, interval: int = 200, start_frame: int = 0) -> str:
    """An animation as self-contained HTML (``FuncAnimation.to_jshtml``) with play controls,
    so that it plays in the static HTML book; closes ``fig`` so it is not shown twice.

    The page shows frame ``start_frame`` until the reader presses play (``-1``: the last
    frame, e.g. a trained generator rather than the untrained one of frame 0).
    """
    import re

    from matplotlib import animation
    from matplotlib import pyplot as plt

    frames = check_integer("frames", frames, at_least=1)
    start = check_integer("start_frame", start_frame, at_least=-frames, less_than=frames) % frames
    anim = animation.FuncAnimation(fig, update, frames=frames, interval=interval)
    html = anim.to_jshtml()
    plt.close(fig)
    if start:
        html, found = re.subn(r"(anim(\w+) = new Animation\([^;]*\);)",
                              rf"\1\n        anim\2.set_frame({start});", html)
        if found != 1:
            raise RuntimeError("matplotlib's animation HTML changed: cannot set its first frame")
    return html


def loss_curves(ax, history, smooth: int = 1):
    """Discriminator and generator losses per step, with their equilibrium values:
    ``log 4`` for the discriminator's BCE and ``log 2`` for the non-saturating G loss."""
    import numpy as np

    arrays = history.as_arrays() if hasattr(history, "as_arrays") else history
    missing = [key for key in ("d_loss", "g_loss") if key not in arrays]
    if missing:
        raise ValueError(f"history must hold the keys 'd_loss' and 'g_loss'; {missing} missing")
    smooth = check_integer("smooth", smooth, at_least=1)
    kernel = np.ones(smooth) / smooth
    for key, color, label in (("d_loss", "discriminator", "D loss"), ("g_loss", "generator", "G loss")):
        values = np.convolve(arrays[key], kernel, mode="valid")
        ax.plot(np.arange(len(values)) + smooth, values, color=COLORS[color], label=label, linewidth=1.2)
    reference_line(ax, float(np.log(4)), "log 4 (D at equilibrium)")
    ax.axhline(float(np.log(2)), color=COLORS["reference"], linestyle=":", linewidth=1.2, label="log 2 (G at equilibrium)")
    return labelled(ax, "training step", "loss (nats)", "Losses")


def density_and_discriminator(
    ax, x, p_data_pdf, p_g_pdf, d_values, title: str | None = None, d_star=None, legend: bool = True
):
    """Figure 1 of Goodfellow et al. (2014): the data density (blue, filled), the
    generator's density (orange) and the discriminator's output D(x) (green dashes) on one
    axis, with D = 1/2 marked; optionally the optimal discriminator
    ``D*(x) = p_data / (p_data + p_g)`` (red, thin; NaN entries leave gaps, e.g. where both
    densities are negligible). All arguments are arrays on the grid ``x``. With
    ``legend=False`` the caller places the legend (e.g. one per figure)."""
    import numpy as np

    curves = [x, p_data_pdf, p_g_pdf, d_values] + ([] if d_star is None else [d_star])
    arrays = [np.asarray(a, dtype=float) for a in curves]
    if len({a.shape for a in arrays}) != 1 or arrays[0].ndim != 1:
        raise ValueError(
            "x, p_data_pdf, p_g_pdf, d_values (and d_star) must be 1-D arrays of one length; "
            f"got shapes {[a.shape for a in arrays]}"
        )
    x, p_data_pdf, p_g_pdf, d_values = arrays[:4]
    ax.fill_between(x, p_data_pdf, color=COLORS["data"], alpha=0.3, label=r"$p_\mathrm{data}$")
    ax.plot(x, p_g_pdf, color=COLORS["generator"], label=r"$p_g$")
    ax.plot(x, d_values, "--", color=COLORS["discriminator"], label="$D(x)$")
    if d_star is not None:
        ax.plot(x, arrays[4], color=COLORS["optimal"], linewidth=1.0, label="$D^*(x)$")
    reference_line(ax, 0.5, "$D = 1/2$")
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(0, max(1.05, 1.05 * float(np.max(p_data_pdf)), 1.05 * float(np.max(p_g_pdf))))
    labelled(ax, "x", "density / probability", title, legend=legend)
    return ax


def ring_samples(ax, samples, centers, std: float, title: str | None = None, limit: float = 2.6):
    """Generated 2-D samples (orange dots) over the modes of a ring of Gaussians (blue
    circles of radius 3 std: the VEEGAN/PacGAN "high quality" zone)."""
    from matplotlib.patches import Circle

    samples = check_array("samples", samples, ndim=2)
    centers = check_array("centers", centers, ndim=2)
    if samples.shape[1] != 2 or centers.shape[1] != 2:
        raise ValueError(
            f"samples and centers must be 2-D points, shapes (n, 2) and (modes, 2); got "
            f"{samples.shape} and {centers.shape}"
        )
    std = check_number("std", std, greater_than=0)
    for i, center in enumerate(centers):
        ax.add_patch(Circle(center, 3 * std, fill=False, color=COLORS["data"], linewidth=1.2,
                            label="mode (3 std)" if i == 0 else None))
    ax.scatter(samples[:, 0], samples[:, 1], s=2, alpha=0.4, color=COLORS["generator"], label="$G(z)$")
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    labelled(ax, "$x_1$", "$x_2$", title, legend=False)
def image_grid(images, cols: int = 8, pad: int = 1):
    """Tile images ``(N, H, W, 1)`` or ``(N, H, W)`` with values in [-1, 1] into one 2-D array in
    [0, 1] (``cols`` per row, ``pad`` pixels of white between them), ready for ``imshow``."""
    import numpy as np

    cols = check_integer("cols", cols, at_least=1)
    pad = check_integer("pad", pad, at_least=0)
    images = np.asarray(images, dtype=float)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images must have shape (N, H, W) or (N, H, W, 1); got {images.shape}")
    n, height, width = images.shape
    rows = -(-n // cols)
    grid = np.ones((rows * (height + pad) - pad, cols * (width + pad) - pad))
    for index, image in enumerate((np.clip(images, -1, 1) + 1) / 2):
        r, c = divmod(index, cols)
        grid[r * (height + pad) : r * (height + pad) + height, c * (width + pad) : c * (width + pad) + width] = image
    return grid


def show_images(ax, images, cols: int = 8, title: str | None = None):
    """Draw ``image_grid(images, cols)`` on ``ax``: white ink on black as in MNIST, no axes."""
    ax.imshow(image_grid(images, cols), cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax
