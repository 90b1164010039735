"""Replay the property-based op cases through TensorFlow and count, per op, what happens.

tests/reliability/test_op_properties.py draws random shapes, dtypes and arguments with
hypothesis (derandomized) and requires each outcome to be NumPy's answer or a clear error. This
tool runs that module twice per property: once with featherflow, where hypothesis draws the
examples and every example's arguments (and the values drawn inside it) are recorded, then with
``featherflow`` bound to real TensorFlow, where the recorded examples are replayed through the
same test body (hypothesis's generation is not reproducible with TensorFlow imported: the
examples diverge after a few, so they are not drawn again). Each outcome is classified instead
of asserted:

- ``answer``: equal to the NumPy oracle (shape, values and, where checked, dtype);
- ``clear error``: the oracle says TF refuses these arguments and the op raised a
  ``ValueError``/``TypeError``/``tf.errors.OpError`` with a message, not from inside NumPy;
- anything else, by kind: ``refused valid`` (a clear error where the oracle has an answer),
  ``accepted invalid`` (a value where the oracle refuses), ``wrong answer``, ``dtype changed``,
  ``numpy error`` (an exception raised inside NumPy), ``other error`` (any other exception
  class), ``crash`` (the process died: a signal or an abort).

Each property runs in its own subprocess; after a crash the TensorFlow subprocess is
restarted and skips the examples already done, so one crash costs one example.

Run (TensorFlow in /work/venv-tf, featherflow in the dev environment)::

    /work/venv-tf/bin/python tools/replay_op_properties.py \\
        --featherflow-python /work/venv-dev/bin/python --json /tmp/op_properties.json

Needs hypothesis in the featherflow environment (the version the tests use); pytest is
not needed.
"""

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
MODULE = os.path.join(HERE, os.pardir, "tests", "reliability", "test_op_properties.py")
CATEGORIES = ["answer", "clear error", "refused valid", "accepted invalid", "wrong answer",
              "dtype changed", "numpy error", "other error", "crash"]


# -- the child: one property, one backend -----------------------------------------------------
def _stub_pytest():
    """Enough of pytest for the module's decorators; parametrize values are kept."""
    stub = types.ModuleType("pytest")

    def fixture(*args, **kwargs):
        return (lambda fn: fn) if not args or not callable(args[0]) else args[0]

    def parametrize(argname, values):
        def mark(fn):
            fn.replay_params = (argname, list(values))
            return fn
        return mark

    stub.fixture = fixture
    stub.mark = types.SimpleNamespace(parametrize=parametrize)
    sys.modules["pytest"] = stub


