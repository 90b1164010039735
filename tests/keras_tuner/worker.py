"""One worker of tests/keras_tuner/test_workers.py: searches the shared study and writes the
trial ids it ran. Arguments: storage URL, directory, tuner id, output file, barrier dir and
the tuner ("random", "hyperband" or "hyperband_pruner")."""

import json
import os
import sys
import time

import numpy as np

import featherflow as tf
import featherflow.keras_tuner as kt

storage, directory, tuner_id, output, barrier, kind = sys.argv[1:7]
rng = np.random.default_rng(0)
x = rng.uniform(-1, 1, size=(32, 2)).astype("float32")
y = x.sum(axis=1, keepdims=True)


def build_model(hp):
    model = tf.keras.Sequential([tf.keras.Input((2,)),
                                 tf.keras.layers.Dense(hp.Int("units", 1, 8)),
                                 tf.keras.layers.Dense(1)])
    model.compile(tf.keras.optimizers.SGD(hp.Float("lr", 1e-3, 1e-1, sampling="log")),
                  loss="mse")
    return model


ran = []


def run_trial(self, trial, *args, **kwargs):
    ran.append(trial.trial_id)
    time.sleep(0.3)  # long enough that both workers get trials
    return type(self).__mro__[1].run_trial(self, trial, *args, **kwargs)


if kind == "random":
    Worker = type("Worker", (kt.RandomSearch,), {"run_trial": run_trial})
    tuner = Worker(build_model, objective="val_loss", max_trials=8, seed=7, storage=storage,
                   directory=directory, project_name="shared", tuner_id=tuner_id)
else:  # "hyperband", or "hyperband_pruner": Optuna's HyperbandPruner does the halving
    Worker = type("Worker", (kt.Hyperband,), {"run_trial": run_trial})
    tuner = Worker(build_model, objective="val_loss", max_epochs=3, factor=3, seed=7,
                   storage=storage, directory=directory, project_name="shared",
                   tuner_id=tuner_id, pruner="hyperband" if kind.endswith("pruner") else None)
open(os.path.join(barrier, tuner_id), "w").close()
deadline = time.time() + 60
while len(os.listdir(barrier)) < 2 and time.time() < deadline:
    time.sleep(0.05)
tuner.search(x, y, epochs=2, validation_split=0.25, verbose=0)
with open(output, "w") as f:
    json.dump(ran, f)
