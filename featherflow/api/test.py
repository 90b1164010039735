"""``tf.test``: TF's test base class and helpers, and what the hardware questions answer here.

featherflow computes with NumPy on the CPU, eagerly: there is no GPU, ROCm or XLA build, no
graph and no in-process gRPC cluster, and the answers say so (docs/tf_core.md).
"""

import functools
import types

from featherflow import errors
from featherflow.api.gradient_checker import compute_gradient
from featherflow.api.test_benchmark import Benchmark, benchmark_config
from featherflow.api.test_case import TestCase, main

__all__ = [
    "Benchmark", "TestCase", "assert_equal_graph_def", "benchmark_config", "compute_gradient",
    "create_local_cluster", "disable_with_predicate", "experimental", "gpu_device_name",
    "is_built_with_cuda", "is_built_with_gpu_support", "is_built_with_rocm",
    "is_built_with_xla", "is_cpu_target_available", "is_gpu_available", "main",
    "with_eager_op_as_function",
]


def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None):
    """False: featherflow computes with NumPy on the CPU."""
    return False


def is_built_with_cuda():
    return False


def is_built_with_gpu_support():
    return False


def is_built_with_rocm():
    return False


def is_built_with_xla():
    """False: featherflow has no XLA compiler (``jit_compile=True`` runs eagerly)."""
    return False


def is_cpu_target_available(target):
    """Whether XLA can compile for the CPU ``target`` (e.g. ``"x86"``): no XLA here, so
    False for every target."""
    if not isinstance(target, str):
        raise TypeError(f"is_cpu_target_available: `target` must be a string such as 'x86'; "
                        f"received {type(target).__name__}.")
    return False


def gpu_device_name():
    """The empty string, as TensorFlow gives when there is no GPU."""
    return ""


def disable_with_predicate(pred, skip_message):
    """Skip the decorated test method when ``pred()`` is true, with ``skip_message``."""
    def decorator(func):
        @functools.wraps(func)
        def wrapper(self, *args, **kwargs):
            if pred():
                self.skipTest(skip_message)
            return func(self, *args, **kwargs)
        return wrapper
    return decorator


def with_eager_op_as_function(cls=None, only_as_function=False):
    """The class unchanged, as TF 2.21 (which keeps the decorator only for old tests)."""
    if cls is None:
        return lambda klass: klass
    return cls


def _sync_devices():
    """Wait for pending ops: featherflow's ops finish before they return, so there is
    nothing to wait for."""


experimental = types.SimpleNamespace(sync_devices=_sync_devices)
experimental.__doc__ = "``tf.test.experimental``: sync_devices."


def create_local_cluster(num_workers, num_ps, protocol="grpc", worker_config=None,
                         ps_config=None):
    """TF starts in-process gRPC servers (``tf.distribute.Server``); featherflow has none.

    Multi-worker training here runs over MPI: launch the workers with ``mpiexec -n N`` and
    use ``tf.distribute.MultiWorkerMirroredStrategy`` (docs/distributed.md)."""
    raise errors.UnimplementedError(
        None, None,
        f"create_local_cluster(num_workers={num_workers}, num_ps={num_ps}): featherflow has "
        "no in-process gRPC servers (tf.distribute.Server) to start. Multi-worker training "
        "runs over MPI: launch the script with `mpiexec -n N` and use "
        "tf.distribute.MultiWorkerMirroredStrategy (docs/distributed.md).")


def _graph_nodes(graph_def, which):
    if not (hasattr(graph_def, "node") and hasattr(graph_def, "SerializeToString")):
        raise TypeError(f"Expected tf.GraphDef for {which}, got {type(graph_def).__name__}")
    nodes = {}
    for node in graph_def.node:
        inputs = list(node.input)
        data = [i for i in inputs if not i.startswith("^")]
        control = sorted(i for i in inputs if i.startswith("^"))
        attrs = {key: node.attr[key].SerializeToString(deterministic=True)
                 for key in node.attr}
        nodes[node.name] = (node.op, data, control, node.device, attrs)
    return nodes


def assert_equal_graph_def(expected, actual):
    """Two ``GraphDef`` protos (TF's or TensorBoard's ``graph_pb2.GraphDef``) hold the same
    nodes, matched by name, ignoring versions and the order of nodes, attrs and control
    inputs. featherflow builds no graphs of ops itself; this compares protos read from
    files or built by hand."""
    want = _graph_nodes(expected, "expected")
    have = _graph_nodes(actual, "actual")
    problems = [f"Node named '{n}' in expected is missing from actual." for n in want
                if n not in have]
    problems += [f"Found unexpected node '{n}' not in expected graph." for n in have
                 if n not in want]
    labels = ("op", "inputs", "control inputs", "device", "attrs")
    for name in sorted(set(want) & set(have)):
        for label, w, h in zip(labels, want[name], have[name]):
            if w != h:
                problems.append(f"Node named '{name}' has {label} {h!r} in actual, "
                                f"{w!r} in expected.")
    if problems:
        raise AssertionError("\n".join(problems))
