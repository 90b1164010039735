"""``tf.profiler`` (``tf.profiler.experimental``): TF's profiler API, answered honestly.

featherflow has no profiler that records TensorFlow's op traces (XPlane files for
TensorBoard's Profile dashboard), so ``start``, ``Profile``, ``server.start`` and
``client.trace``/``monitor`` raise ``tf.errors.UnimplementedError`` naming what to use
instead (Python's ``cProfile``); ``stop`` without a running profiler is TF's
``UnavailableError``. ``Trace`` annotations are accepted and mark nothing — what TF's do
while no profiler runs — so code that annotates its steps runs unchanged.

    with tf.profiler.experimental.Trace("train", step_num=step, _r=1):
        train_step(batch)
"""

import collections
import types

from featherflow import errors

__all__ = ["experimental"]

ProfilerOptions = collections.namedtuple(
    "ProfilerOptions", ["host_tracer_level", "python_tracer_level", "device_tracer_level",
                        "delay_ms"], defaults=(2, 0, 1, None))

_NO_PROFILER = ("featherflow has no TensorFlow profiler (no XPlane traces for TensorBoard's "
                "Profile dashboard). Profile the Python process instead, e.g. `python -m "
                "cProfile -o run.prof train.py` and `python -m pstats run.prof`.")


def start(logdir, options=None):
    """Refused: there is no profiler to start."""
    raise errors.UnimplementedError(None, None,
                                    f"tf.profiler.experimental.start({logdir!r}): {_NO_PROFILER}")


def stop(save=True):
    """TF's answer when no profiler runs (here, always)."""
    raise errors.UnavailableError(None, None,
                                  "Cannot export profiling results. No profiler is running.")


class Trace:
    """A named step or region (``Trace("train", step_num=3, _r=1)``): TF records it only
    while a profiler runs; none runs here, so it marks nothing."""

    def __init__(self, name, **kwargs):
        self.name = name
        self.metadata = dict(kwargs)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class Profile:
    """``with Profile(logdir):`` — starting the profiler is refused as ``start`` is."""

    def __init__(self, logdir, options=None):
        self._logdir, self._options = logdir, options

    def __enter__(self):
        start(self._logdir, self._options)
        return self

    def __exit__(self, *exc):
        return False


def _server_start(port):
    raise errors.UnimplementedError(
        None, None, f"tf.profiler.experimental.server.start({port}): {_NO_PROFILER}")


def _client_trace(service_addr, logdir, duration_ms, worker_list="", num_tracing_attempts=3,
                  options=None):
    raise errors.UnimplementedError(
        None, None, f"tf.profiler.experimental.client.trace({service_addr!r}): {_NO_PROFILER}")


def _client_monitor(service_addr, duration_ms, level=1):
    raise errors.UnimplementedError(
        None, None, f"tf.profiler.experimental.client.monitor({service_addr!r}): "
                    f"{_NO_PROFILER}")


experimental = types.SimpleNamespace(
    ProfilerOptions=ProfilerOptions, Profile=Profile, Trace=Trace, start=start, stop=stop,
    server=types.SimpleNamespace(start=_server_start),
    client=types.SimpleNamespace(trace=_client_trace, monitor=_client_monitor))
