"""ImageDataGenerator (random_transform, fit/standardize, flow) against Keras 3's legacy
implementation; fixtures from tools/keras_fixtures/legacy_image.py.

Random parameters come from np.random in Keras's order, so they are compared exactly;
images are compared exactly too except where Pillow's brightness step or a float32 sum
order differs (tolerances stated at each assert)."""

import warnings

import numpy as np
import pytest

import featherflow as tf
from tests.fixtures.keras_loader import load

image = tf.keras.preprocessing.image


def _generator(config):
    with warnings.catch_warnings():
        # the override warnings (zca implies featurewise_center, ...) are checked below
        warnings.simplefilter("ignore")
        return image.ImageDataGenerator(**config)


def test_random_transform_parameters_and_images_match_keras():
    fx = load("legacy_image/random_transform")
    setup = fx["config"]
    for i, case in enumerate(setup["cases"]):
        gen = _generator(case["generator"])
        x = fx[case["input"]]
        params = gen.get_random_transform(x.shape, seed=case["seed"])
        for name, value in case["params"].items():
            got = None if params[name] is None else float(params[name])
            assert got == value, (case, name)
        out = gen.random_transform(x.copy(), seed=case["seed"])
        np.testing.assert_array_equal(out, fx[f"out{i}"], err_msg=str(case))
    gen = _generator(setup["sequence_generator"])
    np.random.seed(setup["sequence_seed"])
    sequence = np.stack([gen.random_transform(fx["x_last"].copy()) for _ in range(3)])
    np.testing.assert_array_equal(sequence, fx["sequence"])


def test_fit_statistics_and_standardize_match_keras():
    fx = load("legacy_image/fit_standardize")
    for i, case in enumerate(fx["config"]):
        first = case["generator"].get("data_format") == "channels_first"
        x = fx["x"].transpose(0, 3, 1, 2) if first else fx["x"]
        probe = fx["probe"].transpose(0, 3, 1, 2) if first else fx["probe"]
        gen = _generator(case["generator"])
        gen.fit(x, **case["fit"])
        for name in ("mean", "std", "zca_whitening_matrix"):
            key = f"{name}{i}"
            if key in fx:
                # float32 means over 240 values: NumPy's pairwise sums, same as Keras
                np.testing.assert_allclose(getattr(gen, name), fx[key], rtol=1e-5,
                                           atol=1e-5, err_msg=f"{case} {name}")
            else:
                assert getattr(gen, name) is None
        out = gen.standardize(np.array(probe))
        # the ZCA matrix comes from an SVD (LAPACK), equal to ~1e-5 relative
        np.testing.assert_allclose(out, fx[f"standardized{i}"], rtol=1e-4, atol=1e-3,
                                   err_msg=str(case))


def test_option_overrides_warn_like_keras():
    with pytest.warns(UserWarning, match="overrides setting of `featurewise_center`"):
        gen = image.ImageDataGenerator(zca_whitening=True)
    assert gen.featurewise_center
    with pytest.warns(UserWarning, match="samplewise_center"):
        gen = image.ImageDataGenerator(samplewise_std_normalization=True)
    assert gen.samplewise_center
    gen = image.ImageDataGenerator(featurewise_center=True)
    with pytest.warns(UserWarning, match="hasn't been fit"):
        gen.standardize(np.ones((2, 2, 1), "float32"))


def _flow_batches(fx, index, case):
    gen = _generator(case["generator"])
    kwargs = dict(case["flow"])
    extra = kwargs.pop("extra", False)
    if kwargs.pop("sample_weight", False):
        kwargs["sample_weight"] = fx["weights"]
    inputs = (fx["x"], fx["extra"]) if extra else fx["x"]
    it = gen.flow(inputs, fx["y"], **kwargs)
    assert len(it) == case["length"]
    if case["how"] == "next":
        return [next(it) for _ in range(case["steps"])]
    batches = [it[i] for i in range(len(it))]
    it.on_epoch_end()
    return batches + [it[i] for i in range(len(it))]


def test_flow_batches_order_and_values_match_keras():
    fx = load("legacy_image/flow")
    for index, case in enumerate(fx["config"]):
        batches = _flow_batches(fx, index, case)
        assert len(batches) == case["batches"]
        for b, batch in enumerate(batches):
            prefix = f"c{index}_b{b}_"
            batch_x = batch[0]
            if isinstance(batch_x, list):
                np.testing.assert_array_equal(batch_x[1], fx[prefix + "extra"])
                batch_x = batch_x[0]
            # y is the sample index, so this checks the shuffled order itself
            np.testing.assert_array_equal(batch[1], fx[prefix + "y"], err_msg=str(case))
            np.testing.assert_array_equal(batch_x, fx[prefix + "x"], err_msg=str(case))
            if prefix + "w" in fx:
                np.testing.assert_array_equal(batch[2], fx[prefix + "w"])
            else:
                assert len(batch) == 2


