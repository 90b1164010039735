"""The Optimizer base class: owns the update loop; subclasses write ``build``/``update_step``.

The loop (``apply``) filters missing gradients, clips them, applies weight decay, calls
``update_step(gradient, variable, learning_rate)`` per variable, keeps the moving average
(``use_ema``), applies constraints and counts ``iterations``, in Keras 3's order. It is the
hot path of every training step, so it works on NumPy arrays in place: gradients reach
``update_step`` as ndarrays, the learning rate as a Python float, and built-in optimizers
look their slots up by position in lists prepared at build time.
"""

import math
import re
import warnings

import numpy as np

from featherflow import initializers
from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from featherflow.autodiff.variable import Variable
from featherflow.backend import config
from featherflow.optimizers import schedules
from featherflow.utils import naming


def keras_float(value):
    """``value`` rounded through float32, as Keras's ``ops.cast`` of a Python float does.

    Keras casts hyperparameters such as betas and momentum with ``ops.cast``, which on
    TensorFlow makes a float32 tensor first: matching that keeps trajectories identical.
    """
    return float(np.float32(value))


def _as_grad(g):
    return g.data if isinstance(g, Tensor) else np.asarray(g)


# the `name=` defaults of Keras 3's optimizer classes
_KERAS_DEFAULT_NAMES = {
    "SGD": "sgd", "Adam": "adam", "AdamW": "adamw", "Adamax": "adamax", "Nadam": "nadam",
    "RMSprop": "rmsprop", "Adagrad": "adagrad", "Adadelta": "adadelta", "Ftrl": "ftrl",
    "Lion": "lion", "Lamb": "lamb", "Adafactor": "adafactor", "Muon": "muon",
    "ScheduleFreeAdamW": "schedule_free_adam_w",
}


