"""Seed notes, section 3: watch training in TensorBoard.

Writes event files under ``logs/`` that the real TensorBoard shows:
``tensorboard --logdir=./logs`` (or ``%load_ext tensorboard`` + ``%tensorboard --logdir=./logs``
in a notebook).
"""

import os

import numpy as np

import featherflow as tf

np.random.seed(0)
x = np.random.uniform(low=-2, high=2, size=200)
y = 2 * x - 1 + np.random.normal(0.0, 0.5 + x * x / 3)
tf.keras.utils.set_random_seed(0)

logdir = os.path.join(os.environ.get("FEATHERFLOW_EXAMPLES_OUT", "."), "logs")

model2 = tf.keras.Sequential([tf.keras.layers.Dense(1, input_dim=1)])

callback_list = [tf.keras.callbacks.TensorBoard(log_dir=logdir)]
model2.compile(optimizer="sgd", loss="mse")
history = model2.fit(x, y, epochs=30, callbacks=callback_list)

print(f"TensorBoard logs written to {logdir}: run `tensorboard --logdir={logdir}`")
