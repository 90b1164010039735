"""The pictures: training curves, decision regions and model graphs rendered to real PNGs."""

import os
import stat
import struct
import subprocess
import sys
import textwrap

import numpy as np
import pytest

pytest.importorskip("matplotlib")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from featherflow.utils import model_drawing as md  # noqa: E402
from featherflow.utils import model_visualization as mv  # noqa: E402
from featherflow.utils.plotting import (  # noqa: E402
    plot_decision_boundary,
    plot_history,
    plot_model,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def png_size(path):
    """(width, height) from the IHDR chunk, after checking the PNG signature."""
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    assert head[12:16] == b"IHDR"
    return struct.unpack(">II", head[16:24])


def assert_real_png(path, size=None):
    width, height = png_size(path)
    if size is not None:
        assert (width, height) == size
    pixels = mpimg.imread(path)
    assert pixels.shape[:2] == (height, width)
    assert float(np.var(pixels[..., :3])) > 1e-3, "the picture is blank"
    return pixels


def fig_pixels(fig):
    w, h = fig.get_size_inches() * fig.dpi
    return int(round(w)), int(round(h))


class FakeHistory:
    def __init__(self, history, epoch=None):
        self.history = history
        self.epoch = epoch if epoch is not None else list(range(len(history["loss"])))


# -- plot_history ---------------------------------------------------------------------------
def test_plot_history_one_panel_per_metric_with_validation(tmp_path):
    h = FakeHistory({"loss": [1.0, 0.6, 0.4, 0.3], "accuracy": [0.5, 0.6, 0.8, 0.9],
                     "val_loss": [1.1, 0.7, 0.5, 0.45], "val_accuracy": [0.4, 0.6, 0.7, 0.8]})
    path = tmp_path / "curves.png"
    fig = plot_history(h, to_file=path)
    assert_real_png(path, (1000, 360))  # two 5 x 3.6 inch panels at 100 dpi
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == ["loss", "accuracy"]
    train, val = axes[0].get_lines()
    assert list(train.get_xdata()) == [1, 2, 3, 4]
    assert list(train.get_ydata()) == [1.0, 0.6, 0.4, 0.3]
    assert list(val.get_ydata()) == [1.1, 0.7, 0.5, 0.45]
    assert [t.get_text() for t in axes[1].get_legend().get_texts()] == ["training",
                                                                        "validation"]


def test_plot_history_selection_dicts_and_sparse_validation(tmp_path):
    record = {"loss": [4.0, 3.0, 2.0, 1.0], "val_loss": [3.5, 1.5], "mae": [2, 1, 1, 1]}
    fig = plot_history(record, metrics="loss")
    (ax,) = fig.axes
    train, val = ax.get_lines()
    assert list(val.get_xdata()) == [2, 4]  # validation_freq=2: epochs 2 and 4
    with pytest.raises(ValueError, match=r"no values logged for \['accuracy'\]"):
        plot_history(record, metrics=["accuracy"])
    with pytest.raises(TypeError, match="expected the History"):
        plot_history([1, 2, 3])
    # initial_epoch=10: the x axis continues from epoch 11
    fig = plot_history(FakeHistory({"loss": [1.0, 0.5]}, epoch=[10, 11]))
    assert list(fig.axes[0].get_lines()[0].get_xdata()) == [11, 12]


def test_plot_history_compares_runs(tmp_path):
    runs = {"lr=0.1": FakeHistory({"loss": [1.0, 0.5], "val_loss": [1.2, 0.6]}),
            "lr=0.01": {"loss": [1.0, 0.9], "val_loss": [1.1, 1.0]}}
    path = tmp_path / "sweep.png"
    fig = plot_history(runs, to_file=path, figsize=(4, 3), dpi=80)
    assert_real_png(path, (320, 240))
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["lr=0.1", "lr=0.1 (validation)", "lr=0.01", "lr=0.01 (validation)"]
    lines = fig.axes[0].get_lines()
    assert lines[0].get_color() == lines[1].get_color() != lines[2].get_color()


def test_plot_history_of_a_real_fit(tmp_path):
    import featherflow as tf

    tf.keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).uniform(-1, 1, (32, 2)).astype("float32")
    y = (x[:, :1] > x[:, 1:]).astype("float32")
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid",
                                                       input_shape=(2,))])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.5), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=5, validation_split=0.25, verbose=0)
    path = tmp_path / "fit.png"
    fig = plot_history(history, to_file=path)
    assert_real_png(path, fig_pixels(fig))
    assert list(fig.axes[0].get_lines()[0].get_ydata()) == history.history["loss"]


