"""Write tests/fixtures/keras/README.md: how to regenerate, key conventions, a full file index."""

from __future__ import annotations

import json
import platform
import zipfile

import numpy as np

from .common import OUT, save_json

INTRO = """\
# Reference fixtures from real Keras

Everything here was computed by real TensorFlow/Keras so featherflow's tests can compare against
it with NumPy alone (helper: `tests/fixtures/keras_loader.py`). Do not edit by hand: regenerate.

## Regenerate

```bash
cd /work/main
# once: a TensorFlow venv (never a featherflow dependency) with h5py and tf_keras
python -m venv /work/venv-tf && /work/venv-tf/bin/pip install tensorflow-cpu h5py tf_keras
/work/venv-tf/bin/python tools/make_keras_fixtures.py              # all groups (~1 minute)
/work/venv-tf/bin/python tools/make_keras_fixtures.py layers ctc   # some groups (+ README)
```

Groups: `layers` (also writes `activations/`), `losses`, `optimizers` (also `schedules/`),
`metrics`, `initializers`, `ctc`, `models` (Keras 3 files), `models_tf_keras` (Keras 2 files).
A group's folders are deleted and rewritten; the README is always rebuilt. Seeds come from each
case's name (`crc32(name)`), so cases never shift each other's random data, and `.npz` files
are written with fixed zip timestamps: rerunning with the same versions gives identical `.npz`
bytes. (`.h5`/`.keras` files embed save dates, so only their contents repeat.)

Versions used for the files in this folder: VERSIONS

## Conventions

- `.npz` files hold no pickles: `np.load(path, allow_pickle=False)`. Strings are 0-d unicode
  arrays; the keys `config`, `call_kwargs`, `kwargs`, `weight_names`, `state_names`, `variables`,
  `files`, `optimizer_state_names`, `serialized` hold JSON (`keras_loader.load` decodes them).
- dtype: float64 everywhere Keras can compute in float64 (`keras.config.set_floatx("float64")`,
  so configs show `"dtype": {"class_name": "DTypePolicy", "config": {"name": "float64"}}`):
  compare outputs at rtol 1e-5 and gradients at 1e-4. Exceptions, stored as float32 because
  TensorFlow has no float64 kernel: `ctc/*` and the `y_pred*` of the two top-k metrics; the
  model files are float32 on purpose (that is what saved models hold).
- One array is stored as `x`/`y`/`r`/`dx`; several as `x0, x1, ...` (`keras_loader.stacked`
  reads both forms).
- Layer gradients are of the scalar `L = sum_k sum(y_k * r_k)` over all outputs `y_k` with the
  stored random `r_k` (`loss` holds L). `dw<i>` is dL/d(weight i) in `get_weights()` order;
  it is absent for non-trainable weights (BatchNormalization moving statistics).
- Layer weights were replaced by seeded random values (`N(0, 0.5)`; moving variance
  `U(0.5, 1.5)`) after building, so they do not depend on Keras's initializers.
- Auto-generated names (`"dense"`, `"lstm"`) come from a fresh Keras session per case.

## Groups and keys

### `layers/<case>.npz` (Keras 3 layer on a fixed input)
`class_name`, `config` (layer.get_config()), `call_kwargs` (e.g. `{"training": true}`),
`weight_names` (last path part of each weight, get_weights order), `x`/`x<i>` inputs,
`w<i>` weights, `y`/`y<i>` outputs (RNN `return_state`: `y0` output, then the states),
`r`/`r<i>`, `loss`, `dx`/`dx<i>`, `dw<i>`. Optional: `mask` (boolean mask passed as
`mask=`), `s<i>`/`ds<i>` (initial states passed as `initial_state=` and their gradients),
`y_mask` (the layer's `compute_mask`, e.g. Embedding `mask_zero`, Masking),
BatchNormalization training cases: `w_after<i>` (weights incl. moving statistics after the
one `training=True` call) and `y_infer` (a `training=False` call afterwards),
`note` (for derived cases).
`*_channels_first` convolutions are DERIVED: TensorFlow's CPU conv kernels reject NCHW, so
the same layer was run channels_last with the same weights and `x`, `y`, `r`, `dx` were
transposed; `config` is the channels_first layer's config. Pooling runs channels_first on CPU,
so `*pooling2d_channels_first` are real Keras results.
RNN masks: rows are full, post-padded and pre-padded (`mask[2] = [0, 0, 1, 1, 1]`). Keras
semantics (checked against a NumPy re-implementation): on a masked step the states are kept
and, with `return_sequences`, the output repeats the previous step's output (zeros before the
first valid step), not zeros. With `go_backwards=True` the sequence output is in processing
order (the first output belongs to the last time step).

### `activations/<case>.npz` (a function of `keras.activations`)
`function` (attribute name), `kwargs`, `x` (3x12; avoids every kink), `y`, `r`, `dx` (of
sum(y*r)); `x_edge` (2x6: exactly 0, +-0.5, +-1, +-2.5, +-3, 6, +-0.2), `y_edge`, `dx_edge`
(gradient of sum(y_edge): Keras's own convention at kinks).

### `losses/<case>.npz`
`class_name`, `function`, `kwargs` (passed to both), `config` (class get_config()),
`y_true`, `y_pred`, `sample_weight` (one zero weight), `per_sample` (the function),
`per_sample_none` (class with `reduction=None`), `value` (class, default
`sum_over_batch_size`), `value_sw` (with `sample_weight`), `value_sum` (`reduction="sum"`),
`dy_pred`/`dy_pred_sw` (gradients of `value`/`value_sw` wrt y_pred). Probabilities include
exact 0 and 1, 1e-9, 1-1e-9 and 1e-7 to exercise Keras's epsilon clipping; one categorical
row does not sum to 1 (Keras renormalises). `binary_crossentropy_rank_mismatch`: y_true (4,)
against y_pred (4, 1), `per_sample` computed with y_true expanded.
`categorical_generalized_cross_entropy` uses probabilities strictly inside (0, 1): Keras does
not clip there and the gradient at p = 0 is infinite. Not covered: `circle`,
`ctc` (see `ctc/`).

### `optimizers/<case>.npz`
Two float64 variables, kernel (3, 2) and bias (2,), 5 `apply_gradients` steps:
`w_init`, `w_grads` (5, 3, 2), `w_steps` (5, 3, 2) weights after each step; `b_init`,
`b_grads`, `b_steps` likewise; `learning_rates` (value before each step), `class_name`,
`config` (optimizer config), `state_names` + `state<i>` (optimizer.variables after 5 steps).
Step 3's gradients are 10x larger (so clipping bites) and `w_grads[3, 0, 0] = 0`. Compare
updates `w_steps - w_init` (rtol 1e-5): with lr 1e-3 the weights themselves barely move.
Keras quirk, visible even in float64: Python-float hyperparameters that go through
`ops.cast(value, dtype)` are rounded to float32 first. SGD's `momentum` is used as
`float32(0.9)`; Adam's bias corrections use `float32(beta)**t` while its moment updates use the
exact `1 - beta`. Verified: reproducing those two roundings matches `sgd_momentum` and
`adam_lr0p1` bit for bit; ignoring them leaves ~1e-7 (SGD) and ~7e-6 (Adam, relative to the
update) differences after 5 steps.

### `schedules/<case>.npz`
`class_name`, `config`, `serialized`, `steps` (0..20), `values`.

### `metrics/<case>.npz` and `metrics/<case>_weighted.npz`
`class_name`, `config`, two batches `y_true0, y_pred0, y_true1, y_pred1` (Mean:
`values0, values1`), `sample_weight0/1` (weighted files), `results` (result after each
update_state), `variables` + `var<i>` (state after both), `result_after_reset`.

### `initializers/initializers.json`
`by_alias` and `with_arguments`: `{class_name, config, serialized}`; RNG-free ones (Zeros,
Ones, Constant, Identity) also `values` for shape (3, 4). `tf_keras_by_alias`: the Keras 2
spelling (e.g. GlorotUniform config `{"seed": null}`).

### `ctc/loss_<case>.npz` (float32)
`logits` (B, T, C), blank = last class (as Keras 2's `ctc_batch_cost`), `labels` (B, L) padded
with 0, `label_length`, `logit_length`, `loss` = `tf.nn.ctc_loss(..., logits_time_major=False,
blank_index=-1)`, `dlogits` = d sum(loss) / d logits. Keras 2 (`tf_keras.backend`):
`keras2_y_pred` = softmax(logits), `keras2_cost` = `ctc_batch_cost` (B, 1), `keras2_dy_pred`.
Keras 3 (`keras.ops.ctc_loss`, blank = 0): `keras3_logits` (blank column moved first),
`keras3_labels` (labels + 1, 0-padded), `keras3_loss`, `keras3_dlogits`,
`keras3_loss_fn_full_length` (`keras.losses.ctc`, which uses all T steps for every sample).
Cases: batch of 1; batch 3 with label lengths 3/1/2 and logit lengths 8/5/8; repeated labels
("aa", "abbc"); the shortest T that fits the labels.

### `ctc/decode.npz` (float32)
`logits` (2, 6, 4), `y_pred` = softmax, `input_length` [6, 4]. Keras 2 `ctc_decode`:
`keras2_greedy_decoded` (B, T, -1 padded), `keras2_greedy_log_prob` (B, 1),
`keras2_beam_decoded0/1` (beam_width 3, top_paths 2), `keras2_beam_log_prob` (B, 2).
Keras 3 `ops.ctc_decode` on `keras3_logits` (blank first): `keras3_greedy_decoded`
(1, B, T), `keras3_greedy_scores`, `keras3_beam_decoded` (2, B, T), `keras3_beam_scores`.

### `models/keras3/` (Keras 3 files) and `models/tf_keras/` (Keras 2 files, tf_keras)
Per model `<m>`: Keras 3 writes `<m>.keras`, `<m>.weights.h5` (Keras 3 layout) and `<m>.h5`
(legacy full model); tf_keras writes `<m>.h5` (full model, `dense/kernel:0` names,
`Functional`/`Sequential`, list-style `inbound_nodes`) and `<m>_weights.h5` (`save_weights`).
`<m>.npz`: `x`, `y` (predict(x)), `w<i>` (get_weights), `weight_names`, `files`, `compiled`;
compiled models also `y_train`, `optimizer_class`, `optimizer_state_names`, `opt<i>`
(optimizer variables after training); tf_keras ones also `summary` (Keras 2 text) and
`to_json`.
Models: `dense_seq` (a: Dense 2-4-1, Adam(0.01) + binary_crossentropy + accuracy, 2 steps),
`functional_branches` (b: Input(3) -> Dense(4) & Dense(2) -> Concatenate -> Dense(1), not
compiled), `conv_bn` (c: Conv2D + MaxPooling2D + BatchNormalization + Flatten + Dense, SGD
momentum, 2 steps), `lstm_seq` (LSTM(4) + Dense(1), RMSprop, 2 steps), `gru_seq` (GRU(4,
seq) + GRU(3) + Dense(2), not compiled), `embedding_bilstm` (Embedding(10, 4, mask_zero) +
Bidirectional(LSTM(3)) + Dense(1), Adam, 2 steps; x has zero-padded tails).
`models/tf_keras/legacy_bytes/`: DERIVED copies of the tf_keras files for `dense_seq`,
`functional_branches`, `lstm_seq` mimicking Keras <= 2.3 / h5py 2 files: every string
attribute rewritten as fixed-length bytes (h5py 3 reads `numpy.bytes_`), `Functional`
renamed `Model`, and `module`/`registered_name` dropped from nested `{class_name, config}`
dicts. No Keras that old runs here, so these are edits of real files, not originals.
"""


