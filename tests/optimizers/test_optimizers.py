"""Optimizer base loop: defaults, lookup, None gradients, clipping, EMA, accumulation, state."""

import warnings

import numpy as np
import pytest

from featherflow import constraints, optimizers
from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.variable import Variable
from featherflow.ops import math as math_ops
from featherflow.optimizers import schedules


def var(values, name="w"):
    return Variable(np.array(values, np.float32), name=name)


@pytest.mark.parametrize("cls,defaults", [
    (optimizers.SGD, {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False}),
    (optimizers.Adam, {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7,
              "amsgrad": False}),
    (optimizers.AdamW, {"learning_rate": 0.001, "weight_decay": 0.004}),
    (optimizers.RMSprop, {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-7,
                 "centered": False}),
    (optimizers.Adagrad, {"learning_rate": 0.001, "initial_accumulator_value": 0.1}),
    (optimizers.Adadelta, {"learning_rate": 0.001, "rho": 0.95}),
    (optimizers.Adamax, {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999}),
    (optimizers.Nadam, {"learning_rate": 0.001}),
    (optimizers.Ftrl, {"learning_rate": 0.001, "learning_rate_power": -0.5}),
    (optimizers.Lion, {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.99}),
])
def test_keras_defaults(cls, defaults):
    cfg = cls().get_config()
    for key, value in defaults.items():
        assert cfg[key] == pytest.approx(value, rel=1e-7), key


def test_get_is_case_insensitive_and_lists_names():
    assert isinstance(optimizers.get("sgd"), optimizers.SGD)
    assert isinstance(optimizers.get("SGD"), optimizers.SGD)
    assert isinstance(optimizers.get("Adam"), optimizers.Adam)
    assert isinstance(optimizers.get("rmsprop"), optimizers.RMSprop)
    opt = optimizers.get({"class_name": "SGD", "config": {"learning_rate": 0.5, "momentum": 0.9}})
    assert float(opt.learning_rate) == 0.5 and opt.momentum == 0.9
    inst = optimizers.Adam()
    assert optimizers.get(inst) is inst
    with pytest.raises(ValueError, match="Valid optimizer names are: .*adam"):
        optimizers.get("adamm")
    with pytest.raises(ValueError, match="Could not interpret optimizer"):
        optimizers.get(0.1)


def test_default_names_are_keras_3s():
    names = [optimizers.RMSprop().name, optimizers.Adam().name, optimizers.SGD().name]
    assert names == ["rmsprop", "adam", "sgd"]  # Keras 3.15.1: auto_name("SGD")
    assert optimizers.SGD(name="mine").name == "mine"


def test_sgd_updates_in_place_and_counts_iterations():
    w = var([1.0, 2.0])
    buffer = w.data
    opt = optimizers.SGD(learning_rate=0.1)
    for _ in range(3):
        opt.apply_gradients([(np.array([1.0, -1.0]), w)])
    np.testing.assert_allclose(w.numpy(), [0.7, 2.3], rtol=1e-6)
    assert w.data is buffer and w.data.dtype == np.float32
    assert int(opt.iterations) == 3 and opt.iterations.numpy().dtype == np.int64


