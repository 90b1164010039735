"""HyperParameters against KerasTuner 1.4.8 (tests/fixtures/keras_tuner/keras_tuner.json,
recorded by tools/make_tuner_fixtures.py): values, defaults, sampling maps, configs,
conditional scopes, error messages and objective directions."""

import json
import os

import pytest

import featherflow.keras_tuner as kt
from featherflow.keras_tuner import hp_types
from featherflow.keras_tuner.objective import create_objective, infer_metric_direction

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras_tuner",
                       "keras_tuner.json")
with open(FIXTURE) as f:
    KT = json.load(f)

SPECS = {
    "int_linear": lambda hp: hp.Int("a", 6, 12),
    "int_step": lambda hp: hp.Int("b", 6, 13, step=3),
    "int_log_step": lambda hp: hp.Int("c", 2, 32, step=2, sampling="log"),
    "int_default": lambda hp: hp.Int("d", 1, 5, default=4),
    "float_step": lambda hp: hp.Float("e", 0, 1, step=0.2),
    "float_log_step": lambda hp: hp.Float("f", 0.001, 10, step=10, sampling="log"),
    "float_reverse_log_step": lambda hp: hp.Float("g", 0.1, 100, step=10,
                                                  sampling="reverse_log"),
    "choice": lambda hp: hp.Choice("h", [3, 1, 2]),
    "choice_default": lambda hp: hp.Choice("i", ["x", "y"], default="y"),
    "boolean": lambda hp: hp.Boolean("j"),
    "fixed": lambda hp: hp.Fixed("k", "relu"),
}


@pytest.mark.parametrize("key", sorted(SPECS))
def test_kind_values_defaults_and_configs(key):
    expected = KT["hyperparameters"][key]
    hp = kt.HyperParameters()
    assert SPECS[key](hp) == expected["returned"]
    param = hp.space[-1]
    assert param.default == expected["default"]
    assert repr(param) == expected["repr"]
    assert param.get_config() == expected["config"]
    if "values" in expected:
        assert list(param.values) == pytest.approx(expected["values"]) \
            if isinstance(expected["values"][0], float) else list(param.values) == \
            expected["values"]
    got = [param.prob_to_value(p) for p in (0.0, 0.1, 0.35, 0.5, 0.8, 0.999)]
    assert got == expected["probs"]


@pytest.mark.parametrize("key,param", [
    ("int_log", hp_types.Int("x", 1, 1000, sampling="log")),
    ("int_reverse_log", hp_types.Int("x", 1, 1000, sampling="reverse_log")),
    ("float_linear", hp_types.Float("x", -1.0, 3.0)),
    ("float_log", hp_types.Float("x", 1e-4, 1e-1, sampling="log")),
    ("float_reverse_log", hp_types.Float("x", 0.5, 0.999, sampling="reverse_log")),
])
def test_sampling_maps(key, param):
    expected = KT["hyperparameters"]["sampling_maps"][key]
    assert param.default == expected["default"]
    for prob, value in expected["probs"]:
        assert param.prob_to_value(prob) == pytest.approx(value, rel=1e-12)
        if not isinstance(param, hp_types.Int):
            assert param.value_to_prob(value) == pytest.approx(prob, abs=1e-9)


def test_conditional_scopes_and_name_scopes():
    expected = KT["conditional"]
    hp = kt.HyperParameters()
    hp.Choice("model", ["a", "b"])
    with hp.conditional_scope("model", ["b"]):
        assert hp.Int("depth", 1, 3) == expected["inactive_returned"]
    assert hp.Float("rate", 0.1, 0.5, parent_name="model", parent_values=["a"]) == \
        expected["parent_name_returned"]
    assert hp.values == expected["values"]
    with pytest.raises(ValueError) as err:
        hp.get("depth")
    assert str(err.value) == expected["get_inactive"][1]
    with pytest.raises(KeyError) as err:
        hp.get("nothing")
    assert str(err.value) == expected["get_missing"][1]
    assert {n: n in hp for n in ("model", "depth", "nothing")} == expected["contains"]
    with pytest.raises(ValueError, match="named: undefined not defined"):
        with hp.conditional_scope("undefined", ["x"]):
            pass
    with hp.name_scope("block"):
        hp.Int("width", 1, 2)
    assert hp.values == expected["scoped_values"]
    assert {n: hp.is_active(n) for n in ("depth", "rate")} == expected["is_active"]
    assert hp.get_config() == expected["config"]
    again = kt.HyperParameters.from_config(hp.get_config())
    assert again.get_config() == expected["config"]
    # values chosen for the parent switch the scopes
    hp.values["model"] = "b"
    assert hp.is_active("depth") and not hp.is_active("rate")


ERROR_CASES = {
    "int_min_gt_max": lambda hp: hp.Int("a", 5, 1),
    "int_bad_sampling": lambda hp: hp.Int("a", 1, 5, sampling="cubic"),
    "log_nonpositive": lambda hp: hp.Float("a", 0.0, 1.0, sampling="log"),
    "log_step_le_1": lambda hp: hp.Int("a", 1, 8, step=1, sampling="log"),
    "int_not_int": lambda hp: hp.Int("a", 1.5, 5),
    "choice_mixed": lambda hp: hp.Choice("a", [1, "x"]),
    "choice_default_missing": lambda hp: hp.Choice("a", [1, 2], default=3),
    "choice_empty": lambda hp: hp.Choice("a", []),
    "boolean_default": lambda hp: hp.Boolean("a", default="yes"),
}


@pytest.mark.parametrize("key", sorted(ERROR_CASES))
def test_errors_as_keras_tuner(key):
    kind, message = KT["errors"][key]
    with pytest.raises(Exception) as err:
        ERROR_CASES[key](kt.HyperParameters())
    assert type(err.value).__name__ == kind
    if key in ("int_bad_sampling", "choice_mixed"):  # sets print in hash order
        assert str(err.value).split(",")[0] == message.split(",")[0]
    else:
        assert str(err.value) == message


def test_objective_directions_as_keras_tuner():
    for name, direction in KT["directions"].items():
        assert infer_metric_direction(name) == direction, name
    assert str(create_objective("val_accuracy")) == 'Objective(name="val_accuracy", ' \
                                                    'direction="max")'
    with pytest.raises(ValueError, match='unknown metric "val_f00".*Objective'):
        create_objective("val_f00")
    multi = create_objective(["val_loss", kt.Objective("val_auc", "max")])
    assert multi.get_value({"val_loss": 0.5, "val_auc": 0.75, "loss": 9.0}) == -0.25
    with pytest.raises(ValueError, match="direction must be 'min' or 'max'"):
        kt.Objective("x", "up")
