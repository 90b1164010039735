# ruff: noqa: E501 - a table of small cases
"""tf.train's ExponentialMovingAverage, Coordinator, ClusterSpec and its protos, the checkpoint
views and tf.train.experimental, recorded from TensorFlow 2.21 running eagerly.

Variable names are compared without TensorFlow's ``:0`` suffix (featherflow's variables have
none). Shadow-variable names are uniquified for the whole process, so every scenario names its
variables differently."""


import sys
import threading
from pathlib import Path

import numpy as np

CHECKPOINTS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "tf" / "checkpoints"


def _name(name):
    return name[:-2] if name.endswith(":0") else name


def _raised(fn, text=True):
    """``[error class, message]`` of what ``fn()`` raised (``:0`` suffixes dropped); only the
    class when ``text`` is False (messages that show a tensor's repr)."""
    try:
        fn()
    except Exception as err:  # noqa: BLE001 - the class and the text are what is compared
        return [type(err).__name__, str(err).replace(":0", "")] if text else type(err).__name__
    return "no error"


# -- ExponentialMovingAverage -----------------------------------------------------------------
def _ema_basic(tf):
    w = tf.Variable([1.0, 2.0], name="ema_basic_w")
    ema = tf.train.ExponentialMovingAverage(decay=0.9)
    before = ema.average_name(w)
    first = ema.apply([w])
    shadow = ema.average(w)
    start = shadow.numpy()
    w.assign([2.0, 4.0])
    second = ema.apply([w])
    return {"returns": [first, second], "before": before, "after": ema.average_name(w),
            "name": _name(shadow.name), "trainable": shadow.trainable,
            "dtype": shadow.dtype.name, "start": start, "value": shadow.numpy(),
            "ema_name": ema.name, "shape": list(shadow.shape)}


def _ema_num_updates_variable(tf):
    step = tf.Variable(0, dtype=tf.int64, name="ema_steps_step")
    a = tf.Variable([0.0, 10.0], name="ema_steps_a")
    ema = tf.train.ExponentialMovingAverage(0.99, num_updates=step)
    out = []
    for _ in range(6):
        step.assign_add(1)
        a.assign_add([1.0, 1.0])
        ema.apply([a])
        out.append(ema.average(a).numpy())
    return out


def _ema_num_updates_primed(tf):
    step = tf.Variable(0, dtype=tf.int64, name="ema_primed_step")
    a = tf.Variable([0.0, 10.0], name="ema_primed_a")
    ema = tf.train.ExponentialMovingAverage(0.99, num_updates=step)
    ema.apply([a])
    out = []
    for _ in range(4):
        step.assign_add(1)
        a.assign_add([1.0, 1.0])
        ema.apply([a])
        out.append(ema.average(a).numpy())
    return out


def _ema_num_updates_number(tf):
    a = tf.Variable([[1.0, -2.0], [0.5, 3.0]], name="ema_number_a")
    ema = tf.train.ExponentialMovingAverage(0.5, num_updates=3)
    out = []
    for k in range(3):
        ema.apply([a])
        a.assign(a * 2.0 + k)
        out.append(ema.average(a).numpy())
    big = tf.train.ExponentialMovingAverage(0.9, num_updates=1000)
    big.apply([a])
    a.assign_add(tf.ones_like(a))
    big.apply([a])
    return out + [big.average(a).numpy()]


def _ema_decay_variable(tf):
    decay = tf.Variable(0.5, name="ema_decay_d")
    v = tf.Variable(0.0, name="ema_decay_v")
    ema = tf.train.ExponentialMovingAverage(decay)
    ema.apply([v])
    out = []
    for d in (0.5, 0.25, 0.999):
        decay.assign(d)
        v.assign_add(1.0)
        ema.apply([v])
        out.append(ema.average(v).numpy())
    tensor_decay = tf.train.ExponentialMovingAverage(tf.constant(0.75))
    tensor_decay.apply([v])
    v.assign(0.0)
    tensor_decay.apply([v])
    return out + [tensor_decay.average(v).numpy()]


