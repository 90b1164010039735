"""What each benchmark workload is, how it is timed, and featherflow's goal for it.

Goals and reference figures are those of /work/shared/ANCHORS.md (measured 2026-11-25 on a
2-core x86-64 machine). The reference figures are printed for scale only: the verdict that
counts is the ratio between frameworks measured in the same run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FIT_NOTE = (
    "fit() / the training loop only: model construction, data generation and compile() are "
    "excluded (compile seconds are in --json); no warm-up, as a user runs it"
)
EPOCH_NOTE = (
    "one warm-up fit on the first 4 batches (tracing, buffer allocation), then one full "
    "epoch timed; construction, data and compile() excluded"
)
CALL_NOTE = "mean per call over a time budget after 3 warm-up calls; model built beforehand"
IMPORT_NOTE = (
    "fresh interpreter per sample; `import X` plus first touch of X.keras.Sequential "
    "(tf.keras is loaded lazily) or torch.nn.Linear; interpreter start-up excluded"
)
PIPELINE_NOTE = (
    "the pipeline built, then iterated once to its end (every batch pulled by the consumer); "
    "data generation excluded"
)
LOOP_NOTE = "the whole hand-written loop timed, reported per step; variables created beforehand"


@dataclass(frozen=True)
class Workload:
    """One row of the benchmark (ANCHORS.md names the settings)."""

    name: str
    title: str
    unit: str  # display unit of the measured seconds: "s", "ms" (per call) or "us" (per step)
    note: str
    params: dict
    quick_params: dict
    goal_s: float | None = None
    # Scaled-down --quick runs cannot be judged against goals set for the full workload.
    goal_in_quick: bool = False
    anchors: dict = field(default_factory=dict)


WORKLOADS = [
    Workload(
        "import",
        "import time",
        "s",
        IMPORT_NOTE,
        {},
        {},
        goal_s=0.3,
        goal_in_quick=True,
        anchors={"keras-tf": "3.0-4.2 s", "torch": "1.2 s"},
    ),
    Workload(
        "linreg",
        "linear regression, 200 points, 300 epochs, batch 32, SGD, MSE",
        "s",
        FIT_NOTE,
        {"epochs": 300},
        {"epochs": 30},
        goal_s=0.1,
        anchors={"keras-tf": "5.9-6.9 s", "torch": "1.25 s"},
    ),
    Workload(
        "and",
        "AND, 1 sigmoid unit, 3000 epochs, batch 4, SGD, BCE, accuracy",
        "s",
        FIT_NOTE,
        {"epochs": 3000},
        {"epochs": 300},
        goal_s=0.15,
        anchors={"keras-tf": "50 s", "torch": "0.23 s"},
    ),
    Workload(
        "xor",
        "XOR, 2-1 sigmoid, SGD lr 0.1, 2000 epochs, batch 4, BCE, accuracy",
        "s",
        FIT_NOTE,
        {"epochs": 2000},
        {"epochs": 200},
        goal_s=0.1,
        anchors={"keras-tf": "32-33 s", "torch": "0.21 s"},
    ),
    Workload(
        "xor_predict1",
        "predict() on 1 sample of the XOR net, per call",
        "ms",
        CALL_NOTE + " (torch: no_grad forward, NumPy in and out)",
        {"budget_s": 2.0},
        {"budget_s": 0.3},
        goal_s=0.05e-3,
        goal_in_quick=True,
        anchors={"keras-tf": "29 ms"},
    ),
    Workload(
        "xor_predict_on_batch1",
        "predict_on_batch() on 1 sample of the XOR net, per call",
        "ms",
        CALL_NOTE + " (torch: no_grad forward, NumPy in and out, as for xor_predict1)",
        {"budget_s": 2.0},
        {"budget_s": 0.3},
    ),
    Workload(
        "xor_call1",
        "model(x) on 1 sample of the XOR net, per call",
        "ms",
        CALL_NOTE + " (Keras API: NumPy input; torch: a tensor, autograd on)",
        {"budget_s": 2.0},
        {"budget_s": 0.3},
        goal_s=0.02e-3,
        goal_in_quick=True,
        anchors={"keras-tf": "0.64 ms", "torch": "~0.02 ms"},
    ),
    Workload(
        "custom_loop",
        "custom loop: XOR 2-1 sigmoid, 4 samples, 2000 steps, GradientTape + "
        "manual SGD (assign_sub), MSE",
        "us",
        LOOP_NOTE,
        {"steps": 2000},
        {"steps": 200},
    ),
    Workload(
        "mlp",
        "MLP 784-128 relu-10 softmax, Adam, 60000 x 784 float32, batch 128, 1 epoch",
        "s",
        EPOCH_NOTE,
        {"rows": 60000},
        {"rows": 6000},
        goal_s=0.35,
        anchors={"keras-tf": "1.2-1.5 s", "torch": "0.41 s"},
    ),
    Workload(
        "mlp_predict",
        "predict() of that MLP on 60000 rows, batch 1024",
        "s",
        "one warm-up predict on 1024 rows, then the full predict timed (torch: no_grad "
        "chunks of 1024 with softmax, NumPy out)",
        {"rows": 60000},
        {"rows": 6000},
        goal_s=0.1,
        anchors={"keras-tf": "0.36-0.59 s"},
    ),
    Workload(
        "cnn",
        "CNN conv32-3x3 relu, maxpool2, conv64-3x3 relu, maxpool2, flatten, dense 10; "
        "6000 x 28x28x1, batch 128, 1 epoch, Adam",
        "s",
        EPOCH_NOTE + " (torch: channels-first N x 1 x 28 x 28)",
        {"rows": 6000},
        {"rows": 600},
        goal_s=0.9,
        anchors={"keras-tf": "0.63 s", "torch": "1.11 s"},
    ),
    Workload(
        "lstm",
        "LSTM(64) on 4096 sequences of 100 x 32, Dense(1, sigmoid), batch 64, 1 epoch, Adam, BCE",
        "s",
        EPOCH_NOTE,
        {"rows": 4096},
        {"rows": 512},
        goal_s=0.5,
        anchors={"keras-tf": "0.65-0.71 s", "torch": "0.36 s"},
    ),
    Workload(
        "gru",
        "GRU(64) on 4096 sequences of 100 x 32, Dense(1, sigmoid), batch 64, 1 epoch, Adam, BCE",
        "s",
        EPOCH_NOTE + " (torch: nn.GRU)",
        {"rows": 4096},
        {"rows": 512},
    ),
    Workload(
        "simple_rnn",
        "SimpleRNN(64) on 4096 sequences of 100 x 32, Dense(1, sigmoid), batch 64, 1 epoch, "
        "Adam, BCE",
        "s",
        EPOCH_NOTE + " (torch: nn.RNN, tanh)",
        {"rows": 4096},
        {"rows": 512},
    ),
    Workload(
        "transformer",
        "Transformer encoder classifier: Embedding(1000, 128), 4 post-norm blocks (4 heads x "
        "32, FFN 256 relu, no dropout), mean over 64 tokens, Dense(2); 9600 sequences, batch "
        "32 (300 steps), 1 epoch, Adam, sparse CE",
        "s",
        EPOCH_NOTE + " (torch: nn.TransformerEncoderLayer(batch_first=True, dropout=0))",
        {"rows": 9600},
        {"rows": 960},
    ),
    Workload(
        "data_pipeline",
        "tf.data: from_tensor_slices(60000 x 28x28 uint8, labels) -> map(cast, / 255) -> "
        "shuffle(10000) -> batch(128) -> prefetch(AUTOTUNE), one pass",
        "s",
        PIPELINE_NOTE,
        {"rows": 60000},
        {"rows": 6000},
    ),
    Workload(
        "data_pipeline_per_element",
        "the same pipeline with a map that is not element-wise (per-image standardisation: "
        "(x - mean) / std), so featherflow calls it once per element",
        "s",
        PIPELINE_NOTE,
        {"rows": 60000},
        {"rows": 6000},
    ),
    Workload(
        "data_fit",
        "fit of Flatten-Dense(128, relu)-Dense(10, softmax), Adam, 1 epoch, fed by the "
        "data_pipeline dataset (60000 images, batch 128)",
        "s",
        EPOCH_NOTE,
        {"rows": 60000},
        {"rows": 6000},
    ),
    Workload(
        "data_fit_arrays",
        "the same model and epoch fed by NumPy arrays (the images already scaled to float32; "
        "batch 128, shuffle=True): what data_fit is compared with",
        "s",
        EPOCH_NOTE,
        {"rows": 60000},
        {"rows": 6000},
    ),
]

BY_NAME = {workload.name: workload for workload in WORKLOADS}
