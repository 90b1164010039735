"""Seed notes, Dense layers 3) XOR: two hidden sigmoid units, then one output unit."""

import os

import numpy as np

import featherflow as tf
from featherflow.utils.plotting import output_dir, pyplot, show_or_save

plt = pyplot()
# With these settings (SGD, learning rate 0.1, 2000 full-batch steps) most random starts are
# still on the plateau at the end, or stuck in a local minimum. This seed reaches the truth
# table (outputs 0.373, 0.715, 0.655, 0.320), and real Keras 3 with the same seed starts from
# the same weights and ends with the same outputs.
tf.keras.utils.set_random_seed(7)

x_data = [[0, 0],
          [0, 1],
          [1, 0],
          [1, 1]]
y_data = [[0],
          [1],
          [1],
          [0]]

x_data = np.array(x_data)
y_data = np.array(y_data)

print(x_data.shape)  # (4,2)
print(y_data.shape)  # (4,1)

model_xor = tf.keras.Sequential()
model_xor.add(tf.keras.layers.Dense(2, activation="sigmoid", input_shape=(2,)))
model_xor.add(tf.keras.layers.Dense(1, activation="sigmoid"))

model_xor.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1),
                  loss="binary_crossentropy", metrics=["accuracy"])

model_xor.fit(x_data, y_data, batch_size=4, epochs=2000)

print(np.round(model_xor.predict(x_data)))

weights_0 = model_xor.layers[0].get_weights()[0]
biases_0 = model_xor.layers[0].get_weights()[1]

weights_1 = model_xor.layers[1].get_weights()[0]
biases_1 = model_xor.layers[1].get_weights()[1]

plt.scatter(x_data[:, 0], x_data[:, 1], c=y_data)
x = np.linspace(np.amin(x_data[:, :1]), np.amax(x_data[:, :1]))

a_0 = -weights_0[0] / weights_0[1]
b_0 = -biases_0[0] / weights_0[1]

a_1 = -weights_1[0] / weights_1[1]
b_1 = -biases_1[0] / weights_1[1]

plt.rcParams["figure.figsize"] = (15, 5)
plt.plot(x, [a_0 * i + b_0 for i in x], color="green")
plt.plot(x, [a_1 * i + b_1 for i in x], color="red")
show_or_save("xor_lines")

# the learned regions and the network's graph, drawn by featherflow (needs matplotlib)
try:
    tf.keras.utils.plot_decision_boundary(model_xor, x_data, y_data)
    show_or_save("xor_regions")
    tf.keras.utils.plot_model(model_xor, to_file=os.path.join(output_dir(), "xor_model.png"),
                              show_shapes=True)
except ImportError:
    pass

