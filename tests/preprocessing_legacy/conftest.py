"""The legacy image API draws from NumPy's global ``np.random`` (as Keras does) and its
tests seed it; each test here leaves the global stream as it found it."""

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def keep_numpy_global_random_state():
    state = np.random.get_state()
    yield
    np.random.set_state(state)
