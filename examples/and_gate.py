"""Seed notes, Dense layers 1) AND: one sigmoid unit learns the AND truth table."""

import os

import numpy as np

import featherflow as tf
from featherflow.utils.plotting import output_dir, pyplot, show_or_save

plt = pyplot()
tf.keras.utils.set_random_seed(0)

# AND
x_data = [[0, 0],
          [0, 1],
          [1, 0],
          [1, 1]]
y_data = [[0],
          [0],
          [0],
          [1]]

x_data = np.array(x_data)
y_data = np.array(y_data)

print(x_data.shape)  # (4, 2)

model_and = tf.keras.Sequential()
model_and.add(tf.keras.layers.Dense(1, activation="sigmoid", input_shape=(2,)))
model_and.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
model_and.fit(x_data, y_data, epochs=3000, batch_size=4)

print(model_and.predict(x_data))
print(np.round(model_and.predict(x_data)))

weights = model_and.layers[0].get_weights()[0]
biases = model_and.layers[0].get_weights()[1]

plt.scatter(x_data[:, 0], x_data[:, 1], c=y_data)
x = np.linspace(np.amin(x_data[:, :1]), np.amax(x_data[:, :1]))

a = -weights[0] / weights[1]
b = -biases[0] / weights[1]

plt.rcParams["figure.figsize"] = (15, 5)
plt.plot(x, [a * i + b for i in x], color="green")
show_or_save("and_decision_line")

# the learned regions and the network's graph, drawn by featherflow (needs matplotlib)
try:
    tf.keras.utils.plot_decision_boundary(model_and, x_data, y_data)
    show_or_save("and_regions")
    tf.keras.utils.plot_model(model_and, to_file=os.path.join(output_dir(), "and_model.png"),
                              show_shapes=True)
except ImportError:
    pass


# changing the learning rate (the default is 0.01)
sgd = tf.keras.optimizers.SGD(learning_rate=0.001)
model_and.compile(optimizer=sgd, loss="binary_crossentropy", metrics=["accuracy"])
