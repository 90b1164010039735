"""Seed notes, Dense layers 2) OR: one sigmoid unit learns the OR truth table."""

import os

import numpy as np

import featherflow as tf
from featherflow.utils.plotting import output_dir, pyplot, show_or_save

plt = pyplot()
tf.keras.utils.set_random_seed(0)

x_data = [[0, 0],
          [0, 1],
          [1, 0],
          [1, 1]]
y_data = [[0],
          [1],
          [1],
          [1]]

x_data = np.array(x_data)
y_data = np.array(y_data)

model_or = tf.keras.Sequential()
model_or.add(tf.keras.layers.Dense(1, activation="sigmoid", input_shape=(2,)))
model_or.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])

model_or.fit(x_data, y_data, epochs=3000, batch_size=4)

print(np.round(model_or.predict(x_data)))

print(model_or.layers[0].get_weights())

weights = model_or.layers[0].get_weights()[0]
biases = model_or.layers[0].get_weights()[1]
plt.scatter(x_data[:, 0], x_data[:, 1], c=y_data)
x = np.linspace(np.amin(x_data[:, :1]), np.amax(x_data[:, :1]))

a = -weights[0] / weights[1]
b = -biases[0] / weights[1]

plt.rcParams["figure.figsize"] = (15, 5)
plt.plot(x, [a * i + b for i in x], color="green")
show_or_save("or_decision_line")

# the learned regions and the network's graph, drawn by featherflow (needs matplotlib)
try:
    tf.keras.utils.plot_decision_boundary(model_or, x_data, y_data)
    show_or_save("or_regions")
    tf.keras.utils.plot_model(model_or, to_file=os.path.join(output_dir(), "or_model.png"),
                              show_shapes=True)
except ImportError:
    pass