def _load(backend):
    _stub_pytest()
    if backend == "tensorflow":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow
        sys.modules["featherflow"] = tensorflow
    spec = importlib.util.spec_from_file_location("op_properties", MODULE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _encode(value):
    """JSON for a drawn value: arrays, NumPy dtypes and scalars, tuples, lists, numbers."""
    import numpy as np

    if isinstance(value, np.ndarray):
        return {"array": value.tolist(), "dtype": value.dtype.name, "shape": list(value.shape)}
    if isinstance(value, type) and issubclass(value, np.generic):
        return {"dtype_class": np.dtype(value).name}
    if isinstance(value, np.generic):
        return {"scalar": value.item(), "dtype": value.dtype.name}
    if isinstance(value, tuple):
        return {"tuple": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot record a drawn {type(value).__name__}")


def _decode(value):
    import numpy as np

    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "array" in value:
        return np.array(value["array"], dtype=value["dtype"]).reshape(value["shape"])
    if "dtype_class" in value:
        return np.dtype(value["dtype_class"]).type
    if "scalar" in value:
        return np.dtype(value["dtype"]).type(value["scalar"])
    return tuple(_decode(v) for v in value["tuple"])


class _Replayed:
    """Stands for hypothesis's ``st.data()``: hands back the values drawn when recording."""

    def __init__(self, values):
        self.values = list(values)

    def draw(self, strategy, label=None):
        return self.values.pop(0)


def _child(backend, test_name, param, skip, examples_file):
    import numpy as np

    module = _load(backend)
    clear = (ValueError, TypeError)
    if backend == "tensorflow":
        import tensorflow
        clear = clear + (tensorflow.errors.OpError,)
    state = {"index": -1, "last": None}

    def emit(record):
        print(json.dumps(record), flush=True)

    def error_kind(err):
        origin = type(err).__module__.split(".")[0]
        if origin == "numpy" or type(err).__name__ == "AxisError":
            return "numpy error"
        if isinstance(err, clear) and len(str(err)) > 15:
            return "error"
        return "other error"

    class Skipped(Exception):
        pass

    def outcome(fn):
        state["index"] += 1
        index = state["index"]
        if index <= skip:
            raise Skipped  # done before a crash: not run again
        emit({"start": index})
        try:
            out = fn()
        except Skipped:
            raise
        except Exception as err:  # classified, never propagated
            kind = error_kind(err)
            detail = f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
            state["last"] = {"case": index, "kind": kind, "detail": detail[:160]}
            return ("error" if kind == "error" else kind), err
        if isinstance(out, (list, tuple)):
            value = [np.asarray(o) for o in out]
        else:
            value = np.asarray(out)
        state["last"] = {"case": index, "kind": "value", "detail": ""}
        return "value", value

    def finish(category, detail=None):
        last = state["last"]
        if last is None:
            return
        emit({"case": last["case"], "category": category,
              "detail": last["detail"] if detail is None else detail})
        state["last"] = None

    def check(fn, expected, rtol=1e-5, dtype=None):
        try:
            kind, got = outcome(fn)
        except Skipped:
            return
        if kind not in ("value", "error"):
            finish(kind)
            return
        if expected is None:
            finish("clear error" if kind == "error" else "accepted invalid",
                   None if kind == "error" else f"returned shape {np.shape(got)}")
            return
        if kind == "error":
            finish("refused valid")
            return
        try:
            if isinstance(expected, list):
                assert len(got) == len(expected)
                for g, e in zip(got, expected):
                    np.testing.assert_allclose(g, e, rtol=rtol, atol=1e-5)
            else:
                assert got.shape == np.shape(expected), (got.shape, np.shape(expected))
                np.testing.assert_allclose(got, expected, rtol=rtol, atol=1e-5)
        except AssertionError as err:
            finish("wrong answer", str(err).strip().splitlines()[0][:160])
            return
        if dtype is not None and got.dtype != np.dtype(dtype):
            finish("dtype changed", f"{np.dtype(dtype).name} became {got.dtype.name}")
            return
        finish("answer")

    def direct_outcome(fn):
        # tests that call outcome() and then assert themselves: the case is an answer or a
        # clear error unless the test's own assertion fails (caught below)
        kind, got = outcome(fn)
        if kind not in ("value", "error"):
            finish(kind)
            raise Skipped
        return kind, got

    module.outcome = direct_outcome
    module.check = check
    test = getattr(module, test_name)
    inner = test.hypothesis.inner_test
    params = {} if param is None else {test.replay_params[0]: param}

    def run_one(kwargs):
        try:
            inner(**params, **kwargs)
        except Skipped:
            return
        except AssertionError as err:
            # the module's bare asserts: a value where an error was required has no message
            last = state["last"]
            text = str(err).strip().splitlines()[0][:160] if str(err).strip() else ""
            if last is not None and last["kind"] == "error":
                finish("refused valid")
            else:
                finish("wrong answer" if text else "accepted invalid", text)
            return
        last = state["last"]
        if last is not None:
            finish("answer" if last["kind"] == "value" else "clear error")

    if examples_file is not None:  # replay what the recording run drew
        with open(examples_file) as f:
            examples = json.load(f)
        for recorded in examples:
            kwargs = {}
            for key, value in recorded.items():
                if isinstance(value, dict) and "data_draws" in value:
                    kwargs[key] = _Replayed(_decode(value["data_draws"]))
                else:
                    kwargs[key] = _decode(value)
            run_one(kwargs)
        return

    def record(**kwargs):
        for key in params:
            kwargs.pop(key, None)
        recorded = {}
        for key, value in kwargs.items():
            if hasattr(value, "draw") and hasattr(value, "conjecture_data"):
                draws = []
                real_draw = value.draw

                def logged(strategy, label=None, real_draw=real_draw, draws=draws):
                    out = real_draw(strategy, label=label)
                    draws.append(out)
                    return out

                value.draw = logged
                recorded[key] = {"data_draws": draws}
            else:
                recorded[key] = value
        run_one(kwargs)
        emit({"example": {k: ({"data_draws": _encode(v["data_draws"])}
                              if isinstance(v, dict) and "data_draws" in v else _encode(v))
                          for k, v in recorded.items()}})

    test.hypothesis.inner_test = record
    test(**params)


# -- the parent -------------------------------------------------------------------------------
def _properties(python):
    """``[(test name, param or None)]`` in the module's order, listed by a child."""
    out = subprocess.run([python, __file__, "--list"], capture_output=True, text=True,
                         check=True)
    return [tuple(item) for item in json.loads(out.stdout)]


def _list():
    module = _load("tensorflow")
    items = []
    for name in dir(module):
        test = getattr(module, name)
        if name.startswith("test_") and hasattr(test, "hypothesis"):
            params = getattr(test, "replay_params", None)
            for value in (params[1] if params else [None]):
                items.append((name, value))
    print(json.dumps(items))


def _run_property(python, backend, test_name, param, examples_file=None):
    """``(cases, examples)``: ``{index: {category, detail}}`` and, when recording, the drawn
    examples in order."""
    cases, examples, skip = {}, [], -1
    env = dict(os.environ, PYTHONPATH=os.path.join(HERE, os.pardir))
    while True:
        cmd = [python, __file__, "--child", backend, test_name, json.dumps(param), str(skip),
               examples_file or ""]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env)
        started = None
        for line in proc.stdout.splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if "start" in record:
                started = record
                cases[record["start"]] = {}
            elif "case" in record:
                cases[record["case"]].update(category=record["category"],
                                             detail=record["detail"])
                started = None
            elif "example" in record:
                examples.append(record["example"])
        if proc.returncode == 0:
            return cases, examples
        if started is None or examples_file is None:
            raise RuntimeError(f"{backend} {test_name}[{param}] failed outside a replayed "
                               f"example (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
        cases[started["start"]].update(
            category="crash", detail=f"exit {proc.returncode}: {proc.stderr.strip()[-160:]}")
        skip = started["start"]


def _label(test_name, param):
    return test_name if param is None else f"{test_name}[{param}]"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--featherflow-python", default=sys.executable,
                        help="the Python that records the examples with featherflow (its "
                             "column beside TF's); default: this one, with the repository "
                             "on the path")
    parser.add_argument("--json", default=None, help="write every case's outcome here")
    parser.add_argument("--list", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", nargs=5, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.list:
        _list()
        return
    if args.child:
        backend, test_name, param, skip, examples_file = args.child
        _child(backend, test_name, json.loads(param), int(skip), examples_file or None)
        return
    import tempfile

    results = {"featherflow": {}, "tensorflow": {}}
    for test_name, param in _properties(sys.executable):
        label = _label(test_name, param)
        cases, examples = _run_property(args.featherflow_python, "featherflow", test_name,
                                        param)
        results["featherflow"][label] = cases
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(examples, f)
        try:
            results["tensorflow"][label], _ = _run_property(sys.executable, "tensorflow",
                                                            test_name, param, f.name)
        finally:
            os.remove(f.name)
        if len(results["tensorflow"][label]) != len(cases):
            raise RuntimeError(f"{label}: {len(cases)} examples recorded but "
                               f"{len(results['tensorflow'][label])} replayed")
        print(label, {b: _counts(r[label]) for b, r in results.items()}, flush=True)
    print()
    print(_table(results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1, sort_keys=True)


def _counts(cases):
    counts = dict.fromkeys(CATEGORIES, 0)
    for case in cases.values():
        counts[case["category"]] += 1
    return {k: v for k, v in counts.items() if v}


def _table(results):
    backends = list(results)
    lines = ["| Property | " + " | ".join(f"{b}: answer / clear error / other" for b in backends)
             + " | other (TF) |", "|---|" + "---|" * len(backends) + "---|"]
    totals = {b: dict.fromkeys(CATEGORIES, 0) for b in backends}
    for label in results[backends[0]]:
        cells = []
        for backend in backends:
            counts = _counts(results[backend][label])
            for key, value in counts.items():
                totals[backend][key] += value
            other = sum(v for k, v in counts.items() if k not in ("answer", "clear error"))
            cells.append(f"{counts.get('answer', 0)} / {counts.get('clear error', 0)} / {other}")
        tf_counts = _counts(results["tensorflow"][label])
        kinds = ", ".join(f"{v} {k}" for k, v in tf_counts.items()
                          if k not in ("answer", "clear error"))
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {kinds} |")
    for backend in backends:
        lines.append(f"<!-- {backend} totals: "
                     + ", ".join(f"{k} {v}" for k, v in totals[backend].items() if v) + " -->")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
