"""examples/seed_notes.ipynb executed with nbclient/ipykernel: the seed notes in a notebook,
the progress bar as Jupyter shows it, and ``%load_ext tensorboard`` / ``%tensorboard``
serving our runs without TensorFlow."""

import importlib.util
import os
import re
import signal
import sys
import time

import pytest

from tests.helpers.tensorboard_server import get_json, poll

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("matplotlib")
# Looked up, not imported: with ipykernel in sys.modules the progress bar of every later test
# in this process would redraw in place as in a notebook.
if importlib.util.find_spec("ipykernel") is None:
    pytest.skip("ipykernel is not installed", allow_module_level=True)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOTEBOOK = os.path.join(ROOT, "examples", "seed_notes.ipynb")


def load(tags=None):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    if tags is not None:
        notebook.cells = [c for c in notebook.cells if c.cell_type == "code"
                          and set(c.metadata.get("tags", ())) & set(tags)]
    return notebook


def kernel_environment(monkeypatch):
    # The kernel imports this checkout and finds the `tensorboard` command of this Python.
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep
                       + os.environ.get("PATH", ""))
    monkeypatch.setenv("PYTHONPATH", ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")


def client_for(notebook, folder):
    return nbclient.NotebookClient(notebook, timeout=180, kernel_name="python3",
                                   resources={"metadata": {"path": str(folder)}})


def stream_text(cell):
    return "".join(o.get("text", "") for o in cell.outputs
                   if o.output_type == "stream" and o.name == "stdout")


def as_rendered(text):
    """What Jupyter shows for a stream: each "\\r" returns to the start of the line."""
    lines = []
    for line in text.split("\n"):
        shown = ""
        for part in line.split("\r"):
            shown = part + shown[len(part):]
        lines.append(shown)
    return lines


def tensorboard_port(cell):
    (html,) = [o.data["text/html"] for o in cell.outputs if "text/html" in o.get("data", {})]
    return int(re.search(r"const port = (\d+);", html).group(1))


def stop_notebook_tensorboard(port):
    """The %tensorboard server runs beside the kernel: stop it by its recorded pid."""
    from tensorboard import manager

    for info in manager.get_all():
        if info.port == port:
            try:
                os.kill(info.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass


def test_tensorboard_magic_serves_our_runs_and_the_bar_updates_in_place(tmp_path,
                                                                         monkeypatch):
    pytest.importorskip("tensorboard.notebook")
    kernel_environment(monkeypatch)
    notebook = load(tags=("setup", "tensorboard"))
    client = client_for(notebook, tmp_path)
    port = None
    try:
        with client.setup_kernel():
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)
            fit, _, magic = notebook.cells[2:]
            port = tensorboard_port(magic)
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            tags = poll(lambda: get_json(f"{base}/data/plugin/scalars/tags"),
                        lambda t: "epoch_loss" in t.get("train", {}), deadline)
            assert set(tags["train"]) == {"epoch_loss", "epoch_learning_rate"}
            data = get_json(f"{base}/data/plugin/scalars/scalars?run=train&tag=epoch_loss")
            assert [step for _, step, _ in data] == list(range(30))
            graphs = get_json(f"{base}/data/plugin/graphs/info")
            assert graphs["train"]["run_graph"] is True
    finally:
        if port is not None:
            stop_notebook_tensorboard(port)
    # The progress bar: per epoch one "Epoch k/30" line and one bar line, redrawn in place
    # with "\r" (Jupyter shows the last drawing), never a line per update.
    raw = stream_text(fit)
    shown = [line for line in as_rendered(raw) if line.strip()]
    assert len(shown) == 60
    assert shown[0::2] == [f"Epoch {k}/30" for k in range(1, 31)]
    bar = re.compile(r"7/7 \[=+\] - \d+s \d+(us|ms)/step - loss: \d+\.\d{4} *")
    assert all(bar.fullmatch(line) for line in shown[1::2]), shown[1::2][:3]
    assert raw.count("\r") <= 30 * 8  # at most one redraw per step, fewer when fast


@pytest.mark.slow
def test_the_whole_seed_notebook_runs(tmp_path, monkeypatch):
    pytest.importorskip("sklearn")
    pytest.importorskip("h5py")
    pytest.importorskip("tensorboard.notebook")
    kernel_environment(monkeypatch)
    notebook = load()
    client = client_for(notebook, tmp_path)
    port = None
    try:
        with client.setup_kernel():
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)
                if cell.cell_type == "code" and cell.source.startswith("%tensorboard"):
                    port = tensorboard_port(cell)
    finally:
        if port is not None:
            stop_notebook_tensorboard(port)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    text = "\n".join(stream_text(c) for c in code)
    assert "same predictions: True" in text
    assert "all 20 points separated: True" in text
    assert "[[0.]\n [1.]\n [1.]\n [0.]]" in text  # XOR's truth table
    images = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(images) == 8  # 7 plt.show() figures and the model diagram
    assert (tmp_path / "weights_sample.h5").exists() and (tmp_path / "xor_model.png").exists()
    assert len(text.splitlines()) < 200  # long fits are summarised, not 2 lines per epoch
