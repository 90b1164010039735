"""``tf.distribute.InputContext`` and ``tf.distribute.InputOptions``."""


class InputContext:
    """What an input function passed to ``distribute_datasets_from_function`` is told: how
    many input pipelines there are, which one it is, and how many replicas are in sync."""

    def __init__(self, num_input_pipelines=1, input_pipeline_id=0, num_replicas_in_sync=1):
        self._num_input_pipelines = int(num_input_pipelines)
        self._input_pipeline_id = int(input_pipeline_id)
        self._num_replicas_in_sync = int(num_replicas_in_sync)

    @property
    def num_input_pipelines(self):
        return self._num_input_pipelines

    @property
    def input_pipeline_id(self):
        return self._input_pipeline_id

    @property
    def num_replicas_in_sync(self):
        return self._num_replicas_in_sync

    def get_per_replica_batch_size(self, global_batch_size):
        """``global_batch_size // num_replicas_in_sync``; it must divide evenly."""
        if global_batch_size % self._num_replicas_in_sync != 0:
            raise ValueError(
                f"The `global_batch_size` {global_batch_size!r} is not divisible by "
                f"`num_replicas_in_sync` {self._num_replicas_in_sync!r}: pick a global batch "
                f"size that is a multiple of the number of replicas.")
        return global_batch_size // self._num_replicas_in_sync

    def __str__(self):
        return (f"tf.distribute.InputContext(input pipeline id {self._input_pipeline_id}, "
                f"total: {self._num_input_pipelines})")


class InputOptions:
    """Options of ``experimental_distribute_dataset`` / ``distribute_datasets_from_function``.

    Accepted with TF's names; with one CPU replica per process there is no device placement or
    per-replica buffer to configure, so only ``experimental_fetch_to_device`` is recorded."""

    def __init__(self, experimental_fetch_to_device=None,
                 experimental_replication_mode=None,
                 experimental_place_dataset_on_device=False,
                 experimental_per_replica_buffer_size=1):
        self.experimental_fetch_to_device = experimental_fetch_to_device
        self.experimental_replication_mode = experimental_replication_mode
        self.experimental_place_dataset_on_device = bool(experimental_place_dataset_on_device)
        if int(experimental_per_replica_buffer_size) < 1:
            raise ValueError("InputOptions: experimental_per_replica_buffer_size must be >= 1; "
                             f"received {experimental_per_replica_buffer_size!r}.")
        self.experimental_per_replica_buffer_size = int(experimental_per_replica_buffer_size)
