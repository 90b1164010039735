"""``save_model``/``load_model``/``save_weights``/``load_weights``: pick the format, check inputs.

The format to write comes from the file name (``.keras``, ``.weights.h5``, ``.h5``/``.hdf5``);
the format to read from the file's first bytes (a zip or an HDF5 file) and, for HDF5, from
its layout, so misnamed files still load. Loading runs inside the ``custom_objects`` and
``safe_mode`` scopes, so nested objects see them too.
"""

import io
import os

from featherflow.saving import h5_io, keras3_format, legacy_h5
from featherflow.serialization import CustomObjectScope, SafeModeScope, load_limits

_H5 = (".h5", ".hdf5")


def _path(filepath, what):
    if hasattr(filepath, "__fspath__") or isinstance(filepath, str):
        return os.fspath(filepath)
    raise TypeError(
        f"{what}: expected a file path (str or pathlib.Path), received "
        f"{type(filepath).__name__}."
    )


def save_model(model, filepath, overwrite=True, save_format=None, include_optimizer=True,
               **kwargs):
    """Save architecture, weights and optimizer state: ``.keras`` (Keras 3) or ``.h5`` (Keras 2).

    Example::

        >>> model.save("model.keras")
        >>> restored = tf.keras.models.load_model("model.keras")
    """
    path = _path(filepath, "save")
    fmt = (save_format or "").lower() or None
    if fmt in ("tf", "savedmodel"):
        raise ValueError(
            "save_format='tf' (a TensorFlow SavedModel folder) is not supported by featherflow; "
            "save to 'model.keras' (Keras 3) or 'model.h5' (Keras 2) instead."
        )
    if path.endswith(".weights.h5"):
        raise ValueError(
            f"save: '{path}' is a weights file name; use model.save_weights for it, or name "
            "the model file '*.keras' (or '*.h5')."
        )
    if fmt is None:
        if path.endswith(".keras"):
            fmt = "keras"
        elif path.lower().endswith(_H5):
            fmt = "h5"
        else:
            raise ValueError(
                f"save: cannot tell the format of '{path}'. Use a name ending in '.keras' (the "
                "Keras 3 format) or '.h5' (the Keras 2 HDF5 format), e.g. model.save('model."
                "keras')."
            )
    if fmt == "keras":
        keras3_format.save_model(model, path, overwrite=overwrite)
    elif fmt in ("h5", "hdf5"):
        legacy_h5.save_model(model, path, overwrite=overwrite,
                             include_optimizer=include_optimizer)
    else:
        raise ValueError(f"save: unknown save_format {save_format!r}; use 'keras' or 'h5'.")


def save_weights(model, filepath, overwrite=True, **kwargs):
    """Save the weights: ``*.weights.h5`` (Keras 3 layout) or ``*.h5`` (Keras 2 layout)."""
    path = _path(filepath, "save_weights")
    if path.endswith(".weights.h5"):
        keras3_format.save_weights(model, path, overwrite=overwrite)
    elif path.lower().endswith(_H5):
        legacy_h5.save_weights(model, path, overwrite=overwrite)
    elif path.endswith(".keras"):
        raise ValueError(
            f"save_weights: '{path}' names a whole-model file; use model.save(path) for "
            "'.keras', or a weights name such as 'model.weights.h5'."
        )
    else:
        raise ValueError(
            f"save_weights: cannot tell the format of '{path}'. Use a name ending in "
            "'.weights.h5' (Keras 3 layout) or '.h5' (Keras 2 layout). featherflow does not "
            "write TensorFlow checkpoints."
        )


def _kind(path, what):
    kind = h5_io.sniff(path)
    if kind == "missing":
        raise FileNotFoundError(f"{what}: no file at '{path}'.")
    if kind == "dir":
        raise ValueError(
            f"{what}: '{path}' is a folder (a TensorFlow SavedModel or checkpoint?). featherflow "
            "reads '.keras' and '.h5' files; in TensorFlow, re-save the model with "
            "model.save('model.keras') or model.save('model.h5')."
        )
    if kind in ("empty", "unknown"):
        hint = ("" if kind == "unknown" else " It is empty.")
        raise h5_io.CorruptFileError(
            f"{what}: '{path}' is neither an HDF5 file nor a .keras zip.{hint} It may be "
            "truncated or corrupted, or be a TensorFlow checkpoint (which featherflow cannot "
            "read)."
        )
    return kind


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Load a model saved by featherflow or Keras (``.keras``, Keras 2/3 ``.h5``).

    No code is run from the file: classes are found by name among featherflow's and those
    given in ``custom_objects`` or registered; ``Lambda`` layers need ``safe_mode=False``.
    """
    path = _path(filepath, "load_model")
    kind = _kind(path, "load_model")
    with CustomObjectScope(custom_objects), SafeModeScope(safe_mode), \
            load_limits.loading(f"'{path}'", os.path.getsize(path)):
        try:
            if kind == "zip":
                return keras3_format.load_model(path, path, custom_objects, compile)
            with h5_io.open_for_read(path, path) as f, h5_io.reading(path):
                if "model_config" not in f.attrs:
                    raise ValueError(
                        f"load_model: '{path}' holds weights only (no model configuration). "
                        "Build the model in code, then call model.load_weights(path)."
                    )
                return legacy_h5.load_model(f, path, custom_objects, compile)
        except RecursionError:
            raise load_limits.depth_error(f"load_model('{path}')") from None


def load_weights(model, filepath, by_name=False, skip_mismatch=False, **kwargs):
    """Load weights from ``.h5`` (Keras 2, weights-only or full model), ``.weights.h5`` or
    ``.keras``. All shapes are checked before anything is assigned."""
    path = _path(filepath, "load_weights")
    kind = _kind(path, "load_weights")
    with load_limits.loading(f"'{path}'", os.path.getsize(path)):
        return _load_weights(model, path, kind, by_name, skip_mismatch)


def _load_weights(model, path, kind, by_name, skip_mismatch):
    if kind == "zip":
        _refuse_by_name(by_name, path)
        _, weights = keras3_format.read_zip(path, path)
        with h5_io.open_for_read(io.BytesIO(weights), path) as f, h5_io.reading(path):
            return keras3_format.load_weights(f, model, skip_mismatch, label=path)
    with h5_io.open_for_read(path, path) as f, h5_io.reading(path):
        if "layer_names" in f.attrs or "layer_names0" in f.attrs:
            return legacy_h5.load_weights_from_group(f, model, by_name, skip_mismatch, path)
        if "model_weights" in f:
            group = h5_io.get_group(f, "model_weights", path)
            return legacy_h5.load_weights_from_group(group, model, by_name, skip_mismatch, path)
        if "layers" in f or "vars" in f:
            _refuse_by_name(by_name, path)
            return keras3_format.load_weights(f, model, skip_mismatch, label=path)
        raise h5_io.CorruptFileError(
            f"load_weights: '{path}' is an HDF5 file but holds no Keras weights (no "
            f"'layer_names', 'model_weights' or 'layers'; top level: {sorted(f.keys())[:10]})."
        )


def _refuse_by_name(by_name, path):
    if by_name:
        raise ValueError(
            f"load_weights(by_name=True) matches layers by name in Keras 2 '.h5' files only; "
            f"'{path}' uses the Keras 3 layout, matched by position in the model. Load without "
            "by_name, or save the weights to a '.h5' file."
        )
