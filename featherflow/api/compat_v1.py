"""``tf.compat.v1``: the TF 1 names TF 2 programs still call, in eager mode.

featherflow executes eagerly and has no graphs: what TF 2 code calls through ``compat.v1``
while staying eager is here (``logging``, ``set_random_seed``, ``enable_eager_execution``,
``executing_eagerly``, ``ConfigProto``/``GPUOptions``, ``Session``/``InteractiveSession``
for the GPU-memory snippet, ``reset_default_graph``, ``gfile``, ``Dimension``,
``placeholder`` raising as in eager TF); what switches TF to graph mode
(``disable_eager_execution``, ``disable_v2_behavior``) raises a RuntimeError that says so.
The list and how each differs from TF is in docs/tf_core.md.
"""

from featherflow.api import compat_v1_logging as logging
from featherflow.api.compat import Dimension, dimension_at_index, dimension_value
from featherflow.api.random import set_seed as set_random_seed
from featherflow.io import gfile as _gfile

__all__ = [
    "ConfigProto", "Dimension", "GPUOptions", "InteractiveSession", "Session",
    "dimension_at_index", "dimension_value", "disable_eager_execution",
    "disable_resource_variables", "disable_v2_behavior", "enable_eager_execution",
    "enable_resource_variables", "enable_v2_behavior", "executing_eagerly", "gfile",
    "global_variables", "global_variables_initializer", "local_variables_initializer",
    "logging", "placeholder", "reset_default_graph", "resource_variables_enabled",
    "set_random_seed", "tables_initializer", "trainable_variables", "variables_initializer",
]

_GRAPH_MODE = (
    "featherflow always executes eagerly (TensorFlow 2's default) and has no graph mode, so "
    "{name}() cannot switch to it. Remove the call and run the TF 2 code eagerly (wrap hot "
    "functions in tf.function, which keeps TF's calling contract).")


def enable_eager_execution(config=None, device_policy=None, execution_mode=None):
    """Nothing to enable: featherflow is always eager (TF 2 returns None here too)."""


def enable_v2_behavior():
    """TF 2 behaviour is the only behaviour here: returns None, as TF when already in it."""


def disable_eager_execution():
    """Refused: featherflow has no graph mode."""
    raise RuntimeError(_GRAPH_MODE.format(name="tf.compat.v1.disable_eager_execution"))


def disable_v2_behavior():
    """Refused: featherflow has no graph mode (TF 1 behaviour)."""
    raise RuntimeError(_GRAPH_MODE.format(name="tf.compat.v1.disable_v2_behavior"))


def executing_eagerly():
    return True


def enable_resource_variables():
    """Every featherflow Variable behaves as TF 2's resource variables."""


def resource_variables_enabled():
    return True


def disable_resource_variables():
    """Refused: TF 1's reference variables exist only in graphs."""
    raise RuntimeError(_GRAPH_MODE.format(name="tf.compat.v1.disable_resource_variables"))


def reset_default_graph():
    """There is no default graph to reset (TF 2 eager: the call changes nothing eager code
    sees). Keras state is cleared by ``tf.keras.backend.clear_session()``."""


def global_variables_initializer():
    """None, as TF 2 eager's no-op: variables are initialized when they are created (so
    ``self.evaluate(tf.compat.v1.global_variables_initializer())`` in a test does nothing)."""


def local_variables_initializer():
    """None, as ``global_variables_initializer``."""


def tables_initializer(name="init_all_tables"):
    """None: lookup tables are initialized when they are created, as in TF 2 eager."""


def variables_initializer(var_list, name="init"):
    """None: the variables are already initialized (TF 2 eager's no-op)."""


def global_variables(scope=None):
    """``[]``, as TF 2 eager: there are no graph collections to list variables from (use
    ``model.variables`` or ``tf.Module.variables``)."""
    return []


def trainable_variables(scope=None):
    """``[]``, as ``global_variables`` (use ``model.trainable_variables``)."""
    return []


