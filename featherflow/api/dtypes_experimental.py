"""``tf.dtypes.experimental``: TF's low-precision DTypes (float8 variants, float4_e2m1fn,
int4/uint4, int2/uint2), with TF's enums, sizes, ``is_*`` answers and ranges. As for
``tf.bfloat16``, NumPy arrays of them need the optional ``ml_dtypes`` package
(``as_numpy_dtype`` imports it); featherflow's ops compute in float16/32/64, so these are
for naming, checking and converting dtypes.

    >>> tf.dtypes.experimental.float8_e4m3fn.max
    np.float32(448.0)
"""

from featherflow.api.dtypes import as_dtype

__all__ = ["float4_e2m1fn", "float8_e4m3b11fnuz", "float8_e4m3fn", "float8_e4m3fnuz",
           "float8_e5m2", "float8_e5m2fnuz", "int2", "int4", "uint2", "uint4"]

float4_e2m1fn = as_dtype("float4_e2m1fn")
float8_e4m3b11fnuz = as_dtype("float8_e4m3b11fnuz")
float8_e4m3fn = as_dtype("float8_e4m3fn")
float8_e4m3fnuz = as_dtype("float8_e4m3fnuz")
float8_e5m2 = as_dtype("float8_e5m2")
float8_e5m2fnuz = as_dtype("float8_e5m2fnuz")
int2 = as_dtype("int2")
int4 = as_dtype("int4")
uint2 = as_dtype("uint2")
uint4 = as_dtype("uint4")
