"""The Keras 2 HDF5 layout: ``save_weights("w.h5")`` files and full ``model.save("m.h5")`` files.

Weights: attribute ``layer_names`` lists ``model.layers``; a group per layer holds
``weight_names`` (``dense/kernel:0``) and one dataset per weight, trainable ones first.
A full model adds ``model_config``/``training_config`` JSON attributes, the weights under
``model_weights`` and the optimizer state under ``optimizer_weights``. Files from tf.keras,
tf_keras and Keras 3's legacy writer all load; featherflow's files load in all of them.
"""

import json
import warnings

import numpy as np

from featherflow.saving import h5_io
from featherflow.saving.atomic import atomic_path, size_of
from featherflow.saving.weight_plan import WeightPlan
from featherflow.serialization import compile_config, load_limits, model_json, object_serialization
from featherflow.serialization.model_json import KERAS2_VERSION
from featherflow.version import FEATHERFLOW_VERSION


def legacy_weights(layer):
    """A layer's weights in Keras 2 file order: trainable first, then non-trainable."""
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def weight_names(layer, weights):
    """Keras 2 names (``lstm/lstm_cell/kernel:0``), unique within the layer."""
    paths = {}

    def walk(obj, prefix):
        own = obj.__dict__.get("_trainable_variables", []) + obj.__dict__.get(
            "_non_trainable_variables", [])
        for v in own:
            paths.setdefault(id(v), f"{prefix}{obj.name}/{v.name}")
        for child in obj.__dict__.get("_layers", []):
            walk(child, f"{prefix}{obj.name}/")

    walk(layer, "")
    names, used = [], set()
    for v in weights:
        base = paths.get(id(v), f"{layer.name}/{v.name}")
        name, k = f"{base}:0", 1
        while name in used:
            name, k = f"{base}_{k}:0", k + 1
        used.add(name)
        names.append(name)
    return names


def _check_unique_names(layers, model_name):
    seen = set()
    for layer in layers:
        if layer.name in seen:
            raise ValueError(
                f"Model {model_name!r} has two layers named {layer.name!r}; an .h5 file keys "
                "weights by layer name. Give the layers distinct names (name=...)."
            )
        seen.add(layer.name)


def save_weights_to_group(group, model):
    """Write ``model``'s weights into ``group`` (the file root or ``model_weights``)."""
    layers = model.layers
    _check_unique_names(layers, model.name)
    h5_io.write_str_list_attr(group, "layer_names", [la.name for la in layers])
    h5_io.write_str_attr(group, "backend", "tensorflow")
    h5_io.write_str_attr(group, "keras_version", KERAS2_VERSION)
    for layer in layers:
        _write_weights(group.create_group(layer.name), layer, legacy_weights(layer))
    own = model._trainable_variables + model._non_trainable_variables
    _write_weights(group.create_group("top_level_model_weights"), model, own)


def _write_weights(group, layer, weights):
    names = weight_names(layer, weights)
    h5_io.write_str_list_attr(group, "weight_names", names)
    for name, v in zip(names, weights):
        h5_io.write_array(group, name, v.numpy())


def save_weights(model, filepath, overwrite=True):
    """``model.save_weights("x.h5")``: the Keras 2 layout, written atomically."""
    _require_built(model, "save_weights")
    size = size_of(model)
    with atomic_path(filepath, overwrite, size_hint=size) as tmp:
        with h5_io.writing(tmp, size) as f:
            save_weights_to_group(f, model)
            h5_io.write_str_attr(f, "featherflow_version", _version())


def _version():
    return FEATHERFLOW_VERSION


def _require_built(model, what):
    if not model.built:
        raise ValueError(
            f"{what}: model {model.name!r} has no weights yet (it is not built). Call it on "
            "data, fit it, or give its first layer input_shape=... first."
        )


# -- reading ---------------------------------------------------------------------------------
def read_weight_groups(group, label):
    """``[(layer_name, [(weight_name, array), ...]), ...]`` in the file's layer order."""
    if "layer_names" not in group.attrs and "layer_names0" not in group.attrs:
        raise h5_io.CorruptFileError(
            f"{label}: no 'layer_names' attribute, so this is not a Keras 2 weights file."
        )
    out = []
    for name in h5_io.read_str_list_attr(group, "layer_names"):
        sub = h5_io.get_group(group, name, label)
        names = h5_io.read_str_list_attr(sub, "weight_names")
        out.append((name, [(w, h5_io.read_array(sub, w, label)) for w in names]))
    return out


def _top_level(group, label):
    if "top_level_model_weights" not in group:
        return []
    sub = h5_io.get_group(group, "top_level_model_weights", label)
    names = h5_io.read_str_list_attr(sub, "weight_names")
    return [(w, h5_io.read_array(sub, w, label)) for w in names]


