"""Dtype policies (Keras 3's ``DTypePolicy``), the global policy and their configs.

A policy names a layer's two dtypes: the one its variables are created in (``variable_dtype``)
and the one it computes in (``compute_dtype``). ``"mixed_float16"`` and ``"mixed_bfloat16"``
keep float32 variables and compute in float16 / bfloat16; any other dtype name uses that dtype
for both. The global policy (``keras.config.set_dtype_policy``) is read by each layer when it
is created. Configs are Keras 3's: ``{"module": "keras", "class_name": "DTypePolicy",
"config": {"name": ...}, "registered_name": None}``.

It lives below layers (the call protocol reads it) and beside the config helpers that write
and read it; ``tf.keras.mixed_precision`` and ``tf.keras.config`` re-export it.

Example::

    >>> policy = DTypePolicy("mixed_float16")
    >>> policy.compute_dtype, policy.variable_dtype
    ('float16', 'float32')
"""

import numpy as np

from featherflow.backend import config

# Keras 3's ALLOWED_DTYPES, spelled by their names
_ALLOWED = frozenset({
    "float16", "float32", "float64", "bfloat16", "uint8", "uint16", "uint32", "uint64",
    "int8", "int16", "int32", "int64", "bool", "string", "complex64", "complex128",
    "float8_e4m3fn", "float8_e5m2",
})
# Python types Keras maps to dtypes
_PYTHON_TYPES = {bool: "bool", int: "int64", float: "float32", str: "string"}
_MIXED = {"mixed_float16": ("float16", "float32"), "mixed_bfloat16": ("bfloat16", "float32")}
_QUANTIZED_PREFIXES = ("int8", "float8", "int4", "gptq", "awq")
_STATE = {"policy": None}


def standardize_dtype(dtype):
    """A dtype's Keras name (``"float32"``...), from a name, a NumPy dtype or a tf.DType."""
    if dtype is None:
        return config.floatx()
    if isinstance(dtype, type):
        name = _PYTHON_TYPES.get(dtype) or (
            np.dtype(dtype).name if issubclass(dtype, np.generic) else dtype)
    else:
        name = getattr(dtype, "name", dtype)
    if not isinstance(name, str) or name not in _ALLOWED:
        raise ValueError(f"Invalid dtype: {dtype}")
    return name


