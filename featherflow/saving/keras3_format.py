"""The Keras 3 formats: ``*.weights.h5`` and the ``.keras`` zip.

Weights are stored per object, at the path Keras 3 gives it when it walks the model: a
model's ``layers`` list first (``layers/dense``, ``layers/dense_1``: snake-case class names
numbered in order), then the other attributes holding layers, sorted by name with private
ones last (``layers/lstm/cell``, ``layers/bidirectional/forward_layer/cell``), then the
``optimizer``. Each object's own variables go to ``<path>/vars/0, 1, ...`` (trainable first).
A ``.keras`` file is a zip of ``metadata.json``, ``config.json`` and ``model.weights.h5``,
plus, as Keras 3 writes them, ``assets/<path>/...`` for objects with ``save_assets(dir)``
(the lookup layers' ``vocabulary.txt``). Objects with ``save_own_variables(store)`` add named
arrays beside their numbered variables (``vars/idf_weights``), read back by
``load_own_variables``.
"""

import datetime
import io
import json
import os
import posixpath
import re
import tempfile
import warnings
import zipfile

from featherflow.saving import h5_io
from featherflow.saving.atomic import atomic_path, size_of
from featherflow.saving.legacy_h5 import _require_built, _version, plan_optimizer_state
from featherflow.saving.weight_plan import WeightPlan
from featherflow.serialization import (
    compile_config,
    layer_config,
    load_limits,
    object_serialization,
)

KERAS3_VERSION = "3.0.0"
_CONFIG = "config.json"
_METADATA = "metadata.json"
_WEIGHTS = "model.weights.h5"
_ASSETS = "assets/"
# refuse zip members that would inflate far beyond what the archive stores
_ZIP_RATIO = 100
_ZIP_FLOOR = 1 << 28
# what zipfile raises on damaged archives (a flipped version field gives NotImplementedError)
_ZIP_ERRORS = (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
               RuntimeError, KeyError)

# attributes of featherflow's base classes that are bookkeeping, not child objects
_BASE_ATTRS = frozenset({
    "_layers", "_trainable_variables", "_non_trainable_variables", "_inbound_nodes",
    "_losses", "_trainable", "built", "name", "_dtype", "_build_shape", "input_spec",
    "_batch_input_shape", "_output_shape", "_seq_input_shape", "_np_dtype", "_subtree",
    "_losses_cleared_at", "_initial_weights", "_autocast",
    # models
    "_graph", "_metric_attributes",
    "_input_layer", "_plan", "_all_layers", "_nodes", "inputs", "outputs", "_input_struct",
    "_output_struct", "_input_names", "_output_names", "_single_chain", "_train_vars",
    "_compiled_loss", "_compiled_metrics", "_loss_tracker", "history", "loss",
    "compile_config", "_regularized", "_want_step_logs", "stop_training", "compiled",
})


def to_snake_case(name):
    """Keras's snake case of a class name (``Conv2D`` -> ``conv2d``)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _is_layer(obj):
    # by what a layer has, not by class: saving/ imports no layer or model module
    return hasattr(obj, "_inbound_nodes") and hasattr(obj, "_trainable_variables")


def _is_optimizer(obj):
    return hasattr(obj, "apply") and hasattr(obj, "variables") and hasattr(obj, "build") \
        and not _is_layer(obj)


def _own_variables(obj):
    if _is_layer(obj):
        return list(obj._trainable_variables) + list(obj._non_trainable_variables)
    return list(obj.variables)


def _children(obj):
    # Sequential and Functional models (those with a layer graph) list their layers first
    if "_graph" in vars(obj):
        yield "layers", obj.layers
    attrs = [k for k in vars(obj) if k not in _BASE_ATTRS and not k.startswith("__")]
    for key in sorted(attrs, key=lambda k: f"~{k}" if k.startswith("_") else k):
        yield key, vars(obj)[key]


def saveable_tree(model, include_optimizer=True):
    """``[(path, object, own variables)]`` for every layer/optimizer, in Keras 3's order."""
    out = []
    visited = set()

    def join(path, name):
        return f"{path}/{name}" if path else name

    def visit(obj, path):
        if id(obj) in visited:
            return
        visited.add(id(obj))
        out.append((path, obj, _own_variables(obj)))
        for key, child in _children(obj):
            if key == "optimizer" and not include_optimizer:
                continue
            if _is_layer(child) or (key == "optimizer" and _is_optimizer(child)):
                visit(child, join(path, key))
            elif isinstance(child, (list, tuple, dict)):
                container(child, join(path, key), set())

    def container(items, path, seen):
        if id(items) in seen:
            return
        seen.add(id(items))
        used = {}
        for item in (items.values() if isinstance(items, dict) else items):
            if _is_layer(item):
                visit(item, join(path, _unique(to_snake_case(type(item).__name__), used)))
            elif isinstance(item, (list, tuple, dict)):
                container(item, join(path, _unique("container", used)), seen)

    visit(model, "")
    return out


def _unique(name, used):
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


