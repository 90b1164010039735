"""Sequence / PyDataset: an indexable source of batches for fit, as in Keras."""


class Sequence:
    """Base class for batch sources: write ``__len__`` (batches per epoch) and ``__getitem__``.

    Example::

        class Batches(tf.keras.utils.Sequence):
            def __init__(self, x, y, batch_size):
                super().__init__()
                self.x, self.y, self.bs = x, y, batch_size

            def __len__(self):
                return -(-len(self.x) // self.bs)

            def __getitem__(self, i):
                s = slice(i * self.bs, (i + 1) * self.bs)
                return self.x[s], self.y[s]
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self.workers = workers
        self.use_multiprocessing = use_multiprocessing
        self.max_queue_size = max_queue_size

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def on_epoch_end(self):
        pass

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]


PyDataset = Sequence
