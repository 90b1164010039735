"""Record what Keras 3's own keras.datasets loaders return on tests/datasets' tiny files.

Run with the TensorFlow/Keras environment from the repository root:
    /work/venv-tf/bin/python tools/make_dataset_fixtures.py
-> tests/fixtures/keras/datasets/load_data.json. Keras's loaders are pointed at a 127.0.0.1
server holding the files (their get_file gets the local origin and no hash, because the tiny
files cannot match the published hashes; featherflow's tests check the hash path separately).
Keras's CIFAR-10 loader broadcasts each one-image training batch into its 10,000-row slot, so
only rows 0, 10000, ... of its training arrays are recorded: those are the five real images.
"""

import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tests.datasets import http_server, published_files  # noqa: E402

OUTPUT = os.path.join("tests", "fixtures", "keras", "datasets", "load_data.json")


def main():
    os.environ["KERAS_HOME"] = tempfile.mkdtemp(prefix="keras_home_")
    import importlib

    import keras
    from keras.src.utils import file_utils

    records = {"keras_version": keras.__version__, "scenarios": {}}
    files = published_files.published_files()
    with http_server.serve({f"/{name}": body for name, body in files.items()}) as server:
        def local_get_file(fname=None, origin=None, **kwargs):
            kwargs.pop("file_hash", None)
            return file_utils.get_file(fname, origin=f"{server.url}/{origin.rsplit('/', 1)[1]}",
                                       **kwargs)

        for name, module_name, function, kwargs in published_files.SCENARIOS:
            module = importlib.import_module(f"keras.src.datasets.{module_name}")
            module.get_file = local_get_file
            result = getattr(module, function)(**kwargs)
            if module_name == "cifar10":
                (x_train, y_train), test = result
                result = ((x_train[::10000], y_train[::10000]), test)
            records["scenarios"][name] = published_files.encode(result)
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    with open(OUTPUT, "w") as stream:
        json.dump(records, stream)
    print(f"wrote {OUTPUT}: {len(records['scenarios'])} scenarios")


if __name__ == "__main__":
    main()
