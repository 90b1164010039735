"""Reading pickled data set files (CIFAR batches, IMDB/Reuters arrays) without running code."""

import io
import pickle
import zipfile

import numpy as np

ALLOWED_GLOBALS = frozenset({("numpy", "ndarray"), ("numpy", "dtype"),
                             ("numpy.core.multiarray", "_reconstruct"),
                             ("numpy._core.multiarray", "_reconstruct")})


class RestrictedUnpickler(pickle.Unpickler):
    """An Unpickler that rebuilds NumPy arrays and refuses every other global."""

    def find_class(self, module, name):
        if (module, name) in ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"Refusing to load {module}.{name} from a data set file: only NumPy arrays are "
            "expected there, so the file is corrupted or not the published one.")


def load_batch(fpath, label_key="labels"):
    """``(data, labels)`` of one batch file: data reshaped to (N, 3, 32, 32), labels a list."""
    with open(fpath, "rb") as stream:
        batch = RestrictedUnpickler(stream, encoding="bytes").load()
    batch = {key.decode("utf8"): value for key, value in batch.items()}
    data = batch["data"]
    return data.reshape(data.shape[0], 3, 32, 32), batch[label_key]


def _load_npy(stream):
    try:
        return np.lib.format.read_array(stream, allow_pickle=False)
    except ValueError:
        # Ragged sequences are stored as pickled object arrays; rebuild them through the
        # restricted unpickler instead of np.load(allow_pickle=True).
        stream.seek(0)
        version = np.lib.format.read_magic(stream)
        if version[0] == 1:
            np.lib.format.read_array_header_1_0(stream)
        elif version[0] in (2, 3):
            np.lib.format.read_array_header_2_0(stream)
        else:
            raise ValueError(
                f"Unsupported .npy format version {version} in a data set file.") from None
        return RestrictedUnpickler(stream).load()


def load_npz(path):
    """The arrays of an .npz file by name, object arrays included, loaded safely."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                with archive.open(member) as raw:
                    arrays[member[: -len(".npy")]] = _load_npy(io.BytesIO(raw.read()))
    return arrays
