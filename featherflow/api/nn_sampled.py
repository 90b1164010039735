"""``tf.nn`` embedding lookups over sharded tables and the candidate-sampled losses.

- ``embedding_lookup(params, ids, max_norm=None)``: ``params`` is one tensor or a list of
  shards split with TensorFlow 2's "div" strategy (the first ``N % n`` shards hold one row
  more); ``max_norm`` clips each looked-up row to that L2 norm.
- ``embedding_lookup_sparse`` / ``safe_embedding_lookup_sparse``: a weighted ``sum``,
  ``mean`` or ``sqrtn`` of the rows a SparseTensor of ids names in each row.
- ``nce_loss`` and ``sampled_softmax_loss``: TensorFlow's ``_compute_sampled_logits``
  (true and sampled logits from the looked-up rows, accidental hits masked with ``-FLT_MAX``,
  ``log Q`` subtracted), then a sigmoid or softmax cross-entropy. The default sampler is
  ``log_uniform_candidate_sampler`` (unique), drawing TensorFlow's candidates for the same
  seeds, so losses equal TensorFlow's; all of it is differentiable in ``weights``, ``biases``
  and ``inputs``.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.errors import InvalidArgumentError

__all__ = ["embedding_lookup", "embedding_lookup_sparse", "nce_loss",
           "safe_embedding_lookup_sparse", "sampled_softmax_loss"]


def _tf():
    import featherflow

    return featherflow


def _t(x):
    return x if isinstance(x, Tensor) else _tf().convert_to_tensor(x)


def _shards(params):
    if isinstance(params, (list, tuple)):
        if not params:
            raise ValueError("embedding_lookup: `params` must be a tensor or a non-empty list "
                             "of tensors; received an empty list")
        return [_t(p) for p in params]
    return [_t(params)]


def _clip(rows, ids_rank, max_norm):
    if max_norm is None:
        return rows
    tf = _tf()
    axes = list(range(ids_rank, len(rows.shape)))
    return tf.clip_by_norm(rows, max_norm, axes=axes)


def embedding_lookup(params, ids, max_norm=None, name=None):
    """Rows of ``params`` (a tensor, or a list of "div"-partitioned shards) at ``ids``."""
    tf = _tf()
    shards = _shards(params)
    ids_t = _t(ids)
    ids_np = np.asarray(ids_t.data)
    if ids_np.dtype.kind not in "iu":
        raise TypeError(f"embedding_lookup: `ids` must be int32 or int64; received "
                        f"{ids_np.dtype.name}")
    if len(shards) == 1:
        return _clip(tf.gather(shards[0], ids_t), ids_np.ndim, max_norm)
    n = len(shards)
    total = sum(int(s.shape[0]) for s in shards)
    per, extras = divmod(total, n)
    flat = ids_np.reshape(-1).astype(np.int64)
    if flat.size and (flat.min() < 0 or flat.max() >= total):
        bad = int(flat[(flat < 0) | (flat >= total)][0])
        raise InvalidArgumentError(f"embedding_lookup: id {bad} is not in [0, {total}) (the "
                                   f"rows of the {n} shards of `params`)")
    with np.errstate(divide="ignore", invalid="ignore"):
        part = np.maximum(flat // (per + 1), (flat - extras) // per if per else flat * 0)
    local = np.where(part < extras, flat % (per + 1), (flat - extras) % per if per else 0)
    pieces, order = [], []
    for p in range(n):
        where = np.flatnonzero(part == p)
        if where.size:
            pieces.append(tf.gather(shards[p], Tensor(local[where].astype(np.int64))))
            order.append(where)
    if not pieces:
        rows = tf.zeros((0,) + tuple(shards[0].shape[1:]), shards[0].dtype)
    else:
        rows = tf.concat(pieces, 0)
        inverse = np.empty(flat.size, np.int64)
        inverse[np.concatenate(order)] = np.arange(flat.size)
        rows = tf.gather(rows, Tensor(inverse))
    rows = tf.reshape(rows, tuple(ids_np.shape) + tuple(shards[0].shape[1:]))
    return _clip(rows, ids_np.ndim, max_norm)


def embedding_lookup_sparse(params, sp_ids, sp_weights, combiner=None, max_norm=None,
                            name=None, allow_fast_lookup=False):
    """Per row of the SparseTensor ``sp_ids``, the ``combiner`` ("mean" by default, "sum",
    "sqrtn") of the rows it names, weighted by ``sp_weights`` (a SparseTensor with the same
    indices, or None for weight 1). Rows with no ids give zeros."""
    tf = _tf()
    combiner = combiner or "mean"
    if combiner not in ("mean", "sqrtn", "sum"):
        raise ValueError(f"combiner must be one of 'mean', 'sqrtn' or 'sum', got {combiner}")
    if not hasattr(sp_ids, "dense_shape"):
        raise TypeError(f"embedding_lookup_sparse: `sp_ids` must be a SparseTensor; received "
                        f"{type(sp_ids).__name__}")
    if sp_weights is not None and not hasattr(sp_weights, "dense_shape"):
        raise TypeError(f"embedding_lookup_sparse: `sp_weights` must be a SparseTensor or "
                        f"None; received {type(sp_weights).__name__}")
    segments = np.asarray(sp_ids.indices.data)[:, 0].astype(np.int64)
    rows_count = int(np.asarray(sp_ids.dense_shape.data)[0])
    ids = sp_ids.values
    unique, inverse = np.unique(np.asarray(ids.data).astype(np.int64), return_inverse=True)
    table = embedding_lookup(params, Tensor(unique), max_norm=max_norm)
    emb = tf.gather(table, Tensor(inverse.astype(np.int64)))
    seg = Tensor(segments)
    if sp_weights is None:
        weights = None
        summed = tf.math.unsorted_segment_sum(emb, seg, rows_count)
        if combiner == "sum":
            return summed
        counts = np.bincount(segments, minlength=rows_count).astype(np.asarray(emb.data).dtype)
        scale = counts if combiner == "mean" else np.sqrt(counts)
    else:
        weights = tf.cast(sp_weights.values, emb.dtype)
        weighted = emb * tf.reshape(weights, (-1,) + (1,) * (len(emb.shape) - 1))
        summed = tf.math.unsorted_segment_sum(weighted, seg, rows_count)
        if combiner == "sum":
            return summed
        w = np.asarray(weights.data)
        scale = np.bincount(segments, weights=w if combiner == "mean" else w * w,
                            minlength=rows_count).astype(w.dtype)
        if combiner == "sqrtn":
            scale = np.sqrt(scale)
    scale = scale.reshape((-1,) + (1,) * (len(summed.shape) - 1))
    return tf.math.divide_no_nan(summed, Tensor(scale))


def safe_embedding_lookup_sparse(embedding_weights, sparse_ids, sparse_weights=None,
                                 combiner="mean", default_id=None, max_norm=None, name=None,
                                 allow_fast_lookup=False):
    """``embedding_lookup_sparse`` that drops negative ids (and ids with weight <= 0), and
    gives empty rows ``default_id``'s row (zeros when ``default_id`` is None)."""
    tf = _tf()
    ids = np.asarray(sparse_ids.values.data)
    keep = ids >= 0
    if sparse_weights is not None:
        keep &= np.asarray(sparse_weights.values.data) > 0
    shape = np.asarray(sparse_ids.dense_shape.data).astype(np.int64)
    indices = np.asarray(sparse_ids.indices.data).astype(np.int64)
    if indices.shape[1] > 2:  # TF flattens the extra id dimensions into one
        rows = np.ravel_multi_index(tuple(indices[:, :-1].T), tuple(shape[:-1]))
        indices = np.stack([rows, indices[:, -1]], 1)
    batch_shape = tuple(int(d) for d in shape[:-1])
    n_rows = int(np.prod(batch_shape)) if batch_shape else 1
    idx, vals = indices[keep], ids[keep]
    w = None if sparse_weights is None else np.asarray(sparse_weights.values.data)[keep]
    empty = np.setdiff1d(np.arange(n_rows), idx[:, 0]) if n_rows else np.zeros(0, np.int64)
    if default_id is not None and empty.size:
        idx = np.concatenate([idx, np.stack([empty, np.zeros_like(empty)], 1)])
        vals = np.concatenate([vals, np.full(empty.size, default_id, vals.dtype)])
        if w is not None:
            w = np.concatenate([w, np.ones(empty.size, w.dtype)])
        order = np.lexsort((idx[:, 1], idx[:, 0]))
        idx, vals = idx[order], vals[order]
        w = None if w is None else w[order]
    dense = [n_rows, int(shape[-1])]
    sp_ids = tf.SparseTensor(idx, vals, dense)
    sp_w = None if w is None else tf.SparseTensor(idx, w, dense)
    out = embedding_lookup_sparse(embedding_weights, sp_ids, sp_w, combiner=combiner,
                                  max_norm=max_norm)
    if default_id is None and empty.size:
        mask = np.ones((n_rows,) + (1,) * (len(out.shape) - 1), np.asarray(out.data).dtype)
        mask[empty] = 0
        out = out * Tensor(mask)
    return tf.reshape(out, batch_shape + tuple(out.shape[1:]))


