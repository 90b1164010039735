"""HParams summaries equal the ones TensorBoard's own hparams API builds."""

import numpy as np
import pytest

from featherflow import summary
from featherflow.summary import hparams as hp

event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
tb_metadata = pytest.importorskip("tensorboard.plugins.hparams.metadata")
tb_hp = pytest.importorskip("tensorboard.plugins.hparams.summary_v2")


def plugin_content(logdir, tag):
    acc = event_accumulator.EventAccumulator(str(logdir), size_guidance={"tensors": 0})
    acc.Reload()
    (event,) = acc.Tensors(tag)
    assert event.step == 0
    meta = acc.summary_metadata[tag]
    assert meta.plugin_data.plugin_name == "hparams"
    return meta.plugin_data.content


def reference_content(summary_pb):
    return summary_pb.value[0].metadata.plugin_data.content


def test_session_start_info_matches_tensorboard(tmp_path):
    values = {hp.HParam("learning_rate"): 0.1, "units": 16, "optimizer": "sgd",
              "shuffle": True, "momentum": np.float32(0.5)}
    with summary.create_file_writer(tmp_path).as_default():
        assert hp.hparams(values, start_time_secs=1234.5) is True
    ours = tb_metadata.parse_session_start_info_plugin_data(
        plugin_content(tmp_path, "_hparams_/session_start_info"))
    theirs = tb_metadata.parse_session_start_info_plugin_data(reference_content(
        tb_hp.hparams_pb({"learning_rate": 0.1, "units": 16, "optimizer": "sgd",
                          "shuffle": True, "momentum": 0.5}, start_time_secs=1234.5)))
    assert ours == theirs
    assert ours.group_name == theirs.group_name  # the same hash of the values
    assert ours.hparams["shuffle"].bool_value is True
    assert ours.hparams["optimizer"].string_value == "sgd"


def test_trial_id_names_the_group(tmp_path):
    with summary.create_file_writer(tmp_path).as_default():
        hp.hparams({"lr": 0.5}, trial_id="trial-7", start_time_secs=1.0)
    info = tb_metadata.parse_session_start_info_plugin_data(
        plugin_content(tmp_path, "_hparams_/session_start_info"))
    assert info.group_name == "trial-7"


def test_experiment_config_matches_tensorboard(tmp_path):
    ours_hparams = [
        hp.HParam("learning_rate", hp.Discrete([1.0, 0.01, 0.1]), display_name="LR"),
        hp.HParam("units", hp.IntInterval(2, 64), description="hidden units"),
        hp.HParam("dropout", hp.RealInterval(0.0, 0.5)),
        hp.HParam("optimizer", hp.Discrete(["sgd", "adam"])),
        hp.HParam("bias", hp.Discrete([True, False])),
        hp.HParam("free"),
    ]
    ours_metrics = [
        hp.Metric("epoch_loss", group="validation", display_name="val loss"),
        hp.Metric("epoch_accuracy", group="train", dataset_type=hp.Metric.TRAINING),
        hp.Metric("accuracy", description="final"),
    ]
    their_hparams = [
        tb_hp.HParam("learning_rate", tb_hp.Discrete([1.0, 0.01, 0.1]), display_name="LR"),
        tb_hp.HParam("units", tb_hp.IntInterval(2, 64), description="hidden units"),
        tb_hp.HParam("dropout", tb_hp.RealInterval(0.0, 0.5)),
        tb_hp.HParam("optimizer", tb_hp.Discrete(["sgd", "adam"])),
        tb_hp.HParam("bias", tb_hp.Discrete([True, False])),
        tb_hp.HParam("free"),
    ]
    their_metrics = [
        tb_hp.Metric("epoch_loss", group="validation", display_name="val loss"),
        tb_hp.Metric("epoch_accuracy", group="train", dataset_type=tb_hp.Metric.TRAINING),
        tb_hp.Metric("accuracy", description="final"),
    ]
    with summary.create_file_writer(tmp_path).as_default():
        hp.hparams_config(ours_hparams, ours_metrics, time_created_secs=99.0)
    ours = tb_metadata.parse_experiment_plugin_data(
        plugin_content(tmp_path, "_hparams_/experiment"))
    theirs = tb_metadata.parse_experiment_plugin_data(reference_content(
        tb_hp.hparams_config_pb(their_hparams, their_metrics, time_created_secs=99.0)))
    assert ours == theirs
    assert list(ours.hparam_infos[0].domain_discrete) == [0.01, 0.1, 1.0]


def test_keras_callback_writes_start_and_end(tmp_path):
    callback = hp.KerasCallback(str(tmp_path), {"learning_rate": 0.1})
    callback.on_train_begin()
    callback.on_train_end()
    start = tb_metadata.parse_session_start_info_plugin_data(
        plugin_content(tmp_path, "_hparams_/session_start_info"))
    end = tb_metadata.parse_session_end_info_plugin_data(
        plugin_content(tmp_path, "_hparams_/session_end_info"))
    assert start.hparams["learning_rate"].number_value == 0.1
    assert end.status == hp.STATUS_SUCCESS and end.end_time_secs > start.start_time_secs - 1


def test_keras_callback_with_a_writer(tmp_path):
    writer = summary.create_file_writer(tmp_path)
    callback = hp.KerasCallback(writer, {"units": 4})
    callback.on_train_begin()
    callback.on_train_end()
    writer.close()
    start = tb_metadata.parse_session_start_info_plugin_data(
        plugin_content(tmp_path, "_hparams_/session_start_info"))
    assert start.hparams["units"].number_value == 4


def test_errors_name_the_problem():
    with pytest.raises(TypeError, match=r"hparams\['units'\] = \[1, 2\]"):
        hp.hparams({"units": [1, 2]})
    with pytest.raises(ValueError, match="more than one value given for 'lr'"):
        hp.hparams({hp.HParam("lr"): 0.1, "lr": 0.2})
    with pytest.raises(TypeError, match="every value must be a int"):
        hp.Discrete([1, 2.5])
    with pytest.raises(TypeError, match="write 1.0, not 1"):
        hp.RealInterval(0, 1)
    with pytest.raises(ValueError, match="min_value 5 > max_value 1"):
        hp.IntInterval(5, 1)
    with pytest.raises(TypeError, match="domain must be a Discrete"):
        hp.HParam("lr", [0.1, 0.2])
    with pytest.raises(TypeError, match="writer must be a SummaryWriter or a log directory"):
        hp.KerasCallback(None, {})


def test_without_a_writer_nothing_is_written():
    assert hp.hparams({"lr": 0.1}) is False
    assert hp.hparams_config([hp.HParam("lr")], []) is False