def placeholder(dtype, shape=None, name=None):
    """Refused with TF's eager message: placeholders belong to graphs."""
    raise RuntimeError("tf.placeholder() is not compatible with eager execution.")


class _ProtoFields:
    """Settable protobuf-like fields with defaults, printed in protobuf text format (in
    field-number order, as TF prints them); unknown names are refused. A field whose
    default is a ``_ProtoFields`` class holds a nested message."""

    _FIELDS = {}

    def __init__(self, **fields):
        for key, default in self._FIELDS.items():
            if isinstance(default, type):
                default = default()
            elif isinstance(default, dict):
                default = dict(default)
            object.__setattr__(self, key, default)
        for key, value in fields.items():
            setattr(self, key, value)

    def __setattr__(self, key, value):
        if key not in self._FIELDS:
            raise AttributeError(f"{type(self).__name__} has no field {key!r}; the fields "
                                 f"are {sorted(self._FIELDS)}.")
        default = self._FIELDS[key]
        if isinstance(default, type) and isinstance(value, dict):
            value = default(**value)
        object.__setattr__(self, key, value)

    def __str__(self):
        lines = []
        for key, default in self._FIELDS.items():
            value = getattr(self, key)
            if isinstance(default, type):
                inner = str(value)
                if inner:
                    lines.append(f"{key} {{\n" + "".join(
                        f"  {line}\n" for line in inner.splitlines()) + "}")
            elif isinstance(value, dict):
                lines += [f'{key} {{\n  key: "{k}"\n  value: {v}\n}}' for k, v in value.items()]
            elif value != default:
                shown = str(value).lower() if isinstance(value, bool) else value
                shown = f'"{shown}"' if isinstance(value, str) else shown
                lines.append(f"{key}: {shown}")
        return "\n".join(lines) + ("\n" if lines else "")

    def __repr__(self):
        return str(self)


class GPUOptions(_ProtoFields):
    """TF's GPU options: kept for code that sets them; there is no GPU to apply them to."""

    _FIELDS = {"per_process_gpu_memory_fraction": 0.0, "allocator_type": "",
               "allow_growth": False, "visible_device_list": "",
               "force_gpu_compatible": False}


class ConfigProto(_ProtoFields):
    """TF's session config fields (``gpu_options.allow_growth``, thread counts, placement
    flags), kept as values: featherflow has no session for them to configure (use
    ``tf.config.threading`` for thread counts)."""

    _FIELDS = {"device_count": {}, "intra_op_parallelism_threads": 0,
               "inter_op_parallelism_threads": 0, "gpu_options": GPUOptions,
               "allow_soft_placement": False, "log_device_placement": False,
               "use_per_session_threads": False}


class Session:
    """A TF 1 session, as TF 2 eager code builds one for its config (the ``allow_growth``
    snippet): it can be made, entered and closed, but ``run`` has no graph to run."""

    def __init__(self, target="", graph=None, config=None):
        self.sess_str = target
        self.graph = graph
        self._config = config
        self._closed = False

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        raise RuntimeError(
            "The Session graph is empty: featherflow executes eagerly and builds no graph "
            "for a Session to run. Compute the values directly (tensor.numpy()).")

    def as_default(self):
        return self

    def close(self):
        self._closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class InteractiveSession(Session):
    """``Session`` for notebooks (TF makes it the default session; nothing uses one here)."""


def _capitalized_gfile():
    from types import SimpleNamespace  # one namespace object for TF 1's capitalised names

    return SimpleNamespace(
        Copy=_gfile.copy, DeleteRecursively=_gfile.rmtree, Exists=_gfile.exists,
        FastGFile=_gfile.GFile, GFile=_gfile.GFile, Glob=_gfile.glob,
        IsDirectory=_gfile.isdir, ListDirectory=_gfile.listdir, MakeDirs=_gfile.makedirs,
        MkDir=_gfile.mkdir, Open=_gfile.GFile, Remove=_gfile.remove, Rename=_gfile.rename,
        Stat=_gfile.stat, Walk=_gfile.walk)


gfile = _capitalized_gfile()
