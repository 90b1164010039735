"""Pictures: matplotlib set-up for scripts, training curves, decision regions, model graphs.

matplotlib is imported only when a function here is called (``pip install featherflow[plot]``).
"""

import inspect
import os

import numpy as np

# plot_model lives beside its graph code; both are part of this module's public face.
from featherflow.utils.matplotlib_support import has_display, require_matplotlib
from featherflow.utils.model_visualization import model_to_dot, plot_model

__all__ = ["model_to_dot", "output_dir", "plot_decision_boundary", "plot_history", "plot_model",
           "pyplot", "require_matplotlib", "show_or_save"]

_NOTICE_SHOWN = False


class _NoPlot:
    """Stands in for pyplot when matplotlib is missing: every call does nothing."""

    rcParams = {}

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def pyplot():
    """``matplotlib.pyplot`` (headless ``Agg`` backend without a display).

    Without matplotlib the examples still run: a stand-in ignores the plotting calls and a
    one-line notice says how to get the pictures.
    """
    global _NOTICE_SHOWN
    try:
        return require_matplotlib("Plotting")
    except ImportError:
        if not _NOTICE_SHOWN:
            print("(matplotlib is not installed: plots are skipped; "
                  "`pip install featherflow[plot]` to draw them)")
            _NOTICE_SHOWN = True
        return _NoPlot()


def output_dir():
    """Where scripts save figures when there is no display (``$FEATHERFLOW_EXAMPLES_OUT``)."""
    path = os.environ.get("FEATHERFLOW_EXAMPLES_OUT") or os.path.join(os.getcwd(), "plots")
    os.makedirs(path, exist_ok=True)
    return path


def show_or_save(name):
    """``plt.show()`` on a display; otherwise save the current figure as ``<name>.png``."""
    plt = pyplot()
    if isinstance(plt, _NoPlot):
        return None
    if has_display() and "Agg" not in plt.get_backend():
        plt.show()
        return None
    path = os.path.join(output_dir(), f"{name}.png")
    plt.savefig(path)
    plt.close("all")
    print(f"(figure saved to {path})")
    return path


def _save(fig, to_file, dpi):
    if to_file is not None:
        to_file = os.fspath(to_file)
        folder = os.path.dirname(to_file)
        if folder:
            os.makedirs(folder, exist_ok=True)
        # No bbox_inches="tight": the file keeps the figure's exact pixel size.
        fig.savefig(to_file, dpi=dpi)


# -- training curves ------------------------------------------------------------------------
def _as_record(history, where):
    """``{name: [values]}`` from a History, a ``history.history`` dict or anything with one."""
    record = getattr(history, "history", history)
    if not isinstance(record, dict):
        raise TypeError(
            f"{where}: expected the History that fit returns (or its .history dict), received "
            f"{type(history).__name__}."
        )
    return record


def _runs(history):
    """``[(label, record, first_epoch)]``: one run, or one per entry of ``{label: history}``."""
    if isinstance(history, dict) and history and all(
            isinstance(v, dict) or hasattr(v, "history") for v in history.values()):
        return [(str(label), _as_record(h, "plot_history"), _first_epoch(h))
                for label, h in history.items()]
    return [(None, _as_record(history, "plot_history"), _first_epoch(history))]


def _first_epoch(history):
    epochs = getattr(history, "epoch", None)
    return int(epochs[0]) + 1 if epochs else 1


def _metric_names(runs, metrics):
    available = []
    for _, record, _ in runs:
        for key in record:
            base = key[4:] if key.startswith("val_") else key
            if base not in available:
                available.append(base)
    if "loss" in available:  # the loss first, as fit logs it
        available.remove("loss")
        available.insert(0, "loss")
    if metrics is None:
        return available
    wanted = [metrics] if isinstance(metrics, str) else list(metrics)
    missing = [m for m in wanted if m not in available]
    if missing:
        raise ValueError(
            f"plot_history: no values logged for {missing}; the history has {available}. "
            "Pass metric names without the val_ prefix (validation curves come with them)."
        )
    return wanted


def _epochs_for(values, n_train, first):
    """x positions of a series; validation run every k-th epoch has n_train / k values."""
    m = len(values)
    if m == n_train or n_train == 0:
        return list(range(first, first + m))
    if n_train % m == 0:
        step = n_train // m
        return list(range(first + step - 1, first + n_train, step))
    return list(range(first + n_train - m, first + n_train))