# -- plot_decision_boundary -----------------------------------------------------------------
def pixel_at(fig, ax, x, y):
    """The RGB colour drawn at data point (x, y)."""
    fig.canvas.draw()
    image = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(float) / 255
    px, py = ax.transData.transform((x, y))
    return image[int(round(image.shape[0] - py)), int(round(px))]


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


CORNERS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


def test_one_sigmoid_unit_regions_and_line(tmp_path):
    def model(grid):  # probability of class 1 rises from left to right
        return sigmoid(12 * (grid[:, :1] - 0.5))

    path = tmp_path / "line.png"
    fig = plot_decision_boundary(model, CORNERS, [0, 0, 1, 1], to_file=path)
    assert_real_png(path, (600, 500))
    ax = fig.axes[0]
    left, right = pixel_at(fig, ax, 0.1, 0.5), pixel_at(fig, ax, 0.9, 0.5)
    assert left[2] > left[0] + 0.2 and right[0] > right[2] + 0.2  # blue left, red right
    assert len(ax.collections) >= 3  # filled contour, decision line, points


def test_xor_network_any_featherflow_model(tmp_path):
    import featherflow as tf

    model = tf.keras.Sequential([tf.keras.layers.Dense(2, activation="sigmoid",
                                                       input_shape=(2,)),
                                 tf.keras.layers.Dense(1, activation="sigmoid")])
    # Hand-set XOR: hidden units are OR and AND, the output is OR and not AND.
    model.set_weights([np.array([[20, 20], [20, 20]], "float32"),
                       np.array([-10, -30], "float32"),
                       np.array([[20], [-20]], "float32"), np.array([-10], "float32")])
    y = np.array([[0], [1], [1], [0]])
    np.testing.assert_array_equal(np.round(model.predict(CORNERS, verbose=0)), y)
    path = tmp_path / "xor.png"
    fig = plot_decision_boundary(model, CORNERS, y, to_file=path, resolution=80)
    assert_real_png(path, (600, 500))
    ax = fig.axes[0]
    middle, corner = pixel_at(fig, ax, 0.5, 0.5), pixel_at(fig, ax, 0.05, 0.2)
    assert middle[0] > middle[2] + 0.2 and corner[2] > corner[0] + 0.2


def test_softmax_three_classes_by_argmax(tmp_path):
    centres = np.array([[0.0, 0.0], [4.0, 0.0], [2.0, 3.0]])

    def model(grid):  # nearest centre wins
        d = -((grid[:, None, :] - centres[None]) ** 2).sum(-1)
        e = np.exp(d - d.max(1, keepdims=True))
        return e / e.sum(1, keepdims=True)

    x = centres + np.array([[0.3, 0.2], [-0.2, 0.3], [0.1, -0.3]])
    y_onehot = np.eye(3)
    path = tmp_path / "three.png"
    fig = plot_decision_boundary(model, x, y_onehot, to_file=path, figsize=(5, 5), dpi=60)
    assert_real_png(path, (300, 300))
    ax = fig.axes[0]
    colours = [pixel_at(fig, ax, *p) for p in [(0.6, 0.5), (3.5, 0.6), (2.1, 2.3)]]
    # each region has its own colour: tab10's first three blended at alpha 0.35 on white
    tab10 = plt.get_cmap("tab10")
    for got, k in zip(colours, range(3)):
        want = 0.35 * np.array(tab10(k)[:3]) + 0.65
        np.testing.assert_allclose(got, want, atol=0.03)


def test_scikit_learn_estimator_and_given_axes(tmp_path):
    sklearn = pytest.importorskip("sklearn.linear_model")
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 2))
    y = (x[:, 0] + x[:, 1] > 0).astype(int)
    clf = sklearn.LogisticRegression().fit(x, y)
    fig, (a, b) = plt.subplots(1, 2, figsize=(8, 4), dpi=50)
    out = plot_decision_boundary(clf, x, y, ax=b, title="logistic regression")
    assert out is fig and b.get_title() == "logistic regression" and not a.collections
    path = tmp_path / "two.png"
    fig.savefig(path)
    assert_real_png(path, (400, 200))


