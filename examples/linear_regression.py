"""Seed notes, section 2: linear regression on 200 noisy points, Sequential and Functional.

The notes' own calls with one change, ``import featherflow as tf``; plots go to files in
``examples/output`` when there is no display (``show_or_save`` instead of ``plt.show()``).
"""

import os

import numpy as np

import featherflow as tf
from featherflow.utils.plotting import pyplot, show_or_save

plt = pyplot()

print("featherflow", tf.__version__)
print("GPU available:", tf.test.is_gpu_available())  # False: featherflow runs on the CPU

np.random.seed(0)  # seed값 고정


def make_random_data():
    x = np.random.uniform(low=-2, high=2, size=200)
    y = []
    for t in x:
        r = np.random.normal(loc=0.0, scale=(0.5 + t * t / 3), size=None)
        y.append(r)
    return x, 2 * x - 1 + np.array(y)


x, y = make_random_data()
tf.keras.utils.set_random_seed(0)

# Sequential
model = tf.keras.Sequential()
model.add(tf.keras.layers.Dense(units=1, input_dim=1))
model.summary()

model.compile(optimizer="sgd", loss="mse")

# before training
x_arr = np.arange(-2, 2, 0.1)
y_arr = model.predict(x_arr)
plt.plot(x, y, "o")
plt.plot(x_arr, y_arr, "-r")
show_or_save("linear_before_training")

history = model.fit(x, y, epochs=300)

epochs = np.arange(1, 300 + 1)
plt.plot(epochs, history.history["loss"])
plt.xlabel("epochs")
plt.ylabel("Loss")
show_or_save("linear_loss")

try:  # the same curve drawn by featherflow's helper (needs matplotlib)
    tf.keras.utils.plot_history(history)
    show_or_save("linear_history")
except ImportError:
    pass

x_arr = np.arange(-2, 2, 0.1)
y_arr = model.predict(x_arr)
plt.plot(x, y, "o")
plt.plot(x_arr, y_arr, "-r")
show_or_save("linear_fitted")

kernel, bias = model.layers[0].get_weights()
print(f"Sequential fit: slope {kernel[0, 0]:.3f}, intercept {bias[0]:.3f} (data: 2x - 1)")

# Functional API
input = tf.keras.Input(shape=(1,))
output = tf.keras.layers.Dense(1)(input)

model_fun_api = tf.keras.Model(input, output)
model_fun_api.summary()

model_fun_api.compile(optimizer="sgd", loss="mse")

history_fun_api = model_fun_api.fit(x, y, epochs=300)

# save the trained model, then use its weights in a fresh model without training
weights_path = os.path.join(os.environ.get("FEATHERFLOW_EXAMPLES_OUT", "."),
                            "weights_sample.h5")
try:
    model_fun_api.save(weights_path)
except ImportError as err:  # .h5 files need h5py: pip install featherflow[h5]
    print(f"({err} Saving a TensorFlow checkpoint instead.)")
    weights_path = None
    checkpoint_path = tf.train.Checkpoint(model=model_fun_api).write(
        os.path.join(os.environ.get("FEATHERFLOW_EXAMPLES_OUT", "."), "weights_sample"))

input = tf.keras.Input(shape=(1,))
output = tf.keras.layers.Dense(1)(input)

model_fun_api2 = tf.keras.Model(input, output)
model_fun_api2.summary()

if weights_path is not None:
    model_fun_api2.load_weights(weights_path)
else:
    tf.train.Checkpoint(model=model_fun_api2).read(checkpoint_path)

model_fun_api2.compile(optimizer="sgd", loss="mse")

same = np.allclose(model_fun_api.predict(x_arr, verbose=0), model_fun_api2.predict(x_arr,
                                                                                   verbose=0))
print("Reloaded model predicts the same:", same)
