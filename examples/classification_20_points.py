"""Seed notes, binary classification practice: 20 labelled points, MinMaxScaler, one unit."""

import os

import numpy as np

import featherflow as tf
from featherflow.utils.plotting import output_dir, pyplot, show_or_save

plt = pyplot()
tf.keras.utils.set_random_seed(0)

data = [
    [0.72, 0.82, -1],
    [0.91, -0.69, -1],
    [0.03, 0.93, -1],
    [0.12, 0.25, -1],
    [0.96, 0.47, -1],
    [0.8, -0.75, -1],
    [0.46, 0.98, -1],
    [0.66, 0.24, -1],
    [0.72, -0.15, -1],
    [0.35, 0.01, -1],
    [-0.11, 0.1, 1],
    [0.31, -0.96, 1],
    [0.0, -0.26, 1],
    [-0.43, -0.65, 1],
    [0.57, -0.97, 1],
    [-0.72, -0.64, 1],
    [-0.25, -0.43, 1],
    [-0.12, -0.9, 1],
    [-0.58, 0.62, 1],
    [-0.77, -0.76, 1],
]

data = np.array(data)
print(data.shape)  # (20, 3)

x_data = data[:, 0:2]
y_data = data[:, 2:]

try:
    from sklearn.preprocessing import MinMaxScaler
except ImportError:  # the notes use scikit-learn; `pip install featherflow[sklearn]`
    MinMaxScaler = None

if MinMaxScaler is not None:
    scaler = MinMaxScaler()
    scaler.fit(y_data)
    y_data = scaler.transform(y_data)
    print(scaler.inverse_transform(y_data)[:3])
else:
    print("scikit-learn is not installed: scaling with the formula (y + 1) / 2 instead")
    scaler = None
    y_data = (y_data + 1) / 2

plt.scatter(x_data[:, 0], x_data[:, 1], c=y_data)

model = tf.keras.Sequential()
model.add(tf.keras.layers.Dense(1, activation="sigmoid", input_shape=(2,)))

model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])

history = model.fit(x_data, y_data, batch_size=20, epochs=1500)

weights = model.layers[0].get_weights()[0]
biases = model.layers[0].get_weights()[1]
plt.scatter(x_data[:, 0], x_data[:, 1], c=y_data)
x = np.linspace(np.amin(x_data[:, :1]), np.amax(x_data[:, :1]))

a = -weights[0] / weights[1]
b = -biases[0] / weights[1]

plt.rcParams["figure.figsize"] = (15, 5)
plt.plot(x, [a * i + b for i in x], color="green")
show_or_save("classification_20_points")

# the learned regions and the network's graph, drawn by featherflow (needs matplotlib)
try:
    tf.keras.utils.plot_decision_boundary(model, x_data, y_data)
    show_or_save("classification_20_points_regions")
    tf.keras.utils.plot_model(model, to_file=os.path.join(output_dir(), "points_model.png"),
                              show_shapes=True)
except ImportError:
    pass


predicted = np.round(model.predict(x_data))
if scaler is not None:
    print(scaler.inverse_transform(predicted).ravel())
    print(scaler.inverse_transform(y_data).ravel())
else:
    print((predicted * 2 - 1).ravel())
print("all 20 points separated:", bool(np.all(predicted == y_data)))