def test_none_gradients_are_skipped_with_a_warning():
    w, b = var([1.0], "w"), var([1.0], "b")
    opt = optimizers.SGD(learning_rate=0.5)
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        opt.apply_gradients([(np.array([1.0]), w), (None, b)])
    assert w.numpy()[0] == 0.5 and b.numpy()[0] == 1.0
    with pytest.raises(ValueError, match="No gradients provided"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            opt.apply_gradients([(None, w)])


def test_errors_name_the_problem():
    w = var([1.0])
    opt = optimizers.SGD()
    opt.apply_gradients([(np.array([1.0]), w)])
    with pytest.raises(ValueError, match="Unknown variable"):
        opt.apply_gradients([(np.array([1.0]), var([1.0], "other"))])
    with pytest.raises(ValueError, match="does not match variable"):
        opt.apply_gradients([(np.array([1.0, 2.0]), w)])
    with pytest.raises(ValueError, match="not recognized"):
        optimizers.SGD(learning_rat=0.1)
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.Adam(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.SGD(learning_rate="fast")
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)


def test_learning_rate_property_setter_and_aliases():
    opt = optimizers.SGD(learning_rate=0.1)
    assert float(opt.learning_rate) == pytest.approx(0.1)
    opt.learning_rate = 0.5
    assert float(opt.lr) == 0.5
    opt.learning_rate.assign(0.25)
    w = var([1.0])
    opt.apply_gradients([(np.array([1.0]), w)])
    assert w.numpy()[0] == 0.75
    with pytest.warns(DeprecationWarning, match="learning_rate"):
        legacy = optimizers.SGD(lr=0.3)
    assert float(legacy.learning_rate) == pytest.approx(0.3)
    sched = optimizers.SGD(learning_rate=schedules.ExponentialDecay(1.0, 1, 0.5))
    assert len(sched.variables) == 1  # no learning-rate variable with a schedule
    with pytest.raises(TypeError, match="LearningRateSchedule"):
        sched.learning_rate = 0.1
    opt.learning_rate = schedules.InverseTimeDecay(1.0, 1, 1.0)
    assert [v.name for v in opt.variables] == ["iteration"]


def test_schedule_and_callable_rates_follow_the_step():
    w = var([0.0])
    opt = optimizers.SGD(learning_rate=schedules.PiecewiseConstantDecay([1], [1.0, 0.1]))
    for _ in range(3):
        opt.apply_gradients([(np.array([-1.0]), w)])
    # Steps 0 and 1 use 1.0 (step <= boundary), step 2 uses 0.1.
    np.testing.assert_allclose(w.numpy(), [2.1], rtol=1e-6)
    calls = []

    def rate():
        calls.append(1)
        return 0.5

    w2 = var([0.0])
    optimizers.SGD(learning_rate=rate).apply_gradients([(np.array([-1.0]), w2)])
    assert w2.numpy()[0] == 0.5 and calls


def test_clipping_modes():
    g = np.array([3.0, 4.0])
    for kwargs, expected in (({"clipnorm": 1.0}, [0.6, 0.8]),
                             ({"clipvalue": 2.0}, [2.0, 2.0]),
                             ({"global_clipnorm": 2.5}, [1.5, 2.0])):
        w = var([0.0, 0.0])
        optimizers.SGD(learning_rate=1.0, **kwargs).apply_gradients([(g, w)])
        np.testing.assert_allclose(-w.numpy(), expected, rtol=1e-6)
    w = var([0.0, 0.0])
    optimizers.SGD(learning_rate=1.0, clipnorm=10.0).apply_gradients([(g, w)])
    np.testing.assert_allclose(-w.numpy(), g)


def test_weight_decay_and_exclusion():
    w, b = var([1.0], "kernel"), var([1.0], "bias")
    opt = optimizers.SGD(learning_rate=0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    opt.apply_gradients([(np.array([0.0]), w), (np.array([0.0]), b)])
    np.testing.assert_allclose([w.numpy()[0], b.numpy()[0]], [0.95, 1.0], rtol=1e-6)
    with pytest.raises(ValueError, match="before the optimizer is built"):
        opt.exclude_from_weight_decay(var_names=["kernel"])


def test_constraints_applied_after_update():
    w = Variable(np.array([[3.0], [4.0]], np.float32), constraint=constraints.MaxNorm(1.0))
    optimizers.SGD(learning_rate=0.0).apply_gradients([(np.zeros((2, 1)), w)])
    np.testing.assert_allclose(w.numpy().ravel(), [0.6, 0.8], rtol=1e-5)
    nn = Variable(np.array([0.5], np.float32), constraint=constraints.NonNeg())
    optimizers.SGD(learning_rate=1.0).apply_gradients([(np.array([1.0]), nn)])
    assert nn.numpy()[0] == 0.0


def test_ema_average_and_finalize():
    w = var([0.0])
    opt = optimizers.SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.5)
    for _ in range(3):
        opt.apply_gradients([(np.array([-1.0]), w)])
    # w after steps: 1, 2, 3; average: 1 (first step copies), 1.5, 2.25.
    avg = opt._model_variables_moving_average[0]
    np.testing.assert_allclose(avg.numpy(), [2.25])
    assert [v.name for v in opt.variables][:3] == ["iteration", "learning_rate", "w_average"]
    opt.finalize_variable_values([w])
    np.testing.assert_allclose(w.numpy(), [2.25])
    w2 = var([0.0])
    every2 = optimizers.SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.5,
                   ema_overwrite_frequency=2)
    every2.apply_gradients([(np.array([-1.0]), w2)])
    every2.apply_gradients([(np.array([-1.0]), w2)])
    np.testing.assert_allclose(w2.numpy(), [1.5])


