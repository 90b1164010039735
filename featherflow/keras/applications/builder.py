"""What every application constructor shares: argument checks, the input, the pooling head,
the Functional model, and loading ``weights`` (a file path, or ``"imagenet"`` through
``get_file`` into ``$KERAS_HOME/models/`` with Keras's file name, URL and hash).

``FEATHERFLOW_APPLICATIONS_MIRROR=http://host/path`` fetches the same file names from a mirror
instead of Keras's storage bucket (the hashes are still Keras's)."""

import os

from featherflow import layers
from featherflow.utils.file_utils import get_file
from featherflow.utils.keras_tensors import get_source_inputs, is_keras_tensor

MIRROR_VARIABLE = "FEATHERFLOW_APPLICATIONS_MIRROR"


def origin_url(url):
    """Keras's ``url``, or the same file name under the mirror when one is set."""
    mirror = os.environ.get(MIRROR_VARIABLE)
    if not mirror:
        return url
    return mirror.rstrip("/") + "/" + url.rsplit("/", 1)[-1]


def check_weights(weights, include_top, classes, what):
    """Keras's checks on ``weights`` and ``classes``, before anything is built."""
    if not (weights in ("imagenet", None) or (isinstance(weights, (str, os.PathLike))
                                              and os.path.exists(weights))):
        raise ValueError(
            f"{what}: the weights argument should be either None (random initialization), "
            "'imagenet' (pre-training on ImageNet), or the path to the weights file to be "
            f"loaded. Received: weights={weights!r}"
            + (" (no such file)" if isinstance(weights, (str, os.PathLike)) else ""))
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(
            f"{what}: if using weights='imagenet' with include_top=True, classes should be "
            f"1000. Received classes={classes}")


def image_input(input_tensor, input_shape, what):
    """``keras.Input(shape=input_shape)``, or the given symbolic ``input_tensor``."""
    if input_tensor is None:
        return layers.Input(shape=input_shape)
    if not is_keras_tensor(input_tensor):
        raise ValueError(
            f"{what}: input_tensor must be a symbolic tensor (the output of keras.Input or of "
            f"a layer); received {type(input_tensor).__name__}. Pass input_shape=... instead, "
            "or wrap the data in keras.Input.")
    return input_tensor


def pooled(x, include_top, pooling, avg_name=None, max_name=None):
    """The feature-extractor head: ``pooling`` None, ``"avg"`` or ``"max"``."""
    if include_top:
        return x
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    if pooling is not None:
        raise ValueError(
            f"pooling should be None, 'avg' or 'max'; received pooling={pooling!r}")
    return x


def functional(input_tensor, img_input, outputs, name):
    from featherflow.models import Model

    inputs = get_source_inputs(input_tensor) if input_tensor is not None else img_input
    return Model(inputs, outputs, name=name)


def load_weights(model, weights, file_name=None, origin=None, file_hash=None):
    """Load ``weights``: a path as is, ``"imagenet"`` through ``get_file`` (cache_subdir
    ``models``; a file Keras already cached under that name is reused)."""
    if weights == "imagenet":
        path = get_file(file_name, origin_url(origin), cache_subdir="models",
                        file_hash=file_hash)
        model.load_weights(path)
    elif weights is not None:
        path = os.fspath(weights)
        refuse_extra_weights(model, path)
        model.load_weights(path)
    return model


def refuse_extra_weights(model, path):
    """Refuse a Keras 3 ``.weights.h5`` file that holds weights the model has no place for (a
    file saved with ``include_top=True`` given to an ``include_top=False`` model). Keras 3
    loads such a file silently, ignoring the extra layers; the applications refuse it before
    anything is assigned, as the Keras 2 layout's loader does."""
    # h5py is optional (featherflow[h5]); model.load_weights names the extra when it is missing
    try:
        import h5py
    except ImportError:
        return
    from featherflow.saving import keras3_format

    try:
        f = h5py.File(path, "r")
    except OSError:
        return  # not HDF5 (a .keras zip, a TF checkpoint): model.load_weights reads or refuses
    with f:
        if "layer_names" in f.attrs or "model_weights" in f or "layers" not in f:
            return  # the Keras 2 layout: its loader matches layers one to one
        expected = {p for p, _, variables in keras3_format.saveable_tree(
            model, include_optimizer=False) if variables}
        extra = []

        def visit(name, item):
            if isinstance(item, h5py.Group) and name.rsplit("/", 1)[-1] == "vars" and len(item):
                owner = name[:-len("/vars")] if "/" in name else ""
                if owner not in expected and not owner.startswith("optimizer"):
                    extra.append(f"'{owner or '/'}' "
                                 f"{[tuple(item[k].shape) for k in sorted(item, key=_index)]}")

        f.visititems(visit)
    if extra:
        raise ValueError(
            f"{model.name}: the weights file {path} holds weights for {len(extra)} layer "
            f"path(s) this model does not have: {', '.join(extra[:4])}"
            f"{' ...' if len(extra) > 4 else ''}. It was saved from another architecture or "
            "with another include_top (a top file for an include_top=False model?). Build the "
            "model with the settings the file was saved with (include_top, classes, alpha, "
            "variant). Nothing was loaded.")


def _index(key):
    return (0, int(key)) if key.isdigit() else (1, key)