# -- writing ----------------------------------------------------------------------------------
def write_weights(f, model, include_optimizer=True):
    for path, obj, variables in saveable_tree(model, include_optimizer):
        if _is_optimizer(obj) and not variables:
            continue
        group = f.require_group(f"{path}/vars" if path else "vars")
        name = getattr(obj, "name", None)
        if isinstance(name, str):
            h5_io.write_str_attr(group, "name", name)
        for i, v in enumerate(variables):
            h5_io.write_array(group, str(i), v.numpy())
        if _is_layer(obj) and hasattr(obj, "save_own_variables"):
            store = {}
            obj.save_own_variables(store)
            for key, value in store.items():
                h5_io.write_array(group, key, value)


def save_weights(model, filepath, overwrite=True, attrs=None):
    """``model.save_weights("x.weights.h5")`` in the Keras 3 layout, atomically.

    ``attrs``: extra string attributes for the file's root (e.g. training progress), written
    in the same atomic step as the weights so the two always agree.
    """

    _require_built(model, "save_weights")
    size = size_of(model)
    with atomic_path(filepath, overwrite, size_hint=size) as tmp:
        with h5_io.writing(tmp, size) as f:
            write_weights(f, model)
            for key, value in (attrs or {}).items():
                h5_io.write_str_attr(f, key, value)


def save_model(model, filepath, overwrite=True):
    """``model.save("m.keras")``: config, compile config, weights and optimizer state."""

    _require_built(model, "save")
    config = layer_config.layer_to_dict(model, keras3=True)
    config["compile_config"] = (compile_config.keras3_compile_config(model)
                                if getattr(model, "compiled", False) and model.optimizer
                                else None)
    config_json = object_serialization.dumps(config)
    metadata = json.dumps({
        "keras_version": KERAS3_VERSION,
        "featherflow_version": _version(),
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    })
    buffer = io.BytesIO()
    h5py = h5_io.require_h5py()
    with h5py.File(buffer, "w", libver=("v108", "v108")) as f:
        write_weights(f, model)
    assets = _saved_assets(model)
    with atomic_path(filepath, overwrite, size_hint=size_of(model)) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
            zf.writestr(_METADATA, metadata)
            zf.writestr(_CONFIG, config_json)
            zf.writestr(_WEIGHTS, buffer.getvalue())
            for name, data in assets:
                zf.writestr(name, data)


def _asset_owners(model):
    return [(path, obj) for path, obj, _ in saveable_tree(model, include_optimizer=False)
            if _is_layer(obj) and hasattr(obj, "save_assets")]


def _saved_assets(model):
    """``[(zip member name, bytes)]`` of what each object's ``save_assets(dir)`` writes."""
    owners = _asset_owners(model)
    if not owners:
        return []
    out = []
    with tempfile.TemporaryDirectory() as root:
        for path, obj in owners:
            directory = os.path.join(root, *path.split("/"))
            os.makedirs(directory, exist_ok=True)
            obj.save_assets(directory)
        for folder, _, files in sorted(os.walk(root)):
            for file in sorted(files):
                full = os.path.join(folder, file)
                relative = os.path.relpath(full, root).replace(os.sep, "/")
                with open(full, "rb") as f:
                    out.append((_ASSETS + relative, f.read()))
    return out


# -- reading ----------------------------------------------------------------------------------
def _stored(f, path, label):
    """The arrays under ``<path>/vars`` in index order ([] when the group is absent)."""
    group_path = f"{path}/vars" if path else "vars"
    if group_path not in f:
        return []
    group = h5_io.get_group(f, group_path, label)
    keys = sorted(group.keys(), key=lambda k: int(k) if k.isdigit() else k)
    return [(k, h5_io.read_array(group, k, label)) for k in keys]


def load_weights(f, model, skip_mismatch=False, label="file", include_optimizer=True):
    """Check then assign weights stored in the Keras 3 layout (nothing changes on errors)."""
    plan = WeightPlan(skip_mismatch)
    optimizer_entry = None
    own_stores = []
    for path, obj, variables in saveable_tree(model, include_optimizer):
        if _is_optimizer(obj):
            optimizer_entry = (path, obj)
            continue
        stored = _stored(f, path, label)
        if _is_layer(obj) and hasattr(obj, "load_own_variables"):
            named = {k: a.read() for k, a in stored if not k.isdigit()}
            stored = [(k, a) for k, a in stored if k.isdigit()]
            if named:
                own_stores.append((obj, named))
        where = (f"Loading {label}: {type(obj).__name__} {obj.name!r} (file path "
                 f"'{path or '/'}')")
        if len(stored) != len(variables):
            message = (
                f"{where} has {len(variables)} weight(s) "
                f"{[tuple(v.data.shape) for v in variables]}; the file holds {len(stored)} "
                f"{[tuple(a.shape) for _, a in stored]}."
            )
            if skip_mismatch:
                warnings.warn(f"{message} Skipped (skip_mismatch=True).", stacklevel=3)
                continue
            raise ValueError(
                f"{message} The model's weights were left unchanged. Build the model with the "
                "architecture the file was saved from, or pass skip_mismatch=True."
            )
        for v, (key, array) in zip(variables, stored):
            plan.add(v, array, where, f"'{v.name}' (file: '{path}/vars/{key}')")
    opt_plan = None
    if optimizer_entry is not None:
        opt_plan = _optimizer_plan(f, optimizer_entry, model, label)
    count = plan.apply()
    for obj, named in own_stores:
        obj.load_own_variables(named)
    if opt_plan is not None:
        opt_plan.apply()
    return count


