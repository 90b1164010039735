"""Seed notes, section 3: keep the hyperparameters in a list and train in a for loop; then the
same sweep with KerasTuner's API (``featherflow.keras_tuner``), side by side.

The seed's linear regression (200 noisy points around y = 2x - 1, one Dense unit, SGD, mean
squared error) is trained once per learning rate. Every run is logged to TensorBoard with its
hyperparameters, so the HParams dashboard compares the runs
(``tensorboard --logdir=logs/hparam_sweep``), and the loss curves of all runs are drawn in
one picture with ``plot_history``.

The second half asks a tuner for the same thing: ``kt.GridSearch`` over
``hp.Choice("learning_rate", learning_rates)`` runs the same four trainings (same seed, same
data, same epochs), records each in an Optuna study (``tuning/hparam_sweep/study.db``), logs
each trial to TensorBoard's HParams dashboard (``logs/hparam_tuner``) and hands back the best
values and model. It needs the ``[tune]`` extra (Optuna).
"""

import os

import numpy as np

import featherflow as tf
from featherflow.summary import hparams as hp
from featherflow.utils.plotting import output_dir, plot_history

np.random.seed(0)
x = np.random.uniform(low=-2, high=2, size=200)
y = 2 * x - 1 + np.random.normal(0.0, 0.5 + x * x / 3)

learning_rates = [0.001, 0.01, 0.05, 0.1]
EPOCHS = 60

out = os.environ.get("FEATHERFLOW_EXAMPLES_OUT", ".")
logdir = os.path.join(out, "logs", "hparam_sweep")

# Describe the experiment once, in the parent folder of the runs: which hyperparameter varies
# and which logged scalars the HParams dashboard should show for each run.
HP_LR = hp.HParam("learning_rate", hp.Discrete(learning_rates))
writer = tf.summary.create_file_writer(logdir)
with writer.as_default():
    hp.hparams_config(
        hparams=[HP_LR],
        metrics=[hp.Metric("epoch_loss", group="train", display_name="loss"),
                 hp.Metric("epoch_loss", group="validation", display_name="val_loss")],
    )
writer.close()

histories = {}
results = []
for lr in learning_rates:
    # The same starting weights for every run, so only the learning rate differs.
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential()
    model.add(tf.keras.layers.Dense(units=1, input_dim=1))
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=lr), loss="mse")

    run_dir = os.path.join(logdir, f"lr={lr}")
    callbacks = [tf.keras.callbacks.TensorBoard(log_dir=run_dir),
                 hp.KerasCallback(run_dir, {HP_LR: lr})]
    history = model.fit(x, y, epochs=EPOCHS, validation_split=0.2, verbose=0,
                        callbacks=callbacks)

    histories[f"lr={lr}"] = history
    kernel, bias = model.layers[0].get_weights()
    results.append((lr, history.history["loss"][-1], history.history["val_loss"][-1],
                    float(kernel[0, 0]), float(bias[0])))

print(f"{'learning_rate':>13} {'loss':>8} {'val_loss':>9} {'slope':>7} {'intercept':>10}")
for lr, loss, val_loss, slope, intercept in results:
    print(f"{lr:>13} {loss:>8.4f} {val_loss:>9.4f} {slope:>7.3f} {intercept:>10.3f}")
best_lr = min(results, key=lambda r: r[2])[0]
print(f"lowest validation loss with learning_rate={best_lr} (the data: slope 2, intercept -1)")

try:
    figure = plot_history(histories, to_file=os.path.join(output_dir(), "hparam_sweep_loss.png"))
    print(f"loss curves saved to {os.path.join(output_dir(), 'hparam_sweep_loss.png')}")
except ImportError as err:  # matplotlib is optional: the sweep and its logs still ran
    print(err)
print(f"TensorBoard logs written to {logdir}: run `tensorboard --logdir={logdir}`")

# The same sweep, with the tuner: the for loop's body becomes a function of `hp`.
try:
    import featherflow.keras_tuner as kt

    def build_model(hp):
        tf.keras.utils.set_random_seed(0)  # the same starting weights as the loop's runs
        model = tf.keras.Sequential()
        model.add(tf.keras.layers.Dense(units=1, input_dim=1))
        lr = hp.Choice("learning_rate", learning_rates)
        model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=lr), loss="mse")
        return model

    tuner = kt.GridSearch(build_model, objective="val_loss",
                          directory=os.path.join(out, "tuning"), project_name="hparam_sweep",
                          overwrite=True)
    tuner_logdir = os.path.join(out, "logs", "hparam_tuner")
    tuner.search(x, y, epochs=EPOCHS, validation_split=0.2, verbose=0,
                 callbacks=[tf.keras.callbacks.TensorBoard(log_dir=tuner_logdir)])
    tuner.results_summary(num_trials=2)
    best_hp = tuner.get_best_hyperparameters()[0]
    best_model = tuner.get_best_models()[0]
    kernel, bias = best_model.layers[0].get_weights()
    print(f"tuner: best learning_rate={best_hp.get('learning_rate')} (lowest val_loss over "
          f"the epochs; slope {float(kernel[0, 0]):.3f}, intercept {float(bias[0]):.3f})")
    print(f"tuner trials logged for the HParams dashboard in {tuner_logdir}")
except ImportError as err:  # Optuna is optional: the loop above is the whole sweep without it
    tuner = None
    print(err)
