"""Which adapter takes a Dataset or a PyDataset, and the arguments Keras 3 refuses with them."""

import warnings

from featherflow.trainers.data_adapters import array_adapter, conversion
from featherflow.trainers.data_adapters.dataset_adapter import DatasetBatches, is_dataset
from featherflow.trainers.data_adapters.py_dataset_adapter import PyDatasetBatches, is_pydataset


def handles(x):
    """True for the inputs these adapters take (the others go to trainers/inputs.py)."""
    return is_dataset(x) or is_pydataset(x)


def _kind(x):
    return "tf.data.Dataset" if is_dataset(x) else "PyDataset"


def _refuse(name, description, kind):
    raise ValueError(
        f"When providing `x` as a {kind}, `{name}` should not be passed. Instead, "
        f"{description} should be included as part of the {kind}.")


def _adapter(model, x, y, sample_weight, steps, shuffle, class_weight, what):
    kind = _kind(x)
    if y is not None:
        _refuse("y", "the targets", kind)
    if sample_weight is not None:
        _refuse("sample_weights", "the sample weights", kind)
    if is_dataset(x):
        if shuffle:
            warnings.warn(
                "`shuffle=True` was passed, but will be ignored since the data `x` was "
                "provided as a tf.data.Dataset. The Dataset is expected to already be "
                "shuffled (via `.shuffle(buffer_size)`).", stacklevel=4)
        batches = DatasetBatches(x, steps, class_weight)
        batches.check_batched(model, what)
        return batches
    if x.num_batches is None and shuffle:
        warnings.warn(
            "`shuffle=True` was passed, but will be ignored since the data `x` was provided "
            "as an infinite PyDataset. The PyDataset is expected to already be shuffled.",
            stacklevel=4)
    return PyDatasetBatches(x, steps, shuffle, class_weight)


def fit_batches(model, x, y, sample_weight, shuffle, steps_per_epoch, class_weight,
                validation_split, validation_data, validation_batch_size, validation_steps):
    """The training and validation batches of ``fit(x=<Dataset or PyDataset>)``; the batch
    size is the data's own (a ``batch_size`` argument is ignored, as in Keras 3)."""
    if validation_split and validation_data is None:
        raise ValueError(
            "Argument `validation_split` is only supported for tensors or NumPy arrays."
            f"Found incompatible type in the input: [{type(x)}]")
    batches = _adapter(model, x, y, sample_weight, steps_per_epoch, shuffle, class_weight,
                       "fit")
    return batches, validation_batches(validation_data, validation_batch_size,
                                       validation_steps)


def validation_batches(validation_data, batch_size, steps):
    """``validation_data`` of any kind as batches (None when not given)."""
    if validation_data is None:
        return None
    if handles(validation_data):
        return _adapter(None, validation_data, None, None, steps, False, None,
                        "validation_data")
    if not isinstance(validation_data, tuple) or len(validation_data) not in (2, 3):
        raise ValueError(
            "validation_data must be a tf.data.Dataset, a PyDataset, or a tuple (x_val, y_val) "
            f"or (x_val, y_val, sample_weight); received {type(validation_data).__name__}.")
    vx = conversion.expand_1d(conversion.to_numpy(validation_data[0], "validation x"))
    vy = conversion.expand_1d(conversion.to_numpy(validation_data[1], "validation y"))
    vsw = conversion.to_numpy(validation_data[2]) if len(validation_data) == 3 else None
    return array_adapter.ArrayBatches(vx, vy, vsw, batch_size=batch_size or 32, shuffle=False,
                                     steps=steps)


def evaluate_batches(model, x, y, sample_weight, steps):
    return _adapter(model, x, y, sample_weight, steps, False, None, "evaluate")


def predict_batches(model, x, steps):
    return _adapter(model, x, None, None, steps, False, None, "predict")
