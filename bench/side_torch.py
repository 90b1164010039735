"""The PyTorch side of the benchmark: each workload as a PyTorch user writes it.

Plain loops, no DataLoader: shuffle with torch.randperm each epoch, slice mini-batches,
`optimizer.zero_grad()`, `loss.backward()`, `optimizer.step()`, and `loss.item()` per batch
for the running loss (Keras also keeps a running mean of the loss while fitting). Settings are
PyTorch's own defaults except where the Keras workload names one (learning rate, batch size).
Started by run.py in its own interpreter, one process per workload:

    python side_torch.py --workload xor --params '{"epochs": 2000}'
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np
from common import (
    Repeats,
    classification_data,
    emit,
    error_text,
    linreg_data,
    numpy_versions,
    per_call_seconds,
    truth_table,
    xor_initial_weights,
)

WARMUP_BATCHES = 4
# two, the machine's cores, as featherflow's OpenBLAS default; FF_BENCH_TORCH_THREADS=1 with
# OPENBLAS_NUM_THREADS=1 compares both sides on one core (a loaded machine)
TORCH_THREADS = int(os.environ.get("FF_BENCH_TORCH_THREADS", "2"))


def train(torch, model, optimizer, loss_fn, x, y, epochs, batch_size, count_correct=None):
    """The loop under test; returns (mean loss of the last epoch, its accuracy or None)."""
    n = x.shape[0]
    mean_loss, accuracy = None, None
    for _epoch in range(epochs):
        perm = torch.randperm(n)
        running, correct = 0.0, 0
        for start in range(0, n, batch_size):
            idx = perm[start : start + batch_size]
            xb, yb = x[idx], y[idx]
            optimizer.zero_grad()
            out = model(xb)
            loss = loss_fn(out, yb)
            loss.backward()
            optimizer.step()
            running += loss.item() * len(idx)
            if count_correct is not None:
                correct += count_correct(out, yb)
        mean_loss = running / n
        accuracy = correct / n if count_correct is not None else None
    return mean_loss, accuracy


def repeat_train(
    torch,
    repeat,
    build,
    x_np,
    y_np,
    epochs,
    batch_size,
    warmup=False,
    count_correct=None,
    loss_fn=None,
):
    """Fresh model and optimizer per repeat (not timed), then the training loop (timed)."""
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    samples, model, mean_loss, accuracy = [], None, None, None
    for _ in repeat:
        torch.manual_seed(0)
        model, optimizer, default_loss = build()
        criterion = loss_fn or default_loss
        if warmup:
            rows = WARMUP_BATCHES * batch_size
            train(torch, model, optimizer, criterion, x[:rows], y[:rows], 1, batch_size)
        start = time.perf_counter()
        mean_loss, accuracy = train(
            torch, model, optimizer, criterion, x, y, epochs, batch_size, count_correct
        )
        samples.append(time.perf_counter() - start)
    check = {"loss": mean_loss}
    if accuracy is not None:
        check["accuracy"] = accuracy
        with torch.no_grad():
            check["predictions"] = [int(v) for v in model(x).round().reshape(-1).tolist()]
    return {"samples": samples, "check": check}


def count_binary(out, yb):
    return int(((out > 0.5).float() == yb).sum().item())


def w_linreg(torch, p, repeat):
    x, y = linreg_data()

    def build():
        model = torch.nn.Linear(1, 1)
        return model, torch.optim.SGD(model.parameters(), lr=0.01), torch.nn.MSELoss()

    return repeat_train(torch, repeat, build, x, y, p["epochs"], 32)


def w_and(torch, p, repeat):
    x, y = truth_table("and")

    def build():
        model = torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.Sigmoid())
        return model, torch.optim.SGD(model.parameters(), lr=0.01), torch.nn.BCELoss()

    return repeat_train(torch, repeat, build, x, y, p["epochs"], 4, count_correct=count_binary)


def xor_net(torch):
    nn = torch.nn
    return nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid())


def w_xor(torch, p, repeat):
    x, y = truth_table("xor")

    def build():
        model = xor_net(torch)
        return model, torch.optim.SGD(model.parameters(), lr=0.1), torch.nn.BCELoss()

    return repeat_train(torch, repeat, build, x, y, p["epochs"], 4, count_correct=count_binary)


def per_call_repeats(torch, repeat, budget_s, make_call):
    samples, calls = [], []
    for _ in repeat:
        torch.manual_seed(0)
        seconds, count = per_call_seconds(make_call(), budget_s)
        samples.append(seconds)
        calls.append(count)
    return {"samples": samples, "check": {"calls_per_repeat": calls}}


def w_xor_predict1(torch, p, repeat):
    """What Keras's predict does for a NumPy row: no autograd, NumPy in, NumPy out."""
    x1 = truth_table("xor")[0][:1]

    def make_call():
        model = xor_net(torch)

        def call():
            with torch.no_grad():
                return model(torch.from_numpy(x1)).numpy()

        return call

    return per_call_repeats(torch, repeat, p["budget_s"], make_call)