def _ema_many(tf):
    a = tf.Variable([1.0, 2.0, 3.0], name="ema_many_a")
    b = tf.Variable(5.0, name="ema_many_b")
    c = tf.Variable(np.arange(6.0).reshape(2, 3).astype(np.float32), name="ema_many_c")
    ema = tf.train.ExponentialMovingAverage(0.8, name="Averager")
    ema.apply([a, b])
    a.assign([0.0, 0.0, 0.0])
    b.assign(-5.0)
    ema.apply([a, b, c])
    c.assign(c * 3.0)
    ema.apply([c])
    ema.apply([])
    return {"a": ema.average(a).numpy(), "b": ema.average(b).numpy(), "c": ema.average(c).numpy(),
            "names": [_name(ema.average(v).name) for v in (a, b, c)],
            "missing": ema.average(tf.Variable(1.0, name="ema_many_missing")),
            "none": ema.apply(None)}


def _ema_names(tf):
    w = tf.Variable([1.0], name="ema_names_w")
    first = tf.train.ExponentialMovingAverage(0.9)
    second = tf.train.ExponentialMovingAverage(0.5)
    out = [first.average_name(w), second.average_name(w)]
    first.apply([w])
    out += [first.average_name(w), second.average_name(w)]
    second.apply([w])
    out += [_name(second.average(w).name), second.average_name(w)]
    w2 = tf.Variable(3.0, name="ema_names_w")
    out.append(second.average_name(w2))
    second.apply([w2])
    out.append(_name(second.average(w2).name))
    other = tf.train.ExponentialMovingAverage(0.5, name="Other")
    other.apply([w])
    out.append(_name(other.average(w).name))
    suffixed = tf.Variable(1.0, name="ema_names_w_1")
    first.apply([suffixed])
    out.append(_name(first.average(suffixed).name))
    colon = tf.Variable(1.0, name="ema_names/a:b")
    out.append(other.average_name(colon))
    other.apply([colon])
    out += [_name(other.average(colon).name), other.average_name(colon)]
    return out


def _ema_restore_map(tf):
    p = tf.Variable(1.0, name="ema_restore_p")
    q = tf.Variable(2.0, name="ema_restore_q")
    r = tf.Variable(3.0, name="ema_restore_r")
    ema = tf.train.ExponentialMovingAverage(0.9, name="Restorer")
    ema.apply([p, q])
    mapping = ema.variables_to_restore([p, q, r])
    return {k: _name(v.name) for k, v in mapping.items()}


def _ema_dtypes(tf):
    out = {}
    for dtype in ("float16", "float64"):
        v = tf.Variable([1.0, 2.0], dtype=dtype, name=f"ema_dtypes_{dtype}")
        ema = tf.train.ExponentialMovingAverage(0.9)
        ema.apply([v])
        v.assign([3.0, 3.0])
        ema.apply([v])
        v.assign([-1.0, 7.0])
        ema.apply([v])
        out[dtype] = ema.average(v).numpy()
    return out


def _ema_bfloat16(tf):
    v = tf.Variable([1.0, 2.0], dtype=tf.dtypes.bfloat16, name="ema_bf16_v")
    ema = tf.train.ExponentialMovingAverage(0.9)
    ema.apply([v])
    v.assign(tf.constant([3.0, 3.0], dtype=tf.dtypes.bfloat16))
    ema.apply([v])
    return {"dtype": ema.average(v).dtype.name,
            "value": tf.cast(ema.average(v), tf.float32).numpy()}


def _ema_errors(tf):
    ema = tf.train.ExponentialMovingAverage(0.9)
    ok = tf.Variable(1.0, name="ema_errors_ok")
    return {"tensor": _raised(lambda: ema.apply([tf.constant(1.0)])),
            "int": _raised(lambda: ema.apply([tf.Variable(1, name="ema_errors_int")])),
            "mixed": _raised(lambda: ema.apply([ok, tf.Variable(True, name="ema_errors_bool")])),
            "decay64": _raised(lambda: tf.train.ExponentialMovingAverage(
                tf.constant(0.5, tf.float64)).apply([ok]), text=False)}


def _ema_mirrored(tf):
    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    with strategy.scope():
        v = tf.Variable([2.0, 4.0], name="ema_mirrored_v")
        ema = tf.train.ExponentialMovingAverage(0.5)
        ema.apply([v])
    v.assign([4.0, 0.0])
    strategy.run(lambda: ema.apply([v]))
    return ema.average(v).numpy()


def _ema_default_replica(tf):
    v = tf.Variable([2.0, 4.0], name="ema_replica_v")
    ema = tf.train.ExponentialMovingAverage(0.5)
    strategy = tf.distribute.get_strategy()
    strategy.run(lambda: ema.apply([v]))
    v.assign([4.0, 0.0])
    strategy.run(lambda: ema.apply([v]))
    return ema.average(v).numpy()