def plot_history(history, metrics=None, to_file=None, figsize=None, dpi=100, columns=3):
    """Plot the loss and each metric per epoch, training and validation, one panel per metric.

    ``history`` is what ``fit`` returns (or its ``.history`` dict), or a dict
    ``{label: history}`` to compare runs (e.g. a learning-rate sweep) on the same axes.
    ``metrics`` picks names (without ``val_``); by default every logged quantity is drawn.
    Returns the matplotlib Figure and saves it to ``to_file`` when given.

    Example::

        >>> history = model.fit(x, y, validation_split=0.2, epochs=50, verbose=0)
        >>> fig = tf.keras.utils.plot_history(history, to_file="curves.png")
    """
    plt = require_matplotlib("plot_history")
    runs = _runs(history)
    names = _metric_names(runs, metrics)
    if not names:
        raise ValueError("plot_history: the history is empty (fit ran no epochs?).")
    cols = max(1, min(int(columns), len(names)))
    rows = (len(names) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, squeeze=False,
                             figsize=figsize or (5.0 * cols, 3.6 * rows), dpi=dpi)
    colors = plt.rcParams["axes.prop_cycle"].by_key().get("color", ["C0", "C1"])
    for i, name in enumerate(names):
        ax = axes[i // cols][i % cols]
        for r, (label, record, first) in enumerate(runs):
            train = list(record.get(name, []))
            val = list(record.get(f"val_{name}", []))
            n = len(train) or len(val)
            # One run: training and validation in two colours. Several runs: a colour per
            # run, validation dashed.
            c_train = colors[r % len(colors)] if label else colors[0]
            c_val = c_train if label else colors[1 % len(colors)]
            few = n <= 30
            if train:
                ax.plot(_epochs_for(train, n, first), train, color=c_train,
                        marker="o" if few else None, markersize=3,
                        label=label if label else "training")
            if val:
                ax.plot(_epochs_for(val, n, first), val, color=c_val, linestyle="--",
                        marker="s" if few else None, markersize=3,
                        label=f"{label} (validation)" if label else "validation")
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small")
    for j in range(len(names), rows * cols):
        axes[j // cols][j % cols].set_visible(False)
    fig.tight_layout()
    _save(fig, to_file, dpi)
    return fig


# -- decision regions -----------------------------------------------------------------------
def _predict_grid(model, grid):
    """The model's outputs on ``grid`` (n, 2) as an ndarray; works for Keras-like models,
    scikit-learn estimators and plain callables."""

    proba = getattr(model, "predict_proba", None)
    predict = getattr(model, "predict", None)
    if callable(proba):
        out = proba(grid)
    elif callable(predict):
        try:
            params = inspect.signature(predict).parameters
        except (TypeError, ValueError):
            params = {}
        if "verbose" in params or any(p.kind == p.VAR_KEYWORD for p in params.values()):
            # One large batch: the grid is cheap per point, the per-batch overhead is not.
            out = predict(grid, batch_size=min(len(grid), 16384), verbose=0)
        else:
            out = predict(grid)
    elif callable(model):
        out = model(grid)
    else:
        raise TypeError(
            "plot_decision_boundary: expected a model with predict() (a featherflow/Keras "
            f"model or a scikit-learn estimator) or a callable, received {type(model).__name__}."
        )
    if isinstance(out, (list, tuple)):
        out = out[0]  # several outputs: the first one decides
    out = np.asarray(getattr(out, "data", out), dtype=np.float64)
    if out.shape[0] != len(grid):
        raise ValueError(
            f"plot_decision_boundary: the model returned {out.shape[0]} predictions for "
            f"{len(grid)} grid points; it must give one prediction per input row."
        )
    out = out.reshape(len(grid), -1)
    if out.shape[1] == 2 and callable(proba):
        out = out[:, 1:]  # two-class probabilities: the positive class is enough
    return out


def _label_values(y, multiclass):
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1)
    y = y.reshape(len(y))
    return y.astype(np.int64) if multiclass else y.astype(np.float64)


def plot_decision_boundary(model, x, y=None, to_file=None, resolution=200, ax=None,
                           threshold=None, margin=0.1, cmap=None, title=None, figsize=(6, 5),
                           dpi=100):
    """Shade the regions a model assigns to each class over the 2-D inputs ``x``, with the
    points on top.

    Works for any model: one output (sigmoid, tanh, or a raw score) is shown as a filled
    contour with the decision line at ``threshold`` (0.5 for outputs in [0, 1], else 0);
    several outputs (softmax) as one colour per arg-max class. ``y`` colours the points
    (class labels, 0/1 or -1/+1, or one-hot). ``resolution`` is the number of grid points per
    axis. Draws into ``ax`` when given. Returns the Figure and saves it to ``to_file``.

    Example::

        >>> fig = tf.keras.utils.plot_decision_boundary(model_xor, x_data, y_data,
        ...                                             to_file="xor_regions.png")
    """
    plt = require_matplotlib("plot_decision_boundary")
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != 2 or len(x) == 0:
        raise ValueError(
            "plot_decision_boundary: x must hold points with 2 features, shape (n, 2); "
            f"received shape {x.shape}. Pick two input columns (or reduce to 2-D) first."
        )
    if y is not None and len(np.asarray(y)) != len(x):
        raise ValueError(
            f"plot_decision_boundary: y has {len(np.asarray(y))} labels for {len(x)} points."
        )
    resolution = int(resolution)
    if resolution < 2:
        raise ValueError(f"plot_decision_boundary: resolution must be >= 2, got {resolution}.")
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    lo, hi = lo - margin * span, hi + margin * span
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()]).astype(np.float32)
    out = _predict_grid(model, grid)

    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
        own_figure = True
    else:
        fig, own_figure = ax.figure, False
    # lazy optional dependency: matplotlib
    from matplotlib.colors import BoundaryNorm, ListedColormap, Normalize

    multiclass = out.shape[1] > 1
    if multiclass:
        k = out.shape[1]
        classes = np.argmax(out, axis=1).reshape(gx.shape)
        base = plt.get_cmap(cmap or ("tab10" if k <= 10 else "tab20"))
        colors = [base(i % base.N) for i in range(k)]
        cm = ListedColormap(colors)
        norm = BoundaryNorm(np.arange(k + 1) - 0.5, k)
        ax.contourf(gx, gy, classes, levels=np.arange(k + 1) - 0.5, cmap=cm, norm=norm,
                    alpha=0.35)
        if y is not None:
            labels = _label_values(y, True)
            ax.scatter(x[:, 0], x[:, 1], c=labels, cmap=cm, norm=norm, edgecolors="black",
                       s=45, zorder=3)
        else:
            ax.scatter(x[:, 0], x[:, 1], color="black", s=20, zorder=3)
    else:
        values = out[:, 0].reshape(gx.shape)
        vmin, vmax = float(values.min()), float(values.max())
        bounded = vmin >= 0.0 and vmax <= 1.0
        cut = threshold if threshold is not None else (0.5 if bounded else 0.0)
        if bounded:
            vmin, vmax = 0.0, 1.0
        elif vmax == vmin:
            vmin, vmax = vmin - 1.0, vmax + 1.0
        cm = plt.get_cmap(cmap or "RdBu_r")
        norm = Normalize(vmin=vmin, vmax=vmax)
        filled = ax.contourf(gx, gy, values, levels=np.linspace(vmin, vmax, 21), cmap=cm,
                             norm=norm, alpha=0.8, extend="neither" if bounded else "both")
        if values.min() < cut < values.max():
            ax.contour(gx, gy, values, levels=[cut], colors="black", linewidths=1.5)
        if own_figure:
            fig.colorbar(filled, ax=ax, label="model output")
        if y is not None:
            labels = _label_values(y, False)
            uniq = np.unique(labels)
            if len(uniq) <= 2:
                # Two classes: the lower label takes the low end of the colour map, the
                # higher the high end, matching the regions the model should give them.
                pos = (labels == uniq[-1]) if len(uniq) == 2 else np.zeros(len(labels), bool)
                colors = np.where(pos, vmax, vmin)
            else:
                colors = labels
            ax.scatter(x[:, 0], x[:, 1], c=colors, cmap=cm, norm=norm, edgecolors="black",
                       s=45, zorder=3)
        else:
            ax.scatter(x[:, 0], x[:, 1], color="black", s=20, zorder=3)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel("x[:, 0]")
    ax.set_ylabel("x[:, 1]")
    if title is None:
        name = getattr(model, "name", None) or getattr(model, "__name__", None)
        title = f"Decision regions of {name or type(model).__name__}"
    if title:
        ax.set_title(title)
    if own_figure:
        fig.tight_layout()
    _save(fig, to_file, dpi if own_figure else fig.dpi)
    return fig
