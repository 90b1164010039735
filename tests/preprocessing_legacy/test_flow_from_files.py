"""flow_from_directory and flow_from_dataframe against Keras 3 on the same folder of PNG
files (written from the fixture's pixels; PNG is lossless). class_indices, filenames,
classes and every batch of two epochs (shuffled with a seed, augmented) are compared
exactly; fixtures from tools/keras_fixtures/legacy_image.py."""

import os
import sys

import numpy as np
import pytest

import featherflow as tf
from tests.fixtures.keras_loader import load

image = tf.keras.preprocessing.image
pytest.importorskip("PIL")


def _write_folder(root, fx):
    from PIL import Image

    for i, relpath in enumerate(fx["config"]["paths"]):
        path = os.path.join(root, relpath)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        Image.fromarray(fx[f"img{i}"]).save(path)
    with open(os.path.join(root, "cats", "notes.txt"), "w") as handle:
        handle.write("not an image\n")


def _kwargs(flow):
    kwargs = dict(flow)
    if "target_size" in kwargs:
        kwargs["target_size"] = tuple(kwargs["target_size"])
    return kwargs


def _check_iterator(it, fx, index, case):
    assert it.samples == case["samples"] and len(it) == case["length"]
    assert [name.replace(os.sep, "/") for name in it.filenames] == case["filenames"]
    if case["class_indices"] is not None:
        assert it.class_indices == case["class_indices"]
    if case["classes"] is not None:
        assert [c if isinstance(c, list) else int(c) for c in it.classes] == case["classes"]
    batches = []
    for _ in range(2):
        batches += [it[i] for i in range(len(it))]
        it.on_epoch_end()
    assert len(batches) == case["batches"]
    for b, batch in enumerate(batches):
        prefix = f"c{index}_b{b}_"
        if not isinstance(batch, tuple):
            assert prefix + "y" not in fx
            np.testing.assert_array_equal(batch, fx[prefix + "x"], err_msg=str(case))
            continue
        np.testing.assert_array_equal(batch[0], fx[prefix + "x"], err_msg=str(case))
        if isinstance(batch[1], list):
            for k, part in enumerate(batch[1]):
                np.testing.assert_array_equal(part, fx[f"{prefix}y{k}"])
        else:
            np.testing.assert_array_equal(batch[1], fx[prefix + "y"], err_msg=str(case))
            assert batch[1].dtype == fx[prefix + "y"].dtype
        if prefix + "w" in fx:
            np.testing.assert_array_equal(batch[2], fx[prefix + "w"])
        else:
            assert len(batch) == 2


@pytest.fixture(scope="module")
def directory_fixture(tmp_path_factory):
    fx = load("legacy_image/directory")
    root = tmp_path_factory.mktemp("folder")
    _write_folder(str(root), fx)
    return fx, str(root)


def test_flow_from_directory_matches_keras(directory_fixture, capsys):
    fx, root = directory_fixture
    for index, case in enumerate(fx["config"]["cases"]):
        gen = image.ImageDataGenerator(**case["generator"])
        it = gen.flow_from_directory(root, **_kwargs(case["flow"]))
        assert f"Found {case['samples']} images belonging to" in capsys.readouterr().out
        _check_iterator(it, fx, index, case)


def test_flow_from_dataframe_matches_keras(directory_fixture):
    pandas = pytest.importorskip("pandas")
    fx = load("legacy_image/dataframe")
    _, root = directory_fixture
    frame = pandas.DataFrame(fx["config"]["columns"])
    for index, case in enumerate(fx["config"]["cases"]):
        kwargs = _kwargs(case["flow"])
        data = frame
        if kwargs.pop("drop_missing", False):
            data = frame[~frame["filename"].str.contains("missing")]
        gen = image.ImageDataGenerator(**case["generator"])
        if kwargs.get("validate_filenames", True):
            # the frame names dogs/missing.png, which Keras drops with a warning
            with pytest.warns(UserWarning, match="1 invalid image filename"):
                it = gen.flow_from_dataframe(data, directory=root, **kwargs)
        else:
            it = gen.flow_from_dataframe(data, directory=root, **kwargs)
        _check_iterator(it, fx, index, case)