# -- Coordinator --------------------------------------------------------------------------------
def _coord_flags(tf):
    coord = tf.train.Coordinator()
    out = [coord.should_stop(), coord.wait_for_stop(0.01), coord.joined]
    coord.request_stop()
    out += [coord.should_stop(), coord.wait_for_stop(0.01), coord.wait_for_stop()]
    coord.join([])
    out.append(coord.joined)
    coord.clear_stop()
    out += [coord.should_stop(), coord.joined, coord.raise_requested_exception()]
    return out


def _run_threads(coord, *bodies):
    threads = []
    for i, body in enumerate(bodies):
        def target(body=body):
            with coord.stop_on_exception():
                body()
        threads.append(threading.Thread(target=target, name=f"worker-{i}"))
    for t in threads:
        t.start()
    return threads


def _coord_exceptions(tf):
    out = {}

    def failing():
        raise ValueError("boom")

    def end():
        raise tf.errors.OutOfRangeError(None, None, "end of input")

    coord = tf.train.Coordinator()
    threads = _run_threads(coord, end)
    out["clean"] = [_raised(lambda: coord.join(threads)), coord.joined, coord.should_stop()]
    coord = tf.train.Coordinator()
    threads = _run_threads(coord, failing)
    for t in threads:
        t.join()
    out["reported"] = [coord.should_stop(), _raised(coord.raise_requested_exception),
                       _raised(lambda: coord.join(threads)), coord.joined]
    coord = tf.train.Coordinator(clean_stop_exception_types=(KeyError,))
    threads = _run_threads(coord, lambda: {}["k"])
    out["custom_clean"] = _raised(lambda: coord.join(threads))
    coord = tf.train.Coordinator(clean_stop_exception_types=(KeyError,))
    threads = _run_threads(coord, end)
    out["custom_not_clean"] = _raised(lambda: coord.join(threads))
    return out


def _coord_request_forms(tf):
    out = {}
    coord = tf.train.Coordinator()
    # TensorFlow fails formatting its own ValueError here: only the class is compared
    out["instance_outside"] = _raised(
        lambda: coord.request_stop(ValueError("outside an except block")), text=False)
    coord = tf.train.Coordinator()
    try:
        raise KeyError("inside")
    except KeyError as err:
        coord.request_stop(err)
    out["instance_inside"] = _raised(coord.join)
    coord = tf.train.Coordinator()
    try:
        raise TypeError("first")
    except TypeError:
        coord.request_stop(sys.exc_info())
    try:
        raise IndexError("second")
    except IndexError:
        coord.request_stop(sys.exc_info())
    out["first_kept"] = _raised(coord.raise_requested_exception)
    out["join"] = _raised(coord.join)
    try:
        raise RuntimeError("late")
    except RuntimeError:
        out["after_join"] = _raised(lambda: coord.request_stop(sys.exc_info()))
    out["after_join_none"] = _raised(coord.request_stop)
    out["after_join_clean"] = _raised(lambda: coord.request_stop(
        tf.errors.OutOfRangeError(None, None, "x")))
    coord.clear_stop()
    out["cleared"] = [coord.should_stop(), coord.joined, _raised(coord.join)]
    return out


def _coord_stragglers(tf):
    out = {}
    release = threading.Event()
    coord = tf.train.Coordinator()
    stuck = threading.Thread(target=release.wait, name="stuck-thread")
    stuck.start()
    coord.register_thread(stuck)
    coord.request_stop()
    out["raised"] = _raised(lambda: coord.join(stop_grace_period_secs=0.01))
    out["joined"] = coord.joined
    coord.clear_stop()
    coord.request_stop()
    out["ignored"] = _raised(lambda: coord.join([stuck], stop_grace_period_secs=0.01,
                                                ignore_live_threads=True))
    coord.clear_stop()
    coord.register_thread(stuck)
    release.set()
    out["finished"] = _raised(lambda: coord.join(stop_grace_period_secs=1))
    stuck.join()
    return out


