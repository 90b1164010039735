"""Connectionist Temporal Classification: the loss as one primitive, and the decoders.

The loss runs the forward (alpha) and backward (beta) recursions of Graves et al. (2006) in
log space and float64, vectorized over the batch (the loop is over time only), on the label
sequence extended with blanks: ``blank, l1, blank, l2, ..., blank``. The gradient with respect
to the logits is ``softmax(logits) - occupancy``, where the occupancy of class k at time t is
the posterior probability that an alignment emits k there.
"""

import math

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.autodiff.tensor import Tensor
from featherflow.ops._convert import data, operand
from featherflow.ops.softmax import log_softmax_array

_NEG_INF = -np.inf


def _logsumexp3(a, b, c):
    m = np.maximum(np.maximum(a, b), c)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        return m + np.log(np.exp(a - m) + np.exp(b - m) + np.exp(c - m))


def _shift(a, k, fill=_NEG_INF):
    """``a`` moved ``k`` places right (k > 0) or left (k < 0) along the last axis."""
    out = np.full_like(a, fill)
    if k > 0:
        out[..., k:] = a[..., :-k]
    else:
        out[..., :k] = a[..., -k:]
    return out


def _lengths(x, batch, name):
    a = np.asarray(data(x))
    if a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    if a.shape != (batch,):
        raise ValueError(
            f"ctc_loss: {name} must have shape (batch,) = ({batch},), received "
            f"{tuple(a.shape)}."
        )
    return a.astype(np.int64)


def check_labels(labels, label_length, logit_length, num_classes, blank, max_time):
    """Validate CTC labels; raise a clear error for impossible or malformed cases."""
    batch, width = labels.shape
    for b in range(batch):
        n, t = int(label_length[b]), int(logit_length[b])
        if not 0 <= n <= width:
            raise ValueError(
                f"ctc_loss: label_length[{b}] = {n} is outside [0, {width}] (the padded label "
                f"width)."
            )
        if not 1 <= t <= max_time:
            raise ValueError(
                f"ctc_loss: logit_length[{b}] = {t} is outside [1, {max_time}] (the number of "
                f"time steps)."
            )
        seq = labels[b, :n]
        bad = (seq < 0) | (seq >= num_classes) | (seq == blank)
        if bad.any():
            raise ValueError(
                f"ctc_loss: sample {b} has label {int(seq[bad][0])}; labels must be class "
                f"indices in [0, {num_classes}) other than the blank index {blank}."
            )
        repeats = int(np.sum(seq[1:] == seq[:-1]))
        if n + repeats > t:
            raise ValueError(
                f"ctc_loss: sample {b} has a label of length {n} with {repeats} repeated "
                f"neighbour(s), which needs at least {n + repeats} time steps (a blank must "
                f"separate repeats), but its input has {t}. Use longer inputs (less "
                f"downsampling) or shorter labels."
            )