def w_xor_call1(torch, p, repeat):
    """A plain forward call with autograd on, on a tensor the user already holds."""
    x1 = torch.from_numpy(truth_table("xor")[0][:1])

    def make_call():
        model = xor_net(torch)
        return lambda: model(x1)

    return per_call_repeats(torch, repeat, p["budget_s"], make_call)


def w_custom_loop(torch, p, repeat):
    """The same hand-written XOR loop as the Keras-API side: autograd plus a manual SGD step."""
    x_np, y_np = truth_table("xor")
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    lr = 0.1
    samples, loss = [], None
    for _ in repeat:
        weights = [torch.tensor(w, requires_grad=True) for w in xor_initial_weights()]
        start = time.perf_counter()
        for _step in range(p["steps"]):
            hidden = torch.sigmoid(x @ weights[0] + weights[1])
            output = torch.sigmoid(hidden @ weights[2] + weights[3])
            loss = ((output - y) ** 2).mean()
            loss.backward()
            with torch.no_grad():
                for weight in weights:
                    weight -= lr * weight.grad
                    weight.grad = None
        samples.append((time.perf_counter() - start) / p["steps"])
    return {"samples": samples, "check": {"loss": float(loss.item())}}


def mlp_net(torch):
    nn = torch.nn
    # Logits out: a PyTorch user pairs them with CrossEntropyLoss instead of a softmax layer.
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


def w_mlp(torch, p, repeat):
    x, y = classification_data(p["rows"], (784,), 10)

    def build():
        model = mlp_net(torch)
        return model, torch.optim.Adam(model.parameters()), torch.nn.CrossEntropyLoss()

    return repeat_train(torch, repeat, build, x, y, 1, 128, warmup=True)


def w_mlp_predict(torch, p, repeat):
    x = torch.from_numpy(classification_data(p["rows"], (784,), 10)[0])
    samples, out = [], None

    def predict(model, rows):
        with torch.no_grad():
            chunks = [
                torch.softmax(model(rows[i : i + 1024]), dim=1)
                for i in range(0, rows.shape[0], 1024)
            ]
            return torch.cat(chunks).numpy()

    for _ in repeat:
        torch.manual_seed(0)
        model = mlp_net(torch)
        predict(model, x[:1024])
        start = time.perf_counter()
        out = predict(model, x)
        samples.append(time.perf_counter() - start)
    return {"samples": samples, "check": {"shape": list(out.shape), "row_sum": float(out[0].sum())}}


def w_cnn(torch, p, repeat):
    # PyTorch's own layout is channels-first, so its user holds the images as N x 1 x 28 x 28.
    x, y = classification_data(p["rows"], (28, 28, 1), 10)
    x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
    nn = torch.nn

    def build():
        model = nn.Sequential(
            nn.Conv2d(1, 32, 3),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(64 * 5 * 5, 10),
        )
        return model, torch.optim.Adam(model.parameters()), nn.CrossEntropyLoss()

    return repeat_train(torch, repeat, build, x, y, 1, 128, warmup=True)