# -- ClusterSpec and its protos ---------------------------------------------------------------
def _spec_summary(spec):
    out = {"jobs": spec.jobs, "dict": {k: v for k, v in spec.as_dict().items()},
           "repr": repr(spec), "str": str(spec), "bool": bool(spec),
           "bytes": spec.as_cluster_def().SerializeToString()}
    for job in spec.jobs:
        out[f"job {job}"] = [spec.num_tasks(job), spec.task_indices(job),
                             _raised(lambda job=job: spec.job_tasks(job), text=False)]
    return out


def _cluster_from_dict(tf):
    spec = tf.train.ClusterSpec({"worker": ["w0:2222", "w1:2222", "w2:2222"],
                                 "ps": {1: "ps1:2222", 3: "ps3:2222"}, "chief": ("c:1",),
                                 "evaluator": {"0": "e:5"}})
    out = _spec_summary(spec)
    out["job_tasks_ps"] = spec.job_tasks("ps")
    out["task_address"] = [spec.task_address("ps", 3), spec.task_address("worker", 0)]
    return out


def _cluster_from_def(tf):
    cluster_def = tf.train.ClusterDef()
    job = cluster_def.job.add(name="zeta")
    job.tasks[2] = "z2:1"
    job.tasks[0] = "z0:1"
    cluster_def.job.add(name="alpha").tasks[0] = "a:1"
    cluster_def.job.add(name="empty")
    spec = tf.train.ClusterSpec(cluster_def)
    copy = tf.train.ClusterSpec(spec)
    return {"spec": _spec_summary(spec), "same_def": spec.as_cluster_def() is cluster_def,
            "copy": _spec_summary(copy), "copy_def_is_new": copy.as_cluster_def() is not cluster_def,
            "equal": [spec == copy, spec != copy, copy == spec.as_dict()]}


def _cluster_equality(tf):
    a = tf.train.ClusterSpec({"w": ["x:1", "y:1"]})
    b = tf.train.ClusterSpec({"w": {0: "x:1", 1: "y:1"}})
    c = tf.train.ClusterSpec({"w": ["x:1"]})
    empty = tf.train.ClusterSpec({})
    return [a == b, a != b, a == c, a != c, a == {"w": {0: "x:1", 1: "y:1"}},
            a == {"w": ["x:1", "y:1"]}, bool(empty), repr(empty), empty.jobs, empty.as_dict(),
            empty.as_cluster_def().SerializeToString(),
            _raised(lambda: hash(a), text=False)]


def _cluster_errors(tf):
    spec = tf.train.ClusterSpec({"w": ["x:1"]})
    return {"not_a_cluster": _raised(lambda: tf.train.ClusterSpec([("w", "x:1")])),
            "tasks_kind": _raised(lambda: tf.train.ClusterSpec({"w": "x:1"})),
            "address_kind": _raised(lambda: tf.train.ClusterSpec({"w": [1234]})),
            "job_name_kind": _raised(lambda: tf.train.ClusterSpec({7: ["x:1"]})),
            "index_kind": _raised(lambda: tf.train.ClusterSpec({"w": {"one": "x:1"}}), text=False),
            "no_job": [_raised(lambda: spec.num_tasks("ps")), _raised(lambda: spec.task_indices("ps")),
                       _raised(lambda: spec.job_tasks("ps")), _raised(lambda: spec.task_address("ps", 0))],
            "no_task": _raised(lambda: spec.task_address("w", 3)),
            "bytes_names": _spec_summary(tf.train.ClusterSpec({b"w": [b"x:1"]}))["bytes"]}


def _cluster_protos(tf):
    server = tf.train.ServerDef(job_name="worker", task_index=1, replica=2, protocol="grpc",
                                port=2222)
    server.cluster.job.add(name="worker").tasks[1] = "w1:2222"
    server.cluster_device_filters.jobs.add(name="worker").tasks[1].device_filters.extend(
        ["/job:ps", "/job:worker/task:1"])
    job = tf.train.JobDef(name="ps", tasks={0: "p:1", 4: "p:5"})
    data = server.SerializeToString()
    back = tf.train.ServerDef.FromString(data)
    return {"server": data, "job": job.SerializeToString(),
            "back": [back.job_name, back.task_index, back.replica, back.port, back.protocol,
                     dict(back.cluster.job[0].tasks),
                     list(back.cluster_device_filters.jobs[0].tasks[1].device_filters)],
            "spec": _spec_summary(tf.train.ClusterSpec(back.cluster)),
            "text": str(job), "fields": [f.name for f in tf.train.ServerDef.DESCRIPTOR.fields
                                         if f.name != "default_session_config"]}


