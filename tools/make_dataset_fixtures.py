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
    record_get_file_paths(file_utils)


def record_get_file_paths(file_utils):
    """Where Keras's get_file puts downloads and extractions, relative to KERAS_HOME."""
    home = os.environ["KERAS_HOME"] = tempfile.mkdtemp(prefix="keras_home_")
    cases = []
    archive = published_files.published_files()["cifar-10-python.tar.gz"]
    served = {"/data/archive.tar.gz": archive, "/data/plain.bin": b"plain", "/data/pack": archive}
    combos = [("plain.bin", "/data/plain.bin", False, "datasets"),
              (None, "/data/plain.bin", False, "datasets"),
              ("renamed.bin", "/data/plain.bin", False, "models"),
              ("folder", "/data/archive.tar.gz", True, "datasets"),
              ("named.tar.gz", "/data/archive.tar.gz", True, "datasets"),
              ("two.dots.tgz", "/data/archive.tar.gz", True, "other"),
              (None, "/data/archive.tar.gz", True, "datasets"),
              (None, "/data/pack", True, "datasets")]
    with http_server.serve(served) as server:
        for fname, origin, extract, subdir in combos:
            path = file_utils.get_file(fname, origin=server.url + origin, extract=extract,
                                       cache_subdir=subdir, cache_dir=home)
            cases.append({"fname": fname, "origin": origin, "extract": extract,
                          "subdir": subdir, "relative": os.path.relpath(path, home)})
    output = os.path.join(os.path.dirname(OUTPUT), "get_file_paths.json")
    with open(output, "w") as stream:
        json.dump({"served": sorted(served), "cases": cases}, stream, indent=1)
    print(f"wrote {output}: {len(cases)} cases")


if __name__ == "__main__":
    main()
