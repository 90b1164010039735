"""Optimizer trajectories on fixed gradients, and learning-rate schedule values."""

from __future__ import annotations

import numpy as np

from .common import as_numpy, rng_for, save_npz, to_json

N_STEPS = 5


def _optimizers():
    """(case, factory) pairs; factories so each case starts from a fresh optimizer."""
    import keras

    opts = keras.optimizers
    S = opts.schedules
    return [
        ("sgd", lambda: opts.SGD()),
        ("sgd_lr0p1", lambda: opts.SGD(learning_rate=0.1)),
        ("sgd_momentum", lambda: opts.SGD(learning_rate=0.1, momentum=0.9)),
        ("sgd_nesterov", lambda: opts.SGD(learning_rate=0.1, momentum=0.9, nesterov=True)),
        ("sgd_weight_decay", lambda: opts.SGD(learning_rate=0.1, weight_decay=0.01)),
        ("sgd_clipvalue", lambda: opts.SGD(learning_rate=0.1, clipvalue=0.5)),
        ("sgd_clipnorm", lambda: opts.SGD(learning_rate=0.1, clipnorm=1.0)),
        ("sgd_global_clipnorm", lambda: opts.SGD(learning_rate=0.1, global_clipnorm=1.0)),
        ("adam", lambda: opts.Adam()),
        ("adam_lr0p1", lambda: opts.Adam(learning_rate=0.1)),
        ("adam_amsgrad", lambda: opts.Adam(learning_rate=0.1, amsgrad=True)),
        (
            "adam_betas_eps",
            lambda: opts.Adam(learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-3),
        ),
        ("adam_clipnorm", lambda: opts.Adam(learning_rate=0.1, clipnorm=1.0)),
        ("adam_clipvalue", lambda: opts.Adam(learning_rate=0.1, clipvalue=0.5)),
        ("adam_global_clipnorm", lambda: opts.Adam(learning_rate=0.1, global_clipnorm=1.0)),
        ("adam_weight_decay", lambda: opts.Adam(learning_rate=0.1, weight_decay=0.05)),
        (
            "adam_exponential_decay",
            lambda: opts.Adam(
                learning_rate=S.ExponentialDecay(np.float64(0.1), decay_steps=2, decay_rate=0.5)
            ),
        ),
        ("adamw", lambda: opts.AdamW()),
        ("adamw_lr0p1", lambda: opts.AdamW(learning_rate=0.1, weight_decay=0.1)),
        ("adamw_amsgrad", lambda: opts.AdamW(learning_rate=0.1, amsgrad=True)),
        ("adamax", lambda: opts.Adamax()),
        ("adamax_lr0p1", lambda: opts.Adamax(learning_rate=0.1)),
        ("nadam", lambda: opts.Nadam()),
        ("nadam_lr0p1", lambda: opts.Nadam(learning_rate=0.1)),
        ("rmsprop", lambda: opts.RMSprop()),
        ("rmsprop_lr0p1", lambda: opts.RMSprop(learning_rate=0.1)),
        ("rmsprop_momentum", lambda: opts.RMSprop(learning_rate=0.1, momentum=0.9)),
        ("rmsprop_centered", lambda: opts.RMSprop(learning_rate=0.1, centered=True)),
        (
            "rmsprop_centered_momentum",
            lambda: opts.RMSprop(learning_rate=0.1, centered=True, momentum=0.5, rho=0.8),
        ),
        ("adagrad", lambda: opts.Adagrad()),
        ("adagrad_lr0p1", lambda: opts.Adagrad(learning_rate=0.1, initial_accumulator_value=0.5)),
        ("adadelta", lambda: opts.Adadelta()),
        ("adadelta_lr1", lambda: opts.Adadelta(learning_rate=1.0, rho=0.9)),
        ("ftrl", lambda: opts.Ftrl()),
        (
            "ftrl_l1_l2",
            lambda: opts.Ftrl(
                learning_rate=0.1,
                l1_regularization_strength=0.01,
                l2_regularization_strength=0.02,
                l2_shrinkage_regularization_strength=0.03,
                beta=0.5,
            ),
        ),
        ("lion", lambda: opts.Lion()),
        ("lion_lr0p1", lambda: opts.Lion(learning_rate=0.1, beta_1=0.8, beta_2=0.95)),
        ("lamb", lambda: opts.Lamb(learning_rate=0.1)),
    ]


