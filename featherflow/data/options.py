"""``tf.data.Options``: settings that apply to a whole pipeline, set with ``with_options``.

featherflow honours ``deterministic`` (parallel ``map``/``interleave`` yield in input order
unless it is False) and ``threading.private_threadpool_size`` (the most worker threads a
parallel transformation starts). The other settings are TensorFlow's graph-optimisation and
distribution knobs; they are kept, merged and read back as in TF so code that sets them runs,
and they change nothing here because featherflow does not rewrite pipelines. Every setting
checks its type as TF does (``options.autotune.enabled = 3`` is TF's TypeError).
"""

import enum

from featherflow.data.dataset import Dataset


class AutoShardPolicy(enum.IntEnum):
    """``tf.data.experimental.AutoShardPolicy``."""

    OFF = -1
    AUTO = 0
    FILE = 1
    DATA = 2
    HINT = 3


class ExternalStatePolicy(enum.Enum):
    """``tf.data.experimental.ExternalStatePolicy`` (a plain Enum, as in TF)."""

    WARN = 0
    IGNORE = 1
    FAIL = 2


class AutotuneAlgorithm(enum.Enum):
    """``tf.data.experimental.AutotuneAlgorithm``: accepted and kept; featherflow does not
    autotune, so the choice changes nothing."""

    DEFAULT = 0
    HILL_CLIMB = 1
    GRADIENT_DESCENT = 2
    MAX_PARALLELISM = 3
    STAGE_BASED = 4


class _OptionGroup:
    """A group of named settings: unknown names are refused, and a value of the wrong type
    is TF's TypeError (``isinstance`` against the option's type, as TF checks it)."""

    _defaults = {}
    _types = {}

    def __init__(self):
        object.__setattr__(self, "_values", {})

    def __getattr__(self, name):
        defaults = type(self)._defaults
        if name in defaults:
            value = self._values.get(name)
            if value is None and isinstance(defaults[name], type):
                value = defaults[name]()
                self._values[name] = value
            return value
        raise AttributeError(f"{type(self).__name__} has no option {name!r}.")

    def __setattr__(self, name, value):
        if name not in type(self)._defaults:
            known = ", ".join(sorted(type(self)._defaults))
            raise AttributeError(
                f"Cannot set the property {name} on {type(self).__name__}; its options "
                f"are: {known}.")
        kind = self._kind(name)
        if kind is not None and not isinstance(value, kind):
            raise TypeError(
                f"Property \"{name}\" must be of type {kind}, got: {value} (type: "
                f"{type(value)})")
        self._values[name] = value

    def _kind(self, name):
        default = type(self)._defaults[name]
        return default if isinstance(default, type) else type(self)._types.get(name)

    def _merge(self, other):
        for name, value in other._values.items():
            if isinstance(value, _OptionGroup):
                getattr(self, name)._merge(value)
            elif value is not None:
                self._values[name] = value

    def __eq__(self, other):
        return type(self) is type(other) and self._values == other._values

    def __repr__(self):
        set_ = {k: v for k, v in self._values.items() if v is not None}
        return f"{type(self).__name__}({set_})"


class AutotuneOptions(_OptionGroup):
    """``tf.data.experimental.AutotuneOptions`` (``Options.autotune``): kept and merged;
    featherflow does not autotune."""

    _defaults = {"enabled": None, "cpu_budget": None, "ram_budget": None,
                 "autotune_algorithm": None}
    _types = {"enabled": bool, "cpu_budget": int, "ram_budget": int,
              "autotune_algorithm": AutotuneAlgorithm}


class DistributeOptions(_OptionGroup):
    """``tf.data.experimental.DistributeOptions`` (``Options.experimental_distribute``):
    ``auto_shard_policy`` is read by the distribution strategies."""

    _defaults = {"auto_shard_policy": None, "num_devices": None}
    _types = {"auto_shard_policy": AutoShardPolicy, "num_devices": int}


_OPTIMIZATIONS = (
    "apply_default_optimizations", "filter_fusion", "filter_parallelization",
    "inject_prefetch", "map_and_batch_fusion", "map_and_filter_fusion", "map_fusion",
    "map_parallelization", "noop_elimination", "parallel_batch", "seq_interleave_prefetch",
    "shuffle_and_repeat_fusion", "warm_start")


class OptimizationOptions(_OptionGroup):
    """``tf.data.experimental.OptimizationOptions`` (``Options.experimental_optimization``):
    kept and merged; featherflow does not rewrite pipelines."""

    _defaults = {name: None for name in _OPTIMIZATIONS}
    _types = {name: bool for name in _OPTIMIZATIONS}


class ThreadingOptions(_OptionGroup):
    """``tf.data.ThreadingOptions`` (``Options.threading``): ``private_threadpool_size``
    caps the threads of a parallel transformation."""

    _defaults = {"max_intra_op_parallelism": None, "private_threadpool_size": None}
    _types = {"max_intra_op_parallelism": int, "private_threadpool_size": int}


class Options(_OptionGroup):
    """Pipeline-wide settings, as ``tf.data.Options``.

    Example::

        >>> options = tf.data.Options()
        >>> options.deterministic = False
        >>> ds = ds.with_options(options)
    """

    _defaults = {
        "deterministic": None, "experimental_deterministic": None,
        "autotune": AutotuneOptions, "experimental_distribute": DistributeOptions,
        "experimental_optimization": OptimizationOptions, "threading": ThreadingOptions,
        "experimental_threading": ThreadingOptions, "experimental_slack": None,
        "experimental_external_state_policy": None, "experimental_warm_start": None,
        "experimental_symbolic_checkpoint": None, "dataset_name": None,
        "framework_type": None,
    }
    _types = {"deterministic": bool, "experimental_slack": bool,
              "experimental_external_state_policy": ExternalStatePolicy,
              "experimental_warm_start": bool, "experimental_symbolic_checkpoint": bool,
              "dataset_name": str, "framework_type": list}

    def __setattr__(self, name, value):
        # the experimental_ names are TF's older spellings of the same settings
        if name == "experimental_deterministic":
            name = "deterministic"
        elif name == "experimental_threading":
            name = "threading"
        super().__setattr__(name, value)

    def __getattr__(self, name):
        if name == "experimental_deterministic":
            name = "deterministic"
        elif name == "experimental_threading":
            name = "threading"
        return super().__getattr__(name)

    def merge(self, options):
        """A new Options: these settings, overridden by those set in ``options``."""
        return merge([self, options])


def merge(options_list):
    out = Options()
    for options in options_list:
        out._merge(options)
    return out


class OptionsDataset(Dataset):
    """The input unchanged, with options attached for the whole pipeline."""

    def __init__(self, input_dataset, options, name=None):
        super().__init__([input_dataset], name=name)
        if not isinstance(options, Options):
            raise TypeError(
                f"with_options: expected a tf.data.Options, received {type(options).__name__}.")
        self._input = input_dataset
        self._own_options = options

    def _compute_spec(self):
        return self._input.element_spec

    def _compute_cardinality(self):
        return self._input._compute_cardinality()

    def _peek(self):
        return self._input._peek()

    def _iterate(self):
        return self._input._iterate()
