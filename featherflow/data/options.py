"""``tf.data.Options``: settings that apply to a whole pipeline, set with ``with_options``.

featherflow honours ``deterministic`` (parallel ``map``/``interleave`` yield in input order
unless it is False) and ``threading.private_threadpool_size`` (the most worker threads a
parallel transformation starts). The other settings are TensorFlow's graph-optimisation and
distribution knobs; they are kept, merged and read back as in TF so code that sets them runs,
and they change nothing here because featherflow does not rewrite pipelines.
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


class ExternalStatePolicy(enum.IntEnum):
    WARN = 0
    IGNORE = 1
    FAIL = 2


class _OptionGroup:
    """A group of named settings: unknown names are refused, as TF refuses them."""

    _defaults = {}

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
                f"Cannot set the property {name!r} on {type(self).__name__}; its options "
                f"are: {known}.")
        self._values[name] = value

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
    _defaults = {"enabled": None, "cpu_budget": None, "ram_budget": None,
                 "autotune_algorithm": None}


class DistributeOptions(_OptionGroup):
    _defaults = {"auto_shard_policy": None, "num_devices": None}


class OptimizationOptions(_OptionGroup):
    _defaults = {name: None for name in (
        "apply_default_optimizations", "filter_fusion", "filter_parallelization",
        "inject_prefetch", "map_and_batch_fusion", "map_and_filter_fusion", "map_fusion",
        "map_parallelization", "noop_elimination", "parallel_batch", "seq_interleave_prefetch",
        "shuffle_and_repeat_fusion", "warm_start")}


class ThreadingOptions(_OptionGroup):
    _defaults = {"max_intra_op_parallelism": None, "private_threadpool_size": None}


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
