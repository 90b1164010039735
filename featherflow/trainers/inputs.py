"""What fit, evaluate and predict make of their arguments: batches from arrays (converted,
checked against the model's declared input once, before the first step) or from generators.
"""

import numpy as np

from featherflow.trainers.data_adapters import (
    ArrayBatches,
    GeneratorBatches,
    check_finite,
    expand_1d,
    is_generator_like,
    map_arrays,
    num_samples,
    split_validation,
    to_numpy,
)


def fit_batches(model, x, y, sample_weight, batch_size, shuffle, steps_per_epoch,
                class_weight, validation_split, validation_data, validation_batch_size,
                needs_y):
    """The training batches and the validation batches (or None) of ``fit``; ``needs_y``:
    the default train_step with a compiled loss needs targets (a custom step may not)."""
    if x is None:
        raise ValueError("fit: x is required (training inputs).")
    if is_generator_like(x):
        if y is not None:
            raise ValueError(
                "fit: when x is a generator or Sequence it must yield (x, y) itself; do not "
                "pass y separately."
            )
        if batch_size is not None:
            raise ValueError(
                "fit: batch_size cannot be used with a generator or Sequence; the data "
                "source decides the batch size."
            )
        batches = GeneratorBatches(x, steps_per_epoch)
        if validation_split:
            raise ValueError("validation_split is not supported with generators; pass "
                             "validation_data instead.")
    else:
        x = float_inputs(model, expand_x(model, to_numpy(x, "x", strings=True)))
        check_input(model, x, "fit")
        y = expand_1d(to_numpy(y, "y"))
        sample_weight = to_numpy(sample_weight, "sample_weight")
        if y is None and needs_y:
            raise ValueError(
                "fit: y (the targets) is required when x is an array. Pass "
                "model.fit(x, y, ...)."
            )
        num_samples(x, y, sample_weight)
        check_finite(x, "x")
        check_finite(y, "y")
        if validation_split and validation_data is None:
            (x, y, sample_weight), val_arrays = split_validation(
                x, y, sample_weight, validation_split)
            validation_data = val_arrays
        batches = ArrayBatches(x, y, sample_weight,
                               batch_size=32 if batch_size is None else batch_size,
                               shuffle=shuffle, steps=steps_per_epoch, class_weight=class_weight)
    val = None
    if validation_data is not None:
        vbs = validation_batch_size or batch_size or 32
        if is_generator_like(validation_data):
            val = GeneratorBatches(validation_data)
        else:
            if not isinstance(validation_data, tuple) or len(validation_data) not in (2, 3):
                raise ValueError(
                    "validation_data must be a tuple (x_val, y_val) or (x_val, y_val, "
                    f"sample_weight), received {type(validation_data).__name__}."
                )
            vx, vy = validation_data[0], validation_data[1]
            vsw = validation_data[2] if len(validation_data) == 3 else None
            vx = expand_x(model, to_numpy(vx, "validation x", strings=True))
            vy = expand_1d(to_numpy(vy, "validation y"))
            val = ArrayBatches(vx, vy, to_numpy(vsw), batch_size=vbs, shuffle=False)
    return batches, val

def expected_input_shape(model):
    """(batch shape, name of the layer that declared it) of a single-input model, or
    (None, None) when the model has no declared input."""
    layer = getattr(model, "_input_layer", None)
    if layer is not None:
        layers = model.layers
        return layer.batch_shape, (layers[0].name if layers else layer.name)
    inputs = getattr(model, "inputs", None)
    if isinstance(inputs, list) and len(inputs) == 1 and hasattr(inputs[0], "shape"):
        return inputs[0].shape, inputs[0]._keras_history[0].name
    return None, None

def expand_x(model, x):
    """Keras 2's 1-D-to-column rule for x, except for a model whose declared input is itself
    1-D (``(None,)``: strings for a TextVectorization, ids for a lookup layer)."""
    expected, _ = expected_input_shape(model)
    if expected is not None and len(expected) == 1:
        return x
    return expand_1d(x)


def check_input(model, x, what):
    """Data whose rank or sizes differ from the model's Input: a clear error up front."""
    if not isinstance(x, np.ndarray):
        return
    if x.dtype == object:
        _check_text_input(model, x, what)
    expected, layer_name = expected_input_shape(model)
    if expected is None:
        return
    ok = x.ndim == len(expected) and all(
        e is None or e == d for e, d in zip(expected[1:], x.shape[1:]))
    if not ok:
        raise ValueError(
            f"{what}: x has shape {x.shape}, but model '{model.name}' takes inputs of shape "
            f"{tuple(expected)} (declared at layer '{layer_name}'; None is the batch). "
            f"Give x the shape (samples, {', '.join(str(d) for d in expected[1:])}), or "
            "change the input_shape/input_dim of the first layer to match your data."
        )

_TEXT_LAYERS = ("TextVectorization", "StringLookup", "Hashing", "HashedCrossing")


def _check_text_input(model, x, what):
    inputs = getattr(model, "inputs", None)
    if not (isinstance(inputs, list) and len(inputs) == 1):
        return
    layers = getattr(model, "layers", None) or []
    if type(model).__name__ == "Sequential" and layers and \
            type(layers[0]).__name__ in _TEXT_LAYERS:
        return  # a Sequential built from data whose first layer reads text
    dtype = str(getattr(inputs[0], "dtype", None) or "float32")
    if dtype not in ("string", "object", "str"):
        first = x.reshape(-1)[0] if x.size else None
        raise TypeError(
            f"{what}: x holds text (e.g. {first!r}), but model '{model.name}' takes {dtype} "
            "inputs. Convert the text to numbers first, or start the model with "
            "keras.Input(shape=..., dtype='string') followed by a TextVectorization or "
            "StringLookup layer.")


def float_inputs(model, x):
    """Integer data for a model that takes floats is cast once here, not every step."""
    if not getattr(model, "_cast_int_inputs", True):
        return x
    dt = model.dtype
    return map_arrays(lambda a: a.astype(dt) if a.dtype.kind in "iub" else a, x)


def evaluate_batches(model, x, y, sample_weight, batch_size, steps):
    """The batches of ``evaluate``: unshuffled, 32 rows by default."""
    if is_generator_like(x):
        return GeneratorBatches(x, steps)
    x = expand_x(model, to_numpy(x, "x", strings=True))
    check_input(model, x, "evaluate")
    y = expand_1d(to_numpy(y, "y"))
    sw = to_numpy(sample_weight, "sample_weight")
    check_finite(x, "x")
    return ArrayBatches(x, y, sw, batch_size=batch_size or 32, shuffle=False, steps=steps)


def predict_batches(model, x, batch_size, steps):
    """The batches of ``predict``: x alone, unshuffled, 32 rows by default."""
    if is_generator_like(x):
        return GeneratorBatches(x, steps)
    x = expand_x(model, to_numpy(x, "x", strings=True))
    check_input(model, x, "predict")
    return ArrayBatches(x, None, None, batch_size=batch_size or 32, shuffle=False, steps=steps)