def load_weights_from_group(group, model, by_name=False, skip_mismatch=False, label="file"):
    """Check then assign the weights stored in ``group`` (nothing changes on an error)."""
    _require_built(model, "load_weights")
    saved = read_weight_groups(group, label)
    plan = WeightPlan(skip_mismatch)
    if by_name:
        _plan_by_name(plan, model, saved, skip_mismatch, label)
    else:
        _plan_topological(plan, model, saved, skip_mismatch, label)
    own = model._trainable_variables + model._non_trainable_variables
    top = _top_level(group, label)
    if own and top:
        _plan_layer(plan, model, own, top, f"{label}, model {model.name!r} top-level weights",
                    skip_mismatch)
    return plan.apply()


def _plan_layer(plan, layer, variables, stored, where, skip_mismatch):
    if len(variables) != len(stored):
        message = (
            f"{where}: the model's layer has {len(variables)} weight(s) "
            f"{[tuple(v.data.shape) for v in variables]}, the file holds {len(stored)} "
            f"{[tuple(a.shape) for _, a in stored]}."
        )
        if skip_mismatch:
            warnings.warn(f"{message} Skipped (skip_mismatch=True).", stacklevel=4)
            return
        raise ValueError(
            f"{message} The model's weights were left unchanged. Check that the model matches "
            "the one that saved the file, or pass skip_mismatch=True."
        )
    for v, (name, array) in zip(variables, stored):
        plan.add(v, array, where, f"'{v.name}' (file: '{name}')")


def _plan_topological(plan, model, saved, skip_mismatch, label):
    layers = [la for la in model.layers if legacy_weights(la)]
    stored = [(name, ws) for name, ws in saved if ws]
    if len(layers) != len(stored):
        raise ValueError(
            f"Cannot load {label} into model {model.name!r}: the file holds weights for "
            f"{len(stored)} layer(s) {[n for n, _ in stored]}, the model has {len(layers)} "
            f"layer(s) with weights {[la.name for la in layers]}. The model's weights were left "
            "unchanged. Build the same architecture, or load with by_name=True to match layers "
            "by name."
        )
    for layer, (name, ws) in zip(layers, stored):
        where = f"Loading {label}: layer {layer.name!r} (file layer {name!r})"
        _plan_layer(plan, layer, legacy_weights(layer), ws, where, skip_mismatch)


def _plan_by_name(plan, model, saved, skip_mismatch, label):
    index = {}
    for layer in model.layers:
        index.setdefault(layer.name, []).append(layer)
    for name, ws in saved:
        for layer in index.get(name, []):
            where = f"Loading {label} by name: layer {name!r}"
            _plan_layer(plan, layer, legacy_weights(layer), ws, where, skip_mismatch)


# -- optimizer state ---------------------------------------------------------------------------
def save_optimizer_to_group(f, optimizer):
    variables = list(getattr(optimizer, "variables", []) or [])
    if not variables:
        return
    group = f.create_group("optimizer_weights")
    names, used = [], set()
    for i, v in enumerate(variables):
        base = str(getattr(v, "path", None) or getattr(v, "name", None) or f"var_{i}")
        name, k = base, 1
        while name in used:
            name, k = f"{base}_{k}", k + 1
        used.add(name)
        names.append(name)
    h5_io.write_str_list_attr(group, "weight_names", names)
    for name, v in zip(names, variables):
        h5_io.write_array(group, name, v.numpy())


def read_optimizer_group(f, label):
    group = h5_io.get_group(f, "optimizer_weights", label)
    names = h5_io.read_str_list_attr(group, "weight_names")
    return names, [h5_io.read_array(group, n, label) for n in names]


def plan_optimizer_state(model, names, arrays, label):
    """A WeightPlan restoring the optimizer, or None (with a warning) when it does not fit.

    Keras 3 and featherflow store ``iteration, learning_rate, slots...``; tf.keras >= 2.11
    stores ``iteration, slots...`` (the rate lives in the config), handled by skipping it.
    """
    optimizer = model.optimizer
    if not getattr(optimizer, "built", True):
        optimizer.build(model.trainable_variables)
    targets = list(optimizer.variables)
    if arrays and arrays[0].shape == () and int(np.asarray(arrays[0])) == 0 and \
            len(arrays) < len(targets):
        # saved before the first training step: no slots yet, nothing learned to restore
        return None
    if len(arrays) == len(targets) - 1 and len(targets) > 1 and \
            "learning_rate" in str(getattr(targets[1], "path", "")) and \
            not any("learning_rate" in n for n in names):
        targets = [targets[0]] + targets[2:]
    if len(arrays) != len(targets) or any(
            tuple(a.shape) != tuple(v.data.shape) for a, v in zip(arrays, targets)):
        warnings.warn(
            f"{label}: the saved optimizer state ({len(arrays)} arrays) does not fit "
            f"{type(optimizer).__name__} ({len(targets)} variables); the model is loaded with a "
            "freshly initialised optimizer, so training resumes without its moments.",
            stacklevel=3,
        )
        return None
    plan = WeightPlan()
    for v, name, a in zip(targets, names, arrays):
        plan.add(v, a, f"{label}, optimizer", f"'{name}'")
    return plan


