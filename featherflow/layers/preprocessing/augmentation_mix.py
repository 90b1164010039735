"""Keras 3's augmentations that mix the images of a batch: MixUp and CutMix.

Each draws through its own SeedGenerator in the order Keras 3.15 draws with the TF backend,
including the Beta weights, which Keras makes from two of TF's stateless Gamma draws
(``_stateless_gamma`` below is TF's kernel); so a seeded layer mixes the same pairs with the
same weights as Keras (docs/augmentation_layers.md gives the tolerances).

Example::

    mix = tf.keras.layers.MixUp(alpha=0.2, seed=1)
    out = mix({"images": images, "labels": one_hot_labels})
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.backend import random_samplers, stateless_random
from featherflow.keras import random as keras_random
from featherflow.layers.preprocessing.affine_transform import projective_transform
from featherflow.layers.preprocessing.image_layer import DataAugmentation
from featherflow.ops import concat, indexing, math

_F32 = np.float32
_INT32_MAX = 2**31 - 1
# TF's gamma kernel starts the draws of output i this many Philox blocks into the stream


def _stateless_gamma(count, seed, alpha, dtype=_F32):
    """``tf.random.stateless_gamma([count], seed, alpha)`` (alpha a scalar or ``[count]``),
    floored at the dtype's smallest normal as TF's Python wrapper does; TF's kernel is
    backend/random_samplers.py's."""
    dtype = np.dtype(dtype)
    alphas = np.broadcast_to(np.asarray(alpha, dtype), (count,))
    key, counter = stateless_random.key_counter(seed, "stateless_gamma")
    values = random_samplers.gamma(1, alphas, key, counter)[0].astype(dtype)
    return np.maximum(values, np.finfo(dtype).tiny)


def _beta(count, alpha, seed_generator, dtype=_F32):
    """Keras's TF-backend ``random.beta``: Gamma draws for seed ``s`` and ``s + 12``."""
    seed = np.mod(keras_random.draw_seed(seed_generator), _INT32_MAX - 1).astype(np.int32)
    gamma_a = _stateless_gamma(count, seed, alpha, dtype)
    gamma_b = _stateless_gamma(count, seed + np.int32(12), alpha, dtype)
    return gamma_a / (gamma_a + gamma_b)


def _permutation(batch, seed_generator, dtype):
    return keras_random.shuffle(np.arange(batch, dtype=dtype), seed=seed_generator).numpy()


