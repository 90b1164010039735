"""Keras 2 backend CTC functions: ``ctc_batch_cost``, ``ctc_decode``, ``ctc_label_dense_to_sparse``.

These take softmax OUTPUTS (probabilities) with the blank as the last class, as
``keras.backend`` (tf.keras) did: the model ends in ``Dense(num_classes + 1, "softmax")``.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.ops import ctc as ctc_ops
from featherflow.ops import math as math_ops
from featherflow.ops import reshape as reshape_ops
from featherflow.ops._convert import data, operand
from featherflow.ops.softmax import log_softmax_array


def _column(x, name):
    """(batch, 1) or (batch,) lengths as an int64 vector."""
    a = np.asarray(data(x))
    if a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    if a.ndim != 1:
        raise ValueError(
            f"{name} must have shape (batch, 1) or (batch,), received {tuple(a.shape)}."
        )
    return a.astype(np.int64)


def ctc_label_dense_to_sparse(labels, label_lengths):
    """The first ``label_lengths[b]`` entries of each row of ``labels`` as a
    ``tf.SparseTensor`` (dense_shape = the labels' shape), as Keras 2's.

    Example::

        >>> ctc_label_dense_to_sparse(np.array([[1, 2, 0], [3, 0, 0]]), [2, 1]).values
    """
    lab = np.asarray(data(labels))
    lengths = _column(label_lengths, "ctc_label_dense_to_sparse: label_lengths")
    keep = np.arange(lab.shape[1])[None, :] < lengths[:, None]
    rows, cols = np.nonzero(keep)
    from featherflow.api.sparse_tensor import SparseTensor  # tf.SparseTensor, as Keras 2

    return SparseTensor(np.stack([rows, cols], axis=1).astype(np.int64), lab[rows, cols],
                        np.asarray(lab.shape, np.int64))


def ctc_batch_cost(y_true, y_pred, input_length, label_length):
    """CTC loss per sample from softmax outputs, as Keras 2's ``K.ctc_batch_cost``.

    ``y_true`` (batch, max_label_length) padded labels; ``y_pred`` (batch, time, classes)
    probabilities with the blank last; ``input_length`` and ``label_length`` (batch, 1).
    Returns (batch, 1). Probabilities are turned into logits with ``log(y_pred + epsilon)``,
    as Keras does, so the gradient reaches ``y_pred`` through that log.

    Example::

        >>> y_pred = tf.nn.softmax(tf.random.normal((2, 10, 5)))
        >>> cost = ctc_batch_cost(np.array([[1, 2], [3, 0]]), y_pred, [[10], [10]], [[2], [1]])
    """
    y_pred = operand(y_pred)
    if np.ndim(data(y_pred)) != 3:
        raise ValueError(
            f"ctc_batch_cost: y_pred must have shape (batch, time, classes), received "
            f"{tuple(np.shape(data(y_pred)))}."
        )
    eps = np.asarray(config.epsilon(), data(y_pred).dtype)
    logits = math_ops.log(math_ops.add(y_pred, eps))
    loss = ctc_ops.ctc_loss(np.asarray(data(y_true)), logits,
                      _column(label_length, "ctc_batch_cost: label_length"),
                      _column(input_length, "ctc_batch_cost: input_length"),
                      logits_time_major=False, blank_index=-1)
    return reshape_ops.expand_dims(loss, 1)


def ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1):
    """Decode softmax outputs (blank last), as Keras 2's ``K.ctc_decode``.

    Returns ``(decoded, log_prob)``: ``decoded`` a list (one entry, or ``top_paths`` with beam
    search) of (batch, time) int64 tensors padded with -1; ``log_prob`` (batch, 1) minus the
    summed best log-probabilities (greedy), or (batch, top_paths) path log-probabilities.
    Beam search returns each path's labels exactly; TensorFlow 1's decoder additionally merged
    equal neighbours in its output (so "aa" came back as "a"), which is not repeated here.

    Example::

        >>> decoded, log_prob = ctc_decode(y_pred, np.full(len(y_pred), y_pred.shape[1]))
        >>> decoded[0].numpy()   # labels, then -1
    """
    p = np.asarray(data(y_pred))
    if p.ndim != 3:
        raise ValueError(
            f"ctc_decode: y_pred must have shape (batch, time, classes), received "
            f"{tuple(p.shape)}."
        )
    B, T, K = p.shape
    lengths = _column(input_length, "ctc_decode: input_length")
    scores = np.log(p + np.asarray(config.epsilon(), p.dtype))
    blank = K - 1
    if greedy:
        seqs, neg = ctc_ops.greedy_decode(scores, lengths, blank)
        return [Tensor(ctc_ops._dense(seqs, B, T))], Tensor(neg[:, None].astype(p.dtype))
    found = ctc_ops.beam_search_decode(log_softmax_array(scores.astype(np.float64)), lengths, blank,
                                 beam_width, top_paths)
    decoded = [Tensor(ctc_ops._dense([f[k][0] for f in found], B, T)) for k in range(top_paths)]
    log_prob = np.array([[lp for _, lp in f] for f in found], p.dtype)
    return decoded, Tensor(log_prob)
