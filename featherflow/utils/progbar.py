"""A text progress bar in Keras 2's format.

On a terminal (or in Jupyter) it redraws one line in place; written to a file or a pipe it
prints one clean line when a run of steps finishes, instead of a wall of carriage returns.
"""

import sys
import time

from featherflow.utils.notebook import in_jupyter_kernel


def dynamic_display(stream=None):
    stream = stream or sys.stdout
    if in_jupyter_kernel():
        return True
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:
        return False


def format_value(v):
    if isinstance(v, float) or hasattr(v, "__float__"):
        try:
            f = float(v)
        except (TypeError, ValueError):
            return str(v)
        return f"{f:.4f}" if abs(f) > 1e-3 or f == 0 else f"{f:.4e}"
    return str(v)


def format_time_per_step(seconds):
    if seconds >= 1:
        return f"{seconds:.0f}s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms"
    return f"{seconds * 1e6:.0f}us"


class Progbar:
    """Progress of ``target`` steps; ``update(current, values)`` redraws when due.

    Example::

        >>> bar = Progbar(7)
        >>> bar.update(7, [("loss", 0.1234)], finalize=True)
        7/7 [==============================] - 0s 2ms/step - loss: 0.1234
    """

    def __init__(self, target, width=30, verbose=1, interval=0.05, unit_name="step",
                 stream=None):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        if stream is None:
            from featherflow.backend import config

            stream = sys.stdout if config.interactive_logging() else config.LoggingStream()
        self.stream = stream
        self.dynamic = dynamic_display(self.stream)
        self.start = time.perf_counter()
        self.last_draw = 0.0
        self.prev_len = 0

    def _bar(self, current):
        target = self.target
        if target is None:
            return f"{current:7d}/Unknown"
        digits = len(str(target))
        head = f"{current:{digits}d}/{target} ["
        filled = int(self.width * current / target) if target else self.width
        if filled > 0:
            head += "=" * (filled - 1)
            head += ">" if current < target else "="
        head += "." * (self.width - filled)
        return head + "]"

    def _line(self, current, values, done):
        now = time.perf_counter()
        elapsed = now - self.start
        per_step = elapsed / current if current else 0.0
        if self.verbose == 2:
            parts = [f"{current}/{self.target}" if self.target else f"{current}",
                     f"{elapsed:.0f}s"]
            parts += [f"{k}: {format_value(v)}" for k, v in values]
            parts.append(f"{format_time_per_step(elapsed)}/epoch")
            parts.append(f"{format_time_per_step(per_step)}/{self.unit_name}")
            return " - ".join(parts)
        text = self._bar(current)
        if done or self.target is None:
            text += f" - {elapsed:.0f}s {format_time_per_step(per_step)}/{self.unit_name}"
        else:
            eta = per_step * (self.target - current)
            text += " - ETA: " + (f"{eta // 3600:.0f}:{(eta % 3600) // 60:02.0f}:"
                                  f"{eta % 60:02.0f}" if eta > 3600 else
                                  f"{eta // 60:.0f}:{eta % 60:02.0f}" if eta > 60 else
                                  f"{eta:.0f}s")
        for k, v in values:
            text += f" - {k}: {format_value(v)}"
        return text

    def update(self, current, values=None, finalize=None):
        values = list(values or [])
        done = finalize if finalize is not None else (
            self.target is not None and current >= self.target)
        if self.verbose == 1:
            if self.dynamic:
                now = time.perf_counter()
                if not done and now - self.last_draw < self.interval:
                    return
                self.last_draw = now
                line = self._line(current, values, done)
                pad = max(self.prev_len - len(line), 0)
                self.stream.write("\r" + line + " " * pad + ("\n" if done else ""))
                self.prev_len = len(line)
                self.stream.flush()
            elif done:
                self.stream.write(self._line(current, values, True) + "\n")
                self.stream.flush()
        elif self.verbose == 2 and done:
            self.stream.write(self._line(current, values, True) + "\n")
            self.stream.flush()