def w_lstm(torch, p, repeat):
    x, y = classification_data(p["rows"], (100, 32), 2)
    nn = torch.nn

    class LastStep(nn.Module):
        """LSTM over the sequence, then a Dense(1) on the last hidden state (Keras's LSTM)."""

        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(32, 64, batch_first=True)
            self.head = nn.Linear(64, 1)

        def forward(self, inputs):
            _, (h_n, _) = self.lstm(inputs)
            return self.head(h_n[-1])

    def build():
        model = LastStep()
        return model, torch.optim.Adam(model.parameters()), nn.BCEWithLogitsLoss()

    return repeat_train(torch, repeat, build, x, y, 1, 64, warmup=True)


def _w_recurrent(kind):
    def workload(torch, p, repeat):
        x, y = classification_data(p["rows"], (100, 32), 2)
        nn = torch.nn

        class LastStep(nn.Module):
            """The recurrent layer over the sequence, then Linear(1) on the last state."""

            def __init__(self):
                super().__init__()
                self.rnn = getattr(nn, kind)(32, 64, batch_first=True)
                self.head = nn.Linear(64, 1)

            def forward(self, inputs):
                _, h_n = self.rnn(inputs)
                return self.head(h_n[-1])

        def build():
            model = LastStep()
            return model, torch.optim.Adam(model.parameters()), nn.BCEWithLogitsLoss()

        return repeat_train(torch, repeat, build, x, y, 1, 64, warmup=True)

    return workload


def w_transformer(torch, p, repeat):
    from common import TRANSFORMER, token_data

    c = TRANSFORMER
    x, y = token_data(p["rows"], c["length"], c["vocab"])
    nn = torch.nn

    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(c["vocab"], c["d_model"])
            block = nn.TransformerEncoderLayer(c["d_model"], c["heads"], c["ff"], dropout=0.0,
                                               batch_first=True)
            self.encoder = nn.TransformerEncoder(block, c["blocks"],
                                                 enable_nested_tensor=False)
            self.head = nn.Linear(c["d_model"], 2)

        def forward(self, tokens):
            return self.head(self.encoder(self.embed(tokens)).mean(dim=1))

    def build():
        model = Classifier()
        return model, torch.optim.Adam(model.parameters(), 1e-3), nn.CrossEntropyLoss()

    return repeat_train(torch, repeat, build, x, y, 1, c["batch"], warmup=True)


WORKLOADS = {
    "linreg": w_linreg,
    "and": w_and,
    "xor": w_xor,
    "xor_predict1": w_xor_predict1,
    "xor_call1": w_xor_call1,
    "xor_predict_on_batch1": w_xor_predict1,
    "custom_loop": w_custom_loop,
    "mlp": w_mlp,
    "mlp_predict": w_mlp_predict,
    "cnn": w_cnn,
    "lstm": w_lstm,
    "gru": _w_recurrent("GRU"),
    "simple_rnn": _w_recurrent("RNN"),
    "transformer": w_transformer,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", choices=sorted(WORKLOADS), required=True)
    parser.add_argument("--params", default="{}", help="JSON object of workload settings")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--budget",
        type=float,
        default=0.0,
        help="stop repeating once this many seconds are spent (0: take every repeat)",
    )
    args = parser.parse_args()
    try:
        import torch
    except Exception as exc:  # noqa: BLE001 - any import failure means "not available"
        emit({"status": "unavailable", "error": error_text(exc), "versions": numpy_versions()})
        return
    torch.set_num_threads(TORCH_THREADS)
    info = numpy_versions()
    info["torch"] = torch.__version__
    info["torch_threads"] = torch.get_num_threads()
    repeat = Repeats(args.repeat, args.budget)
    try:
        result = WORKLOADS[args.workload](torch, json.loads(args.params), repeat)
    except Exception as exc:  # noqa: BLE001 - reported in the table instead of crashing the run
        emit({"status": "error", "error": error_text(exc), "versions": info})
        return
    emit({"status": "ok", "versions": info, **result})


if __name__ == "__main__":
    main()
