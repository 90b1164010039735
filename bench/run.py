"""Benchmark featherflow against Keras on TensorFlow and PyTorch in one run, and print ratios.

Each framework runs every workload in its own subprocess and interpreter, so imports never
interfere and import time is measurable:

- featherflow: this interpreter (sys.executable), with this checkout first on PYTHONPATH;
- Keras on TF: $FF_BENCH_TF_PYTHON, default /work/venv-tf/bin/python;
- PyTorch:     $FF_BENCH_TORCH_PYTHON, default /work/venv-torch/bin/python.

A framework that is missing is reported as skipped (or "not available") with the reason.

Example:
    python bench/run.py --quick                      # smoke run of everything
    python bench/run.py --only xor,mlp --repeat 5 --json out.json
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from workloads import BY_NAME, WORKLOADS

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
RESULT_MARKER = "BENCH_RESULT "
FRAMEWORKS = ("featherflow", "keras-tf", "torch")
PEERS = ("keras-tf", "torch")
PEER_PYTHONS = {
    "keras-tf": ("FF_BENCH_TF_PYTHON", "/work/venv-tf/bin/python"),
    "torch": ("FF_BENCH_TORCH_PYTHON", "/work/venv-torch/bin/python"),
}
IMPORT_TARGETS = {
    "featherflow": ("featherflow", "keras.Sequential"),
    "keras-tf": ("tensorflow", "keras.Sequential"),
    "torch": ("torch", "nn.Linear"),
}
# Environment variables that change BLAS / threading behaviour, echoed in the header so a
# recorded result says under which conditions it was measured.
ENV_PREFIXES = (
    "OPENBLAS_",
    "NUMBA_",
    "FEATHERFLOW_FAST",
    "FF_BENCH_TORCH_THREADS",
    "OMP_",
    "MKL_",
    "TF_CPP_",
    "TF_ENABLE_",
    "TF_NUM_",
    "KERAS_BACKEND",
)

# Runs in a fresh interpreter; json is imported only after the clock stops, since the
# framework under test might not need it.
IMPORT_SNIPPET = """\
import time
start = time.perf_counter()
try:
    import {module} as mod
    imported = time.perf_counter()
    if getattr(mod, "__file__", None) is None:
        raise ImportError(
            "{module} imported as an empty namespace package: its __init__.py does not exist yet"
        )
    mod.{touch}
    touched = time.perf_counter()
    payload = {{"status": "ok", "samples": [touched - start],
               "check": {{"bare_import_s": imported - start}},
               "versions": {{"{module}": getattr(mod, "__version__", "unknown")}}}}
except Exception as exc:
    payload = {{"status": "unavailable", "error": type(exc).__name__ + ": " + str(exc)}}
import json
print("{marker}" + json.dumps(payload))
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="featherflow vs Keras-on-TF vs PyTorch, one run, ratios.",
        epilog="Workloads: " + ", ".join(w.name for w in WORKLOADS),
    )
    parser.add_argument("--only", help="comma-separated workload names (default: all)")
    parser.add_argument(
        "--frameworks",
        default=",".join(FRAMEWORKS),
        help=f"comma-separated subset of {', '.join(FRAMEWORKS)} (default: all)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        help="samples per framework and workload (default 3, or 1 with --quick)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run the frameworks in turn this many times per workload, each time taking "
        "--repeat samples, and pool the samples (default 1). With 2 or more, a burst of "
        "load on a shared machine hits every side instead of only the one running then",
    )
    parser.add_argument(
        "--stat",
        choices=("best", "median"),
        default="best",
        help="how the samples are reduced: best = minimum (default), or median",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: a tenth of the epochs/steps/rows; goals of scaled workloads not judged",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=60.0,
        help="seconds after which a side stops taking more samples of a workload (at least one "
        "is always taken; 0: no limit; default 60)",
    )
    parser.add_argument("--json", type=Path, help="write every raw number to this file")
    parser.add_argument(
        "--timeout",
        type=float,
        default=1800.0,
        help="seconds allowed per subprocess (one framework, one workload, all repeats)",
    )
    parser.add_argument("--list", action="store_true", help="list the workloads and exit")
    parser.add_argument(
        "--keep-openblas-env",
        action="store_true",
        help="keep OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE if set (default: unset both for every "
        "side, so OpenBLAS picks the machine's own kernels, as on a user's machine)",
    )
    args = parser.parse_args(argv)
    args.repeat = args.repeat or (1 if args.quick else 3)
    if args.repeat < 1:
        parser.error(f"--repeat expects a positive count, received {args.repeat}")
    if args.rounds < 1:
        parser.error(f"--rounds expects a positive count, received {args.rounds}")
    args.workloads = select(parser, args.only, BY_NAME, "--only", "workload")
    args.framework_list = select(parser, args.frameworks, FRAMEWORKS, "--frameworks", "framework")
    return args


