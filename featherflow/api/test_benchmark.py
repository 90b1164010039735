"""``tf.test.Benchmark`` and ``tf.test.benchmark_config``: TF's benchmark registry, eager.

Every subclass of ``Benchmark`` is registered; ``tf.test.main()`` with
``--benchmark_filter=<regex>`` runs the ``benchmark*`` methods whose
``module.Class.method`` name matches (``all`` runs every one). ``report_benchmark`` prints
the entry as TF does when no ``TEST_REPORT_FILE_PREFIX`` is set, and otherwise writes it
to ``<prefix><name>`` as JSON (TF writes a ``BenchmarkEntries`` protobuf there).

    class MatmulBenchmark(tf.test.Benchmark):
        def benchmark_matmul(self):
            x = tf.ones([256, 256])
            start = time.time()
            tf.matmul(x, x)
            self.report_benchmark(iters=1, wall_time=time.time() - start)
"""

import inspect
import json
import numbers
import os
import re
import statistics
import time

REPORT_ENV = "TEST_REPORT_FILE_PREFIX"
_REGISTRY = set()


def _entry_text(entry):
    lines = ["entry {", f'  name: "{entry["name"]}"']
    for key in ("iters", "wall_time", "cpu_time", "throughput"):
        if key in entry:
            lines.append(f"  {key}: {entry[key]}")
    for key, value in entry.get("extras", {}).items():
        kind = "double_value" if isinstance(value, numbers.Number) else "string_value"
        shown = value if kind == "double_value" else json.dumps(value)
        lines += ["  extras {", f'    key: "{key}"', "    value {", f"      {kind}: {shown}",
                  "    }", "  }"]
    for metric in entry.get("metrics", []):
        lines += ["  metrics {", f'    name: "{metric["name"]}"',
                  f'    value: {metric["value"]}', "  }"]
    return "\n".join(lines + ["}"])


def report(name, iters=None, cpu_time=None, wall_time=None, throughput=None, extras=None,
           metrics=None):
    """Record one benchmark entry: printed, or written under ``TEST_REPORT_FILE_PREFIX``."""
    entry = {"name": name}
    for key, value in (("iters", iters), ("cpu_time", cpu_time), ("wall_time", wall_time),
                       ("throughput", throughput)):
        if value is not None:
            entry[key] = value
    if extras is not None:
        if not isinstance(extras, dict):
            raise TypeError("extras must be a dict")
        entry["extras"] = {k: v if isinstance(v, numbers.Number) else str(v)
                           for k, v in extras.items()}
    if metrics is not None:
        if not isinstance(metrics, list):
            raise TypeError("metrics must be a list")
        for metric in metrics:
            for field in ("name", "value"):
                if field not in metric:
                    raise TypeError(f"metric must has a '{field}' field")
        entry["metrics"] = [dict(m) for m in metrics]
    prefix = os.environ.get(REPORT_ENV)
    if prefix is None:
        print(_entry_text(entry))
        return entry
    path = prefix + name.replace("/", "__")
    if os.path.exists(path):
        raise OSError(f"File already exists: {path}")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"entry": [entry]}, handle)
    return entry


class _Registrar(type):
    def __new__(mcs, name, bases, attrs):
        cls = super().__new__(mcs, name, bases, attrs)
        if bases and attrs.get("__module__") != __name__:
            _REGISTRY.add(cls)
        return cls


class Benchmark(metaclass=_Registrar):
    """Base class of benchmarks run by ``tf.test.main()`` with ``--benchmark_filter``."""

    def _get_name(self, overwrite_name=None):
        name = None
        for frame in reversed(inspect.stack()):
            if isinstance(frame.frame.f_locals.get("self"), Benchmark):
                name = frame.function
                break
        if name is None and overwrite_name is None:
            raise ValueError("Unable to determine calling Benchmark class.")
        return f"{type(self).__name__}.{overwrite_name or name}"

    def report_benchmark(self, iters=None, cpu_time=None, wall_time=None, throughput=None,
                         extras=None, name=None, metrics=None):
        """Report one measurement, named ``Class.method`` (or ``Class.<name>``)."""
        report(self._get_name(name), iters=iters, cpu_time=cpu_time, wall_time=wall_time,
               throughput=throughput, extras=extras, metrics=metrics)

    def run_op_benchmark(self, sess, op_or_tensor, feed_dict=None, burn_iters=2,
                         min_iters=10, store_trace=False, store_memory_usage=True,
                         name=None, extras=None, mbs=0):
        """Time a zero-argument callable ``op_or_tensor`` (``sess`` is ignored: featherflow
        has no sessions) and report the median wall time, as TF times ``sess.run``."""
        if not callable(op_or_tensor):
            raise TypeError(
                "run_op_benchmark: featherflow runs eagerly, so `op_or_tensor` must be a "
                "callable that computes the op (e.g. lambda: tf.matmul(x, x)); received "
                f"{type(op_or_tensor).__name__}.")
        for _ in range(burn_iters):
            op_or_tensor()
        deltas = []
        for _ in range(min_iters):
            start = time.time()
            op_or_tensor()
            deltas.append(time.time() - start)
        median = statistics.median(deltas) if deltas else -1
        values = {"iters": min_iters, "wall_time": median, "extras": dict(extras or {}),
                  "name": name, "throughput": mbs / median if median > 0 else 0.0}
        self.report_benchmark(**values)
        values["extras"]["wall_time_mean"] = statistics.mean(deltas) if deltas else -1
        values["extras"]["wall_time_stdev"] = (statistics.stdev(deltas) if len(deltas) > 1
                                               else -1)
        return values

    def evaluate(self, tensors):
        """The NumPy values of a nest of tensors."""
        from featherflow.tree import nest  # loaded when a benchmark asks

        return nest.map_structure(lambda t: t.numpy() if hasattr(t, "numpy") else t, tensors)


def run_benchmarks(regex):
    """Run the registered benchmark methods whose ``module.Class.method`` matches."""
    selected = []
    for cls in sorted(_REGISTRY, key=lambda c: (c.__module__, c.__name__)):
        instance = None
        for attr in sorted(dir(cls)):
            if not attr.startswith("benchmark") or not callable(getattr(cls, attr)):
                continue
            full = f"{cls.__module__}.{cls.__name__}.{attr}"
            if regex == "all" or re.search(regex, full):
                selected.append(full)
                instance = instance or cls()
                getattr(instance, attr)()
    if not selected:
        raise ValueError(f"No benchmarks matched the pattern: '{regex}'")
    return selected


class _Options:
    """A small attribute tree standing in for TF's ConfigProto fields."""

    def __init__(self, **fields):
        self.__dict__.update(fields)

    def __repr__(self):
        return "\n".join(f"{k} {{{v!r}}}" if isinstance(v, _Options) else f"{k}: {v}"
                         for k, v in self.__dict__.items())


def benchmark_config():
    """TF's benchmark session config: the dependency optimizer OFF
    (``config.graph_options.rewrite_options.dependency_optimization == 2``, RewriterConfig's
    OFF). featherflow has no graph rewriter, so the value is only information."""
    return _Options(graph_options=_Options(rewrite_options=_Options(
        dependency_optimization=2)))