def test_gradient_accumulation():
    w = var([0.0])
    opt = optimizers.SGD(learning_rate=1.0, gradient_accumulation_steps=2)
    opt.apply_gradients([(np.array([-1.0]), w)])
    assert w.numpy()[0] == 0.0
    opt.apply_gradients([(np.array([-3.0]), w)])
    assert w.numpy()[0] == 2.0  # mean of the two gradients
    assert int(opt.iterations) == 1 and int(opt._iterations.numpy()) == 2
    acc = opt._accumulated_gradients[0]
    assert acc.numpy()[0] == 0.0


def test_loss_scale_factor():
    w = var([0.0])
    opt = optimizers.SGD(learning_rate=1.0, loss_scale_factor=4.0)
    assert float(opt.scale_loss(math_ops.multiply(np.float32(2.0), np.float32(1.0)))) == 8.0
    opt.apply_gradients([(np.array([-8.0]), w)])
    assert w.numpy()[0] == 2.0


def test_minimize_with_callable_and_tape():
    w = var([3.0])
    opt = optimizers.SGD(learning_rate=0.1)
    opt.minimize(lambda: math_ops.reduce_sum(math_ops.square(w)), [w])
    np.testing.assert_allclose(w.numpy(), [2.4], rtol=1e-6)
    with GradientTape() as tape:
        loss = math_ops.reduce_sum(math_ops.square(w))
    opt.minimize(loss, [w], tape=tape)
    np.testing.assert_allclose(w.numpy(), [1.92], rtol=1e-6)
    with pytest.raises(ValueError, match="tape"):
        opt.minimize(loss, [w])


def test_build_then_apply_without_variables_and_state_io():
    w, b = var([1.0, 1.0]), var([0.0], "b")
    opt = optimizers.Adam(learning_rate=0.1)
    opt.build([w, b])
    assert [v.name for v in opt.variables] == ["iteration", "learning_rate", "w_momentum",
                                               "w_velocity", "b_momentum", "b_velocity"]
    opt.apply([np.array([1.0, -1.0]), np.array([0.5])])
    weights = opt.get_weights()
    fresh = optimizers.Adam(learning_rate=0.1)
    with pytest.raises(ValueError, match="not been built"):
        fresh.set_weights(weights)
    fresh.build([w, b])
    fresh.set_weights(weights)
    for a, c in zip(fresh.get_weights(), weights):
        np.testing.assert_array_equal(a, c)
    store = {}
    opt.save_own_variables(store)
    other = optimizers.Adam(learning_rate=0.1)
    other.build([w, b])
    other.load_own_variables(store)
    np.testing.assert_array_equal(other.variables[2].numpy(), opt.variables[2].numpy())
    with pytest.raises(ValueError, match="variables"):
        optimizers.Adam().apply([np.array([1.0])])


def test_keras_style_custom_optimizer():
    class SignDescent(optimizers.Optimizer):
        def __init__(self, learning_rate=0.1, **kwargs):
            super().__init__(learning_rate=learning_rate, **kwargs)

        def build(self, var_list):
            super().build(var_list)
            self.steps = self.add_optimizer_variables(var_list, "steps")

        def update_step(self, gradient, variable, learning_rate):
            count = self.steps[self._get_variable_index(variable)]
            self.assign_add(count, np.ones_like(count.numpy()))
            self.assign_sub(variable, math_ops.multiply(math_ops.sign(gradient), learning_rate))

    w = var([1.0, -1.0])
    opt = SignDescent()
    opt.apply_gradients([(np.array([5.0, -0.1]), w)])
    np.testing.assert_allclose(w.numpy(), [0.9, -0.9], rtol=1e-6)
    assert opt.steps[0].numpy().tolist() == [1.0, 1.0]
    assert SignDescent.from_config(opt.get_config()).name == opt.name


def test_schedule_errors_and_custom_schedule():
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.ExponentialDecay(0.1, 0, 0.5)
    with pytest.raises(ValueError, match="1 less"):
        schedules.PiecewiseConstantDecay([1, 2], [0.1])

    class Halving(schedules.LearningRateSchedule):
        def __call__(self, step):
            return 0.5 ** (int(step) + 1)

        def get_config(self):
            return {}

    w = var([0.0])
    opt = optimizers.SGD(learning_rate=Halving())
    opt.apply_gradients([(np.array([-1.0]), w)])
    opt.apply_gradients([(np.array([-1.0]), w)])
    assert w.numpy()[0] == 0.75
    cfg = optimizers.serialize(optimizers.Adam(learning_rate=schedules.CosineDecay(0.1, 10)))
    assert cfg["config"]["learning_rate"]["class_name"] == "CosineDecay"
    again = optimizers.deserialize(cfg)
    assert isinstance(again._learning_rate, schedules.CosineDecay)
