"""Which strategy is current and whether code runs in a replica or cross-replica context.

``strategy.scope()`` pushes a strategy (cross-replica context); ``strategy.run`` pushes a
replica context on top. Outside any scope the default strategy and the default replica
context apply, as in TensorFlow."""

_stack = []  # entries: (strategy, replica_context or None)
_default = None
_global = None  # set by experimental_set_strategy


def default_strategy():
    global _default
    if _default is None:
        from featherflow.distribute.strategy import DefaultStrategy

        _default = DefaultStrategy()
    return _default


def push(strategy, replica_context=None):
    if _stack:
        current = _stack[-1][0]
        if current is not strategy and not isinstance(current, type(default_strategy())):
            raise RuntimeError(
                f"Mixing different tf.distribute.Strategy objects: {current!r} is not "
                f"{strategy!r}. Leave the other strategy's scope() before entering this one.")
    _stack.append((strategy, replica_context))


def pop():
    _stack.pop()


def current():
    """The innermost (strategy, replica context) or None outside every scope."""
    return _stack[-1] if _stack else None


def get_strategy():
    """The strategy of the current scope (or the one set by ``experimental_set_strategy``),
    else the default strategy."""
    top = current()
    if top is not None:
        return top[0]
    return _global if _global is not None else default_strategy()


def has_strategy():
    """True inside a non-default strategy's scope (or after ``experimental_set_strategy``)."""
    return get_strategy() is not default_strategy()


def in_cross_replica_context():
    """True inside a strategy's ``scope()`` but not inside ``strategy.run``."""
    top = current()
    if top is None:
        return _global is not None
    return top[1] is None


def get_replica_context():
    """The ReplicaContext inside ``strategy.run`` (or outside every strategy: the default
    strategy's); None in a cross-replica context."""
    top = current()
    if top is None:
        if _global is not None:
            return None
        return default_strategy()._replica_context()
    return top[1]


def get_cross_replica_context():
    """The strategy in a cross-replica context, else None."""
    return get_strategy() if in_cross_replica_context() else None


def experimental_set_strategy(strategy):
    """Make ``strategy`` current for the whole program (``None`` clears it). It cannot be
    called inside a scope."""
    global _global
    if _stack:
        raise RuntimeError("Must not be called inside a `tf.distribute.Strategy` scope: "
                           "leave the scope before calling experimental_set_strategy.")
    _global = strategy