class Optimizer:
    """Base class of optimizers (Keras 3 API).

    A subclass creates its per-variable state in ``build(var_list)`` with
    ``add_optimizer_variables`` and implements ``update_step(gradient, variable,
    learning_rate)``; ``gradient`` is an ndarray, ``learning_rate`` a float.

    Example::

        >>> class PlainGD(Optimizer):
        ...     def __init__(self, learning_rate=0.1, **kwargs):
        ...         super().__init__(learning_rate=learning_rate, **kwargs)
        ...     def update_step(self, gradient, variable, learning_rate):
        ...         variable.assign_sub(gradient * learning_rate)
        >>> w = tf.Variable([1.0])
        >>> _ = PlainGD().apply_gradients([(np.array([1.0]), w)])
        >>> w.numpy()
        array([0.9], dtype=float32)
    """

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if "lr" in kwargs:
            warnings.warn("The `lr` argument is deprecated, use `learning_rate` instead.",
                          DeprecationWarning, stacklevel=3)
            learning_rate = kwargs.pop("lr")
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.",
                          stacklevel=3)
        if kwargs:
            raise ValueError(
                f"{type(self).__name__}: argument(s) not recognized: {kwargs}. Optimizer "
                f"arguments are learning_rate, weight_decay, clipnorm, clipvalue, "
                f"global_clipnorm, use_ema, ema_momentum, ema_overwrite_frequency, "
                f"loss_scale_factor, gradient_accumulation_steps, name and the optimizer's "
                f"own settings."
            )
        self.name = name or _KERAS_DEFAULT_NAMES.get(type(self).__name__) or naming.unique_name(
            naming.to_snake_case(type(self).__name__))
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.global_clipnorm = global_clipnorm
        self.clipvalue = clipvalue
        self.use_ema = use_ema
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        if gradient_accumulation_steps and not gradient_accumulation_steps >= 2:
            raise ValueError(
                f"`gradient_accumulation_steps` must be an integer >= 2, received "
                f"{gradient_accumulation_steps}."
            )
        if use_ema:
            if not 0 <= ema_momentum <= 1:
                raise ValueError(f"`ema_momentum` must be in [0, 1], received {ema_momentum}.")
            if ema_overwrite_frequency and (not isinstance(ema_overwrite_frequency, int)
                                            or ema_overwrite_frequency < 1):
                raise ValueError(
                    f"`ema_overwrite_frequency` must be an integer >= 1 or None, received "
                    f"{ema_overwrite_frequency}."
                )
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                f"Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set; "
                f"received clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}."
            )
        self.built = False
        self._variables = []
        self._trainable_variables = []
        self._index = {}
        self._exclude_ids = set()
        self._exclude_pattern = None
        self._decay_cache = {}
        self._t = 1
        self._iterations = self._make_variable(np.zeros((), np.int64), "iteration")
        self._lr_data = None
        #: the current rate as a Python float, cheaply: ``_lr_data.item`` for a rate held in
        #: a variable (set with ``_lr_data``), else ``_current_learning_rate``
        self._lr_now = self._current_learning_rate
        self._learning_rate = self._make_learning_rate(learning_rate)

    # -- state --------------------------------------------------------------------------
    def _make_variable(self, value, name, path=None):
        var = Variable(value, trainable=False, name=name, dtype=value.dtype)
        var.path = path or f"{self.name}/{name}"
        self._variables.append(var)
        return var

    def _make_learning_rate(self, learning_rate):
        if isinstance(learning_rate, schedules.LearningRateSchedule) or callable(learning_rate):
            return learning_rate
        if isinstance(learning_rate, Tensor):
            learning_rate = float(learning_rate.data)
        if isinstance(learning_rate, bool) or not isinstance(
                learning_rate, (float, int, np.floating, np.integer)):
            raise ValueError(
                f"Argument `learning_rate` should be a float, a LearningRateSchedule or a "
                f"callable returning the rate; received learning_rate={learning_rate!r}."
            )
        var = self._make_variable(np.asarray(learning_rate, config.floatx_dtype()),
                                  "learning_rate")
        self._lr_data = var.data
        self._lr_now = var.data.item
        return var

    @property
    def iterations(self):
        """The number of update steps taken (a non-trainable int64 Variable)."""
        if self.gradient_accumulation_steps:
            return Tensor(self._iterations.data // self.gradient_accumulation_steps)
        return self._iterations

    @property
    def variables(self):
        """The optimizer's state in Keras order: iteration, learning rate, then slots."""
        return list(self._variables)

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="none",
                     name=None):
        """A new non-trainable state Variable, tracked in ``variables``."""
        dt = config.floatx_dtype() if dtype is None else np.dtype(dtype)
        shape = tuple(shape)
        if initializer == "zeros":
            value = np.zeros(shape, dt)
        else:

            value = np.asarray(initializers.get(initializer)(shape, dt), dt)
        return self._make_variable(value, name or "variable")

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A state Variable shaped like ``reference_variable``, named after its path."""
        name = name or "var"
        ref = getattr(reference_variable, "path", None) or reference_variable.name
        name = f"{str(ref).replace('/', '_').replace(':', '_')}_{name}"
        data = reference_variable.data
        if initializer == "zeros":
            value = np.zeros_like(data)
        elif isinstance(initializer, (int, float)):
            value = np.full_like(data, initializer)
        else:

            value = np.asarray(initializers.get(initializer)(data.shape, data.dtype), data.dtype)
        return self._make_variable(value, name)

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """One slot per variable for each name in ``name`` (a string or a list of them).

        With a list, the slots are created variable by variable (all names for the first
        variable, then the second...), as Keras orders them.
        """
        names = [name] if isinstance(name, str) else list(name)
        inits = initializer if isinstance(initializer, (list, tuple)) else [initializer] * len(
            names)
        if len(inits) != len(names):
            raise ValueError(
                f"add_optimizer_variables: {len(names)} names but {len(inits)} initializers."
            )
        out = tuple([] for _ in names)
        for var in trainable_variables:
            for k, (n, init) in enumerate(zip(names, inits)):
                out[k].append(self.add_variable_from_reference(var, name=n, initializer=init))
        return out[0] if isinstance(name, str) else out

    def build(self, var_list):
        """Create per-variable state for ``var_list``; subclasses call this first."""
        var_list = list(var_list)
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(
                var_list, "average")
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = self.add_optimizer_variables(
                var_list, "gradient_accumulator")
        self._index = {id(v): i for i, v in enumerate(var_list)}
        self._trainable_variables = var_list
        self.built = True

    def _var_key(self, variable):
        return id(variable)

    def _get_variable_index(self, variable):
        return self._index[id(variable)]

    def assign(self, variable, value):
        variable.assign(value)

    def assign_add(self, variable, value):
        variable.assign_add(value)

    def assign_sub(self, variable, value):
        variable.assign_sub(value)

    # -- learning rate ------------------------------------------------------------------
    @property
    def learning_rate(self):
        """The current rate: a Variable for a float rate, the schedule's value otherwise."""
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            return lr(self._iterations)
        if isinstance(lr, Variable) or not callable(lr):
            return lr
        return lr()

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(value, schedules.LearningRateSchedule) or callable(value):
            if isinstance(self._learning_rate, Variable):
                self._variables.remove(self._learning_rate)
            self._learning_rate = value
            self._lr_data = None
            self._lr_now = self._current_learning_rate
            return
        if not isinstance(self._learning_rate, Variable):
            raise TypeError(
                "This optimizer was created with a LearningRateSchedule (or callable) as its "
                "learning_rate, so its learning rate cannot be set to a number. Create the "
                "optimizer with a float learning_rate to change it during training."
            )
        self._learning_rate.assign(value)

    # Keras 2 name, still common in callbacks and tutorials.
    lr = learning_rate

    def _current_learning_rate(self):
        """The rate for this step as a Python float."""
        if self._lr_data is not None:
            return float(self._lr_data)
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            out = lr(int(self._iterations.data))
        else:
            out = lr()
        return float(out.data if isinstance(out, Tensor) else out)

    def _local_iterations(self):
        it = int(self._iterations.data)
        steps = self.gradient_accumulation_steps
        return it // steps if steps else it

    # -- the update loop ----------------------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        """Apply ``(gradient, variable)`` pairs; pairs with a None gradient are skipped."""
        grads, variables = zip(*grads_and_vars)
        self.apply(grads, variables)
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """Apply ``grads`` to ``trainable_variables`` (default: the variables built with)."""
        if len(grads) == 0:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be "
                    "built on a list of variables: call optimizer.build(trainable_variables) "
                    "first."
                )
            if len(grads) != len(self._trainable_variables):
                raise ValueError(
                    f"Received {len(grads)} gradients but the optimizer tracks "
                    f"{len(self._trainable_variables)} variables; pass one gradient per "
                    f"variable."
                )
            trainable_variables = self._trainable_variables
        elif not self.built:
            trainable_variables = list(trainable_variables)
            self.build(trainable_variables)
        index = self._index
        gs = []
        vs = []
        missing = None
        for g, v in zip(grads, trainable_variables):
            if id(v) not in index:
                raise ValueError(
                    f"Unknown variable {getattr(v, 'path', v)!r}: this optimizer can only "
                    f"update the variables it was built with. Create a new optimizer for a "
                    f"new set of variables."
                )
            if g is None:
                missing = missing or []
                missing.append(getattr(v, "path", None) or getattr(v, "name", "?"))
                continue
            if type(g) is Tensor:
                g = g.data
            elif type(g) is not np.ndarray:
                g = _as_grad(g)
            w = v.data
            # Built-in dtypes are singletons: the identity test settles the common case.
            if g.dtype is not w.dtype and g.dtype != w.dtype:
                g = g.astype(w.dtype)
            if g.shape != w.shape:
                raise ValueError(
                    f"Gradient of shape {g.shape} does not match variable "
                    f"{getattr(v, 'path', v.name)!r} of shape {w.shape}."
                )
            gs.append(g)
            vs.append(v)
        if missing:
            warnings.warn(
                f"Gradients do not exist for variables {missing} when minimizing the loss. "
                f"If using `model.compile()`, did you forget to provide a `loss` argument?",
                stacklevel=2,
            )
        if not gs:
            raise ValueError("No gradients provided for any variable.")
        if self.loss_scale_factor is not None:
            gs = [g / self.loss_scale_factor for g in gs]
        steps = self.gradient_accumulation_steps
        it = int(self._iterations.data)
        self._t = (it // steps if steps else it) + 1
        if steps:
            self._accumulate_and_apply(gs, vs)
        else:
            if self.clipnorm or self.global_clipnorm or self.clipvalue:
                gs = self._clip_gradients(gs)
            lr_data = self._lr_data
            lr = float(lr_data) if lr_data is not None else self._current_learning_rate()
            if self.weight_decay is not None:
                self._apply_weight_decay(vs, lr)
            self._backend_update_step(gs, vs, lr)
        if self.use_ema:
            self._update_model_variables_moving_average(self._trainable_variables)
        for v in vs:
            if v.constraint is not None:
                v.assign(v.constraint(v))
        # Item assignment on the 0-d array: an in-place ufunc costs ~20x more here.
        self._iterations.data[()] = it + 1

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        for g, v in zip(grads, trainable_variables):
            self.update_step(g, v, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        raise NotImplementedError(
            f"{type(self).__name__} must implement update_step(gradient, variable, "
            f"learning_rate)."
        )

    def _accumulate_and_apply(self, gs, vs):
        steps = self.gradient_accumulation_steps
        accs = [self._accumulated_gradients[self._index[id(v)]].data for v in vs]
        if (int(self._iterations.data) + 1) % steps:
            for acc, g in zip(accs, gs):
                acc += g
            return
        gs = [(g + acc) / steps for g, acc in zip(gs, accs)]
        if self.clipnorm or self.global_clipnorm or self.clipvalue:
            gs = self._clip_gradients(gs)
        lr = self._current_learning_rate()
        if self.weight_decay is not None:
            self._apply_weight_decay(vs, lr)
        self._backend_update_step(gs, vs, lr)
        for acc in accs:
            acc[...] = 0

    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            c = self.clipnorm
            out = []
            for g in grads:
                norm = math.sqrt(float(np.vdot(g, g)))
                out.append(g * (c / max(norm, c)) if norm > c else g)
            return out
        if self.global_clipnorm and self.global_clipnorm > 0:
            c = self.global_clipnorm
            norm = math.sqrt(sum(float(np.vdot(g, g)) for g in grads))
            scale = c * min(1.0 / norm if norm else math.inf, 1.0 / c)
            return [g * scale for g in grads]
        if self.clipvalue and self.clipvalue > 0:
            c = self.clipvalue
            return [np.clip(g, -c, c) for g in grads]
        return grads

    # -- weight decay -------------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exempt variables (or variables whose name matches a pattern) from weight decay."""
        if self.built:
            raise ValueError(
                "exclude_from_weight_decay() can only be configured before the optimizer is "
                "built (before its first update)."
            )
        self._exclude_ids = {id(v) for v in var_list or ()}
        self._exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None
        self._decay_cache = {}

    def _use_weight_decay(self, variable):
        key = id(variable)
        cached = self._decay_cache.get(key)
        if cached is None:
            cached = key not in self._exclude_ids and not (
                self._exclude_pattern is not None
                and self._exclude_pattern.search(variable.name) is not None)
            self._decay_cache[key] = cached
        return cached

    def _apply_weight_decay(self, variables, lr):
        factor = float(self.weight_decay) * lr
        for v in variables:
            if self._use_weight_decay(v):
                w = v.data
                w -= w * factor

    # -- moving average -----------------------------------------------------------------
    def _update_model_variables_moving_average(self, trainable_variables):
        momentum = self.ema_momentum if self._local_iterations() != 0 else 0.0
        for var, avg in zip(trainable_variables, self._model_variables_moving_average):
            a = avg.data
            a *= momentum
            a += (1.0 - momentum) * var.data
        freq = self.ema_overwrite_frequency
        if freq and (self._local_iterations() + 1) % freq == 0:
            self._overwrite_model_variables_with_average_value(trainable_variables)

    def _overwrite_model_variables_with_average_value(self, trainable_variables):
        averages = self._model_variables_moving_average
        if len(trainable_variables) != len(averages):
            raise ValueError(
                f"Cannot overwrite {len(trainable_variables)} variables with the "
                f"{len(averages)} moving averages the optimizer holds."
            )
        for var, avg in zip(trainable_variables, averages):
            var.data[...] = avg.data

    def finalize_variable_values(self, var_list):
        """With ``use_ema``, replace the variables by their moving averages (end of fit)."""
        if self.use_ema:
            self._overwrite_model_variables_with_average_value(var_list)

    # -- convenience --------------------------------------------------------------------
    def minimize(self, loss, var_list, tape=None):
        """Compute gradients of ``loss`` (a callable, or a Tensor with its ``tape``) and apply."""

        if callable(var_list) and not isinstance(var_list, (list, tuple)):
            var_list = var_list()
        var_list = list(var_list)
        if callable(loss) and not isinstance(loss, Tensor):
            with GradientTape() as tape:
                loss = loss()
        elif tape is None:
            raise ValueError(
                "minimize: `tape` is required when `loss` is a Tensor; pass the GradientTape "
                "that recorded it, or pass `loss` as a callable returning the loss."
            )
        grads = tape.gradient(loss, var_list)
        self.apply_gradients(zip(grads, var_list))
        return self._iterations

    def scale_loss(self, loss):
        """Multiply ``loss`` by ``loss_scale_factor`` when one is set."""
        return loss * self.loss_scale_factor if self.loss_scale_factor is not None else loss

    def get_weights(self):
        return [v.numpy() for v in self._variables]

    def set_weights(self, weights):
        if not self.built:
            raise ValueError(
                "set_weights() on an optimizer that has not been built: call "
                "optimizer.build(trainable_variables) first."
            )
        for var, w in zip(self._variables, weights):
            w = np.asarray(w)
            if var.data.shape != w.shape:
                raise ValueError(
                    f"Optimizer variable {var.path!r} has shape {var.data.shape}, not "
                    f"compatible with the weight of shape {w.shape}."
                )
            var.data[...] = w

    def save_own_variables(self, store):
        for i, var in enumerate(self._variables):
            store[str(i)] = var.numpy()

    def load_own_variables(self, store):
        if len(store.keys()) != len(self._variables):
            warnings.warn(
                f"Skipping variable loading for optimizer '{self.name}': it has "
                f"{len(self._variables)} variables whereas the saved optimizer has "
                f"{len(store.keys())}." + (" The optimizer has not been built yet."
                                           if not self.built else ""),
                stacklevel=2,
            )
            return
        for i, var in enumerate(self._variables):
            var.data[...] = np.asarray(store[str(i)])

    def get_config(self):
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            lr_config = schedules.serialize(lr)
        elif isinstance(lr, Variable):
            lr_config = float(lr.data)
        else:
            lr_config = getattr(lr, "__name__", None) or repr(lr)
        return {
            "name": self.name,
            "learning_rate": lr_config,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"],
                                                            custom_objects=custom_objects)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"
