"""Whether code runs inside a Jupyter kernel (the progress bar and plots behave differently)."""

import sys


def in_jupyter_kernel():
    """True inside a Jupyter kernel, whose output shows "\\r" redraws and inline figures;
    not merely with ipykernel imported (a process that starts kernels, such as nbclient,
    imports it too)."""
    if "ipykernel" not in sys.modules:
        return False
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and getattr(shell, "kernel", None) is not None