def test_generator_batches_train_a_model_like_keras():
    fx = load("legacy_image/model_fit")
    setup = fx["config"]
    model = tf.keras.Sequential([tf.keras.Input((6, 6, 1)), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=tf.keras.optimizers.SGD(setup["lr"]),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.set_weights([fx["w0"], fx["w1"]])
    gen = image.ImageDataGenerator(rescale=1 / 255.0, featurewise_center=True)
    gen.fit(fx["x"])
    flow = gen.flow(fx["x"], fx["y"], batch_size=setup["batch_size"], shuffle=False)
    history = model.fit(flow, epochs=setup["epochs"], shuffle=False, verbose=0)
    # float32 training, three epochs of SGD: Keras's numbers to 1e-5
    np.testing.assert_allclose(history.history["loss"], fx["loss"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(history.history["accuracy"], fx["accuracy"], atol=1e-7)
    for got, want in zip(model.get_weights(), (fx["final0"], fx["final1"])):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    evaluated = model.evaluate(gen.flow(fx["x"], fx["y"], batch_size=8, shuffle=False),
                               verbose=0)
    np.testing.assert_allclose(evaluated, fx["evaluate"], rtol=1e-5, atol=1e-6)
    predicted = model.predict(gen.flow(fx["x"], batch_size=8, shuffle=False), verbose=0)
    np.testing.assert_allclose(predicted, fx["predict"], rtol=1e-5, atol=1e-6)


def test_fit_shuffles_an_augmenting_generator_and_reshuffles_each_epoch():
    rng = np.random.default_rng(3)
    x = rng.random((12, 5, 5, 3)).astype("float32")
    y = rng.integers(0, 2, 12)
    gen = image.ImageDataGenerator(rotation_range=15, horizontal_flip=True)
    flow = gen.flow(x, y, batch_size=5)
    model = tf.keras.Sequential([tf.keras.Input((5, 5, 3)), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    orders = []
    original = flow.on_epoch_end

    def record():
        original()
        orders.append(flow.index_array.copy())

    flow.on_epoch_end = record
    history = model.fit(flow, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3 and len(orders) == 3
    assert all(sorted(order) == list(range(12)) for order in orders)
    assert not all(np.array_equal(orders[0], order) for order in orders[1:])


def test_directory_errors_are_explained(directory_fixture, tmp_path):
    _, root = directory_fixture
    gen = image.ImageDataGenerator()
    with pytest.raises(FileNotFoundError, match="does not exist"):
        gen.flow_from_directory(str(tmp_path / "nowhere"))
    with pytest.raises(ValueError, match="Invalid class_mode: onehot"):
        gen.flow_from_directory(root, class_mode="onehot")
    with pytest.raises(ValueError, match="Invalid color mode"):
        gen.flow_from_directory(root, color_mode="cmyk")
    with pytest.raises(ValueError, match="Invalid subset name"):
        gen.flow_from_directory(root, subset="test")


def test_a_file_that_does_not_decode_is_named(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "bad.png").write_bytes(b"this is not a png")
    it = image.ImageDataGenerator().flow_from_directory(str(tmp_path), target_size=(4, 4))
    with pytest.raises(OSError, match="bad.png"):
        it[0]


def test_dataframe_errors_are_explained(directory_fixture, monkeypatch):
    pandas = pytest.importorskip("pandas")
    _, root = directory_fixture
    gen = image.ImageDataGenerator()
    frame = pandas.DataFrame({"filename": ["cats/c0.png"], "class": ["cats"]})
    with pytest.raises(ValueError, match="Invalid class_mode"):
        gen.flow_from_dataframe(frame, root, class_mode="onehot")
    with pytest.raises(TypeError, match="pandas.DataFrame"):
        gen.flow_from_dataframe({"filename": ["cats/c0.png"]}, root)
    with pytest.raises(KeyError, match="'label' is not in the DataFrame"):
        gen.flow_from_dataframe(frame, root, y_col="label")
    with pytest.raises(ValueError, match="must be 2 classes"):
        gen.flow_from_dataframe(frame, root, class_mode="binary")
    with pytest.raises(TypeError, match="y_col must be a list"):
        gen.flow_from_dataframe(frame, root, class_mode="multi_output")
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pip install pandas"):
        gen.flow_from_dataframe(frame, root)
