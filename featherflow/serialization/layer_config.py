"""Layers and models to Keras 2 / Keras 3 config dicts and back.

Keras 2 dicts are ``{"class_name", "config"}`` (``.h5`` files, ``to_json``); Keras 3 dicts add
``module``, ``registered_name`` and ``build_config`` and spell some settings differently
(``batch_shape`` for an InputLayer's ``batch_input_shape``). Reading accepts both and fits the
configs to featherflow's constructors; ``Lambda`` layers are only rebuilt from functions the
caller passes in.
"""

import numpy as np

from featherflow.serialization import class_names, config_fitting, load_limits, resolver
from featherflow.serialization import object_registration as registration
from featherflow.serialization.config_fitting import keras2_compatible, normalize_layer_config
from featherflow.serialization.safe_mode import in_safe_mode

# where Keras 3 itself says its model classes live (it cannot import keras.models.Functional)
_KERAS3_MODEL_NAMES = {
    "Functional": {"module": "keras.src.models.functional", "registered_name": "Functional"},
    "Sequential": {"module": "keras", "registered_name": None},
    # Keras's class GroupedQueryAttention is exported (and written) as GroupQueryAttention
    "GroupedQueryAttention": {"class_name": "GroupQueryAttention"},
}


# settings tf.keras 2 spells differently and refuses under their Keras 3 name
_KERAS2_NAMES = {"LeakyReLU": {"negative_slope": "alpha"}}


def layer_to_dict(layer, keras3=False, in_model=False):
    """``{"class_name", "config"}`` (Keras 2) or the Keras 3 dict with module and build_config.

    ``in_model``: the model writes an InputLayer, so per-layer input shapes are dropped
    (Keras 3 refuses them).
    """
    config = _layer_config(layer, keras3)
    if not keras3:
        config = keras2_compatible(config)
        if class_names.is_builtin(layer):
            renames = _KERAS2_NAMES.get(type(layer).__name__, {})
            config = {renames.get(k, k): v for k, v in config.items()}
        build = layer.get_build_config() if hasattr(layer, "get_build_config") else None
        shapes = (build or {}).get("shapes_dict")
        if shapes:
            # tf.keras 2's MultiHeadAttention rebuilds itself from the shapes in its config
            config = {**config, "key_shape": shapes.get("value_shape"), **shapes}
        return {"class_name": class_names.class_name_of(layer, keras2=True), "config": config}
    config = dict(config)
    InputLayer = resolver.featherflow_class("InputLayer")

    shape = config.pop("batch_input_shape", None)
    if isinstance(layer, InputLayer):
        config["batch_shape"] = shape
    elif shape is not None and not in_model:
        config["input_shape"] = list(shape[1:])
    out = {
        "module": class_names.keras_module_of(layer),
        "class_name": type(layer).__name__,
        "config": config,
        "registered_name": class_names.registered_name_of(layer),
    }
    if class_names.is_builtin(layer):
        out.update(_KERAS3_MODEL_NAMES.get(type(layer).__name__, {}))
    build = layer.get_build_config() if not isinstance(layer, InputLayer) else None
    if build:
        out["build_config"] = build
    return out


def _layer_config(layer, keras3):
    model_config = resolver.model_configs()
    Functional = resolver.featherflow_class("Functional")
    Sequential = resolver.featherflow_class("Sequential")

    if keras3 and type(layer) is Sequential:
        return model_config.sequential_config(layer, keras3=True)
    if keras3 and type(layer) is Functional:
        return model_config.functional_config(layer, keras3=True)
    return layer.get_config()


