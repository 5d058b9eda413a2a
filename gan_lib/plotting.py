"""One figure style for the whole book, and the plots that chapters share.

Colours carry meaning everywhere: data (``p_data``) is blue, the generator (``p_g``) is
orange, the discriminator (``D``) is green, reference values are grey dashed lines.
"""

from __future__ import annotations

import matplotlib as mpl

COLORS = {
    "data": "#1f77b4",
    "generator": "#ff7f0e",
    "discriminator": "#2ca02c",
    "optimal": "#d62728",
    "reference": "#7f7f7f",
}

STYLE = {
    "figure.figsize": (7.0, 3.6),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "lines.linewidth": 2.0,
    "animation.embed_limit": 40.0,  # MB: animations are embedded in the static HTML book
}


def use_book_style() -> None:
    """Apply the book's matplotlib style (called once by every chapter through gan_lib.plotting)."""
    mpl.rcParams.update(STYLE)


def reference_line(ax, value: float, label: str, axis: str = "y") -> None:
    """A grey dashed line marking a theoretical value, e.g. ``-log 4`` or ``D = 1/2``."""
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


use_book_style()


def animation_html(fig, update, frames: int, interval: int = 200) -> str:
    """An animation as self-contained HTML (``FuncAnimation.to_jshtml``) with play controls,
    so that it plays in the static HTML book; closes ``fig`` so it is not shown twice."""
    from matplotlib import animation
    from matplotlib import pyplot as plt

    anim = animation.FuncAnimation(fig, update, frames=frames, interval=interval)
    html = anim.to_jshtml()
    plt.close(fig)
    return html


def loss_curves(ax, history, smooth: int = 1):
    """Discriminator and generator losses per step, with their equilibrium values:
    ``log 4`` for the discriminator's BCE and ``log 2`` for the non-saturating G loss."""
    import numpy as np

    arrays = history.as_arrays() if hasattr(history, "as_arrays") else history
    kernel = np.ones(smooth) / smooth
    for key, color, label in (("d_loss", "discriminator", "D loss"), ("g_loss", "generator", "G loss")):
        values = np.convolve(arrays[key], kernel, mode="valid")
        ax.plot(np.arange(len(values)) + smooth, values, color=COLORS[color], label=label, linewidth=1.2)
    reference_line(ax, float(np.log(4)), "log 4 (D at equilibrium)")
    ax.axhline(float(np.log(2)), color=COLORS["reference"], linestyle=":", linewidth=1.2, label="log 2 (G at equilibrium)")
    return labelled(ax, "training step", "loss (nats)", "Losses")


def image_grid(images, cols: int = 8, pad: int = 1):
    """Tile images ``(N, H, W, 1)`` or ``(N, H, W)`` with values in [-1, 1] into one 2-D array in
    [0, 1] (``cols`` per row, ``pad`` pixels of white between them), ready for ``imshow``."""
    import numpy as np

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
