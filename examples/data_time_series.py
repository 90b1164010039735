"""Forecasting set-up with tf.data: the tf.data guide's window / flat_map / batch recipe and
the "Time series forecasting" tutorial's WindowGenerator, typed in as their reader would.

The tutorial reads the Jena climate CSV; here a few daily-cycle signals of the same kind
(temperature, pressure, humidity sampled hourly) are generated, so it runs without network:

    python examples/data_time_series.py

Each section returns what it printed for tests/examples/test_data_examples.py.
"""

import numpy as np

import featherflow as tf

COLUMNS = ["p (mbar)", "T (degC)", "rh (%)"]


def make_series(hours=1200, seed=0):
    """Hourly readings: a daily cycle, a slow drift and noise, standardized per column."""
    rng = np.random.default_rng(seed)
    t = np.arange(hours, dtype=np.float32)
    day = 2 * np.pi * t / 24
    temperature = 10 + 5 * np.sin(day) + 0.002 * t + rng.normal(0, 0.3, hours)
    pressure = 990 + 2 * np.cos(day / 7) + rng.normal(0, 0.2, hours)
    humidity = 70 - 10 * np.sin(day) + rng.normal(0, 1.0, hours)
    data = np.stack([pressure, temperature, humidity], axis=-1).astype(np.float32)
    n = len(data)
    train, val, test = data[:int(n * 0.7)], data[int(n * 0.7):int(n * 0.9)], data[int(n * 0.9):]
    mean, std = train.mean(axis=0), train.std(axis=0)
    return (train - mean) / std, (val - mean) / std, (test - mean) / std


def split_window(window, input_width, label_width, label_index):
    inputs = window[:, :input_width, :]
    labels = window[:, -label_width:, label_index:label_index + 1]
    return inputs, labels


def guide_windows(series, input_width=24, label_width=1, shift=1, label_index=1):
    """The guide's recipe: window, flat_map each window into one batch, split, batch."""
    total = input_width + shift
    ds = tf.data.Dataset.from_tensor_slices(series)
    ds = ds.window(total, shift=1, drop_remainder=True)
    ds = ds.flat_map(lambda window: window.batch(total))
    ds = ds.batch(32).map(lambda w: split_window(w, input_width, label_width, label_index))
    return ds


def window_pipeline():
    train, val, test = make_series()
    train_ds = guide_windows(train)
    print(train_ds.element_spec)
    inputs, labels = next(iter(train_ds))
    print(f"Inputs shape (batch, time, features): {inputs.shape}")
    print(f"Labels shape (batch, time, features): {labels.shape}")
    windows = sum(int(x.shape[0]) for x, _ in train_ds)
    print("windows:", windows, "of", len(train) - 25 + 1)
    return {"spec": train_ds.element_spec, "inputs": tuple(inputs.shape),
            "labels": tuple(labels.shape), "windows": windows,
            "first_label": float(labels.numpy()[0, 0, 0]), "expected_label": float(train[24, 1])}


class Baseline(tf.keras.Model):
    """The tutorial's no-change forecast: tomorrow's temperature is today's."""

    def __init__(self, label_index=None):
        super().__init__()
        self.label_index = label_index

    def call(self, inputs):
        if self.label_index is None:
            return inputs
        result = inputs[:, :, self.label_index]
        return result[:, :, tf.newaxis]


def compile_and_fit(model, train_ds, val_ds, max_epochs=4, patience=2):
    early_stopping = tf.keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience,
                                                      mode="min")
    model.compile(loss=tf.keras.losses.MeanSquaredError(), optimizer=tf.keras.optimizers.Adam(),
                  metrics=[tf.keras.metrics.MeanAbsoluteError()])
    return model.fit(train_ds, epochs=max_epochs, validation_data=val_ds,
                     callbacks=[early_stopping], verbose=0)


