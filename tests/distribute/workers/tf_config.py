"""Run under `mpiexec`: report what MultiWorkerMirroredStrategy read from TF_CONFIG."""

import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
sys.path.insert(0, ROOT)

import featherflow as tf  # noqa: E402

strategy = tf.distribute.MultiWorkerMirroredStrategy(
    communication_options=tf.distribute.experimental.CommunicationOptions(
        implementation=tf.distribute.experimental.CommunicationImplementation.RING))
resolver = strategy.cluster_resolver
rank = strategy._collective.rank
with open(os.path.join(sys.argv[1], f"rank{rank}.json"), "w") as f:
    json.dump({"task_type": resolver.task_type, "task_id": resolver.task_id,
               "chief": strategy.extended.should_checkpoint,
               "jobs": sorted(resolver.cluster_spec().jobs),
               "replicas": strategy.num_replicas_in_sync}, f)
