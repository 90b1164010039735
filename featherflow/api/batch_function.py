"""``tf.nondifferentiable_batch_function``: TF's serving-side batching decorator.

TF queues concurrent calls and runs them as one batch (up to ``max_batch_size``, waiting up
to ``batch_timeout_micros``), then splits the outputs; the outputs carry no gradient. Here
each call runs the function at once on its own inputs — what TF returns for a lone call —
and the outputs are ``tf.stop_gradient``-ed as TF's are. Batching concurrent callers is a
serving throughput optimisation featherflow does not do (docs/tf_core.md).

    @tf.nondifferentiable_batch_function(1, 32, 1000)
    def score(x):
        return model(x)
"""

import functools

from featherflow.autodiff.tensor import Tensor, convert_to_tensor
from featherflow.ops.math import stop_gradient
from featherflow.tree import nest


def nondifferentiable_batch_function(num_batch_threads, max_batch_size, batch_timeout_micros,
                                     allowed_batch_sizes=None, max_enqueued_batches=10,
                                     autograph=True, enable_large_batch_splitting=True):
    """A decorator running the function per call, outputs without gradients."""
    if allowed_batch_sizes is not None:
        sizes = list(allowed_batch_sizes)
        if sizes != sorted(sizes) or (sizes and sizes[-1] != max_batch_size):
            raise ValueError("allowed_batch_sizes must be increasing and end with "
                             f"max_batch_size ({max_batch_size}); received {sizes}.")

    def decorator(fn):
        @functools.wraps(fn)
        def batched(*args):
            tensors = [a if isinstance(a, Tensor) else convert_to_tensor(a) for a in args]
            outputs = fn(*tensors)
            return nest.map_structure(
                lambda t: stop_gradient(t) if isinstance(t, Tensor) else t, outputs)
        return batched
    return decorator