def select(parser, text, known, flag, what):
    if not text:
        return [BY_NAME[name] for name in BY_NAME] if what == "workload" else list(known)
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in known]
    if unknown:
        parser.error(f"{flag}: unknown {what} {unknown}; expected some of {', '.join(known)}")
    if what == "workload":
        return [BY_NAME[name] for name in names]
    # Tables always list featherflow first, then the peers, whatever order was typed.
    return [name for name in known if name in names]


def resolve_python(framework):
    """(python path, None) for a runnable side, or (None, reason it is skipped)."""
    if framework == "featherflow":
        return sys.executable, None
    variable, default = PEER_PYTHONS[framework]
    chosen = os.environ.get(variable) or default
    if not Path(chosen).exists():
        source = f"${variable}" if os.environ.get(variable) else f"default (set ${variable})"
        return None, f"no python at {chosen} from {source}; see bench/README.md to create it"
    return chosen, None


# Some sandboxes pin OpenBLAS to older kernels (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE), which
# halves GEMM speed on newer CPUs; users' machines do not. By default they are unset for
# every side alike (PyTorch does not use OpenBLAS, so only featherflow would be slowed).
KEEP_OPENBLAS_ENV = False
OPENBLAS_PINS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def side_env(framework):
    env = dict(os.environ)
    if not KEEP_OPENBLAS_ENV:
        for name in OPENBLAS_PINS:
            env.pop(name, None)
    if framework == "featherflow":
        # The working tree under test comes first, ahead of any installed featherflow.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def run_subprocess(command, env, timeout):
    """Run one side; return its parsed BENCH_RESULT payload, or an error payload."""
    proc = subprocess.Popen(
        command,
        cwd=BENCH_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return {"status": "error", "error": f"timed out after {timeout:.0f} s (raise --timeout)"}
    for line in reversed(stdout.splitlines()):
        if line.startswith(RESULT_MARKER):
            return json.loads(line[len(RESULT_MARKER) :])
    tail = [line for line in stderr.splitlines() if line.strip()][-1:] or ["no output"]
    return {"status": "error", "error": f"exit code {proc.returncode}: {tail[0][:300]}"}


def run_side(framework, workload, args):
    python, reason = resolve_python(framework)
    if python is None:
        return {"status": "skipped", "error": reason}
    env = side_env(framework)
    if workload.name == "import":
        module, touch = IMPORT_TARGETS[framework]
        code = IMPORT_SNIPPET.format(module=module, touch=touch, marker=RESULT_MARKER)
        if framework == "featherflow":
            # the peers import from the bytecode pip compiled at install; the tree under test
            # may have none (an editable install, or PYTHONDONTWRITEBYTECODE=1 as in some
            # sandboxes, recompiles every module at each import: ~0.13 s measured), so compile
            # it first, as `pip install featherflow` would
            subprocess.run([python, "-m", "compileall", "-q", str(REPO_ROOT / "featherflow")],
                           env=env, stdout=subprocess.DEVNULL, timeout=args.timeout)
        merged = None
        for _ in range(args.repeat):
            result = run_subprocess([python, "-c", code], env, args.timeout)
            if result.get("status") != "ok":
                return result
            if merged is None:
                merged = result
                merged["check"] = {"bare_import_s": [result["check"]["bare_import_s"]]}
            else:
                merged["samples"] += result["samples"]
                merged["check"]["bare_import_s"].append(result["check"]["bare_import_s"])
        return merged
    script = "side_torch.py" if framework == "torch" else "side_keras_api.py"
    command = [python, str(BENCH_DIR / script)]
    if framework != "torch":
        command += ["--framework", framework]
    params = workload.quick_params if args.quick else workload.params
    command += [
        "--workload",
        workload.name,
        "--params",
        json.dumps(params),
        "--repeat",
        str(args.repeat),
        "--budget",
        str(args.budget),
    ]
    return run_subprocess(command, env, args.timeout)


def merge_rounds(previous, result):
    """Pool the samples of another round of one side into ``previous`` (the first result,
    or the first failure, is kept otherwise)."""
    if previous is None:
        return result
    if previous.get("status") != "ok":
        return previous
    if result.get("status") != "ok":
        return result
    previous["samples"] = previous["samples"] + result["samples"]
    previous["wall_s"] = previous.get("wall_s", 0.0) + result.get("wall_s", 0.0)
    return previous


def reduce(samples, stat):
    return min(samples) if stat == "best" else statistics.median(samples)


def fmt_time(seconds, unit):
    if seconds is None:
        return "-"
    if unit == "ms":
        value = seconds * 1e3
        return f"{value:.4f} ms" if value < 0.1 else f"{value:.3f} ms"
    if unit == "us":
        return f"{seconds * 1e6:.1f} us"
    return f"{seconds:.3f} s" if seconds < 10 else f"{seconds:.1f} s"


def fmt_ratio(ratio):
    if ratio is None:
        return "-"
    return f"{ratio:.0f}x" if ratio >= 100 else f"{ratio:.1f}x" if ratio >= 10 else f"{ratio:.2f}x"


def fmt_spread(samples, unit, repeat):
    if len(samples) == 1:
        return "(1 sample)"
    low, high = fmt_time(min(samples), unit), fmt_time(max(samples), unit)
    count = f" (n={len(samples)})" if len(samples) != repeat else ""
    return f"{low.rsplit(' ', 1)[0]}-{high}{count}"


def fmt_check(check):
    parts = []
    for key, value in (check or {}).items():
        if key == "predictions":
            parts.append("pred [" + " ".join(str(v) for v in value) + "]")
        elif key == "accuracy" and value is not None:
            parts.append(f"acc {value:.2f}")
        elif key == "loss" and value is not None:
            parts.append(f"loss {value:.4g}")
        elif key == "calls_per_repeat":
            parts.append(f"{min(value)}+ calls")
        elif key == "shape":
            parts.append("out " + "x".join(str(v) for v in value))
        elif key == "bare_import_s":
            parts.append(f"bare import {min(value):.3f} s")
    return ", ".join(parts)


def describe_failure(framework, result):
    if framework == "featherflow" and result["status"] in ("unavailable", "skipped"):
        return f"not available ({result['error']})"
    if result["status"] in ("unavailable", "skipped"):
        return f"skipped ({result['error']})"
    return f"error ({result['error']})"


def judge_goal(workload, featherflow_value, quick):
    """(text, met) where met is True/False, or None when it cannot be judged."""
    if workload.goal_s is None:
        return "no goal in ANCHORS.md (reported for comparison)", None
    goal = f"featherflow <= {fmt_time(workload.goal_s, workload.unit)}"
    if quick and not workload.goal_in_quick:
        return f"{goal}: not judged in --quick (scaled-down workload)", None
    if featherflow_value is None:
        return f"{goal}: not judged (no featherflow number)", None
    met = featherflow_value <= workload.goal_s
    verdict = "MET" if met else "NOT MET"
    return f"{goal}: {verdict} ({fmt_time(featherflow_value, workload.unit)})", met


def evaluate(workload, results, args):
    """Add value/spread to each ok result and compute ratios against featherflow."""
    for result in results.values():
        if result.get("status") == "ok":
            result["value"] = reduce(result["samples"], args.stat)
    ff = results.get("featherflow", {})
    ff_value = ff.get("value") if ff.get("status") == "ok" else None
    ratios = {}
    for peer in PEERS:
        peer_result = results.get(peer, {})
        if ff_value and peer_result.get("status") == "ok":
            ratios[peer] = peer_result["value"] / ff_value
    goal_text, met = judge_goal(workload, ff_value, args.quick)
    return ratios, goal_text, met


def print_block(workload, results, ratios, goal_text, args):
    stat = "best" if args.stat == "best" else "median"
    print(f"\n[{workload.name}] {workload.title}")
    rounds = f" x {args.rounds} rounds" if args.rounds > 1 else ""
    print(f"  timing: {workload.note}; {stat} of {args.repeat}{rounds}")
    if args.quick and workload.quick_params:
        settings = ", ".join(f"{k}={v}" for k, v in workload.quick_params.items())
        print(f"  --quick settings: {settings}")
    print(f"  {'framework':<12} {'time':>12}  {'spread (min-max)':<24} {'peer/ff':>9}  check")
    for framework, result in results.items():
        if result.get("status") != "ok":
            print(f"  {framework:<12} {describe_failure(framework, result)}")
            continue
        spread = fmt_spread(result["samples"], workload.unit, args.repeat * args.rounds)
        ratio = "1.00x" if framework == "featherflow" else fmt_ratio(ratios.get(framework))
        value = fmt_time(result["value"], workload.unit)
        check = fmt_check(result.get("check"))
        print(f"  {framework:<12} {value:>12}  {spread:<24} {ratio:>9}  {check}")
    print(f"  goal: {goal_text}")
    if workload.anchors:
        refs = ", ".join(f"{fw} {text}" for fw, text in workload.anchors.items())
        print(f"  ANCHORS.md reference (other run, for scale only): {refs}")


def print_summary(rows, args):
    frameworks = args.framework_list
    peers = [fw for fw in PEERS if fw in frameworks]
    print("\nSummary (ratio = peer time / featherflow time; above 1 means featherflow is faster)")
    header = f"  {'workload':<13}" + "".join(f" {fw:>13}" for fw in frameworks)
    header += "".join(f" {fw + '/ff':>12}" for fw in peers) + f" {'goal':>11}  met"
    print(header)
    for workload, results, ratios, met in rows:
        line = f"  {workload.name:<13}"
        for fw in frameworks:
            result = results[fw]
            cell = (
                fmt_time(result["value"], workload.unit)
                if result.get("status") == "ok"
                else ("n/a" if fw == "featherflow" else result["status"])
            )
            line += f" {cell:>13}"
        for peer in peers:
            line += f" {fmt_ratio(ratios.get(peer)):>12}"
        goal = fmt_time(workload.goal_s, workload.unit) if workload.goal_s else "-"
        verdict = {True: "yes", False: "NO", None: "-"}[met]
        print(line + f" {goal:>11}  {verdict}")


def machine_info():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f"{pages / 2**30:.1f} GiB"
    except (ValueError, OSError, AttributeError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "system": f"{platform.system()} {platform.release()}",
        "env": {k: v for k, v in sorted(os.environ.items()) if k.startswith(ENV_PREFIXES)},
    }


def load_average():
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def fmt_load(load):
    return " ".join(f"{value:.2f}" for value in load) if load else "unknown"


def print_header(meta, args):
    machine = meta["machine"]
    print(f"featherflow benchmark, {meta['date']}")
    print(
        f"machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory']}, "
        f"{machine['system']}"
    )
    env = dict(machine["env"])
    if not KEEP_OPENBLAS_ENV:
        unset = [name for name in OPENBLAS_PINS if env.pop(name, None) is not None]
        if unset:
            print(f"unset for every side (--keep-openblas-env keeps them): {', '.join(unset)}")
    env_text = " ".join(f"{k}={v}" for k, v in env.items()) or "(none set)"
    print(f"environment (identical for every side): {env_text}")
    for framework in args.framework_list:
        python, reason = resolve_python(framework)
        where = python or f"skipped: {reason}"
        if framework == "featherflow":
            where += f" (PYTHONPATH starts with {REPO_ROOT})"
        print(f"python for {framework}: {where}")
    print(
        f"load average at start (1/5/15 min): {fmt_load(meta['load_start'])}"
        f"; above ~0.5 other work shares the {machine['cores']} cores and the numbers are noisy"
    )
    stat = "best (minimum)" if args.stat == "best" else "median"
    budget = f", fewer once a side has spent {args.budget:g} s on it" if args.budget else ""
    print(
        f"statistic: {stat} of {args.repeat} sample(s) per framework and workload{budget}"
        + (f", in {args.rounds} rounds taking the frameworks in turn" if args.rounds > 1 else "")
        + ("; --quick: scaled-down workloads" if args.quick else "")
    )


def main(argv=None):
    global KEEP_OPENBLAS_ENV
    args = parse_args(argv)
    KEEP_OPENBLAS_ENV = args.keep_openblas_env
    if args.list:
        for workload in WORKLOADS:
            print(f"{workload.name:<13} {workload.title}")
        return 0
    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "argv": sys.argv[1:] if argv is None else list(argv),
        "stat": args.stat,
        "repeat": args.repeat,
        "rounds": args.rounds,
        "budget_s": args.budget,
        "quick": args.quick,
        "machine": machine_info(),
        "pythons": {fw: resolve_python(fw)[0] for fw in args.framework_list},
        "load_start": load_average(),
    }
    print_header(meta, args)
    rows, records, versions = [], [], {}
    for workload in args.workloads:
        results = {}
        for round_index in range(args.rounds):
            for framework in args.framework_list:
                label = f" (round {round_index + 1} of {args.rounds})" if args.rounds > 1 else ""
                print(f"  ... {workload.name}: {framework}{label}", file=sys.stderr, flush=True)
                started = time.perf_counter()
                result = run_side(framework, workload, args)
                result["wall_s"] = time.perf_counter() - started
                results[framework] = merge_rounds(results.get(framework), result)
                if result.get("status") == "ok" and workload.name != "import":
                    versions.setdefault(framework, result.get("versions"))
        ratios, goal_text, met = evaluate(workload, results, args)
        print_block(workload, results, ratios, goal_text, args)
        sys.stdout.flush()
        rows.append((workload, results, ratios, met))
        records.append(
            {
                "name": workload.name,
                "title": workload.title,
                "unit": workload.unit,
                "timing": workload.note,
                "params": workload.quick_params if args.quick else workload.params,
                "goal_s": workload.goal_s,
                "goal": goal_text,
                "goal_met": met,
                "ratios": ratios,
                "results": results,
            }
        )
    print_summary(rows, args)
    if versions:
        print("versions:")
        for framework, info in versions.items():
            text = ", ".join(f"{k} {v}" for k, v in info.items() if k != "python_executable")
            print(f"  {framework}: {text}")
    meta["load_end"] = load_average()
    print(f"load average at end (1/5/15 min): {fmt_load(meta['load_end'])}")
    if args.json:
        meta["versions"] = versions
        args.json.write_text(json.dumps({"meta": meta, "workloads": records}, indent=2) + "\n")
        print(f"raw numbers written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