class MixUp(DataAugmentation):
    """Blend each image (and its label) with another image of the batch:
    ``w * x + (1 - w) * x[perm]`` with ``w ~ Beta(alpha, alpha)`` per image.

    Example::

        mix = tf.keras.layers.MixUp(alpha=0.2, seed=1)
        batch = mix({"images": images, "labels": one_hot_labels})
    """

    def __init__(self, alpha=0.2, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or alpha <= 0:
            raise ValueError(f"{self._where()}: `alpha` must be a positive number (the Beta "
                             f"distribution's concentration); received alpha={alpha!r}.")
        self.alpha = alpha

    def _transformation(self, shape, batched, training):
        # Keras draws at inference too (the generator moves on; the images stay)
        batch = shape[0]
        order = _permutation(batch, self.generator, np.int64)
        weight = _beta(batch, self.alpha, self.generator)
        return {"mix_weight": weight, "permutation_order": order}

    def _transform_images(self, x, t):
        x = math.cast(x, self.dtype)
        weight = t["mix_weight"].astype(x.data.dtype).reshape(-1, 1, 1, 1)
        other = indexing.gather(x, t["permutation_order"], axis=0)
        return math.add(math.multiply(x, weight), math.multiply(other, 1.0 - weight))

    def _transform_labels(self, labels, t):
        weight = t["mix_weight"].reshape(-1, 1)
        other = indexing.gather(labels, t["permutation_order"], axis=0)
        return math.add(math.multiply(weight, labels), math.multiply(1.0 - weight, other))

    def _transform_bounding_boxes(self, boxes, t):
        # Keras keeps both images' boxes: boxes side by side, box labels one after the other
        order = t["permutation_order"]
        out = dict(boxes)
        out["boxes"] = concat.concat([boxes["boxes"],
                                       indexing.gather(boxes["boxes"], order, axis=0)], axis=1)
        out["labels"] = concat.concat([boxes["labels"],
                                        indexing.gather(boxes["labels"], order, axis=0)], axis=0)
        return out

    def _transform_segmentation_masks(self, masks, t):
        # mixed along the batch as the images are (Keras 3.15 gathers from the flattened
        # masks here, which fails for any mask batch; docs/augmentation_layers.md)
        masks = math.cast(masks, self.dtype)
        weight = t["mix_weight"].astype(masks.data.dtype).reshape(-1, 1, 1, 1)
        other = indexing.gather(masks, t["permutation_order"], axis=0)
        return math.add(math.multiply(weight, masks), math.multiply(1.0 - weight, other))

    def get_config(self):
        config = super().get_config()
        config.update({"alpha": self.alpha, "seed": self.seed})
        return config


class CutMix(DataAugmentation):
    """Paste a random box of another image of the batch into each image, and mix the labels
    by the pasted area (batches only: one image passes through).

    Example::

        cut = tf.keras.layers.CutMix(factor=1.0, seed=2)
        batch = cut({"images": images, "labels": one_hot_labels})
    """

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = self._parse_factor(factor)

    def _crop_bounds(self, batch, length, ratio):
        length = _F32(length)
        crop = (ratio * length).astype(_F32)
        start = self._uniform((batch,), 0.0, 1.0, dtype="float32") * (length - crop)
        return start, start + crop

    def _transformation(self, shape, batched, training):
        if not training or not batched:
            return None
        batch, height, width, channels = shape
        alpha = self._uniform((), self.factor[0], self.factor[1], dtype="float32") + _F32(1e-6)
        weight = _beta(batch, alpha, self.generator)
        ratio = np.sqrt(_F32(1.0) - weight)
        x0, x1 = self._crop_bounds(batch, width, ratio)
        y0, y1 = self._crop_bounds(batch, height, ratio)
        grid_y, grid_x = np.meshgrid(np.arange(height, dtype=_F32),
                                     np.arange(width, dtype=_F32), indexing="ij")
        masks = ((grid_x >= x0[:, None, None]) & (grid_x < x1[:, None, None])
                 & (grid_y >= y0[:, None, None]) & (grid_y < y1[:, None, None]))
        mix_weight = _F32(1.0) - (x1 - x0) * (y1 - y0) / _F32(width * height)
        order = _permutation(batch, self.generator, np.int32)
        # repeated over the images' channels, as Keras does (a one-channel segmentation
        # mask comes out with the images' channel count)
        masks = np.repeat(masks[..., None], channels, axis=-1)
        return {"permutation_order": order, "batch_masks": masks,
                "mix_weight": mix_weight.astype(_F32)}

    def _transform_images(self, x, t):
        x = math.cast(x, self.dtype)
        other = indexing.gather(x, t["permutation_order"], axis=0)
        return math.where(t["batch_masks"], other, x)

    def _transform_labels(self, labels, t):
        weight = t["mix_weight"].reshape(-1, 1)
        other = indexing.gather(labels, t["permutation_order"], axis=0)
        return math.add(math.multiply(weight, labels), math.multiply(1.0 - weight, other))

    def _transform_bounding_boxes(self, boxes, t):
        raise ValueError(f"{self._where()}: CutMix does not transform bounding boxes (Keras "
                         "3.15 has no CutMix box rule); drop the 'bounding_boxes' entry.")

    def _transform_segmentation_masks(self, masks, t):
        return self._transform_images(masks, t)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": list(self.factor), "seed": self.seed})
        return config


_RAND_AUGMENT_OPS = ("random_shear", "random_translation", "random_rotation",
                     "random_brightness", "random_color_degeneration", "random_contrast",
                     "random_sharpness", "random_posterization", "solarization", "auto_contrast",
                     "equalization")
_AUG_MIX_OPS = ("random_shear", "random_translation", "random_rotation", "random_posterization",
                "solarization", "auto_contrast", "equalization")
_AUG_MIX_ALL_OPS = _AUG_MIX_OPS + ("random_brightness", "random_color_degeneration",
                                   "random_contrast", "random_sharpness")


class _Composite(DataAugmentation):
    """RandAugment and AugMix: Keras's sub-layers of strength ``factor``, all drawing from
    this layer's generator in the order Keras asks them to."""

    _FACTOR_BOUNDS = (0, 1)

    def _make_ops(self, names, value_range, interpolation, seed, data_format):
        from featherflow.layers.preprocessing import augmentation as base
        from featherflow.layers.preprocessing import augmentation_color as color
        from featherflow.layers.preprocessing import augmentation_geometric as geometric

        factor = list(self.factor)
        # the operations compute in this layer's dtype (Keras hands them its kwargs)
        common = {"seed": seed, "data_format": data_format, "dtype": self.dtype}
        plain = {"data_format": data_format, "dtype": self.dtype}
        makers = {
            "random_shear": lambda: geometric.RandomShear(
                factor, factor, interpolation=interpolation, **common),
            "random_translation": lambda: base.RandomTranslation(
                factor, factor, interpolation=interpolation, **common),
            "random_rotation": lambda: base.RandomRotation(
                factor, interpolation=interpolation, **common),
            "random_brightness": lambda: base.RandomBrightness(
                factor, value_range=value_range, **common),
            "random_color_degeneration": lambda: color.RandomColorDegeneration(
                factor, value_range=value_range, **common),
            "random_contrast": lambda: base.RandomContrast(
                factor, value_range=value_range, **common),
            "random_sharpness": lambda: color.RandomSharpness(
                factor, value_range=value_range, **common),
            "random_posterization": lambda: color.RandomPosterization(
                max(1, int(8 * self.factor[1])), value_range=value_range, **common),
            "solarization": lambda: color.Solarization(
                factor, factor, value_range=value_range, **common),
            "auto_contrast": lambda: color.AutoContrast(value_range=value_range, **plain),
            "equalization": lambda: color.Equalization(value_range=value_range, **plain),
        }
        ops = {name: makers[name]() for name in names}
        for op in ops.values():
            op._generator = self._generator
        return ops

    def _draw(self, name, shape, batched):
        op = self._ops[name]
        if isinstance(op, DataAugmentation):
            return op._transformation(shape, batched, True)
        if hasattr(op, "_transforms"):  # RandomTranslation, RandomRotation
            return op._transforms(shape[0], shape[1], shape[2])
        # RandomBrightness and RandomContrast draw once inside their transform: keep the
        # generator's state and replay that one draw when the operation runs
        state = self._generator.state.numpy().copy()
        self._generator.next()
        return state

    def _run(self, name, x, draw, interpolation=None):
        op = self._ops[name]
        if isinstance(op, DataAugmentation):
            return op._transform_images(x, draw)
        if hasattr(op, "_transforms"):
            return projective_transform(math.cast(x, self.dtype), draw,
                                        interpolation or op.interpolation, op.fill_mode,
                                        op.fill_value)
        replay = keras_random.SeedGenerator(int(draw[0]))
        replay.state.assign(draw)
        op._generator = replay
        try:
            return op._augment(x, True)
        finally:
            op._generator = self._generator

    def _warp_masks(self, name, masks, draw):
        if name == "random_shear":
            return self._ops[name]._transform_segmentation_masks(masks, draw)
        if name in ("random_translation", "random_rotation"):
            return self._run(name, masks, draw, interpolation="nearest")
        return masks

    def _transform_bounding_boxes(self, boxes, t):
        raise ValueError(f"{self._where()}: {type(self).__name__} does not move bounding boxes "
                         "in featherflow yet (its translation and rotation have no box rule "
                         "here); drop the 'bounding_boxes' entry.")


class RandAugment(_Composite):
    """Apply ``num_ops`` operations picked at random from eleven (shear, translation,
    rotation, brightness, colour degeneration, contrast, sharpness, posterization,
    solarization, auto-contrast, equalization), each of strength ``factor``; one pick for the
    whole batch per step, as Keras 3.15 does.

    Example::

        tf.keras.layers.RandAugment(value_range=(0, 255), num_ops=2, factor=0.5, seed=1)
    """

    def __init__(self, value_range=(0, 255), num_ops=2, factor=0.5, interpolation="bilinear",
                 seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if isinstance(num_ops, bool) or not isinstance(num_ops, (int, np.integer)) or \
                num_ops < 0:
            raise ValueError(f"{self._where()}: `num_ops` must be a non-negative integer; "
                             f"received num_ops={num_ops!r}.")
        self.value_range = value_range
        self.num_ops = int(num_ops)
        self.factor = self._parse_factor(factor)
        self.interpolation = interpolation
        self._ops = self._make_ops(_RAND_AUGMENT_OPS, value_range, interpolation, seed,
                                   data_format)

    def _transformation(self, shape, batched, training):
        if not training:
            return None
        picks = keras_random.randint((self.num_ops,), 0, len(_RAND_AUGMENT_OPS),
                                     seed=self._generator).numpy()
        draws = {name: self._draw(name, shape, batched) for name in _RAND_AUGMENT_OPS}
        return {"picks": [_RAND_AUGMENT_OPS[int(p)] for p in picks], "draws": draws}

    def _transform_images(self, x, t):
        x = math.cast(x, self.dtype)
        for name in t["picks"]:
            out = math.cast(self._run(name, x, t["draws"][name]), self.dtype)
            # Keras selects the picked result with `where` among all eleven, so the input
            # stays connected (a zero gradient through posterization's integer cast, not None)
            x = math.where(np.zeros(x.data.shape, bool), x, out)
        return x

    def _transform_segmentation_masks(self, masks, t):
        for name in t["picks"]:
            masks = self._warp_masks(name, masks, t["draws"][name])
        return masks

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": list(self.value_range), "num_ops": self.num_ops,
                       "factor": list(self.factor), "interpolation": self.interpolation,
                       "seed": self.seed})
        return config


