"""Self-attention's four projections as two GEMMs: MultiHeadAttention's fast path.

When the query, key and value are one tensor (self-attention), the three input projections
are one ``x @ [Wq | Wk | Wv] + [bq | bk | bv]`` (a (B*T, 3*N*H) GEMM with its bias, one tape
node), the attention primitive reads q, k and v from that packed array and hands back one
packed gradient, and the output projection is one dense node. Against the four EinsumDense
calls this saves the four bias additions and their backward sums, the gradient sum of the
three uses of ``x``, and runs fewer, larger GEMMs. The kernels are the layer's own
variables (concatenated per call), so weights, names and saved files do not change; the
numbers equal the EinsumDense path within float32 rounding (tests/layers/test_attention.py).
"""

from featherflow import activations
from featherflow.autodiff.tensor import Tensor
from featherflow.graph import KerasTensor
from featherflow.ops import attention as attention_ops
from featherflow.ops.concat import concat
from featherflow.ops.dense import dense
from featherflow.ops.reshape import reshape

#: set to False to always run the four EinsumDense sublayers (tests compare both)
ENABLED = True


def applies(layer, query, value, key):
    """True when ``layer`` (a built MultiHeadAttention) may run :func:`self_attention`."""
    if not ENABLED or value is not query or (key is not None and key is not value):
        return False
    if not isinstance(query, Tensor) or isinstance(query, KerasTensor):
        return False
    x = query.data
    if x.ndim != 3 or x.dtype.kind != "f" or layer._attention_axes != (1,):
        return False
    if (layer._use_gate or not layer._use_bias or layer._flash_attention
            or layer._key_dim != layer._value_dim or layer._output_shape_arg is not None):
        return False
    for sub in (layer.query_dense, layer.key_dense, layer.value_dense, layer.output_dense):
        if (sub.activation is not activations.linear or sub.activity_regularizer is not None
                or sub._kernel is None or sub.bias is None or sub._kernel.dtype != x.dtype
                or sub.bias.dtype != x.dtype):
            return False
    return True


def self_attention(layer, query, attention_mask, training, return_attention_scores):
    """``(output, scores)`` of ``layer`` on ``query`` as query, key and value."""
    x = query.data
    batch, length, width = x.shape
    heads, size = layer._num_heads, layer._key_dim
    inner = heads * size
    subs = (layer.query_dense, layer.key_dense, layer.value_dense)
    kernel = concat([reshape(s._kernel, (width, inner)) for s in subs], axis=1)
    bias = concat([reshape(s.bias, (inner,)) for s in subs], axis=0)
    qkv = reshape(dense(query, kernel, bias), (batch, length, 3, heads, size))
    op, mask = layer._dot_product_op((batch, heads, length, length), x.dtype, attention_mask,
                                     training, return_attention_scores,
                                     attention_ops.PackedDotProductAttention)
    out, scores = op(qkv)
    layer._scores_mask = mask if return_attention_scores else None
    out_dense = layer.output_dense
    units = out_dense._kernel.shape[-1]
    y = dense(reshape(out, (batch, length, inner)), reshape(out_dense._kernel, (inner, units)),
              out_dense.bias)
    return y, scores