def _sum_rows(x):
    return _tf().reduce_sum(x, axis=1)


def _compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes,
                            num_true, sampled_values, subtract_log_q, remove_accidental_hits,
                            seed, where):
    tf = _tf()
    labels = _t(labels)
    if labels.dtype != np.int64:
        labels = tf.cast(labels, tf.int64)
    inputs = _t(inputs)
    if len(inputs.shape) != 2:
        raise ValueError(f"{where}: `inputs` must be [batch_size, dim]; received shape "
                         f"{list(inputs.shape)}")
    if len(labels.shape) != 2 or int(labels.shape[1]) != num_true:
        raise ValueError(f"{where}: `labels` must be [batch_size, num_true={num_true}]; "
                         f"received shape {list(labels.shape)}")
    labels_flat = tf.reshape(labels, (-1,))
    if sampled_values is None:
        from featherflow.api.random_candidates import log_uniform_candidate_sampler

        sampled_values = log_uniform_candidate_sampler(
            true_classes=labels, num_true=num_true, num_sampled=num_sampled, unique=True,
            range_max=num_classes, seed=seed)
    sampled, true_expected, sampled_expected = (tf.stop_gradient(_t(s)) for s in sampled_values)
    sampled = tf.cast(sampled, tf.int64)
    all_ids = tf.concat([labels_flat, sampled], 0)
    n_true = int(labels_flat.shape[0])
    all_w = embedding_lookup(weights, all_ids)
    true_w, sampled_w = all_w[:n_true], all_w[n_true:]
    sampled_logits = tf.matmul(inputs, sampled_w, transpose_b=True)
    all_b = embedding_lookup(biases, all_ids)
    true_b, sampled_b = all_b[:n_true], all_b[n_true:]
    dim = int(true_w.shape[1])
    true_w = tf.reshape(true_w, (-1, num_true, dim))
    true_logits = tf.reduce_sum(tf.expand_dims(inputs, 1) * true_w, axis=2)
    true_logits = true_logits + tf.reshape(true_b, (-1, num_true))
    sampled_logits = sampled_logits + sampled_b
    if remove_accidental_hits:
        from featherflow.api.random_candidates import compute_accidental_hits

        acc_indices, acc_ids, acc_weights = compute_accidental_hits(labels, sampled, num_true)
        mask = np.zeros(tuple(sampled_logits.shape), np.asarray(sampled_logits.data).dtype)
        np.add.at(mask, (np.asarray(acc_indices.data).astype(np.int64),
                         np.asarray(acc_ids.data).astype(np.int64)),
                  np.asarray(acc_weights.data).astype(mask.dtype))
        sampled_logits = sampled_logits + Tensor(mask)
    if subtract_log_q:
        true_logits = true_logits - tf.math.log(tf.cast(true_expected, true_logits.dtype))
        sampled_logits = sampled_logits - tf.math.log(tf.cast(sampled_expected,
                                                              sampled_logits.dtype))
    logits = tf.concat([true_logits, sampled_logits], 1)
    targets = tf.concat([tf.ones_like(true_logits) / num_true, tf.zeros_like(sampled_logits)], 1)
    return logits, targets


def nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
             sampled_values=None, remove_accidental_hits=False, name="nce_loss"):
    """Noise-contrastive estimation loss per example ``[batch_size]``: sigmoid cross-entropy
    of the true class(es) (target ``1/num_true``) and ``num_sampled`` sampled classes
    (target 0), with ``log Q`` subtracted from each logit."""
    tf = _tf()
    logits, targets = _compute_sampled_logits(
        weights, biases, labels, inputs, num_sampled, num_classes, num_true, sampled_values,
        True, remove_accidental_hits, None, "nce_loss")
    losses = tf.nn.sigmoid_cross_entropy_with_logits(labels=targets, logits=logits)
    return _sum_rows(losses)


def sampled_softmax_loss(weights, biases, labels, inputs, num_sampled, num_classes,
                         num_true=1, sampled_values=None, remove_accidental_hits=True,
                         seed=None, name="sampled_softmax_loss"):
    """Softmax cross-entropy over the true class(es) and ``num_sampled`` sampled classes,
    per example ``[batch_size]`` (a training-time stand-in for a full softmax over
    ``num_classes``)."""
    tf = _tf()
    logits, targets = _compute_sampled_logits(
        weights, biases, labels, inputs, num_sampled, num_classes, num_true, sampled_values,
        True, remove_accidental_hits, seed, "sampled_softmax_loss")
    targets = tf.stop_gradient(targets)
    return tf.nn.softmax_cross_entropy_with_logits(labels=targets, logits=logits)