def single_step_models():
    train, val, test = make_series()
    # Single-step windows: one hour of input predicts the next hour's temperature.
    single_train = guide_windows(train, input_width=1)
    single_val = guide_windows(val, input_width=1)
    baseline = Baseline(label_index=1)
    baseline.compile(loss=tf.keras.losses.MeanSquaredError(),
                     metrics=[tf.keras.metrics.MeanAbsoluteError()])
    baseline_scores = baseline.evaluate(single_val, verbose=0, return_dict=True)
    print("Baseline:", baseline_scores)

    tf.keras.utils.set_random_seed(0)
    linear = tf.keras.Sequential([tf.keras.layers.Dense(units=1)])
    history = compile_and_fit(linear, single_train, single_val)
    linear_scores = linear.evaluate(single_val, verbose=0, return_dict=True)
    print("Linear:", linear_scores)

    wide_train = guide_windows(train, input_width=24, label_width=1)
    wide_val = guide_windows(val, input_width=24, label_width=1)
    lstm_model = tf.keras.models.Sequential([
        # Shape [batch, time, features] => [batch, lstm_units]
        tf.keras.layers.LSTM(16, return_sequences=False),
        # Shape => [batch, 1] => [batch, 1, 1], the labels' shape
        tf.keras.layers.Dense(units=1),
        tf.keras.layers.Reshape([1, 1]),
    ])
    lstm_history = compile_and_fit(lstm_model, wide_train.take(8), wide_val.take(3),
                                   max_epochs=2)
    lstm_scores = lstm_model.evaluate(wide_val.take(3), verbose=0, return_dict=True)
    print("LSTM:", lstm_scores)
    predictions = lstm_model.predict(wide_val.take(1), verbose=0)
    print("LSTM predictions:", predictions.shape)
    return {"baseline": baseline_scores, "linear": linear_scores,
            "linear_epochs": len(history.history["loss"]),
            "lstm_epochs": len(lstm_history.history["loss"]), "lstm": lstm_scores,
            "predictions": predictions.shape}


class WindowGenerator:
    """The tutorial's window helper, as its reader types it in."""

    def __init__(self, input_width, label_width, shift, train_df, val_df, test_df,
                 label_columns=None):
        self.train_df, self.val_df, self.test_df = train_df, val_df, test_df
        self.label_columns = label_columns
        if label_columns is not None:
            self.label_columns_indices = {name: i for i, name in enumerate(label_columns)}
        self.column_indices = {name: i for i, name in enumerate(COLUMNS)}
        self.input_width, self.label_width, self.shift = input_width, label_width, shift
        self.total_window_size = input_width + shift
        self.input_slice = slice(0, input_width)
        self.input_indices = np.arange(self.total_window_size)[self.input_slice]
        self.label_start = self.total_window_size - self.label_width
        self.labels_slice = slice(self.label_start, None)
        self.label_indices = np.arange(self.total_window_size)[self.labels_slice]

    def split_window(self, features):
        inputs = features[:, self.input_slice, :]
        labels = features[:, self.labels_slice, :]
        if self.label_columns is not None:
            labels = tf.stack([labels[:, :, self.column_indices[name]]
                               for name in self.label_columns], axis=-1)
        # Slicing doesn't preserve static shape information, so set the shapes manually.
        inputs.set_shape([None, self.input_width, None])
        labels.set_shape([None, self.label_width, None])
        return inputs, labels

    def make_dataset(self, data):
        data = np.array(data, dtype=np.float32)
        ds = tf.keras.utils.timeseries_dataset_from_array(
            data=data, targets=None, sequence_length=self.total_window_size,
            sequence_stride=1, shuffle=True, batch_size=32)
        ds = ds.map(self.split_window)
        return ds

    @property
    def train(self):
        return self.make_dataset(self.train_df)


def window_generator_split():
    train, val, test = make_series()
    w2 = WindowGenerator(input_width=6, label_width=1, shift=1, train_df=train, val_df=val,
                         test_df=test, label_columns=["T (degC)"])
    example_window = tf.stack([np.array(train[:w2.total_window_size]),
                               np.array(train[100:100 + w2.total_window_size]),
                               np.array(train[200:200 + w2.total_window_size])])
    example_inputs, example_labels = w2.split_window(example_window)
    print("All shapes are: (batch, time, features)")
    print(f"Window shape: {example_window.shape}")
    print(f"Inputs shape: {example_inputs.shape}")
    print(f"Labels shape: {example_labels.shape}")
    return {"inputs": tuple(example_inputs.shape), "labels": tuple(example_labels.shape)}


def window_generator_dataset():
    train, val, test = make_series()
    w2 = WindowGenerator(input_width=6, label_width=1, shift=1, train_df=train, val_df=val,
                         test_df=test, label_columns=["T (degC)"])
    print(w2.train.element_spec)
    for example_inputs, example_labels in w2.train.take(1):
        print(f"Inputs shape (batch, time, features): {example_inputs.shape}")
        print(f"Labels shape (batch, time, features): {example_labels.shape}")
    return {"inputs": tuple(example_inputs.shape), "labels": tuple(example_labels.shape)}


SECTIONS = ["window_pipeline", "single_step_models", "window_generator_split",
            "window_generator_dataset"]


def main():
    results = {}
    for name in SECTIONS:
        print(f"\n## {name}")
        results[name] = globals()[name]()
    return results


if __name__ == "__main__":
    main()
