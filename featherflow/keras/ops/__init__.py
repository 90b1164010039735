"""``tf.keras.ops``: Keras 3's backend-neutral ops on featherflow tensors.

``keras.ops.numpy`` (the NumPy-like set), ``keras.ops.nn``, ``keras.ops.linalg`` and
``keras.ops.image`` are the submodules (the Fourier ops live in ``spectral``, ``rearrange`` in
``einops``); every public function of each is also here, as in
Keras (``keras.ops.matmul``, ``keras.ops.softmax``, ``keras.ops.cond``...). Results and
dtypes follow Keras 3 with the TensorFlow backend (docs/keras_ops.md).
"""

import inspect as _inspect

from featherflow.keras.ops import core, einops, image, linalg, nn, numpy, spectral


def _public(module, exclude=()):
    names = {}
    for name, obj in vars(module).items():
        if name.startswith("_") or name in exclude or not callable(obj):
            continue
        if getattr(obj, "__module__", None) == module.__name__ or name in getattr(
                module, "__all__", ()):
            names[name] = obj
    return names


_EXPORTS = {}
for _module, _exclude in ((numpy, ("convert", "shape_equal")), (linalg, ()),
                          (nn, ()), (core, ()), (spectral, ()), (einops, ())):
    _EXPORTS.update(_public(_module, _exclude))
_EXPORTS["qr"] = linalg.qr
_EXPORTS["solve"] = linalg.solve
_EXPORTS["logdet"] = linalg.logdet
_EXPORTS["norm"] = linalg.norm
_EXPORTS["inv"] = linalg.inv
_EXPORTS["det"] = linalg.det
_EXPORTS["svd"] = linalg.svd
_EXPORTS["cholesky"] = linalg.cholesky
globals().update(_EXPORTS)

__all__ = sorted(_EXPORTS) + ["core", "image", "linalg", "nn", "numpy"]
del _module, _exclude, _inspect
