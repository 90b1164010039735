"""CTC as a Keras 3 loss: ``keras.losses.CTC`` and ``keras.losses.ctc``.

Keras 3's convention (unlike Keras 2's ``ctc_batch_cost``): ``y_pred`` holds LOGITS
(batch, time, classes), class 0 is the blank, labels are 1..classes-1 padded with 0, every
sample uses all time steps and its label length is its count of non-zero labels.
"""

import numpy as np

from featherflow.losses.loss import Loss, LossFunctionWrapper
from featherflow.ops import ctc as ctc_ops
from featherflow.ops._convert import data, operand


def ctc(y_true, y_pred):
    """Per-sample CTC loss of integer labels ``y_true`` (batch, max_length) (0 = padding and
    blank) given logits ``y_pred`` (batch, time, classes).

    Example::

        >>> loss = ctc(np.array([[1, 2, 0]]), tf.zeros((1, 6, 4)))   # shape (1,)
    """
    labels = np.asarray(data(y_true))
    y_pred = operand(y_pred)
    if labels.ndim != 2:
        raise ValueError(
            f"ctc: y_true must have shape (batch_size, max_length) of integer labels, "
            f"received shape {labels.shape}."
        )
    shape = np.shape(data(y_pred))
    if len(shape) != 3:
        raise ValueError(
            f"ctc: y_pred must be logits of shape (batch_size, max_length, num_classes), "
            f"received shape {tuple(shape)}."
        )
    labels = labels.astype(np.int64)
    label_length = np.sum(labels != 0, axis=-1)
    input_length = np.full(shape[0], shape[1], np.int64)
    return ctc_ops.keras_ctc_loss(labels, y_pred, label_length, input_length, mask_index=0)


class CTC(LossFunctionWrapper):
    """CTC (Connectionist Temporal Classification) loss on logits, blank = class 0.

    Example::

        >>> model.compile(optimizer="adam", loss=tf.keras.losses.CTC())
        >>> float(CTC()(np.array([[1, 2]]), tf.zeros((1, 5, 3))))
    """

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        # labels stay integers: the float cast and rank alignment of other losses do not apply
        return self.fn(y_true, y_pred)

    def get_config(self):
        return Loss.get_config(self)
