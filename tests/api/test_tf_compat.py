"""tf.compat and tf.compat.v1 against TF 2.21 (tools/data_fixtures/tf_compat.py)."""

import logging

import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test

test_tf_compat_scenario, workdir = scenario_test("tf_compat")


def test_graph_mode_switches_refused():
    for name in ("disable_eager_execution", "disable_v2_behavior",
                 "disable_resource_variables"):
        with pytest.raises(RuntimeError, match="no graph mode"):
            getattr(tf.compat.v1, name)()


def test_v2_is_featherflow_and_v1_is_listed():
    assert tf.compat.v2 is tf
    assert set(tf.compat.v1.__all__) <= set(dir(tf.compat.v1))
    assert {"v1", "v2"} <= set(dir(tf.compat))


def test_config_proto_refuses_unknown_fields():
    with pytest.raises(AttributeError, match="allow_growth"):
        tf.compat.v1.ConfigProto().gpu_options.allow_grwoth = True
    with tf.compat.v1.InteractiveSession(config=tf.compat.v1.ConfigProto()) as session:
        with pytest.raises(RuntimeError, match="eagerly"):
            session.run(tf.constant(1))


def test_logging_every_n_and_first_n(caplog):
    with caplog.at_level(logging.INFO, logger="tensorflow"):
        for i in range(5):
            tf.compat.v1.logging.log_every_n(logging.INFO, "every %d", 2, i)
            tf.compat.v1.logging.log_first_n(logging.INFO, "first %d", 2, i)
    assert [r.getMessage() for r in caplog.records] == [
        "every 0", "first 0", "first 1", "every 2", "every 4"]


def test_past_horizon_ignored_with_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        with tf.compat.forward_compatibility_horizon(2020, 1, 1):
            assert tf.compat.forward_compatible(2025, 1, 1)
    assert "past date 2020-01-01" in caplog.text