# -- CheckpointView and TrackableView ---------------------------------------------------------
def _describe(tf, obj):
    """A library-neutral description of a live object of a view."""
    if isinstance(obj, tf.Variable) or (hasattr(obj, "assign") and hasattr(obj, "numpy")):
        return ["variable", np.asarray(obj.numpy())]  # Keras 3 variables are no tf.Variable
    if isinstance(obj, dict):
        return ["dict", sorted(str(k) for k in obj)]
    if isinstance(obj, list):
        return ["list", len(obj)]
    if isinstance(obj, tf.train.Checkpoint):
        return "checkpoint"
    if isinstance(obj, tf.Module) and not hasattr(obj, "get_config"):
        return "module"
    return "object"


def _saved_graph(view):
    return {str(node): view.children(node) for node in view.descendants()}


def _view_tf_files(tf):
    out = {}
    for name in ("variable/ckpt", "nested/ckpt-1", "sequential_adam/ckpt-1", "tf_keras/ckpt",
                 "zoo/ckpt"):
        view = tf.train.CheckpointView(str(CHECKPOINTS / name))
        out[name] = {"descendants": view.descendants(), "graph": _saved_graph(view)}
    return out


def _nested(tf):
    module = tf.Module()
    module.w = tf.Variable(np.arange(6, dtype="float64").reshape(2, 3) / 7)
    module.items = [tf.Variable(np.int32(-3)), tf.Variable([True, False, True])]
    module.table = {"a": tf.Variable(np.int64(2 ** 40)), "b": tf.Variable(0.5)}
    module.inner = tf.Module()
    module.inner.v = tf.Variable([1.0, 2.0])
    module.alias = module.w
    return module


def _view_own_written(tf):
    step = tf.Variable(3, dtype=tf.int64)
    ckpt = tf.train.Checkpoint(step=step, module=_nested(tf), extra=[tf.Variable(9.0)])
    path = ckpt.write("own_written")
    view = tf.train.CheckpointView(path)
    return {"descendants": view.descendants(), "graph": _saved_graph(view)}


def _view_match(tf):
    ckpt = tf.train.Checkpoint(step=tf.Variable(3, dtype=tf.int64), module=_nested(tf))
    path = ckpt.write("match_source")
    view = tf.train.CheckpointView(path)
    partial = tf.Module()
    partial.w = tf.Variable(np.zeros((2, 3)))
    partial.items = [tf.Variable(np.int32(1))]
    partial.other = tf.Variable(7.0)
    live = tf.train.Checkpoint(module=partial, fresh=tf.Variable(1.0))
    matched, only_saved, only_live = view.diff(live)
    same = view.match(ckpt)
    return {"matched": {k: _describe(tf, v) for k, v in matched.items()},
            "only_saved": only_saved,
            "only_live": [_describe(tf, v) for v in only_live],
            "same": {k: _describe(tf, v) for k, v in same.items()},
            "same_root": same[0] is ckpt,
            "same_step": same[view.children(0)["step"]] is ckpt.step}


def _view_errors(tf):
    name_based = tf.train.Checkpoint(v=tf.Variable(1.0)).write("name_based_source")
    reader = tf.train.load_checkpoint(name_based)
    view = tf.train.CheckpointView(name_based)
    return {"missing": _raised(lambda: tf.train.CheckpointView("no_such_checkpoint"), text=False),
            "not_trackable": _raised(lambda: view.match(3), text=False),
            "node_range": _raised(lambda: view.children(99), text=False),
            "keys": sorted(k for k in reader.get_variable_to_shape_map())}


def _trackable_view(tf):
    module = _nested(tf)
    view = tf.train.TrackableView(module)
    ckpt = tf.train.Checkpoint(model=module, step=tf.Variable(1))
    ckpt_view = tf.train.TrackableView(ckpt)
    return {"root": view.root is module,
            "children": {k: _describe(tf, v) for k, v in view.children(module).items()},
            "class_children": list(tf.train.TrackableView.children(module.inner)),
            "descendants": [_describe(tf, v) for v in view.descendants()],
            "list_children": {k: _describe(tf, v) for k, v in view.children(module.items).items()},
            "ckpt_children": list(ckpt_view.children(ckpt)),
            "ckpt_descendants": [_describe(tf, v) for v in ckpt_view.descendants()],
            "variable_children": view.children(module.w)}


