"""Importing matplotlib (an optional extra) with a clear error, and a headless backend."""

import os
import sys

from featherflow.utils.notebook import in_jupyter_kernel


def has_display():
    if in_jupyter_kernel():
        return True
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def require_matplotlib(what):
    try:
        # lazy optional dependency: matplotlib (the [plot] extra)
        import matplotlib
    except ImportError:
        raise ImportError(
            f"{what} needs matplotlib, which is not installed. Install it with "
            "`pip install featherflow[plot]` (or `pip install matplotlib`)."
        ) from None
    if not has_display() and matplotlib.get_backend().lower() not in ("agg", "pdf", "svg"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # lazy optional dependency: matplotlib

    return plt
