"""``tf.variable_creator_scope``: creators that intercept every ``tf.Variable(...)`` call.

A creator is ``creator(next_creator, **kwargs)``: it sees TF's keyword arguments
(``initial_value``, ``trainable``, ``name``, ``dtype``, ``shape``, ``constraint``, and TF's
``validate_shape``, ``caching_device``, ``variable_def``, ``import_scope``,
``synchronization``, ``aggregation``, ``experimental_enable_variable_lifting``), may change
them, and calls ``next_creator(**kwargs)`` or returns a variable of its own. The innermost
scope runs first, as in TF. Keras layers make their weights with ``tf.Variable``, so creators
see them too.

    def log_creator(next_creator, **kwargs):
        print("creating", kwargs["name"])
        return next_creator(**kwargs)

    with tf.variable_creator_scope(log_creator):
        v = tf.Variable(1.0, name="x")      # prints "creating x"
"""

import contextlib
import threading

_local = threading.local()

_POSITIONAL = ("initial_value", "trainable", "validate_shape", "caching_device", "name",
               "variable_def", "dtype", "import_scope", "constraint", "synchronization",
               "aggregation", "shape", "experimental_enable_variable_lifting")


def creators():
    """This thread's creator stack, innermost last."""
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


@contextlib.contextmanager
def variable_creator_scope(variable_creator):
    """Inside the ``with``, ``tf.Variable(...)`` goes through ``variable_creator``."""
    if not callable(variable_creator):
        raise TypeError("variable_creator_scope: `variable_creator` must be a callable "
                        "creator(next_creator, **kwargs); received "
                        f"{type(variable_creator).__name__}.")
    stack = creators()
    stack.append(variable_creator)
    try:
        yield
    finally:
        stack.remove(variable_creator)


def _tf_kwargs(args, kwargs):
    """TF's keyword set from a ``tf.Variable(...)`` call (TF's defaults for the rest)."""
    from featherflow.api import core_extra  # TF's enums (core_extra imports this package)

    if len(args) > 1:
        # featherflow's positional order: initial_value, trainable, name, dtype, shape
        names = ("initial_value", "trainable", "name", "dtype", "shape", "constraint")
        kwargs = {**dict(zip(names, args)), **kwargs}
    elif args:
        kwargs = {"initial_value": args[0], **kwargs}
    full = dict.fromkeys(_POSITIONAL)
    full["validate_shape"] = True
    full["synchronization"] = core_extra.VariableSynchronization.AUTO
    full["aggregation"] = core_extra.VariableAggregation.NONE
    unknown = set(kwargs) - set(full)
    if unknown:
        raise TypeError(f"tf.Variable got unexpected keyword arguments {sorted(unknown)}; "
                        f"it takes {list(_POSITIONAL)}.")
    full.update(kwargs)
    return full


def create(cls, args, kwargs, make):
    """Run ``cls(*args, **kwargs)`` through the creator stack; ``make(**featherflow_kwargs)``
    builds the variable at the bottom."""
    def base_creator(**tf_kwargs):
        trainable = tf_kwargs.get("trainable")
        return make(initial_value=tf_kwargs.get("initial_value"),
                    trainable=True if trainable is None else trainable,
                    name=tf_kwargs.get("name"), dtype=tf_kwargs.get("dtype"),
                    shape=tf_kwargs.get("shape"), constraint=tf_kwargs.get("constraint"))

    next_creator = base_creator
    for creator in creators():
        next_creator = _chain(creator, next_creator)
    return next_creator(**_tf_kwargs(args, kwargs))


def _chain(creator, next_creator):
    return lambda **kwargs: creator(next_creator, **kwargs)