class AugMix(_Composite):
    """Mix ``num_chains`` chains of up to ``chain_depth`` random operations (Dirichlet
    weights), then blend with the original by a Beta weight.

    The layer's seed drives every value drawn; which operation each chain step takes is
    Python's ``random.choice``, as in Keras 3.15, so it repeats when Python's ``random`` is
    seeded (``tf.keras.utils.set_random_seed`` or ``random.seed``).

    Example::

        tf.keras.layers.AugMix(value_range=(0, 255), num_chains=3, chain_depth=3, seed=1)
    """

    def __init__(self, value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3,
                 alpha=1.0, all_ops=True, interpolation="bilinear", seed=None,
                 data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        for name, value in (("num_chains", num_chains), ("chain_depth", chain_depth)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"{self._where()}: `{name}` must be a non-negative integer; "
                                 f"received {name}={value!r}.")
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or alpha <= 0:
            raise ValueError(f"{self._where()}: `alpha` must be a positive number; received "
                             f"alpha={alpha!r}.")
        self.value_range = value_range
        self.num_chains = int(num_chains)
        self.chain_depth = int(chain_depth)
        self.factor = self._parse_factor(factor)
        self.alpha = alpha
        self.all_ops = bool(all_ops)
        self.interpolation = interpolation
        self._names = list(_AUG_MIX_ALL_OPS if self.all_ops else _AUG_MIX_OPS)
        self._ops = self._make_ops(self._names, value_range, interpolation, seed, data_format)

    def _transformation(self, shape, batched, training):
        import random as python_random

        if not training:
            return None
        seed = np.mod(keras_random.draw_seed(self._generator), _INT32_MAX - 1).astype(np.int32)
        gamma = _stateless_gamma(self.num_chains, seed, self.alpha)
        chain_weights = (gamma / gamma.sum(axis=-1, keepdims=True, dtype=_F32)).astype(_F32)
        blend = _beta(1, self.alpha, self._generator)[0]
        chains = []
        for _ in range(self.num_chains):
            steps = []
            for _ in range(self.chain_depth):
                name = python_random.choice(self._names + [None])
                if name is not None:
                    steps.append((name, self._draw(name, shape, batched)))
            chains.append(steps)
        return {"chain_weights": chain_weights, "blend": _F32(blend), "chains": chains}

    def _mix(self, x, t, step):
        mixed = None
        for weight, steps in zip(t["chain_weights"], t["chains"]):
            chain = x
            for name, draw in steps:
                chain = step(name, chain, draw)
            part = math.multiply(chain, weight.astype(x.data.dtype))
            # Keras adds each chain onto zeros, in chain order
            mixed = math.add(np.zeros(x.data.shape, x.data.dtype), part) if mixed is None \
                else math.add(mixed, part)
        if mixed is None:
            mixed = Tensor(np.zeros(x.data.shape, x.data.dtype))
        blend = np.asarray(t["blend"], x.data.dtype)
        return math.add(math.multiply(blend, x),
                        math.multiply(np.asarray(1, x.data.dtype) - blend, mixed))

    def _transform_images(self, x, t):
        x = math.cast(x, self.dtype)
        out = self._mix(x, t, lambda name, chain, draw: math.cast(self._run(name, chain, draw),
                                                                  self.dtype))
        return math.clip_by_value(out, _F32(self.value_range[0]), _F32(self.value_range[1]))

    def _transform_segmentation_masks(self, masks, t):
        # the masks are mixed like the images, through each operation's mask rule (warps with
        # nearest sampling; colour operations leave them), and not clipped
        masks = math.cast(masks, self.dtype)
        return self._mix(masks, t, self._warp_masks)

    def _transform_bounding_boxes(self, boxes, t):
        return boxes  # Keras 3.15's AugMix passes boxes through

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": list(self.value_range), "num_chains": self.num_chains,
                       "chain_depth": self.chain_depth, "factor": list(self.factor),
                       "alpha": self.alpha, "all_ops": self.all_ops,
                       "interpolation": self.interpolation, "seed": self.seed})
        return config


__all__ = ["AugMix", "CutMix", "MixUp", "RandAugment"]