def _optimizer_plan(f, entry, model, label):

    path, optimizer = entry
    stored = _stored(f, path, label)
    if not stored:
        return None
    return plan_optimizer_state(model, [k for k, _ in stored], [a for _, a in stored], label)


def _check_zip(zf, label):
    """Refuse members that inflate out of proportion; charge what will be read to the budget."""
    for info in zf.infolist():
        if info.file_size > _ZIP_FLOOR and info.file_size > _ZIP_RATIO * max(
                info.compress_size, 1):
            raise h5_io.CorruptFileError(
                f"{label}: zip member '{info.filename}' would inflate to {info.file_size} bytes "
                f"from {info.compress_size}; refusing a decompression bomb."
            )
        if info.filename in (_CONFIG, _WEIGHTS) or info.filename.startswith(_ASSETS):
            load_limits.charge(info.file_size, f"zip member '{info.filename}' "
                                               f"({info.file_size} bytes inflated)")


def read_zip(path, label, assets=None):
    """``(config dict, weights bytes)`` from a ``.keras`` archive, with clear errors.

    ``assets``: a dict that receives the ``assets/...`` members (name relative to assets/ ->
    bytes); a member whose name would leave that folder is refused."""
    try:
        zf = zipfile.ZipFile(path, "r")
    except _ZIP_ERRORS as err:
        raise h5_io.CorruptFileError(
            f"Cannot read '{label}' as a .keras archive: it is truncated or corrupted ({err})."
        ) from None
    with zf:
        names = zf.namelist()
        missing = [n for n in (_CONFIG, _WEIGHTS) if n not in names]
        if missing:
            raise h5_io.CorruptFileError(
                f"'{label}' is a zip file but not a .keras model: it lacks {missing} "
                f"(members: {names[:10]})."
            )
        _check_zip(zf, label)
        try:
            config = _parse_config(zf.read(_CONFIG), label)
            weights = zf.read(_WEIGHTS)
            if assets is not None:
                for name in names:
                    if name.startswith(_ASSETS) and not name.endswith("/"):
                        assets[_asset_name(name, label)] = zf.read(name)
        except load_limits.LoadLimitError:
            raise
        except _ZIP_ERRORS as err:
            raise h5_io.CorruptFileError(
                f"'{label}' is corrupted: {err}. Use an earlier copy of the file."
            ) from None
    return config, weights


def _parse_config(data, label):
    try:
        config = json.loads(data.decode("utf-8"))
    except RecursionError:
        raise load_limits.depth_error(f"'{label}' ({_CONFIG})") from None
    load_limits.check_depth(config, f"'{label}' ({_CONFIG})")
    return config


def _asset_name(name, label):
    relative = posixpath.normpath(name[len(_ASSETS):])
    if relative.startswith(("/", "../")) or relative == ".." or "\\" in relative:
        raise h5_io.CorruptFileError(
            f"'{label}': asset member '{name}' would be written outside the assets folder; "
            "refusing the file.")
    return relative


def _load_assets(model, assets):
    """Hand each object with ``load_assets(dir)`` its folder of the archive's assets."""
    owners = [(path, obj) for path, obj in _asset_owners(model)
              if hasattr(obj, "load_assets")]
    if not owners:
        return
    with tempfile.TemporaryDirectory() as root:
        for name, data in assets.items():
            full = os.path.join(root, *name.split("/"))
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                f.write(data)
        for path, obj in owners:
            directory = os.path.join(root, *path.split("/")) if path else root
            if os.path.isdir(directory):
                obj.load_assets(directory)


def load_model(path, label, custom_objects=None, compile=True):
    """Rebuild, fill and (optionally) compile the model of a ``.keras`` archive."""
    assets = {}
    config, weights = read_zip(path, label, assets)
    compile_cfg = config.pop("compile_config", None)
    model = layer_config.layer_from_dict(config, custom_objects, where="the model")
    build = config.get("build_config")
    if isinstance(build, dict) and build and "input_shape" not in build and not model.built:
        # a build config that is not an input shape (FeatureSpace's: one per feature) goes to
        # the object's own build_from_config, as Keras 3's loader hands it over
        model.build_from_config(build)
    if compile and compile_cfg:
        compile_config.compile_from_keras3(model, compile_cfg, custom_objects)
    with h5_io.open_for_read(io.BytesIO(weights), f"{label}/{_WEIGHTS}") as f, \
            h5_io.reading(label):
        load_weights(f, model, label=label, include_optimizer=bool(compile and compile_cfg))
    _load_assets(model, assets)
    return model