def _gradients(rng):
    gw = rng.normal(size=(N_STEPS, 3, 2))
    gb = rng.normal(size=(N_STEPS, 2))
    gw[2] *= 10.0  # one large step so every clipping mode bites
    gb[2] *= 10.0
    gw[3, 0, 0] = 0.0  # an exact zero gradient (accumulator-only update)
    return gw, gb


def optimizer_cases():
    import keras

    for case, make in _optimizers():
        # Fresh name counters so state paths read "adam/kernel_momentum", not "adam_7/...".
        keras.backend.clear_session()
        rng = rng_for("optimizer/" + case)
        w_init = rng.normal(size=(3, 2))
        b_init = rng.normal(size=(2,))
        gw, gb = _gradients(rng)
        kernel = keras.Variable(w_init, dtype="float64", name="kernel")
        bias = keras.Variable(b_init, dtype="float64", name="bias")
        opt = make()
        w_steps, b_steps, lrs = [], [], []
        for step in range(N_STEPS):
            lrs.append(float(as_numpy(opt.learning_rate)))
            opt.apply_gradients([(gw[step], kernel), (gb[step], bias)])
            w_steps.append(as_numpy(kernel).copy())
            b_steps.append(as_numpy(bias).copy())
        out = {
            "class_name": opt.__class__.__name__,
            "config": to_json(keras.optimizers.serialize(opt)["config"]),
            "w_init": w_init,
            "w_grads": gw,
            "w_steps": np.stack(w_steps),
            "b_init": b_init,
            "b_grads": gb,
            "b_steps": np.stack(b_steps),
            "learning_rates": np.array(lrs),
            "state_names": to_json([v.path for v in opt.variables]),
        }
        for i, v in enumerate(opt.variables):
            out[f"state{i}"] = as_numpy(v)
        save_npz(f"optimizers/{case}", out)


def _schedules():
    import keras

    S = keras.optimizers.schedules
    f = np.float64  # a float64 initial rate makes Keras compute the schedule in float64
    return [
        ("exponential_decay", S.ExponentialDecay(f(0.1), decay_steps=4, decay_rate=0.5)),
        (
            "exponential_decay_staircase",
            S.ExponentialDecay(f(0.1), decay_steps=4, decay_rate=0.5, staircase=True),
        ),
        ("piecewise_constant_decay", S.PiecewiseConstantDecay([3, 8], [f(0.1), f(0.05), f(0.01)])),
        ("cosine_decay", S.CosineDecay(f(0.1), decay_steps=15)),
        (
            "cosine_decay_alpha_warmup",
            S.CosineDecay(f(0.05), decay_steps=10, alpha=0.1, warmup_target=0.2, warmup_steps=4),
        ),
        (
            "cosine_decay_restarts",
            S.CosineDecayRestarts(f(0.1), first_decay_steps=4, t_mul=2.0, m_mul=0.5, alpha=0.1),
        ),
        ("inverse_time_decay", S.InverseTimeDecay(f(0.1), decay_steps=2, decay_rate=0.5)),
        (
            "inverse_time_decay_staircase",
            S.InverseTimeDecay(f(0.1), decay_steps=3, decay_rate=0.5, staircase=True),
        ),
        ("polynomial_decay", S.PolynomialDecay(f(0.1), decay_steps=10, end_learning_rate=0.01)),
        (
            "polynomial_decay_power2_cycle",
            S.PolynomialDecay(f(0.1), decay_steps=6, end_learning_rate=0.01, power=2.0, cycle=True),
        ),
    ]


def schedule_cases():
    import keras

    steps = np.arange(21)
    for case, sched in _schedules():
        values = np.array([float(as_numpy(sched(int(s)))) for s in steps])
        save_npz(
            f"schedules/{case}",
            {
                "class_name": sched.__class__.__name__,
                "config": to_json(sched.get_config()),
                "serialized": to_json(keras.optimizers.schedules.serialize(sched)),
                "steps": steps,
                "values": values,
            },
        )


def run():
    optimizer_cases()
    schedule_cases()
