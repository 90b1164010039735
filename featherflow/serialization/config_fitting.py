"""Fitting configs written by Keras 2 or Keras 3 to featherflow's constructors, and back.

Keras configs carry keys featherflow does not take (``quantization_config``,
``implementation``...): :func:`fit_config` drops them from the arguments of featherflow's own
classes, warning when a dropped value mattered. :func:`keras2_compatible` removes Keras-3-only
keys so tf.keras can read what featherflow writes.
"""

import inspect
import warnings

from featherflow.serialization import dtype_policy, resolver

# Keras-only settings that change nothing in featherflow: dropped without a warning
_QUIET_KEYS = frozenset({
    "implementation", "time_major", "quantization_config", "lora_rank", "lora_alpha",
    "autocast", "optional", "ragged", "sparse", "input_axes", "output_axes", "synchronized",
    "jit_compile", "is_legacy_optimizer", "dynamic", "build_input_shape", "ema_momentum",
    "ema_overwrite_frequency", "name",
})

# what Layer.__init__ takes through **kwargs (it raises on anything else)
_LAYER_BASE_KWARGS = frozenset({
    "trainable", "name", "dtype", "autocast", "batch_input_shape", "batch_shape",
    "input_shape", "input_dim", "weights", "dynamic", "input_length",
})

# settings Keras 3 added that tf.keras/tf_keras reject; dropped from Keras 2 style configs
# while they hold their default (None)
_KERAS3_ONLY = frozenset({"input_axes", "output_axes", "quantization_config", "lora_rank",
                          "lora_alpha", "sliding_window", "seed"})
# the same for settings whose default is False (use_gate, rms_scaling)
_KERAS3_ONLY_FALSE = frozenset({"use_gate", "rms_scaling"})


def accepted_kwargs(cls):
    """Keyword arguments ``cls(...)`` takes, or None when it takes anything."""
    base = resolver.layer_base()
    names = set()
    for klass in cls.__mro__:
        if klass is object:
            return names
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        if klass is base:
            return names | _LAYER_BASE_KWARGS
        try:
            params = inspect.signature(init).parameters
        except (TypeError, ValueError):
            return None
        var_kw = False
        for p in list(params.values())[1:]:
            if p.kind == p.VAR_KEYWORD:
                var_kw = True
            elif p.kind != p.VAR_POSITIONAL:
                names.add(p.name)
        if not var_kw:
            return names
    return None


def fit_config(cls, config, where):
    """Drop config keys a featherflow class cannot take; warn when a dropped one mattered.

    User classes get their config unchanged: their ``from_config`` decides.
    """
    if not cls.__module__.startswith("featherflow."):
        return config
    accepted = accepted_kwargs(cls)
    if accepted is None:
        return config
    out = {}
    for key, value in config.items():
        if key in accepted:
            out[key] = value
        elif key not in _QUIET_KEYS and value not in (None, False, 0, 0.0, "", [], {}):
            warnings.warn(
                f"{where}: featherflow's {cls.__name__} has no setting {key!r}; the saved value "
                f"{value!r} is ignored.",
                stacklevel=3,
            )
    return out


def dtype_name(dtype):
    """A dtype or policy name from a config (string, Keras 2 ``Policy`` or Keras 3
    ``DTypePolicy`` dict): ``"mixed_float16"`` stays a policy name, which layers take."""
    if isinstance(dtype, dict):
        class_name = dtype.get("class_name")
        if not isinstance(class_name, str) or not class_name.isidentifier() or \
                class_name.startswith("_") or not class_name.endswith("Policy"):
            raise ValueError(
                f"A layer's dtype must be a dtype name or a DTypePolicy config; received "
                f"{dtype!r} (class {class_name!r})."
            )
        return dtype_policy.policy_name(dtype) or "float32"
    return dtype


def normalize_layer_config(config):
    """Keras 2/3 spellings featherflow's layers take the same way (dtype policies, axis)."""
    config = dict(config)
    if "dtype" in config:
        config["dtype"] = dtype_name(config["dtype"])
    axis = config.get("axis")
    if isinstance(axis, list) and len(axis) == 1 and isinstance(axis[0], int):
        config["axis"] = axis[0]
    return config


def keras2_compatible(config):
    """A config tf.keras can read: Keras-3-only settings left at their default removed, and
    Keras 3's ``DTypePolicy`` dicts written as the policy's name, which tf.keras 2 and Keras
    3 both read from ``.h5`` files (Keras 3 refuses tf.keras 2's ``Policy`` dict there)."""
    if isinstance(config, dict):
        if config.get("class_name") in ("DTypePolicy", "FloatDTypePolicy") and \
                config.get("module") == "keras":
            return dtype_policy.policy_name(config)
        return {k: keras2_compatible(v) for k, v in config.items()
                if not (k in _KERAS3_ONLY and v is None)
                and not (k in _KERAS3_ONLY_FALSE and v is False)}
    if isinstance(config, list):
        return [keras2_compatible(v) for v in config]
    return config
