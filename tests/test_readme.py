"""README's code runs as written and prints what it says."""

import os
import re

import numpy as np

README = os.path.join(os.path.dirname(__file__), "..", "README.md")


def test_readme_python_blocks_run_and_xor_is_learned():
    text = open(README, encoding="utf-8").read()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks
    scope = {}
    exec(compile("\n".join(blocks), "README.md", "exec"), scope)
    pred = np.round(scope["model"].predict(scope["x_data"], verbose=0)).ravel()
    assert pred.tolist() == [0, 1, 1, 0]
    assert "[[0.] [1.] [1.] [0.]]" in text


def test_readme_starts_with_the_two_commands():
    text = open(README, encoding="utf-8").read()
    first_block = re.search(r"```bash\n(.*?)```", text, re.S).group(1)
    commands = [ln for ln in first_block.splitlines() if ln and not ln.startswith("#")]
    assert commands[0].endswith("featherflow-demo")
    assert commands[1].endswith("python -m pytest -q")
    ci = open(os.path.join(os.path.dirname(README), ".ci", "run"), encoding="utf-8").read()
    assert commands[1] in ci


def test_readme_names_only_files_that_exist_and_no_machine_paths():
    text = open(README, encoding="utf-8").read()
    root = os.path.dirname(README)
    named = set(re.findall(r"`([\w./-]+\.(?:py|md|ipynb))`", text))
    assert len(named) > 30
    missing = [n for n in sorted(named) if not any(
        os.path.exists(os.path.join(root, folder, n)) for folder in ("", "examples", "docs"))]
    assert missing == []
    # every example script is named (the notebook too), so the list stays whole
    examples = {f for f in os.listdir(os.path.join(root, "examples"))
                if f.endswith((".py", ".ipynb")) and not f.startswith("_")}
    assert sorted(examples - named) == []
    assert not re.search(r"/(work|home|tmp|Users|root)/", text)
