"""The Keras fit of tests/distribute/test_fit.py, shared by featherflow (one process, the
2-rank MPI worker) and tools/distribute_fixtures.py (TensorFlow): a 5-16-3 MLP, Adam,
sparse categorical cross-entropy from logits, accuracy, global batch 8, shuffle=False."""

import numpy as np

BATCH = 8
EPOCHS = 3


def data(n):
    """``n`` training rows (32: every global batch splits evenly on 2 replicas; 35: the last
    batch of 3 rows splits 2 + 1) and 10 validation rows."""
    rng = np.random.default_rng(11)
    x = rng.normal(size=(45, 5)).astype(np.float32)
    y = (np.abs(x[:, 0] * 2 + x[:, 1]).astype(np.int64) % 3).astype(np.int32)
    return x[:n], y[:n], x[35:], y[35:]


def initial_weights():
    rng = np.random.default_rng(5)
    return [(rng.normal(size=(5, 16)) * 0.4).astype(np.float32), np.zeros(16, np.float32),
            (rng.normal(size=(16, 3)) * 0.4).astype(np.float32),
            np.full(3, 0.01, np.float32)]


def build(keras):
    return keras.Sequential([keras.Input((5,)), keras.layers.Dense(16, activation="relu"),
                             keras.layers.Dense(3)])


def compile_model(model, keras):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])


def run(model, x, y, xv, yv):
    """fit, evaluate, predict: what the tests compare."""
    history = model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False,
                        validation_data=(xv, yv), verbose=0)
    evaluation = model.evaluate(xv, yv, batch_size=BATCH, verbose=0)
    predictions = model.predict(x, batch_size=BATCH, verbose=0)
    return {"history": {k: [float(v) for v in vs] for k, vs in history.history.items()},
            "evaluate": [float(v) for v in evaluation],
            "predict": np.asarray(predictions, np.float64).tolist(),
            "weights": [np.asarray(w, np.float64).tolist() for w in model.get_weights()]}
