"""``tf.nn.ctc_greedy_decoder``, ``tf.nn.ctc_beam_search_decoder`` and
``tf.nn.ctc_unique_labels``, as TensorFlow 2's.

The decoders take time-major logits ``[max_time, batch, num_classes]`` and int32
``sequence_length [batch]``, and return ``([SparseTensor, ...], log_probabilities)``: the
greedy decoder one SparseTensor (argmax path, repeats merged when ``merge_repeated``, blanks
dropped) and ``-sum(max logit)`` per sequence; the beam search ``top_paths`` SparseTensors
(TensorFlow 2 never merges repeats there) and each path's log-probability. The blank is the last
class (``blank_index`` moves it for the greedy decoder, as TensorFlow does). They share their
search with ``keras.ops.ctc_decode`` (featherflow/ops/ctc.py), which is checked against Keras.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.errors import FailedPreconditionError, InvalidArgumentError

__all__ = ["ctc_beam_search_decoder", "ctc_greedy_decoder", "ctc_unique_labels"]


def _inputs(inputs, sequence_length, op):
    x = np.asarray(inputs.data if isinstance(inputs, Tensor) else inputs)
    if x.ndim != 3:
        raise InvalidArgumentError(f"{op}: inputs must be a 3-D [max_time, batch, num_classes] "
                                   f"tensor; received shape {list(x.shape)}")
    if x.dtype.kind != "f":
        x = x.astype(np.float32)
    T, B, _ = x.shape
    lengths = np.asarray(sequence_length.data if isinstance(sequence_length, Tensor)
                         else sequence_length).reshape(-1)
    if lengths.shape != (B,):
        raise FailedPreconditionError(f"{op}: len(sequence_length) != batch_size: "
                                      f"{lengths.size} vs. {B}")
    for b, n in enumerate(lengths.tolist()):
        if n > T:
            raise FailedPreconditionError(f"{op}: sequence_length({b}) <= {T}, received {n}")
        if n < 0:
            raise InvalidArgumentError(f"{op}: sequence_length({b}) must be >= 0, received {n}")
    return np.ascontiguousarray(x.transpose(1, 0, 2)), lengths.astype(np.int64)


def _sparse(seqs, batch):
    from featherflow.api.sparse_tensor import SparseTensor

    rows = [np.full(len(s), b, np.int64) for b, s in enumerate(seqs)]
    cols = [np.arange(len(s), dtype=np.int64) for s in seqs]
    indices = np.stack([np.concatenate(rows), np.concatenate(cols)], 1) if seqs else \
        np.zeros((0, 2), np.int64)
    values = np.concatenate(seqs).astype(np.int64) if seqs else np.zeros(0, np.int64)
    width = max((len(s) for s in seqs), default=0)
    return SparseTensor(indices.reshape(-1, 2), values, np.array([batch, width], np.int64))


def ctc_greedy_decoder(inputs, sequence_length, merge_repeated=True, blank_index=None):
    """Best-path decoding of time-major logits: ``([SparseTensor], neg_sum_logits [batch, 1])``."""
    from featherflow.ops import ctc

    x, lengths = _inputs(inputs, sequence_length, "ctc_greedy_decoder")
    B, _, C = x.shape
    if blank_index is not None:
        blank = int(blank_index) + C if int(blank_index) < 0 else int(blank_index)
        if not 0 <= blank < C:
            raise InvalidArgumentError(f"ctc_greedy_decoder: blank_index must be in "
                                       f"[-{C}, {C}); received {blank_index}")
        order = [c for c in range(C) if c != blank] + [blank]
        x = x[:, :, order]
    seqs, neg = ctc.greedy_decode(x, lengths, C - 1, merge_repeated)
    if blank_index is not None:
        seqs = [np.where(s >= blank, s + 1, s) for s in seqs]
    return [_sparse(seqs, B)], Tensor(neg[:, None].astype(x.dtype))


def ctc_beam_search_decoder(inputs, sequence_length, beam_width=100, top_paths=1):
    """Prefix beam search of time-major logits: ``(top_paths SparseTensors,
    log_probabilities [batch, top_paths])``."""
    from featherflow.ops import ctc
    from featherflow.ops.softmax import log_softmax_array

    x, lengths = _inputs(inputs, sequence_length, "ctc_beam_search_decoder")
    B, _, C = x.shape
    if int(beam_width) < 1 or int(top_paths) < 1:
        raise InvalidArgumentError(f"ctc_beam_search_decoder: beam_width and top_paths must be "
                                   f">= 1; received {beam_width} and {top_paths}")
    if int(top_paths) > int(beam_width):
        raise InvalidArgumentError(f"ctc_beam_search_decoder: top_paths ({top_paths}) must be "
                                   f"<= beam_width ({beam_width})")
    found = ctc.beam_search_decode(log_softmax_array(x.astype(np.float64)), lengths, C - 1,
                                   int(beam_width), int(top_paths))
    decoded = [_sparse([np.asarray(f[k][0], np.int64) for f in found], B)
               for k in range(int(top_paths))]
    log_prob = np.array([[p for _, p in f] for f in found], x.dtype).reshape(B, int(top_paths))
    return decoded, Tensor(log_prob)


def ctc_unique_labels(labels, name=None):
    """Per row of ``labels [batch, max_len]``: its unique labels in first-seen order, padded
    with 0 (int64), and each label's index among them (int32)."""
    a = np.asarray(labels.data if isinstance(labels, Tensor) else labels)
    if a.ndim != 2:
        raise InvalidArgumentError(f"ctc_unique_labels: labels must be [batch, max_length]; "
                                   f"received shape {list(a.shape)}")
    uniq = np.zeros(a.shape, np.int64)
    idx = np.zeros(a.shape, np.int32)
    for b, row in enumerate(a.tolist()):
        seen = {}
        for t, v in enumerate(row):
            idx[b, t] = seen.setdefault(v, len(seen))
        uniq[b, :len(seen)] = list(seen)
    return Tensor(uniq), Tensor(idx)