def test_decision_boundary_input_errors():
    with pytest.raises(ValueError, match=r"shape \(n, 2\); received shape \(4, 3\)"):
        plot_decision_boundary(lambda g: g[:, :1], np.zeros((4, 3)))
    with pytest.raises(ValueError, match="y has 3 labels for 4 points"):
        plot_decision_boundary(lambda g: g[:, :1], CORNERS, [0, 1, 1])
    with pytest.raises(ValueError, match="one prediction per input row"):
        plot_decision_boundary(lambda g: np.zeros(3), CORNERS)
    with pytest.raises(TypeError, match="expected a model with predict"):
        plot_decision_boundary(object(), CORNERS)


# -- plot_model -----------------------------------------------------------------------------
@pytest.fixture
def no_dot(monkeypatch):
    monkeypatch.setattr(mv, "_dot_executable", lambda: None)


def branching_model():
    import featherflow as tf

    inputs = tf.keras.Input(shape=(4,), name="features")
    a = tf.keras.layers.Dense(8, activation="relu", name="wide")(inputs)
    b = tf.keras.layers.Dense(3, name="narrow")(inputs)
    merged = tf.keras.layers.Concatenate(name="merge")([a, b])
    outputs = tf.keras.layers.Dense(1, activation="sigmoid", name="out")(merged)
    return tf.keras.Model(inputs, outputs, name="branchy")


def test_graph_of_functional_model_follows_nodes():
    model = branching_model()
    boxes, edges = mv.model_graph(model, show_shapes=True, show_dtype=True)
    names = {b.key: b.layer.name for b in boxes}
    assert sorted(names.values()) == ["features", "merge", "narrow", "out", "wide"]
    assert sorted((names[s], names[d]) for s, d in edges) == [
        ("features", "narrow"), ("features", "wide"), ("merge", "out"), ("narrow", "merge"),
        ("wide", "merge")]
    by_name = {b.layer.name: b for b in boxes}
    assert by_name["merge"].title == "merge (Concatenate)"
    assert by_name["merge"].lines == [("Input shape", "[(None, 8), (None, 3)]"),
                                      ("Output shape", "(None, 11)"),
                                      ("Output dtype", "float32")]
    assert by_name["features"].lines[0] == ("Output shape", "(None, 4)")  # no input shape
    rank = md._ranks(boxes, edges)
    assert [rank[id(model.get_layer(n))] for n in ("features", "wide", "narrow", "merge",
                                                   "out")] == [0, 1, 1, 2, 3]


def test_plot_model_matplotlib_top_bottom_and_left_right(tmp_path, no_dot):
    model = branching_model()
    path = tmp_path / "model.png"
    fig = plot_model(model, to_file=path, show_shapes=True, dpi=72)
    assert_real_png(path, fig_pixels(fig))
    width, height = fig_pixels(fig)
    assert height > width  # four ranks stacked top to bottom
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "wide (Dense)" in texts and "Output shape: (None, 11)" in texts
    assert len([c for c in fig.axes[0].texts if c.get_text() == ""]) == 5  # five arrows

    sizes = md._measure(mv.model_graph(model)[0], 72)
    boxes, edges = mv.model_graph(model)
    rects, _ = md._layout(boxes, edges, "LR", sizes)
    for src, dst in edges:  # every arrow goes from left to right
        assert rects[src][0] + rects[src][2] < rects[dst][0]
    path_lr = tmp_path / "model_lr.png"
    fig_lr = plot_model(model, to_file=path_lr, rankdir="LR", dpi=72)
    w_lr, h_lr = png_size(path_lr)
    assert w_lr > h_lr and (w_lr, h_lr) == fig_pixels(fig_lr)


def test_plot_model_sequential_options_and_formats(tmp_path, no_dot):
    import featherflow as tf

    model = tf.keras.Sequential([tf.keras.layers.Dense(2, activation="sigmoid",
                                                       input_shape=(2,), name="hidden"),
                                 tf.keras.layers.Dense(1, activation="sigmoid", name="out")])
    boxes, edges = mv.model_graph(model, show_shapes=True, show_layer_names=False,
                                  show_layer_activations=True, show_trainable=True)
    assert [b.title for b in boxes] == ["Dense", "Dense"]
    assert boxes[0].lines == [("Activation", "sigmoid"), ("Input shape", "(None, 2)"),
                              ("Output shape", "(None, 2)")]
    assert boxes[1].trainable is True and len(edges) == 1
    fig = plot_model(model, to_file=tmp_path / "seq.png", show_shapes=True,
                     show_trainable=True)
    assert_real_png(tmp_path / "seq.png", fig_pixels(fig))
    plot_model(model, to_file=tmp_path / "seq.svg")
    assert (tmp_path / "seq.svg").read_text().lstrip().startswith("<?xml")
    with pytest.raises(ValueError, match="rankdir must be one of"):
        plot_model(model, to_file=tmp_path / "x.png", rankdir="UP")
    with pytest.raises(TypeError, match="expand_nest"):
        plot_model(model, to_file=tmp_path / "x.png", expand_nest=True)