def _versions():
    import h5py
    import keras
    import tensorflow as tf

    v = {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "h5py": h5py.__version__,
        "keras_backend": keras.backend.backend(),
    }
    try:
        import tf_keras

        v["tf_keras"] = tf_keras.__version__
    except ImportError:
        v["tf_keras"] = "not installed"
    return v


def _describe_npz(path):
    parts = []
    with np.load(path, allow_pickle=False) as data:
        for key in data.files:
            arr = data[key]
            if arr.dtype.kind == "U":
                parts.append(f"{key}:str")
            else:
                shape = "x".join(str(s) for s in arr.shape) or "()"
                dtype = "" if arr.dtype == np.float64 else f" {arr.dtype}"
                parts.append(f"{key}:{shape}{dtype}")
    return ", ".join(parts)


def _describe_h5(path):
    import h5py

    count = 0
    with h5py.File(path, "r") as f:

        def visit(_name, obj):
            nonlocal count
            count += isinstance(obj, h5py.Dataset)

        f.visititems(visit)
        top = ", ".join(sorted(f.keys()))
    return f"HDF5, {count} datasets; top level: {top}"


def _describe(path):
    if path.suffix == ".npz":
        return _describe_npz(path)
    if path.suffix == ".h5":
        return _describe_h5(path)
    if path.suffix == ".keras":
        with zipfile.ZipFile(path) as z:
            return "zip: " + ", ".join(z.namelist())
    if path.suffix == ".json":
        return "JSON: " + ", ".join(json.loads(path.read_text()))
    return ""


def write():
    versions = _versions()
    save_json("versions.json", versions)
    lines = [INTRO.replace("VERSIONS", ", ".join(f"{k} {v}" for k, v in versions.items()))]
    files = sorted(p for p in OUT.rglob("*") if p.is_file() and p.name != "README.md")
    total = sum(p.stat().st_size for p in files)
    lines.append(f"## File index ({len(files)} files, {total / 1e6:.2f} MB)\n")
    lines.append(
        "Keys are listed as `key:shape` (float64 unless a dtype is given; `str` for strings).\n"
    )
    current = None
    for p in files:
        rel = p.relative_to(OUT)
        folder = str(rel.parent)
        if folder != current:
            lines.append(f"\n### {folder}/\n")
            current = folder
        lines.append(f"- `{rel.name}` ({p.stat().st_size} B): {_describe(p)}")
    (OUT / "README.md").write_text("\n".join(lines) + "\n")
