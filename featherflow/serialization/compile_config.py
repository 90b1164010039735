"""What ``compile`` was given (optimizer, loss, metrics), saved and restored.

Keras 2 ``.h5`` files hold it as ``training_config`` (with ``optimizer_config``); Keras 3
``.keras`` files as ``compile_config`` (with ``optimizer``). Both are read, including the
tf.keras spellings (``"Custom>Adam"``, metrics as ``[[MeanMetricWrapper...]]``, ``lr``).
"""

import inspect

from featherflow.serialization import config_fitting, resolver
from featherflow.serialization import object_registration as registration
from featherflow.serialization.class_names import keras_module_of, registered_name_of
from featherflow.serialization.object_serialization import serialize_keras_object


def _serialize_item(item):
    """A loss or metric as JSON: names stay names, objects become Keras 3 dicts."""
    if item is None or isinstance(item, (str, int, float, bool)):
        return item
    if isinstance(item, dict):
        return {k: _serialize_item(v) for k, v in item.items()}
    if isinstance(item, (list, tuple)):
        return [_serialize_item(v) for v in item]
    if inspect.isfunction(item) or inspect.isbuiltin(item):
        return registration.get_registered_name(item)
    if inspect.isclass(item):
        return registration.get_registered_name(item)
    return serialize_keras_object(item)


# Keras 3 reads these loss aliases in .keras files but not in legacy .h5 training configs
_LOSS_NAMES = {
    "mse": "mean_squared_error", "mae": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error", "msle": "mean_squared_logarithmic_error",
    "kld": "kl_divergence", "logcosh": "log_cosh",
}


def _canonical_loss(loss):
    if isinstance(loss, str):
        return _LOSS_NAMES.get(loss, loss)
    if isinstance(loss, dict) and "class_name" not in loss:
        return {k: _canonical_loss(v) for k, v in loss.items()}
    if isinstance(loss, list):
        return [_canonical_loss(v) for v in loss]
    return loss


_KEEP = object()
_OPTIMIZER_DEFAULTS = {
    "weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
    "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
    "loss_scale_factor": None, "gradient_accumulation_steps": None,
}


def _optimizer_dict(optimizer, keras3):
    config = serialize_keras_object(optimizer.get_config())
    if keras3:
        return {"module": keras_module_of(optimizer), "class_name": type(optimizer).__name__,
                "config": config, "registered_name": registered_name_of(optimizer)}
    # Settings left at their defaults are omitted: tf.keras then builds its classic optimizer
    # from the rest (it rejects weight_decay, use_ema... unless "is_legacy_optimizer" is
    # false, a key Keras 3 rejects), so both Keras versions read the file.
    config = {k: v for k, v in config.items() if _OPTIMIZER_DEFAULTS.get(k, _KEEP) != v}
    return {"class_name": registration.get_registered_name(type(optimizer)), "config": config}


def _compiled(model):
    cc = getattr(model, "compile_config", None) or {}
    return {
        "loss": _serialize_item(cc.get("loss", model.loss)),
        "loss_weights": _serialize_item(cc.get("loss_weights")),
        "metrics": _serialize_item(cc.get("metrics")),
        "weighted_metrics": _serialize_item(cc.get("weighted_metrics")),
    }


def training_config(model):
    """The Keras 2 ``training_config`` of a compiled model."""
    out = _compiled(model)
    out["loss"] = _canonical_loss(out["loss"])
    out["optimizer_config"] = _optimizer_dict(model.optimizer, keras3=False)
    return out


def keras3_compile_config(model):
    """The Keras 3 ``compile_config`` of a compiled model."""
    out = {"optimizer": _optimizer_dict(model.optimizer, keras3=True)}
    out.update(_compiled(model))
    out.update({"run_eagerly": False, "steps_per_execution": 1, "jit_compile": False})
    return out


def deserialize_optimizer(config, custom_objects=None):
    """An optimizer from ``{"class_name": "Adam" | "Custom>Adam" | "adam", "config": ...}``."""
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    class_name = config.get("class_name", "")
    inner = dict(config.get("config") or {})
    cls = None
    for name in (config.get("registered_name"), class_name):
        if name:
            cls = registration.get_registered_object(name, custom_objects)
            if cls is not None:
                break
    if cls is None:
        table = resolver.module_table("optimizers")
        bare = class_name.split(">")[-1]
        cls = table.get(bare) or table.get(bare.lower())
    if cls is None:
        raise resolver.unknown_name_error(
            "optimizer", class_name, sorted(resolver.module_table("optimizers")), "the file")
    if "lr" in inner and "learning_rate" not in inner:
        inner["learning_rate"] = inner.pop("lr")
    inner = config_fitting.fit_config(cls, inner, f"optimizer {class_name}")
    return cls.from_config(inner)


def _metric_item(item):
    """tf.keras wraps metrics in MeanMetricWrapper dicts; keep their public name."""
    if isinstance(item, list):
        return [_metric_item(v) for v in item]
    if isinstance(item, dict) and "class_name" not in item:
        return {k: _metric_item(v) for k, v in item.items()}
    if isinstance(item, dict) and item.get("class_name") == "MeanMetricWrapper":
        cfg = item.get("config") or {}
        name, fn = cfg.get("name"), cfg.get("fn")
        known = resolver.module_table("metrics")
        if name in ("accuracy", "acc", "crossentropy", "ce") or name in known:
            return name
        if isinstance(fn, dict):
            fn = fn.get("config")
        return fn or name
    return item


def _unnest_single_output(metrics, n_outputs):
    # tf.keras writes one list per output: [["accuracy"]] for a one-output model
    if n_outputs == 1 and isinstance(metrics, list) and len(metrics) == 1 and isinstance(
            metrics[0], list):
        return metrics[0]
    return metrics


def compile_from_training_config(model, config, custom_objects=None):
    """``model.compile(...)`` from a Keras 2 ``training_config``."""
    optimizer = deserialize_optimizer(config["optimizer_config"], custom_objects)
    _compile(model, optimizer, config)


def compile_from_keras3(model, config, custom_objects=None):
    """``model.compile(...)`` from a Keras 3 ``compile_config``."""
    optimizer = deserialize_optimizer(config["optimizer"], custom_objects)
    _compile(model, optimizer, config)


def _compile(model, optimizer, config):
    n_out = len(getattr(model, "outputs", None) or [None])
    metrics = _unnest_single_output(_metric_item(config.get("metrics")), n_out)
    weighted = _unnest_single_output(_metric_item(config.get("weighted_metrics")), n_out)
    model.compile(optimizer=optimizer, loss=config.get("loss"), metrics=metrics,
                  loss_weights=config.get("loss_weights"), weighted_metrics=weighted)
    optimizer.build(model.trainable_variables)