class DTypePolicy:
    """A layer's dtype policy: the dtype it computes in and the one its variables use.

    ``name`` is a dtype name (both dtypes are that dtype) or ``"mixed_float16"`` /
    ``"mixed_bfloat16"`` (float16 / bfloat16 computations, float32 variables); None takes
    the global policy's name.

    Example::

        >>> tf.keras.config.set_dtype_policy("mixed_float16")
        >>> tf.keras.layers.Dense(10).dtype_policy
        <DTypePolicy "mixed_float16">
        >>> tf.keras.config.set_dtype_policy("float32")
    """

    def __init__(self, name=None):
        if name is None:
            name = global_policy().name
        self._name = name
        self._compute_dtype, self._variable_dtype = self._parse_name(name)
        self._quantization_mode = None

    @staticmethod
    def _parse_name(name):
        if not isinstance(name, str):
            raise TypeError(
                f"'name' must be a string, such as 'mixed_float16'. Received: name={name} "
                f"(of type {type(name)})"
            )
        if name in _MIXED:
            return _MIXED[name]
        try:
            dtype = standardize_dtype(name)
        except ValueError:
            raise ValueError(
                f"Cannot convert '{name}' to a mixed precision DTypePolicy. Valid policies "
                "include 'mixed_float16', 'mixed_bfloat16', and the name of any float dtype "
                "such as 'float32'."
            ) from None
        return dtype, dtype

    @property
    def name(self):
        return self._name

    @property
    def compute_dtype(self):
        """The dtype a layer's inputs are cast to and its outputs have."""
        return self._compute_dtype

    @property
    def variable_dtype(self):
        """The dtype a layer creates its variables in."""
        return self._variable_dtype

    @property
    def quantization_mode(self):
        """None: featherflow has no quantized policies."""
        return self._quantization_mode

    @property
    def is_mixed(self):
        """Whether variables and computations use different dtypes (the mixed policies)."""
        return self._compute_dtype != self._variable_dtype

    def get_config(self):
        return {"name": self._name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        class_name = type(self).__name__
        if class_name == "FloatDTypePolicy":
            class_name = "DTypePolicy"
        return f'<{class_name} "{self._name}">'

    def __eq__(self, other):
        plain = (DTypePolicy, FloatDTypePolicy)
        if type(self) in plain:
            if type(other) not in plain:
                return False
        elif type(other) is not type(self):
            return False
        return self._name == other._name

    def __hash__(self):
        return hash((DTypePolicy, self._name))


class FloatDTypePolicy(DTypePolicy):
    """Keras 3's other name for :class:`DTypePolicy`."""


def _policy_of(policy, where):
    if isinstance(policy, DTypePolicy):
        return policy
    if isinstance(policy, str):
        if policy.startswith(_QUANTIZED_PREFIXES) and "_from_" in policy:
            raise ValueError(
                f"{where}: quantized dtype policies ({policy!r}) are not available in "
                "featherflow; use 'float32', 'float16', 'bfloat16', 'float64', 'mixed_float16' "
                "or 'mixed_bfloat16'."
            )
        return DTypePolicy(policy)
    raise ValueError(
        "Invalid `policy` argument. Expected the string name of a policy (such as "
        f"'mixed_float16') or a `DTypePolicy` instance. Received: policy={policy} "
        f"(of type {type(policy)})"
    )


def set_global_policy(policy):
    """Set the policy layers created from now on take (a name or a :class:`DTypePolicy`).

    Example::

        >>> tf.keras.mixed_precision.set_global_policy("mixed_float16")
        >>> tf.keras.mixed_precision.global_policy().compute_dtype
        'float16'
        >>> tf.keras.mixed_precision.set_global_policy("float32")
    """
    _STATE["policy"] = _policy_of(policy, "set_dtype_policy")


def global_policy():
    """The global policy (``DTypePolicy(floatx())`` until one is set, as Keras)."""
    policy = _STATE["policy"]
    # not stored: until a policy is set, layers follow floatx, set_floatx included
    return DTypePolicy(config.floatx()) if policy is None else policy


def explicit_global_policy():
    """The global policy if one was set, else None (layers then follow floatx)."""
    return _STATE["policy"]


def get(identifier):
    """A policy from None (the global one), a name, a config dict or a policy."""
    if identifier is None:
        return global_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return _policy_of(identifier, "dtype")
    try:
        return DTypePolicy(standardize_dtype(identifier))
    except (ValueError, TypeError):
        raise ValueError(
            "Cannot interpret `dtype` argument. Expected a string or an instance of "
            f"DTypePolicy. Received: dtype={identifier}"
        ) from None


def serialize(policy):
    """Keras 3's dict of a policy."""
    return {"module": "keras", "class_name": "DTypePolicy", "config": policy.get_config(),
            "registered_name": None}


_CLASSES = {"DTypePolicy": DTypePolicy, "FloatDTypePolicy": FloatDTypePolicy,
            "Policy": DTypePolicy}


def deserialize(config, custom_objects=None):
    """The policy a Keras 3 ``DTypePolicy`` dict (or Keras 2 ``Policy`` dict) describes."""
    if isinstance(config, DTypePolicy):
        return config
    if isinstance(config, str):
        return _policy_of(config, "dtype")
    if not isinstance(config, dict):
        raise ValueError(f"A dtype policy config must be a dict or a name; received {config!r}.")
    class_name = config.get("class_name")
    cls = (custom_objects or {}).get(class_name) or _CLASSES.get(class_name)
    if cls is None:
        raise ValueError(
            f"Unknown dtype policy class {class_name!r} in {config!r}: featherflow reads "
            "'DTypePolicy', 'FloatDTypePolicy' and tf.keras 2's 'Policy'."
        )
    inner = config.get("config") or {}
    if "name" not in inner:
        raise ValueError(f"A dtype policy config needs config['name']; received {config!r}.")
    return cls(inner["name"])


def policy_name(dtype):
    """The policy name a layer config's ``dtype`` entry gives (string, Keras 2 ``Policy`` or
    Keras 3 ``DTypePolicy`` dict), or None."""
    if isinstance(dtype, dict):
        return (dtype.get("config") or {}).get("name")
    if isinstance(dtype, DTypePolicy):
        return dtype.name
    return dtype