class CTCLoss(Function):
    """Per-sample CTC negative log-likelihood of ``labels`` given ``logits`` (B, T, C).

    Inputs: logits (B, T, C) (unnormalized; a log-softmax is applied), labels (B, L) ints
    padded beyond ``label_length``, label_length (B,), logit_length (B,). Output: (B,).
    Only the logits get a gradient.

    Example::

        >>> fn = CTCLoss(blank=2)
        >>> loss = fn(tf.zeros((1, 2, 3)), np.array([[0]]), np.array([1]), np.array([2]))
    """

    def __init__(self, blank=-1):
        self.blank = blank

    def forward(self, logits, labels, label_length, logit_length):
        B, T, C = logits.shape
        blank = self.blank % C
        labels = np.asarray(labels).astype(np.int64, copy=False)
        check_labels(labels, label_length, logit_length, C, blank, T)
        L = labels.shape[1]
        S = 2 * L + 1
        # extended labels; padded positions read the blank column (never reach the answer)
        ext = np.full((B, S), blank, np.int64)
        valid = np.arange(L)[None, :] < label_length[:, None]
        ext[:, 1::2] = np.where(valid, labels, blank)
        skip = np.zeros((B, S), bool)
        skip[:, 3::2] = ext[:, 3::2] != ext[:, 1:-2:2]
        lp = log_softmax_array(logits.astype(np.float64))
        emit = np.take_along_axis(lp, np.broadcast_to(ext[:, None, :], (B, T, S)), axis=2)
        emit = np.ascontiguousarray(emit.transpose(1, 0, 2))
        alpha = np.full((T, B, S), _NEG_INF)
        alpha[0, :, :2] = emit[0, :, :2]
        live = np.arange(T)[:, None] < logit_length[None, :]
        for t in range(1, T):
            prev = alpha[t - 1]
            step = _logsumexp3(prev, _shift(prev, 1), np.where(skip, _shift(prev, 2), _NEG_INF))
            step += emit[t]
            alpha[t] = np.where(live[t][:, None], step, prev)
        ends = 2 * label_length
        rows = np.arange(B)
        last = alpha[-1]
        tail = np.where(ends >= 1, last[rows, np.maximum(ends - 1, 0)], _NEG_INF)
        ll = np.logaddexp(last[rows, ends], tail)
        self.saved = (lp, emit, alpha, ext, skip, ends, ll, live)
        self.shape = (B, T, C, S)
        self.dtype = logits.dtype
        return (-ll).astype(logits.dtype)

    def backward(self, g):
        lp, emit, alpha, ext, skip, ends, ll, live = self.saved
        B, T, C, S = self.shape
        rows = np.arange(B)
        # beta excludes the emission at t: alpha * beta is the mass of paths through (t, s)
        init = np.full((B, S), _NEG_INF)
        init[rows, ends] = 0.0
        init[rows[ends >= 1], ends[ends >= 1] - 1] = 0.0
        beta = np.empty((T, B, S))
        beta[-1] = init
        skip_next = _shift(skip, -2, False)
        inner = np.arange(T)[:, None] < (live.sum(axis=0) - 1)[None, :]
        for t in range(T - 2, -1, -1):
            nxt = beta[t + 1] + emit[t + 1]
            step = _logsumexp3(nxt, _shift(nxt, -1), np.where(skip_next, _shift(nxt, -2),
                                                                _NEG_INF))
            beta[t] = np.where(inner[t][:, None], step, init)
        post = np.exp(alpha + beta - ll[None, :, None]) * live[:, :, None]
        onehot = np.zeros((B, S, C))
        onehot[rows[:, None], np.arange(S)[None, :], ext] = 1.0
        occupancy = np.matmul(post.transpose(1, 0, 2), onehot)
        grad = (np.exp(lp) * live.T[:, :, None] - occupancy) * np.asarray(g)[:, None, None]
        return grad.astype(self.dtype), None, None, None


def _dense_labels(labels):
    """Dense labels and lengths from a SparseTensor-like (indices, values, dense_shape)."""
    shape = tuple(int(d) for d in np.asarray(labels.dense_shape))
    idx = np.asarray(labels.indices).astype(np.int64)
    dense = np.zeros(shape, np.int64)
    dense[idx[:, 0], idx[:, 1]] = np.asarray(labels.values)
    lengths = np.zeros(shape[0], np.int64)
    np.maximum.at(lengths, idx[:, 0], idx[:, 1] + 1)
    return dense, lengths


def ctc_loss(labels, logits, label_length, logit_length, logits_time_major=True, unique=None,
             blank_index=None, name=None):
    """CTC loss per sample, as ``tf.nn.ctc_loss`` (blank 0 by default, time-major logits).

    ``labels``: (batch, max_label_length) ints padded past ``label_length``, or a sparse tensor
    (with ``indices``, ``values``, ``dense_shape``; ``label_length`` may then be None).
    ``logits``: (time, batch, classes), or (batch, time, classes) with
    ``logits_time_major=False``. ``blank_index`` may be negative (-1: the last class).

    Example::

        >>> loss = tf.nn.ctc_loss(np.array([[1, 2]]), tf.zeros((1, 5, 4)), [2], [5],
        ...                       logits_time_major=False)
    """
    logits = operand(logits)
    shape = np.shape(data(logits))
    if len(shape) != 3:
        raise ValueError(
            f"ctc_loss: logits must have rank 3 (time, batch, classes) or (batch, time, "
            f"classes) with logits_time_major=False, received shape {tuple(shape)}."
        )
    if logits_time_major:
        from featherflow.ops.reshape import transpose

        logits = transpose(logits, (1, 0, 2))
        shape = (shape[1], shape[0], shape[2])
    if hasattr(labels, "indices") and hasattr(labels, "dense_shape"):
        labels, label_length = _dense_labels(labels)
    lab = np.asarray(data(labels))
    if lab.dtype.kind == "f":
        lab = lab.astype(np.int64)
    if lab.ndim != 2 or lab.shape[0] != shape[0]:
        raise ValueError(
            f"ctc_loss: labels must have shape (batch, max_label_length) with batch "
            f"{shape[0]}, received {tuple(lab.shape)}."
        )
    label_length = _lengths(label_length, shape[0], "label_length")
    logit_length = _lengths(logit_length, shape[0], "logit_length")
    blank = 0 if blank_index is None else int(blank_index)
    return CTCLoss(blank)(logits, lab, label_length, logit_length)


