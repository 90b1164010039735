"""Keras 3's epoch rule for batch sources that are not arrays (tf.data, PyDataset).

Without ``steps``, every epoch is one fresh pass. With ``steps``, one iterator is kept across
epochs and read ``steps`` batches at a time; when it runs out the epoch ends early with
Keras's warning and the next epoch starts a fresh pass (training goes on, as in Keras 3).
A source of unknown size learns its length from the first pass. The counting follows
``keras/src/trainers/epoch_iterator.py``: a step is counted before its batch is read, so a
learned length is one more than the batches seen, which only decides when the warning is
due.
"""

import warnings

RAN_OUT = (
    "Your input ran out of data; interrupting training. Make sure that your dataset or "
    "generator can generate at least `steps_per_epoch * epochs` batches. You may need to use "
    "the `.repeat()` function when building your dataset."
)


class KerasEpochs:
    """Base of the adapters that follow Keras 3's epoch rule. A subclass passes the number
    of batches (None when only a pass tells) and implements
    ``_fresh()`` (a new iterator of raw batches) and ``_convert(raw)`` (a step's batch)."""

    #: the trainer's own "ran out, stop training" rule does not apply: this adapter warns
    #: itself and lets training go on, as Keras 3 does
    keras3_epochs = True
    exhausted = False

    def __init__(self, steps=None, known_batches=None):
        self.steps = int(steps) if steps else None
        self._known_batches = known_batches
        self._num_batches = known_batches
        self._iterator = None
        self._seen = 0

    def num_steps(self):
        """Steps in an epoch: ``steps``, else the length known or learned (None before)."""
        return self.steps or self._num_batches

    def reset(self):
        """Forget the kept iterator and what was learned (evaluate does this every call)."""
        self._close_iterator()
        self._num_batches = self._known_batches
        self._seen = 0

    def on_epoch_begin(self):
        """Called before an epoch's first batch is read (PyDataset's hook)."""

    def on_epoch_end(self):
        """Called when an epoch's batches are done (PyDataset's hook)."""

    def epoch(self, rng=None):
        self.on_epoch_begin()
        try:
            steps = self.steps or self._num_batches
            if steps:
                yield from self._counted(steps)
            else:
                yield from self._whole_pass()
        finally:
            self.on_epoch_end()

    def _counted(self, steps):
        if self._iterator is None or self.steps is None:
            self._close_iterator()
            self._iterator = self._fresh()
            self._seen = 0
        for _ in range(steps):
            if self._num_batches and self._seen >= self._num_batches:
                if self.steps:
                    warnings.warn(RAN_OUT, stacklevel=4)
                break
            self._seen += 1
            try:
                raw = next(self._iterator)
            except StopIteration:
                self._ran_out()
                return
            yield self._convert(raw)
        if self._num_batches and self._seen >= self._num_batches:
            self._close_iterator()
            self._seen = 0

    def _whole_pass(self):
        self._close_iterator()
        self._iterator = self._fresh()
        self._seen = 0
        for raw in self._iterator:
            self._seen += 1
            yield self._convert(raw)
        self._seen += 1
        self._ran_out()

    def _ran_out(self):
        if self._num_batches is None:
            self._num_batches = self._seen
        # Keras 3.15 also warned at the end of a pass of unknown length without
        # steps_per_epoch, where nothing is interrupted; Keras 3.16 warns only with steps
        if self.steps:
            warnings.warn(RAN_OUT, stacklevel=5)
        self._close_iterator()

    def _close_iterator(self):
        it, self._iterator = self._iterator, None
        if it is not None:
            getattr(it, "close", lambda: None)()

    def close(self):
        """Release the kept iterator (a prefetch thread, open files) at the end of fit."""
        self._close_iterator()
