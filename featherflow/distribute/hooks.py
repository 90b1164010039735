"""How a multi-process strategy reaches variable creation and the optimizer's update,
without either of them knowing about ``tf.distribute``.

- While a multi-replica strategy is in scope, ``Variable.__init__`` is wrapped so that each
  new variable is broadcast from rank 0 at creation (all ranks start identical, whatever
  their seeds).
- While ``strategy.run`` executes, ``Optimizer.apply`` is wrapped so that the optimizer's
  ``_backend_update_step`` (after gradient clipping and weight decay, as Keras 3's TF backend
  does) receives the sum over replicas of the gradients: one bucketed all-reduce per step.

Both wrappers are installed for the dynamic extent of the scope / run only (nested entries
are counted) and look up the current strategy at call time."""

import functools

from featherflow.distribute import context

_variable_depth = 0
_variable_original = None
_optimizer_depth = 0
_optimizer_original = None


def _variable_class():
    from featherflow.autodiff.variable import Variable

    return Variable


def acquire_variable_hook():
    global _variable_depth, _variable_original
    _variable_depth += 1
    if _variable_depth > 1:
        return
    Variable = _variable_class()
    original = Variable.__init__
    _variable_original = original

    @functools.wraps(original)
    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        strategy = context.get_strategy()
        hook = getattr(strategy, "_on_variable_created", None)
        if hook is not None:
            hook(self)

    Variable.__init__ = __init__


def release_variable_hook():
    global _variable_depth, _variable_original
    _variable_depth -= 1
    if _variable_depth == 0:
        _variable_class().__init__ = _variable_original
        _variable_original = None


def _optimizer_class():
    from featherflow.optimizers.optimizer import Optimizer

    return Optimizer


def _install_update_wrapper(optimizer):
    if optimizer.__dict__.get("_distribute_wrapped"):
        return
    update = optimizer._backend_update_step  # the most derived class's bound method

    def _backend_update_step(grads, trainable_variables, learning_rate):
        top = context.current()
        if top is not None and top[1] is not None and top[0].num_replicas_in_sync > 1:
            grads = top[0]._all_reduce_gradients(grads)
        return update(grads, trainable_variables, learning_rate)

    optimizer.__dict__["_backend_update_step"] = _backend_update_step
    optimizer.__dict__["_distribute_wrapped"] = True


def acquire_optimizer_hook():
    global _optimizer_depth, _optimizer_original
    _optimizer_depth += 1
    if _optimizer_depth > 1:
        return
    Optimizer = _optimizer_class()
    original = Optimizer.apply
    _optimizer_original = original

    @functools.wraps(original)
    def apply(self, grads, trainable_variables=None):
        _install_update_wrapper(self)
        return original(self, grads, trainable_variables)

    Optimizer.apply = apply


def release_optimizer_hook():
    global _optimizer_depth, _optimizer_original
    _optimizer_depth -= 1
    if _optimizer_depth == 0:
        _optimizer_class().apply = _optimizer_original
        _optimizer_original = None
