"""Record the layer-call protocol scenarios with real Keras 3 and tf_keras.

    /work/venv-tf/bin/python tools/make_protocol_fixtures.py

Writes tests/fixtures/keras/protocol/{keras3,tf_keras}.json: one entry per scenario of
tools/keras_fixtures/protocol_scenarios.py (its value, or the error it raised).
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from keras_fixtures.common import OUT, quiet_tensorflow  # noqa: E402


def run_all(keras):
    from keras_fixtures import protocol_scenarios

    results = {}
    for name, scenario in protocol_scenarios.SCENARIOS.items():
        keras.utils.set_random_seed(1)
        try:
            results[name] = scenario(keras)
        except Exception as err:  # noqa: BLE001 - a scenario a Keras refuses is recorded
            results[name] = {"raised": type(err).__name__, "message": str(err)[:300]}
    return results


def main():
    quiet_tensorflow()
    import keras
    import tf_keras

    out = OUT / "protocol"
    out.mkdir(parents=True, exist_ok=True)
    for label, module in (("keras3", keras), ("tf_keras", tf_keras)):
        data = {"versions": {"keras": module.__version__}, "results": run_all(module)}
        (out / f"{label}.json").write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        print(f"wrote {out / (label + '.json')}")


if __name__ == "__main__":
    main()