def test_shared_layer_loop_and_deep_chains(tmp_path, no_dot):
    import featherflow as tf

    inputs = tf.keras.Input((3,), name="x")
    shared = tf.keras.layers.Dense(3, name="shared")
    model = tf.keras.Model(inputs, tf.keras.layers.Dense(1, name="out")(shared(shared(inputs))))
    boxes, edges = mv.model_graph(model)
    names = {b.key: b.layer.name for b in boxes}
    assert [(names[s], names[d]) for s, d in edges] == [("x", "shared"), ("shared", "shared"),
                                                        ("shared", "out")]
    rank = md._ranks(boxes, edges)
    assert [rank[b.key] for b in boxes] == [0, 1, 2]
    fig = plot_model(model, to_file=tmp_path / "shared.png")
    assert_real_png(tmp_path / "shared.png", fig_pixels(fig))

    class Box:  # a chain far deeper than Python's recursion limit, and a loop A -> B -> A
        def __init__(self, key):
            self.key = key

    chain = [Box(i) for i in range(5000)]
    ranks = md._ranks(chain, [(i, i + 1) for i in range(4999)] + [(4999, 10)])
    assert ranks[4999] == 4999 and ranks[10] == 10


def test_subclassed_model_is_one_box(tmp_path, no_dot):
    import featherflow as tf

    class Tiny(tf.keras.Model):
        def __init__(self):
            super().__init__(name="tiny")
            self.dense = tf.keras.layers.Dense(1)

        def call(self, x):
            return self.dense(x)

    boxes, edges = mv.model_graph(Tiny())
    assert [b.title for b in boxes] == ["tiny (Tiny)"] and edges == []
    fig = plot_model(Tiny(), to_file=tmp_path / "tiny.png")
    assert_real_png(tmp_path / "tiny.png", fig_pixels(fig))


def test_dot_source_and_graphviz_plumbing(tmp_path, monkeypatch):
    model = branching_model()
    source = mv.model_to_dot(model, show_shapes=True, rankdir="LR", dpi=50)
    assert source.startswith('digraph "branchy" {') and 'rankdir="LR"' in source
    assert source.count(" -> ") == 5
    assert "<b>merge (Concatenate)</b>" in source and "[(None, 8), (None, 3)]" in source

    # A stand-in `dot`: records its arguments and stdin and writes a fixed picture, so the
    # plumbing is tested without graphviz installed.
    picture = tmp_path / "fixed.png"
    mpimg.imsave(picture, np.random.default_rng(0).random((30, 50, 3)))
    fake = tmp_path / "bin" / "dot"
    fake.parent.mkdir()
    fake.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import shutil, sys
        open({str(tmp_path / "stdin.dot")!r}, "w").write(sys.stdin.read())
        open({str(tmp_path / "argv.txt")!r}, "w").write(" ".join(sys.argv[1:]))
        shutil.copy({str(picture)!r}, sys.argv[sys.argv.index("-o") + 1])
        """))
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    out = tmp_path / "graph.png"
    fig = plot_model(model, to_file=out, show_shapes=True, rankdir="LR", dpi=50)
    assert (tmp_path / "stdin.dot").read_text() == source
    assert (tmp_path / "argv.txt").read_text() == f"-Tpng -o {out}"
    assert fig_pixels(fig) == png_size(out) == (50, 30)


@pytest.mark.skipif(mv._dot_executable() is None, reason="graphviz `dot` is not installed")
def test_plot_model_with_real_graphviz(tmp_path):
    model = branching_model()
    path = tmp_path / "graphviz.png"
    fig = plot_model(model, to_file=path, show_shapes=True)
    assert_real_png(path, fig_pixels(fig))
    plot_model(model, to_file=tmp_path / "graphviz.svg")
    assert "<svg" in (tmp_path / "graphviz.svg").read_text()


def test_matplotlib_is_imported_only_when_drawing():
    code = ("import sys, featherflow.utils.plotting, featherflow.utils.model_visualization, "
            "featherflow.callbacks.csv_logger, featherflow.callbacks.early_stopping; "
            "print('matplotlib' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=os.path.join(os.path.dirname(__file__), "..", ".."), check=True)
    assert done.stdout.strip() == "False"
