"""TF_CONFIG, when set, names each MPI rank's task and the chief."""

import json

from tests.distribute.mpi import launch


def test_tf_config_names_the_chief(tmp_path):
    cluster = {"chief": ["host0:2222"], "worker": ["host1:2222"]}
    configs = [{"cluster": cluster, "task": {"type": "worker", "index": 0}},
               {"cluster": cluster, "task": {"type": "chief", "index": 0}}]
    launch("tf_config.py", [str(tmp_path)],
           app_env=[{"TF_CONFIG": json.dumps(c)} for c in configs])
    got = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in range(2)]
    assert [(g["task_type"], g["task_id"], g["chief"]) for g in got] == [
        ("worker", 0, False), ("chief", 0, True)]
    assert all(g["jobs"] == ["chief", "worker"] and g["replicas"] == 2 for g in got)
