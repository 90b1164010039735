"""How a multi-process strategy reaches variable creation and the optimizer's update,
without either of them knowing about ``tf.distribute``.

- While a multi-replica strategy is in scope, ``Variable.__init__`` is wrapped so that each
  new variable is broadcast from rank 0 at creation (all ranks start identical, whatever
  their seeds).
- While ``strategy.run`` executes, ``Optimizer.apply`` is wrapped so that the optimizer's
  ``_backend_update_step`` (after gradient clipping and weight decay, as Keras 3's TF backend
  does) receives the sum over replicas of the gradients: one bucketed all-reduce per step.

- While ``strategy.run`` executes, ``LossScaleOptimizer.apply`` is wrapped so that the ranks
  agree whether the step's gradients are finite (one small all-reduce of a flag): a rank
  with a non-finite gradient makes every rank skip the step and halve its scale, as
  tf_keras's LossScaleOptimizer does across replicas; otherwise the ranks would run
  different collectives.

The wrappers are installed for the dynamic extent of the scope / run only (nested entries
are counted) and look up the current strategy at call time."""

import functools

from featherflow.distribute import context

_variable_depth = 0
_variable_original = None
_optimizer_depth = 0
_optimizer_original = None
_loss_scale_original = None


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


def _loss_scale_class():
    from featherflow.optimizers.loss_scale_optimizer import LossScaleOptimizer

    return LossScaleOptimizer


def _agree_on_finite(grads):
    """``grads``, or, when another rank's gradients are not finite, ``grads`` with a NaN in
    the first one, so that this rank's LossScaleOptimizer skips the step as theirs do."""
    import numpy as np

    top = context.current()
    if top is None or top[1] is None or top[0].num_replicas_in_sync < 2:
        return grads
    arrays = [None if g is None else np.asarray(getattr(g, "data", g)) for g in grads]
    finite = all(np.isfinite(a).all() for a in arrays if a is not None)
    agreed = top[0]._collective.allreduce(np.asarray([int(finite)], np.int32), "min",
                                          "the loss-scale finiteness check")
    if finite and not int(agreed[0]):
        grads = list(grads)
        first = next(i for i, a in enumerate(arrays) if a is not None)
        poisoned = np.array(arrays[first], copy=True)
        poisoned.reshape(-1)[:1] = np.nan
        grads[first] = poisoned
    return grads


def acquire_optimizer_hook():
    global _optimizer_depth, _optimizer_original, _loss_scale_original
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
    LossScaleOptimizer = _loss_scale_class()
    loss_scale_apply = LossScaleOptimizer.apply
    _loss_scale_original = loss_scale_apply

    @functools.wraps(loss_scale_apply)
    def scaled_apply(self, grads, trainable_variables=None):
        return loss_scale_apply(self, _agree_on_finite(grads), trainable_variables)

    LossScaleOptimizer.apply = scaled_apply


def release_optimizer_hook():
    global _optimizer_depth, _optimizer_original, _loss_scale_original
    _optimizer_depth -= 1
    if _optimizer_depth == 0:
        _optimizer_class().apply = _optimizer_original
        _optimizer_original = None
        _loss_scale_class().apply = _loss_scale_original
        _loss_scale_original = None
