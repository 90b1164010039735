"""``tf.train.ClusterSpec``: a cluster's jobs and their tasks' network addresses, as
TensorFlow 2.21 describes one (the dict form of TF_CONFIG's ``cluster``, and the ClusterDef
protocol buffer).

Example::

    >>> spec = tf.train.ClusterSpec({"worker": ["w0:2222", "w1:2222"], "ps": {3: "ps3:2222"}})
    >>> spec.num_tasks("worker"), spec.task_address("ps", 3)
    (2, 'ps3:2222')
    >>> spec.as_cluster_def().SerializeToString()   # TensorFlow's bytes (needs protobuf)

The ClusterDef is built on first ``as_cluster_def()`` (protobuf is an optional extra), but the
names and addresses are checked when the spec is made, where TensorFlow checks them.
"""

from featherflow.io import server_proto


def _as_text(value):
    """``value`` as TensorFlow's ``compat.as_bytes`` accepts it (bytes or str), else None."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        return value
    return None


def _is_cluster_def(value):
    descriptor = getattr(value, "DESCRIPTOR", None)
    return getattr(descriptor, "full_name", None) == "tensorflow.ClusterDef"


def _jobs_of(cluster_def):
    return {job.name: dict(job.tasks.items()) for job in cluster_def.job}


class ClusterSpec:
    """A cluster as a set of jobs, each a set of tasks (``tf.train.ClusterSpec``).

    ``cluster`` is a dict of job name -> list of addresses (task ``i`` at position ``i``) or
    dict of task index -> address, a ``tf.train.ClusterDef``, or another ClusterSpec.
    """

    def __init__(self, cluster):
        self._cluster_def = None
        if isinstance(cluster, dict):
            jobs = {}
            for job_name, tasks in cluster.items():
                if isinstance(tasks, (list, tuple)):
                    jobs[job_name] = dict(enumerate(tasks))
                elif isinstance(tasks, dict):
                    jobs[job_name] = {int(i): task for i, task in tasks.items()}
                else:
                    raise TypeError(
                        f"The tasks for job {job_name!r} must be a list or a dictionary from "
                        f"integers to strings.")
            for job_name, tasks in sorted(jobs.items()):
                if _as_text(job_name) is None:
                    raise TypeError(f"Job name {job_name!r} must be bytes or unicode")
                for _, address in sorted(tasks.items()):
                    if _as_text(address) is None:
                        raise TypeError(f"Task address {address!r} must be bytes or unicode")
            self._cluster_spec = jobs
        elif _is_cluster_def(cluster):
            own = server_proto.message_class("ClusterDef")
            if not isinstance(cluster, own):  # TensorFlow's own class: same bytes
                cluster = own.FromString(cluster.SerializeToString())
            self._cluster_def = cluster
            self._cluster_spec = _jobs_of(cluster)
        elif isinstance(cluster, ClusterSpec):
            self._cluster_def = server_proto.message_class("ClusterDef")()
            self._cluster_def.MergeFrom(cluster.as_cluster_def())
            self._cluster_spec = _jobs_of(self._cluster_def)
        else:
            raise TypeError("`cluster` must be a dictionary mapping one or more job names to "
                            "lists of network addresses, or a `ClusterDef` protocol buffer")

    def __bool__(self):
        return bool(self._cluster_spec)

    def __eq__(self, other):
        return self._cluster_spec == other

    def __ne__(self, other):
        return self._cluster_spec != other

    def __repr__(self):
        jobs = self.as_dict()
        items = ", ".join(f"{k!r}: {jobs[k]!r}" for k in sorted(jobs))
        return "ClusterSpec({" + items + "})"

    def as_dict(self):
        """``{job: [addresses]}``, or ``{job: {index: address}}`` for a job whose task
        indices have gaps."""
        out = {}
        for job in self.jobs:
            indices = self.task_indices(job)
            if not indices:
                out[job] = {}
            elif max(indices) + 1 == len(indices):
                out[job] = self.job_tasks(job)
            else:
                out[job] = {i: self.task_address(job, i) for i in indices}
        return out

    def as_cluster_def(self):
        """The ``tf.train.ClusterDef`` of this cluster (jobs and tasks sorted)."""
        if self._cluster_def is None:
            cluster_def = server_proto.message_class("ClusterDef")()
            for job_name, tasks in sorted(self._cluster_spec.items()):
                job_def = cluster_def.job.add()
                job_def.name = job_name
                for index, address in sorted(tasks.items()):
                    job_def.tasks[index] = address
            self._cluster_def = cluster_def
        return self._cluster_def

    @property
    def jobs(self):
        """The job names, in the order they were given."""
        return list(self._cluster_spec)

    def _job(self, job_name):
        try:
            return self._cluster_spec[job_name]
        except KeyError:
            raise ValueError(f"No such job in cluster: {job_name!r}") from None

    def num_tasks(self, job_name):
        """How many tasks ``job_name`` has."""
        return len(self._job(job_name))

    def task_indices(self, job_name):
        """The sorted task indices of ``job_name``."""
        return sorted(self._job(job_name))

    def task_address(self, job_name, task_index):
        """The address of task ``task_index`` of ``job_name``."""
        job = self._job(job_name)
        try:
            return job[task_index]
        except KeyError:
            raise ValueError(
                f"No task with index {task_index!r} in job {job_name!r}") from None

    def job_tasks(self, job_name):
        """The addresses of ``job_name``'s tasks by index (None where an index has none)."""
        job = self._job(job_name)
        out = [None] * (max(job) + 1)
        for index, address in job.items():
            out[index] = address
        return out