def keras_ctc_loss(target, output, target_length, output_length, mask_index=0):
    """``keras.ops.ctc_loss``: logits (batch, time, classes), blank ``mask_index`` (0)."""
    return ctc_loss(target, output, target_length, output_length, logits_time_major=False,
                    blank_index=mask_index)


# -- decoding -------------------------------------------------------------------------------
def greedy_decode(scores, lengths, blank, merge_repeated=True):
    """Best-path decoding: per sample the argmax class per step, merged, blanks dropped.

    Returns ``(sequences, neg_sum)``: a list of int arrays and, per sample, minus the sum of the
    best score at each step (TensorFlow's ``neg_sum_logits``).
    """
    best = np.argmax(scores, axis=-1)
    top = np.take_along_axis(scores, best[..., None], axis=-1)[..., 0]
    seqs, neg = [], np.zeros(scores.shape[0], np.float64)
    for b in range(scores.shape[0]):
        n = int(lengths[b])
        path = best[b, :n]
        neg[b] = -float(np.sum(top[b, :n], dtype=np.float64))
        keep = path != blank
        if merge_repeated:
            keep &= np.concatenate([[True], path[1:] != path[:-1]])
        seqs.append(path[keep].astype(np.int64))
    return seqs, neg


class _Beam:
    """One prefix of TensorFlow's CTC beam search: its last label, parent and children, and
    the log-probabilities (ending in a blank, in its label, total) before and after a step."""

    __slots__ = ("parent", "label", "children", "old", "new")

    def __init__(self, parent, label):
        self.parent, self.label, self.children = parent, label, {}
        self.old = [_NEG_INF, _NEG_INF, _NEG_INF]   # blank, label, total
        self.new = [_NEG_INF, _NEG_INF, _NEG_INF]

    def active(self):
        return self.new[2] != _NEG_INF

    def child(self, label):
        c = self.children.get(label)
        if c is None:
            c = self.children[label] = _Beam(self, label)
        return c

    def labels(self):
        out, e = [], self
        while e.parent is not None:
            out.append(e.label)
            e = e.parent
        return out[::-1]


def _logaddexp(a, b):
    if a == _NEG_INF:
        return b
    if b == _NEG_INF:
        return a
    m = a if a > b else b
    return m + math.log1p(math.exp(-abs(a - b)))


class _Leaves:
    """TensorFlow's ``TopN`` of beams by total log-probability (at most ``limit``)."""

    def __init__(self, limit):
        self.limit, self.items = limit, []

    def __len__(self):
        return len(self.items)

    def bottom(self):
        return min(self.items, key=lambda e: e.new[2])

    def push(self, entry):
        if len(self.items) < self.limit:
            self.items.append(entry)
            return
        low = self.bottom()
        if entry.new[2] > low.new[2]:
            self.items.remove(low)
            self.items.append(entry)

    def extract(self):
        out = sorted(self.items, key=lambda e: -e.new[2])
        self.items = []
        return out