def _trackable_view_keras(tf):
    # a layer's graph only: a Keras 3 model on TensorFlow adds empty bookkeeping nodes
    # (_tracked, _inbound_nodes, ...) featherflow's checkpoints leave out (docs/saving.md)
    keras = tf.keras
    dense = keras.layers.Dense(3, kernel_initializer="ones")
    dense.build((None, 2))
    path = tf.train.Checkpoint(layer=dense).write("keras_view")
    view = tf.train.CheckpointView(path)
    fresh = keras.layers.Dense(3)
    fresh.build((None, 2))
    return {"dense_children": {k: _describe(tf, v) for k, v in
                               tf.train.TrackableView.children(dense).items()},
            "saved": _saved_graph(view),
            "matched": {k: _describe(tf, v) for k, v in
                        view.match(tf.train.Checkpoint(layer=dense)).items()},
            "diff_unbuilt": [len(part) for part in view.diff(
                tf.train.Checkpoint(layer=keras.layers.Dense(3)))],
            "descendants": len(tf.train.TrackableView(fresh).descendants())}


# -- tf.train.experimental.PythonState -----------------------------------------------------------
def _counter_class(tf):
    class Counter(tf.train.experimental.PythonState):
        def __init__(self, count=0):
            self.count = count
            self.received = []

        def serialize(self):
            return str(self.count)

        def deserialize(self, string_value):
            self.received.append(string_value)
            self.count = int(string_value)

    return Counter


def _python_state(tf):
    counter_class = _counter_class(tf)
    module = tf.Module()
    module.counter = counter_class(7)
    module.v = tf.Variable(1.5)
    path = tf.train.Checkpoint(state=module.counter, module=module).write("python_state")
    reader = tf.train.load_checkpoint(path)
    fresh = counter_class()
    status = tf.train.Checkpoint(state=fresh).read(path)
    view = tf.train.CheckpointView(path)
    whole = tf.Module()
    again = counter_class()
    whole.counter = again
    whole.v = tf.Variable(0.0)
    tf.train.Checkpoint(state=again, module=whole).read(path).assert_consumed()
    other = tf.Module()
    other.counter = counter_class()
    other.v = tf.Variable(0.0)
    mismatch = tf.train.Checkpoint(state=counter_class(), module=other).read(path)
    return {"keys": sorted(reader.get_variable_to_shape_map()),
            "value": reader.get_tensor("state/.ATTRIBUTES/py_state"),
            "dtype": reader.get_variable_to_dtype_map()["state/.ATTRIBUTES/py_state"].name,
            "restored": [fresh.count, fresh.received],
            "partial": _raised(status.assert_consumed, text=False),
            "graph": _saved_graph(view), "whole": [again.count, again.received, whole.v.numpy()],
            "mismatch": [_raised(mismatch.assert_consumed, text=False), other.counter.count],
            "children": tf.train.TrackableView.children(fresh),
            "abstract": _raised(tf.train.experimental.PythonState, text=False)}


def _python_state_bytes(tf):
    class Raw(tf.train.experimental.PythonState):
        def __init__(self, data=b""):
            self.data = data

        def serialize(self):
            return self.data

        def deserialize(self, string_value):
            self.data = string_value

    path = tf.train.Checkpoint(raw=Raw(b"\xff\x00bytes")).write("python_state_bytes")
    back = Raw()
    tf.train.Checkpoint(raw=back).read(path).assert_consumed()
    text = tf.train.Checkpoint(raw=Raw("caf\u00e9")).write("python_state_text")
    back_text = Raw()
    tf.train.Checkpoint(raw=back_text).read(text)
    return [back.data, back_text.data]


# -- checkpoint sharding callbacks ---------------------------------------------------------------
def _sharding_classes(tf):
    class ByKey(tf.train.experimental.ShardingCallback):
        """Variables whose key starts with a-m in one shard, the rest in another."""

        def __init__(self):
            self.seen = []

        @property
        def description(self):
            return "split by key"

        def __call__(self, shardable_tensors):
            first, second = {}, {}
            for t in shardable_tensors:
                self.seen.append([t.checkpoint_key, t.name, t.dtype.name, list(t.shape),
                                  t.slice_spec, t.trackable is None])
                shard = first if t.checkpoint_key[0] <= "m" else second
                shard.setdefault(t.checkpoint_key, {})[t.slice_spec] = t.tensor
            return [first, second]

    class Single(tf.train.experimental.ShardingCallback):
        description = "one tensor per shard"

        def __call__(self, shardable_tensors):
            return [{t.checkpoint_key: {t.slice_spec: t.tensor}} for t in shardable_tensors]

    return ByKey, Single


