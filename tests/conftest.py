"""Suite-wide options: tests marked ``@pytest.mark.slow`` (whole full-size models, long
trainings) are skipped unless ``--runslow`` is given, so README's ``python -m pytest -q`` stays
under 10 minutes on 2 cores; ``python -m pytest -q --runslow`` runs everything."""

import pytest


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", default=False,
                     help="also run the tests marked @pytest.mark.slow")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
