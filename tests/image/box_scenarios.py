"""Runs tools/data_fixtures/image_boxes.py's scenarios with featherflow against TF's recorded
answers (shared by the tf.image box-op test files)."""

import importlib

from tests.data.scenarios import common

# tools/ is on the path once tests.data.scenarios is imported
image_boxes = importlib.import_module("data_fixtures.image_boxes")
RECORDED = common.load("image_boxes")["results"]


def names(*prefixes):
    return sorted(name for name in image_boxes.SCENARIOS if name.startswith(prefixes))


def run(name, module, rtol, atol):
    """Compare scenario ``name``; ``_u8`` scenarios' floats are on the 0-255 scale, so their
    absolute tolerance is scaled by 255."""
    assert name in RECORDED, (f"scenario {name!r} has no recorded answer: run "
                              "/work/venv-tf/bin/python tools/make_data_fixtures.py image_boxes")
    actual = common.run(image_boxes.SCENARIOS[name], module)
    scale = 255.0 if name.endswith("_u8") else 1.0
    common.assert_matches(RECORDED[name], actual, name, rtol=rtol, atol=atol * scale)