# -- whole models ------------------------------------------------------------------------------
def save_model(model, filepath, overwrite=True, include_optimizer=True):
    """``model.save("m.h5")``: config, training config, weights and optimizer state (Keras 2)."""
    _require_built(model, "save")
    meta = model_json.model_to_dict(model)
    meta.pop("keras_version", None)
    meta.pop("backend", None)
    config_json = object_serialization.dumps(meta)
    training = None
    if include_optimizer and getattr(model, "compiled", False) and model.optimizer is not None:
        training = object_serialization.dumps(compile_config.training_config(model))
    size = size_of(model)
    with atomic_path(filepath, overwrite, size_hint=size) as tmp:
        with h5_io.writing(tmp, size) as f:
            h5_io.write_str_attr(f, "keras_version", KERAS2_VERSION)
            h5_io.write_str_attr(f, "backend", "tensorflow")
            h5_io.write_str_attr(f, "featherflow_version", _version())
            h5_io.write_str_attr(f, "model_config", config_json)
            if training is not None:
                h5_io.write_str_attr(f, "training_config", training)
            save_weights_to_group(f.create_group("model_weights"), model)
            if training is not None:
                save_optimizer_to_group(f, model.optimizer)


def _warn_keras2_hard_sigmoid(f, config_text, label, custom_objects):
    """Keras 2 and Keras 3 disagree on ``hard_sigmoid``: say so when a Keras 2 file uses it.

    Keras 2 (standalone 2.x, tf.keras up to TF 2.15, tf_keras) computes ``clip(0.2 x + 0.5, 0,
    1)``; Keras 3, which featherflow follows, ``relu6(x + 3) / 6``. LSTM and GRU layers of Keras
    2.2 and older default to ``recurrent_activation="hard_sigmoid"``, so their files predict
    differently (by up to ~0.01-0.2) unless the Keras 2 function is passed back in.
    """
    if '"hard_sigmoid"' not in config_text or "featherflow_version" in f.attrs:
        return
    version = h5_io.read_str_attr(f, "keras_version") or ""
    if not version.startswith(("1.", "2.")):
        return
    if custom_objects and "hard_sigmoid" in custom_objects:
        return
    warnings.warn(
        f"{label} was written by Keras {version} and uses the 'hard_sigmoid' activation, which "
        "Keras 2 defines as clip(0.2 * x + 0.5, 0, 1) and Keras 3 (whose definition featherflow "
        "uses, as Keras 3 would) as relu6(x + 3) / 6: predictions differ from the ones the "
        "model was trained with. To get Keras 2's numbers, load with custom_objects="
        "{'hard_sigmoid': tf.keras.backend.hard_sigmoid}.",
        stacklevel=4,
    )


def load_model(f, label, custom_objects=None, compile=True):
    """Rebuild, fill and (optionally) compile the model an open Keras 2 .h5 file holds."""
    text = h5_io.read_str_attr(f, "model_config")
    if text is None:
        raise ValueError(
            f"{label} holds weights only (no 'model_config'): build the model in code, then "
            "call model.load_weights(path)."
        )
    try:
        config = json.loads(text)
    except RecursionError:
        raise load_limits.depth_error(label) from None
    except ValueError as err:
        raise h5_io.CorruptFileError(
            f"{label}: the model configuration is not valid JSON ({err}); the file is corrupted."
        ) from None
    load_limits.check_depth(config, label)
    _warn_keras2_hard_sigmoid(f, text, label, custom_objects)
    model = model_json.model_from_config(config, custom_objects)
    group = h5_io.get_group(f, "model_weights", label) if "model_weights" in f else f
    load_weights_from_group(group, model, label=label)
    training = h5_io.read_str_attr(f, "training_config")
    if compile and training:
        compile_config.compile_from_training_config(model, json.loads(training))
        if "optimizer_weights" in f:
            names, arrays = read_optimizer_group(f, label)
            plan = plan_optimizer_state(model, names, arrays, label)
            if plan is not None:
                plan.apply()
    return model
