"""Circle loss for metric learning (Sun et al., 2020), as Keras 3.15 computes it.

``y_pred`` holds L2-normalised embeddings and ``y_true`` integer labels; pairs with equal
labels are positives, the others negatives. The per-sample values carry a mask of the
samples whose loss is positive (a sample with no positive pair scores exactly 0), and the
mean reductions divide by the number of those, as Keras's loss mask does.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.losses.functions import _pred
from featherflow.losses.loss import Loss, LossFunctionWrapper
from featherflow.ops import activations as activations_ops
from featherflow.ops import linalg as linalg_ops
from featherflow.ops import math as math_ops
from featherflow.ops import reduce as reduce_ops
from featherflow.ops._convert import data


def _int_labels(labels, what):
    a = np.asarray(data(labels))
    if a.ndim == 2 and a.shape[-1] == 1:
        a = a[:, 0]
    if a.ndim != 1:
        raise ValueError(
            f"circle: {what} must be integer labels of shape (batch,) or (batch, 1); received "
            f"shape {a.shape}."
        )
    return a.astype(np.int32)


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True,
           gamma=80, margin=0.4):
    """Per-sample circle loss of the embeddings ``y_pred`` (``(batch, dim)``, unit norm).

    ``ref_labels``/``ref_embeddings`` give the pairs' other side (default: the batch itself,
    without each sample's pair with itself when ``remove_diagonal``).

    Example::

        >>> emb = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
        >>> round(float(circle([0, 0, 1], emb)[0]), 4)
        9.8096
    """
    p = _pred(y_pred)
    if np.ndim(data(p)) != 2:
        raise ValueError(
            f"circle: y_pred must be embeddings of shape (batch, dim); received shape "
            f"{np.shape(data(p))}."
        )
    labels = _int_labels(y_true, "y_true")
    ref = p if ref_embeddings is None else _pred(ref_embeddings)
    ref_lab = labels if ref_labels is None else _int_labels(ref_labels, "ref_labels")
    if np.shape(data(ref))[0] != ref_lab.shape[0] or labels.shape[0] != np.shape(data(p))[0]:
        raise ValueError(
            f"circle: {labels.shape[0]} labels for {np.shape(data(p))[0]} embeddings and "
            f"{ref_lab.shape[0]} reference labels for {np.shape(data(ref))[0]} reference "
            f"embeddings; each embedding needs one label."
        )
    dt = data(p).dtype

    def const(v):
        return np.asarray(v, dt)

    positive = labels[:, None] == ref_lab[None, :]
    negative = ~positive
    if remove_diagonal:
        positive &= ~np.eye(labels.shape[0], ref_lab.shape[0], dtype=bool)
    distances = math_ops.maximum(
        math_ops.subtract(const(1.0), linalg_ops.matmul(p, ref, transpose_b=True)), const(0.0))
    pos_weights = math_ops.maximum(
        math_ops.multiply(math_ops.add(const(margin), distances), positive.astype(dt)),
        const(0.0))
    neg_weights = math_ops.maximum(
        math_ops.multiply(math_ops.subtract(const(1 + margin), distances), negative.astype(dt)),
        const(0.0))
    pos_terms = math_ops.multiply(math_ops.multiply(const(-gamma), pos_weights),
                                  math_ops.subtract(const(margin), distances))
    neg_terms = math_ops.multiply(math_ops.multiply(const(gamma), neg_weights),
                                  math_ops.subtract(const(1 - margin), distances))
    minus_inf = const(-np.inf)
    p_loss = reduce_ops.reduce_logsumexp(math_ops.where(positive, pos_terms, minus_inf), axis=1)
    n_loss = reduce_ops.reduce_logsumexp(math_ops.where(negative, neg_terms, minus_inf), axis=1)
    loss = activations_ops.softplus(math_ops.add(p_loss, n_loss))
    if isinstance(loss, Tensor):
        loss._keras_mask = data(loss) > 0
    return loss


class Circle(LossFunctionWrapper):
    """Circle loss (``circle``) as a Loss: ``gamma`` scales, ``margin`` relaxes.

    Example::

        >>> emb = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
        >>> round(float(Circle()([0, 0, 1], emb)), 4)
        9.8096
    """

    def __init__(self, gamma=80.0, margin=0.4, remove_diagonal=True,
                 reduction="sum_over_batch_size", name="circle", dtype=None):
        super().__init__(circle, name=name, reduction=reduction, dtype=dtype, gamma=gamma,
                         margin=margin, remove_diagonal=remove_diagonal)
        self.gamma = gamma
        self.margin = margin
        self.remove_diagonal = remove_diagonal

    def get_config(self):
        cfg = Loss.get_config(self)
        cfg.update(gamma=self.gamma, margin=self.margin, remove_diagonal=self.remove_diagonal)
        return cfg