def beam_search_decode(log_probs, lengths, blank, beam_width=100, top_paths=1):
    """TensorFlow's CTC beam search (``CTCBeamSearchDecoder``, no label selection, no
    scorer) over normalized log-probabilities (batch, time, classes).

    Beams are prefixes kept in a top-``beam_width`` set: each step first advances every kept
    beam (staying on its label, or entered from its parent while the parent is still kept),
    then grows children of the beams that could still enter the set, evicting the lowest.
    Returns per sample ``top_paths`` pairs ``(labels, log_probability)``, best first, exactly
    as TensorFlow's ``tf.nn.ctc_beam_search_decoder`` (repeats never merged).
    """
    if top_paths > beam_width:
        raise ValueError(
            f"ctc_decode: top_paths ({top_paths}) must not exceed beam_width ({beam_width})."
        )
    classes = [c for c in range(log_probs.shape[-1]) if c != blank]
    results = []
    for b in range(log_probs.shape[0]):
        root = _Beam(None, -1)
        root.new = [0.0, _NEG_INF, 0.0]
        leaves = _Leaves(beam_width)
        leaves.push(root)
        for t in range(int(lengths[b])):
            x = log_probs[b, t].astype(np.float64).tolist()
            branches = leaves.extract()
            for e in branches:
                e.old = list(e.new)
            for e in branches:
                if e.parent is not None:
                    if e.parent.active():
                        prev = e.parent.old[0] if e.label == e.parent.label else e.parent.old[2]
                        e.new[1] = _logaddexp(e.new[1], prev)
                    e.new[1] += x[e.label]
                e.new[0] = e.old[2] + x[blank]
                e.new[2] = _logaddexp(e.new[0], e.new[1])
                leaves.push(e)

            def candidate(total, leaves=leaves):
                return total > _NEG_INF and (len(leaves) < beam_width
                                             or total > leaves.bottom().new[2])

            for e in branches:
                if not candidate(e.old[2]):
                    continue
                for label in classes:
                    c = e.child(label)
                    if c.active():
                        continue
                    c.new[0] = _NEG_INF
                    prev = e.old[0] if label == e.label else e.old[2]
                    c.new[1] = x[label] + prev
                    c.new[2] = c.new[1]
                    if candidate(c.new[2]):
                        if len(leaves) == beam_width:
                            leaves.bottom().new = [_NEG_INF, _NEG_INF, _NEG_INF]
                        leaves.push(c)
                    else:
                        c.old = [_NEG_INF, _NEG_INF, _NEG_INF]
                        c.new = [_NEG_INF, _NEG_INF, _NEG_INF]
        if len(leaves) < top_paths:
            from featherflow.errors import InvalidArgumentError

            raise InvalidArgumentError(
                f"Less leaves in the beam search than requested: sample {b} kept "
                f"{len(leaves)} beam(s) and top_paths is {top_paths} (a short or empty "
                "sequence has few prefixes; ask for fewer paths)")
        best = leaves.extract()[:top_paths]
        results.append([(np.array(e.labels(), np.int64), float(e.new[2])) for e in best])
    return results


def _dense(seqs, batch, steps):
    out = np.full((batch, steps), -1, np.int64)
    for b, s in enumerate(seqs):
        out[b, : len(s)] = s
    return out


def keras_ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
                     merge_repeated=True, mask_index=0):
    """``keras.ops.ctc_decode`` on logits (batch, time, classes) with blank ``mask_index``.

    Returns ``(decoded, scores)``: decoded (paths, batch, time) int32 padded with -1; scores
    (batch, 1) minus the summed best logits (greedy) or (batch, top_paths) log-probabilities
    (beam search).
    """
    x = np.asarray(data(inputs))
    B, T, C = x.shape
    lengths = np.asarray(data(sequence_lengths)).reshape(-1)
    blank = int(mask_index) % C
    if strategy == "greedy":
        seqs, neg = greedy_decode(x, lengths, blank, merge_repeated)
        return (Tensor(_dense(seqs, B, T)[None].astype(np.int32)),
                Tensor(neg[:, None].astype(x.dtype)))
    if strategy == "beam_search":
        found = beam_search_decode(log_softmax_array(x.astype(np.float64)), lengths, blank,
                                   beam_width, top_paths)
        decoded = np.stack([_dense([f[k][0] for f in found], B, T) for k in range(top_paths)])
        scores = np.array([[p for _, p in f] for f in found])
        return Tensor(decoded.astype(np.int32)), Tensor(scores.astype(x.dtype))
    raise ValueError(
        f"ctc_decode: strategy must be 'greedy' or 'beam_search', received {strategy!r}."
    )