def test_flow_without_labels_yields_bare_image_batches():
    x = np.random.default_rng(2).random((5, 4, 4, 1)).astype("float32")
    it = image.ImageDataGenerator().flow(x, batch_size=2, shuffle=False)
    np.testing.assert_array_equal(it[2], x[4:])
    assert isinstance(it, tf.keras.utils.PyDataset) and len(it) == 3
    it.reset()
    np.testing.assert_array_equal(it.next(), x[:2])


def test_flow_bad_input_is_explained():
    gen = image.ImageDataGenerator(validation_split=0.5)
    with pytest.raises(ValueError, match="should have rank 4.*shape \\(3, 4, 4\\)"):
        gen.flow(np.zeros((3, 4, 4)))
    with pytest.raises(ValueError, match="should have rank 4"):
        gen.fit(np.zeros((3, 4, 4)))
    with pytest.raises(ValueError, match="same length"):
        gen.flow(np.zeros((3, 4, 4, 1)), np.zeros(2))
    with pytest.raises(ValueError, match="different number of classes"):
        gen.flow(np.zeros((4, 2, 2, 1)), np.array([0, 0, 1, 1]), subset="training")
    with pytest.raises(ValueError, match="Invalid subset name"):
        gen.flow(np.zeros((4, 2, 2, 1)), subset="test")
    with pytest.raises(ValueError, match="has length 2"):
        gen.flow(np.zeros((4, 2, 2, 1)), batch_size=2)[2]


@pytest.mark.parametrize("split", [1.0, 1.5, -0.2])
def test_validation_split_outside_zero_one_is_refused(split):
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        image.ImageDataGenerator(validation_split=split)


def test_constructor_checks():
    with pytest.raises(ValueError, match="data_format"):
        image.ImageDataGenerator(data_format="channels_middle")
    with pytest.raises(ValueError, match="zoom_range"):
        image.ImageDataGenerator(zoom_range=(0.5, 1.0, 2.0))
    with pytest.raises(ValueError, match="brightness_range"):
        image.ImageDataGenerator(brightness_range=0.5)
    gen = image.ImageDataGenerator(zoom_range=0.25)
    assert gen.zoom_range == [0.75, 1.25]


def test_preprocessing_function_runs_first_on_each_image():
    seen = []

    def record(x):
        seen.append(x.shape)
        return x * 2

    x = np.ones((3, 4, 4, 3), "float32")
    gen = image.ImageDataGenerator(preprocessing_function=record, rescale=0.5)
    batch = gen.flow(x, batch_size=3, shuffle=False)[0]
    assert seen == [(4, 4, 3)] * 3
    np.testing.assert_array_equal(batch, x)


def test_save_to_dir_writes_each_augmented_image(tmp_path):
    pytest.importorskip("PIL")
    x = np.random.default_rng(4).random((3, 6, 6, 3)).astype("float32")
    gen = image.ImageDataGenerator(rotation_range=10)
    it = gen.flow(x, np.arange(3), batch_size=3, shuffle=False, seed=0,
                  save_to_dir=str(tmp_path), save_prefix="aug", save_format="png")
    batch_x, _ = it[0]
    names = sorted(path.name for path in tmp_path.iterdir())
    assert len(names) == 3 and all(name.startswith("aug_") for name in names)
    assert sorted(int(name.split("_")[1]) for name in names) == [0, 1, 2]
    saved = image.img_to_array(image.load_img(str(tmp_path / names[0])))
    assert saved.shape == (6, 6, 3)


def test_dtype_argument_sets_the_batch_dtype():
    x = np.random.default_rng(5).random((4, 3, 3, 1))
    gen = image.ImageDataGenerator(dtype="float64", rotation_range=5)
    assert gen.flow(x, batch_size=4, seed=1)[0].dtype == np.float64
    assert image.ImageDataGenerator().flow(x, batch_size=4)[0].dtype == np.float32


def test_an_iterator_pickles_for_worker_processes():
    import pickle

    x = np.random.default_rng(6).random((6, 4, 4, 3)).astype("float32")
    gen = image.ImageDataGenerator(rotation_range=30)
    it = gen.flow(x, np.arange(6), batch_size=3, seed=5)
    copy = pickle.loads(pickle.dumps(it))
    first, again = it[1], copy[1]
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    assert next(copy)[0].shape == (3, 4, 4, 3)
