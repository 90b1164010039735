"""``fit``/``evaluate``/``predict`` on a ``tf.data.Dataset``: Keras 3's TFDatasetAdapter.

Each batch is the dataset's own element, read from the dataset's own iterator (a
``prefetch`` upstream keeps working ahead while the step runs) and handed to the step as
Tensors wrapping the same arrays: nothing is copied. Floats keep their dtype, as in Keras 3
(a float64 dataset reaches ``train_step`` as float64; layers cast their inputs and losses
cast the targets). 1-D components become columns, featherflow's rule for all data.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.data import structure
from featherflow.data.dataset import END
from featherflow.trainers.data_adapters.array_adapter import apply_class_weight
from featherflow.trainers.data_adapters.epochs import KerasEpochs


def is_dataset(x):
    from featherflow.data.dataset import Dataset

    return isinstance(x, Dataset)


class DatasetBatches(KerasEpochs):
    """Batches of a Dataset whose elements are ``x``, ``(x,)``, ``(x, y)`` or
    ``(x, y, sample_weight)``; ``class_weight`` adds sample weights from ``y``."""

    def __init__(self, dataset, steps=None, class_weight=None):
        cardinality = dataset._compute_cardinality()
        super().__init__(steps, cardinality if cardinality >= 0 else None)
        self.dataset = dataset
        self.class_weight = class_weight

    def _fresh(self):
        return self.dataset._iterate()

    def _convert(self, element):
        return step_batch(element, self.class_weight)

    def first(self):
        """One batch to build the model from, without starting a pass (a shuffle's seeds
        are not advanced)."""
        element = self.dataset._peek()
        if element is END:
            raise ValueError(
                "The dataset is empty: it produced no batches. Check the pipeline (a filter "
                "that drops everything, a take(0), a batch with drop_remainder=True larger "
                "than the data).")
        return step_batch(element, self.class_weight)

    def check_batched(self, model, what):
        """A clear error for a dataset of single samples (``.batch()`` forgotten), read from
        the element spec before anything runs."""
        # inputs.py imports this package to make its batches: a cycle at import time
        from featherflow.trainers.inputs import expected_input_shape

        if model is None:
            return
        spec = self.dataset.element_spec
        x_spec = spec[0] if type(spec) is tuple and spec else spec
        if not isinstance(x_spec, structure.TensorSpec) or x_spec._shape is None:
            return
        expected, layer_name = expected_input_shape(model)
        if expected is None:
            return
        shape = tuple(x_spec._shape)
        if len(shape) == len(expected) - 1 and all(
                e is None or d is None or e == d for e, d in zip(expected[1:], shape)):
            raise ValueError(
                f"{what}: the dataset's elements have shape {shape}, but model "
                f"'{model.name}' takes batches of shape {tuple(expected)} (declared at layer "
                f"'{layer_name}'; None is the batch). The dataset yields single samples: "
                "batch it first, e.g. `dataset.batch(32)`, and pass it without batch_size.")


def step_batch(element, class_weight=None):
    """A dataset element as the batch a step receives: the same nest, leaves as Tensors."""
    if type(element) is tuple:
        if class_weight is not None:
            element = _with_class_weight(element, class_weight)
        n = len(element)
        if n == 2:
            return (_tensors(element[0]), _tensors(element[1]))
        if n == 3:
            # sample weights keep their shape: (batch,) is one weight per sample
            return (_tensors(element[0]), _tensors(element[1]),
                    structure.map_element(Tensor, element[2]))
        return tuple(_tensors(part) for part in element)
    return _tensors(element)


def _with_class_weight(element, class_weight):
    if len(element) == 3:
        raise ValueError(
            "You cannot `class_weight` and `sample_weight` at the same time: the dataset "
            "already yields (x, y, sample_weight). Fold the class weights into the sample "
            "weights, or drop one of them.")
    if len(element) != 2:
        raise ValueError(
            "class_weight needs a dataset of (x, y) elements to read the classes from; "
            f"received elements of {len(element)} components.")
    x, y = element
    if not isinstance(y, np.ndarray):
        raise ValueError("`class_weight` is only supported for Models with a single output.")
    return (x, y, apply_class_weight(_column(y), None, class_weight))


def _column(a):
    return a.reshape(-1, 1) if a.ndim == 1 else a


def _tensors(part):
    if type(part) is np.ndarray:
        return Tensor(_column(part))
    return structure.map_element(lambda a: Tensor(_column(a)), part)