def _files(folder):
    import os

    return sorted(os.listdir(folder))


def _sharding_write(tf):
    by_key, single = _sharding_classes(tf)
    ckpt = tf.train.Checkpoint(alpha=tf.Variable([1.0, 2.0]), beta=tf.Variable(3),
                               zeta=tf.Variable([[4.5]], dtype=tf.float64))
    callback = by_key()
    path = ckpt.write("sharded/ckpt",
                      options=tf.train.CheckpointOptions(experimental_sharding_callback=callback))
    reader = tf.train.load_checkpoint(path)
    values = {k: reader.get_tensor(k) for k in reader.get_variable_to_shape_map()
              if k != "_CHECKPOINTABLE_OBJECT_GRAPH"}
    one = ckpt.write("single/ckpt", options=tf.train.CheckpointOptions(
        experimental_sharding_callback=single()))
    by_task = ckpt.write("by_task/ckpt", options=tf.train.CheckpointOptions(
        experimental_sharding_callback=tf.train.experimental.ShardByTaskPolicy()))
    fresh = tf.train.Checkpoint(alpha=tf.Variable([0.0, 0.0]), beta=tf.Variable(0),
                                zeta=tf.Variable([[0.0]], dtype=tf.float64))
    fresh.read(one).assert_consumed()
    return {"files": _files("sharded"), "values": values, "seen": callback.seen,
            "single_files": _files("single"), "by_task_files": _files("by_task"),
            "by_task_beta": tf.train.load_checkpoint(by_task).get_tensor("beta/.ATTRIBUTES/VARIABLE_VALUE"),
            "restored": [fresh.alpha.numpy(), fresh.beta.numpy(), fresh.zeta.numpy()],
            "description": tf.train.experimental.ShardByTaskPolicy().description,
            "view": tf.train.CheckpointView(one).children(0)}


def _sharding_errors(tf):
    def bad_option():
        tf.train.CheckpointOptions(experimental_sharding_callback=lambda tensors: tensors)

    class Empty(tf.train.experimental.ShardingCallback):
        description = "an empty shard"

        def __call__(self, shardable_tensors):
            return [{}]

    ckpt = tf.train.Checkpoint(v=tf.Variable(1.0))
    return {"not_a_callback": _raised(bad_option, text=False),
            "abstract": _raised(tf.train.experimental.ShardingCallback, text=False),
            "empty_shard": _raised(lambda: ckpt.write("empty/ckpt", options=tf.train.CheckpointOptions(
                experimental_sharding_callback=Empty())), text=False)}


SCENARIOS = {
    "ema_basic": _ema_basic,
    "ema_num_updates_variable": _ema_num_updates_variable,
    "ema_num_updates_primed": _ema_num_updates_primed,
    "ema_num_updates_number": _ema_num_updates_number,
    "ema_decay_variable": _ema_decay_variable,
    "ema_many": _ema_many,
    "ema_names": _ema_names,
    "ema_restore_map": _ema_restore_map,
    "ema_dtypes": _ema_dtypes,
    "ema_bfloat16": _ema_bfloat16,
    "ema_errors": _ema_errors,
    "ema_mirrored": _ema_mirrored,
    "ema_default_replica": _ema_default_replica,
    "coord_flags": _coord_flags,
    "coord_exceptions": _coord_exceptions,
    "coord_request_forms": _coord_request_forms,
    "coord_stragglers": _coord_stragglers,
    "cluster_from_dict": _cluster_from_dict,
    "cluster_from_def": _cluster_from_def,
    "cluster_equality": _cluster_equality,
    "cluster_errors": _cluster_errors,
    "cluster_protos": _cluster_protos,
    "view_tf_files": _view_tf_files,
    "view_own_written": _view_own_written,
    "view_match": _view_match,
    "view_errors": _view_errors,
    "trackable_view": _trackable_view,
    "trackable_view_keras": _trackable_view_keras,
    "python_state": _python_state,
    "python_state_bytes": _python_state_bytes,
    "sharding_write": _sharding_write,
    "sharding_errors": _sharding_errors,
}
