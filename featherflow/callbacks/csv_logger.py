"""CSVLogger: one CSV row per epoch with the epoch's logs."""

import csv
import os

import numpy as np

from featherflow.callbacks.callback import Callback


class CSVLogger(Callback):
    """Write ``epoch`` and every log value of each epoch as a row of a CSV file.

    The columns are the sorted log names of the first epoch; when those hold no ``val_*``
    names, ``val_<name>`` columns are added anyway (filled with ``NA``), as Keras does, so runs
    with and without validation share a layout. Each row is flushed, so the file can be read
    while training runs. ``append=True`` continues an existing file (without a second header).

    Example::

        >>> logger = tf.keras.callbacks.CSVLogger("training.csv")
        >>> model.fit(x, y, epochs=10, callbacks=[logger], verbose=0)
        >>> open("training.csv").readline()
        'epoch,loss,val_loss\\r\\n'
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.sep = separator
        self.filename = os.fspath(filename)
        self.append = append
        self.writer = None
        self.keys = None
        self.append_header = True
        self.csv_file = None

    def on_train_begin(self, logs=None):
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename) as f:
                    self.append_header = not f.readline()
            mode = "a"
        else:
            mode = "w"
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        # newline="" lets the csv module choose the line ends (\r\n, as Keras's files have).
        self.csv_file = open(self.filename, mode, newline="")
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(k.startswith("val_") for k in self.keys):
                self.keys.extend(f"val_{k}" for k in list(self.keys))
        if self.writer is None:
            self.writer = csv.writer(self.csv_file, delimiter=self.sep)
            if self.append_header:
                self.writer.writerow(["epoch", *self.keys])
        row = [epoch] + [_cell(logs.get(k, "NA")) for k in self.keys]
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None


def _cell(value):
    """A CSV cell: scalars as they print, sequences as one quoted "[a, b]" cell."""
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value.item()
    if isinstance(value, (list, tuple, np.ndarray)):
        return f'"[{", ".join(map(str, value))}]"'
    return value