def layer_from_dict(data, custom_objects=None, where=None):
    """Build the layer (or model) a Keras 2/3 ``{"class_name", "config"}`` dict describes."""
    class_name = data.get("class_name")
    if not isinstance(class_name, str):
        raise ValueError(f"A layer entry needs a 'class_name' string, received {data!r}.")
    config = data.get("config") or {}
    name = config.get("name") if isinstance(config, dict) else None
    where = where or (f"layer {name!r}" if name else f"a {class_name} layer")
    cls = resolver.find_layer_class(class_name, custom_objects, data.get("registered_name"),
                                    where)
    Lambda = resolver.featherflow_class("Lambda")
    model_config = resolver.model_configs()
    Functional = resolver.featherflow_class("Functional")
    Sequential = resolver.featherflow_class("Sequential")

    if isinstance(cls, type) and issubclass(cls, Lambda):
        return _lambda_from_config(cls, config, custom_objects, where)
    if isinstance(config, list):
        # Keras 1 stored a Sequential as the bare list of its layers
        config = {"layers": config}
    config = normalize_layer_config(config)
    load_limits.check_size_entries(config, where)
    if issubclass(cls, (Functional, Sequential)) and _own_from_config(cls):
        layer = cls.from_config(config, custom_objects=custom_objects)
    elif issubclass(cls, (Functional, Sequential)):
        build = (model_config.functional_from_config if issubclass(cls, Functional) else
                 model_config.sequential_from_config)
        try:
            layer = build(config, custom_objects, cls=cls)
        except (KeyError, IndexError, AttributeError) as err:
            # a hand-edited or damaged config (an entry of the wrong type or length)
            raise ValueError(
                f"The configuration of {where} ({class_name}) is malformed: "
                f"{type(err).__name__}: {err}. It does not have the layout Keras writes "
                "(layers, inbound_nodes, input_layers, output_layers); the file or JSON is "
                "corrupted or was edited by hand."
            ) from err
    elif _inherits_model_from_config(cls):
        # a subclassed model's get_config holds its constructor arguments
        layer = cls(**config)
    else:
        config = config_fitting.fit_config(cls, config, where)
        try:
            layer = cls.from_config(config)
        except TypeError as err:
            raise TypeError(
                f"Could not rebuild {where} ({class_name}) from its config: {err}. If it is "
                "your own class, make get_config() return exactly the constructor arguments "
                "(or override from_config)."
            ) from err
    build = data.get("build_config")
    if build and not layer.built:
        build_layer(layer, build)
    return layer


def _inherits_model_from_config(cls):
    Model = resolver.featherflow_class("Model")

    return issubclass(cls, Model) and getattr(cls.from_config, "__func__", None) is \
        Model.from_config.__func__


def _own_from_config(cls):
    """Whether a Sequential/Functional subclass overrides ``from_config`` itself."""
    Functional = resolver.featherflow_class("Functional")
    Sequential = resolver.featherflow_class("Sequential")

    fn = getattr(cls.from_config, "__func__", None)
    return fn not in (Functional.from_config.__func__, Sequential.from_config.__func__)


def build_layer(layer, build_config):
    """Create a layer's weights from a Keras 3 ``build_config`` (``{"input_shape": ...}``)."""
    Functional = resolver.featherflow_class("Functional")
    Model = resolver.featherflow_class("Model")
    Sequential = resolver.featherflow_class("Sequential")

    shape = build_config.get("input_shape") if isinstance(build_config, dict) else None
    if shape is None:
        return
    if isinstance(layer, Model) and not isinstance(layer, (Sequential, Functional)):
        _call_on_zeros(layer, shape)
        return
    layer.build_from_config(build_config)


def _call_on_zeros(model, shape):
    """Subclassed models make their weights on the first call: call them on zeros."""
    def zeros(s):
        if isinstance(s, list) and s and isinstance(s[0], list):
            return [zeros(v) for v in s]
        dims = tuple(1 if d is None else int(d) for d in s)
        load_limits.charge_weight(model.name, "build input", dims, "float32")
        return np.zeros(dims, "float32")

    model(zeros(shape), training=False)
    model.built = True


def _lambda_from_config(cls, config, custom_objects, where):
    if in_safe_mode():
        raise ValueError(
            f"Refusing to load {where if 'Lambda' in where else where + ' (a Lambda layer)'}"
            ": a Lambda wraps Python code, and a "
            "saved file can only name that code (or carry it compiled, which featherflow never "
            "runs). To load it, define the function yourself and pass "
            "load_model(path, safe_mode=False, custom_objects={'<function name or layer "
            "name>': your_function})."
        )
    fn_config = config.get("function")
    fn_name = None
    if isinstance(fn_config, str):
        fn_name = fn_config
    elif isinstance(fn_config, dict) and fn_config.get("class_name") == "function":
        fn_name = fn_config.get("config")
    fn = None
    for key in (fn_name, config.get("name")):
        if key:
            fn = registration.get_registered_object(key, custom_objects)
            if fn is not None:
                break
    if fn is None or not callable(fn):
        what = where if "Lambda" in where else f"the Lambda {where}"
        raise ValueError(
            f"Cannot rebuild {what}: its function "
            f"{fn_name or '(stored as compiled code)'} is not among custom_objects. featherflow "
            "never runs code stored in a file; pass the function: load_model(path, "
            f"safe_mode=False, custom_objects={{{(fn_name or config.get('name'))!r}: fn}})."
        )
    output_shape = config.get("output_shape")
    if isinstance(output_shape, (dict, str)):
        output_shape = None
    kwargs = {k: v for k, v in config.items()
              if k in ("name", "trainable", "dtype", "batch_input_shape")}
    if "dtype" in kwargs:
        kwargs["dtype"] = config_fitting.dtype_name(kwargs["dtype"])
    return cls(fn, output_shape=output_shape, arguments=config.get("arguments") or {},
               **kwargs)
