"""weights="imagenet" through get_file, against a 127.0.0.1 server that serves small stand-in
files under Keras's real file names (no internet). decode_predictions reads the class index
shipped with featherflow (tests/applications/test_keras3_files.py); its shape check is here."""

import hashlib
import importlib
import os

import numpy as np
import pytest

import featherflow as tf
from featherflow.keras.applications import imagenet_utils, resnet
from tests.applications import reference
from tests.datasets import http_server

R50V2 = "resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5"
MNV2 = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5"


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    r50v2 = reference.load_case("resnet50v2_notop_33")
    mnv2 = reference.load_case("mobilenetv2_100_notop_35")
    files = {f"/{R50V2}": r50v2["weights"].read_bytes(),
             f"/{MNV2}": mnv2["weights"].read_bytes()}
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    with http_server.serve(files) as server:
        monkeypatch.setenv("FEATHERFLOW_APPLICATIONS_MIRROR", server.url + "/")
        server.refs = {"r50v2": r50v2, "mnv2": mnv2}
        yield server


def _md5(data):
    return hashlib.md5(data).hexdigest()


def test_imagenet_downloads_keras_file_name_checks_hash_and_caches(mirror, monkeypatch, tmp_path):
    ref = mirror.refs["r50v2"]
    hashes = dict(resnet.WEIGHTS_HASHES)
    hashes["resnet50v2"] = (hashes["resnet50v2"][0], _md5(mirror.files[f"/{R50V2}"]))
    monkeypatch.setattr(resnet, "WEIGHTS_HASHES", hashes)
    for _ in range(2):
        tf.keras.backend.clear_session()
        model = tf.keras.applications.ResNet50V2(include_top=False, weights="imagenet",
                                                 input_shape=(33, 33, 3))
        y = model.predict(ref["x"], verbose=0)
        assert reference.max_rel_err(y, ref["y"]) <= 1e-4
    assert mirror.requests[f"/{R50V2}"] == 1  # the second model used the cached file
    assert os.path.exists(tmp_path / "keras_home" / "models" / R50V2)


def test_imagenet_hash_mismatch_is_an_error_and_nothing_is_kept(mirror, tmp_path):
    # Keras's real hash of the published file cannot match the stand-in
    with pytest.raises(ValueError, match="hash"):
        tf.keras.applications.ResNet50V2(include_top=False, weights="imagenet",
                                         input_shape=(33, 33, 3))
    assert not os.path.exists(tmp_path / "keras_home" / "models" / R50V2)


def test_mobilenet_v2_file_name_from_alpha_and_rows(mirror):
    ref = mirror.refs["mnv2"]
    tf.keras.backend.clear_session()
    with pytest.warns(UserWarning, match="224"):
        model = tf.keras.applications.MobileNetV2(include_top=False, weights="imagenet",
                                                  input_shape=(35, 35, 3))
    assert model.name == "mobilenetv2_1.00_224"
    assert reference.max_rel_err(model.predict(ref["x"], verbose=0), ref["y"]) <= 1e-4
    assert mirror.requests[f"/{MNV2}"] == 1


def test_a_file_keras_already_cached_is_used_without_network(tmp_path, monkeypatch):
    ref = reference.load_case("mobilenetv2_100_notop_35")
    home = tmp_path / "keras_home"
    (home / "models").mkdir(parents=True)
    (home / "models" / MNV2).write_bytes(ref["weights"].read_bytes())
    monkeypatch.setenv("KERAS_HOME", str(home))
    monkeypatch.setenv("FEATHERFLOW_APPLICATIONS_MIRROR", "http://127.0.0.1:9/unreachable/")
    tf.keras.backend.clear_session()
    with pytest.warns(UserWarning):
        model = tf.keras.applications.MobileNetV2(include_top=False, weights="imagenet",
                                                  input_shape=(35, 35, 3))
    assert reference.max_rel_err(model.predict(ref["x"], verbose=0), ref["y"]) <= 1e-4


def test_decode_predictions_shape_error():
    with pytest.raises(ValueError, match=r"\(samples, 1000\).*\(2, 10\)"):
        imagenet_utils.decode_predictions(np.zeros((2, 10)))


def _patch_hash(monkeypatch, module, data, include_top):
    """Keras's md5 of the published file replaced by the stand-in's, in the module's table."""
    digest = _md5(data)
    if module == "densenet":
        from featherflow.keras.applications import densenet

        table = dict(densenet.WEIGHTS)
        key = (6, 12, 48, 32)
        table[key] = (table[key][0],) + ((digest, table[key][2]) if include_top
                                          else (table[key][1], digest))
        monkeypatch.setattr(densenet, "WEIGHTS", table)
    elif module == "nasnet":
        from featherflow.keras.applications import nasnet

        table = dict(nasnet.WEIGHTS)
        files = list(table[224])
        files[0 if include_top else 1] = files[0 if include_top else 1][:2] + (digest,)
        table[224] = tuple(files)
        monkeypatch.setattr(nasnet, "WEIGHTS", table)
    else:
        mod = importlib.import_module(f"featherflow.keras.applications.{module}")
        hashes = list(mod.WEIGHTS_HASHES)
        hashes[0 if include_top else 1] = digest
        monkeypatch.setattr(mod, "WEIGHTS_HASHES", tuple(hashes))


# case -> (Keras's cached file name, the file name in Keras's URL)
NEW_FAMILIES = {
    "densenet201_notop_33_max": ("densenet201_weights_tf_dim_ordering_tf_kernels_notop.h5",) * 2,
    "xception_notop_76_max": ("xception_weights_tf_dim_ordering_tf_kernels_notop.h5",) * 2,
    "inception_v3_notop_99_avg": ("inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",) * 2,
    "inception_resnet_v2_notop_75": (
        "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5",) * 2,
    # NASNet's URL names differ from the names Keras caches them under
    "nasnet_mobile_notop_37_max": ("nasnet_mobile_no_top.h5", "NASNet-mobile-no-top.h5"),
}


@pytest.mark.parametrize("case", sorted(NEW_FAMILIES))
def test_imagenet_file_names_of_the_other_families(case, tmp_path, monkeypatch):
    cached, remote = NEW_FAMILIES[case]
    ref = reference.load_case(case)
    data = ref["weights"].read_bytes()
    _patch_hash(monkeypatch, ref["module"], data, include_top=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    with http_server.serve({f"/{remote}": data}) as server:
        monkeypatch.setenv("FEATHERFLOW_APPLICATIONS_MIRROR", server.url + "/")
        tf.keras.backend.clear_session()
        build = getattr(getattr(tf.keras.applications, ref["module"]), ref["ctor"])
        model = build(weights="imagenet", **ref["kwargs"])
        assert server.requests[f"/{remote}"] == 1
    assert os.path.exists(tmp_path / "keras_home" / "models" / cached)
    assert reference.max_rel_err(model.predict(ref["x"], verbose=0), ref["y"]) <= 1e-4
