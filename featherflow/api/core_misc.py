"""The rest of TensorFlow's top level that eager code meets: ``tf.DeviceSpec``,
``tf.TypeSpec`` / ``tf.type_spec_from_value``, ``tf.fftnd`` / ``ifftnd`` / ``rfftnd`` /
``irfftnd``, ``tf.guarantee_const``, ``tf.parallel_stack``, ``tf.is_symbolic_tensor`` and
``tf.inside_function``.

featherflow runs everything eagerly, as TensorFlow under ``tf.config.run_functions_eagerly
(True)``: no tensor is symbolic and no code runs inside a traced function, so
``is_symbolic_tensor`` and ``inside_function`` answer False, as TensorFlow does there.
``parallel_stack`` stacks (TensorFlow refuses it in eager mode with a RuntimeError; featherflow
gives the result its graph mode would).
"""

import abc

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.errors import InvalidArgumentError

__all__ = ["DeviceSpec", "TypeSpec", "fftnd", "guarantee_const", "ifftnd", "inside_function",
           "irfftnd", "is_symbolic_tensor", "parallel_stack", "rfftnd", "type_spec_from_value"]

_DEVICE_TYPES = ("CPU", "GPU", "TPU", "TPU_SYSTEM", "XLA_CPU", "XLA_GPU")


class DeviceSpec:
    """An immutable device name: ``/job:<job>/replica:<r>/task:<t>/device:<TYPE>:<index>``,
    any part optional (``tf.DeviceSpec.from_string("/gpu:1")``)."""

    __slots__ = ("_job", "_replica", "_task", "_device_type", "_device_index")

    def __init__(self, job=None, replica=None, task=None, device_type=None, device_index=None):
        self._job = None if job is None else str(job)
        self._replica = None if replica is None else int(replica)
        self._task = None if task is None else int(task)
        self._device_type = None if device_type is None else str(device_type)
        self._device_index = None if device_index is None else int(device_index)

    job = property(lambda self: self._job)
    replica = property(lambda self: self._replica)
    task = property(lambda self: self._task)
    device_type = property(lambda self: self._device_type)
    device_index = property(lambda self: self._device_index)

    @classmethod
    def from_string(cls, spec):
        """Parse ``/job:worker/task:1/device:GPU:0``, ``/cpu:0``, ``GPU:1``, ``/device:GPU:*``."""
        return cls(*_parse(spec))

    def parse_from_string(self, spec):
        """A new DeviceSpec parsed from ``spec`` (DeviceSpecs are immutable in TF 2)."""
        return self.from_string(spec)

    def to_string(self):
        out = ""
        if self._job is not None:
            out += f"/job:{self._job}"
        if self._replica is not None:
            out += f"/replica:{self._replica}"
        if self._task is not None:
            out += f"/task:{self._task}"
        if self._device_type is not None:
            index = "*" if self._device_index is None else self._device_index
            out += f"/device:{self._device_type}:{index}"
        return out

    def replace(self, **kwargs):
        fields = {name: getattr(self, name) for name in
                  ("job", "replica", "task", "device_type", "device_index")}
        unknown = set(kwargs) - set(fields)
        if unknown:
            raise TypeError(f"DeviceSpec.replace: unknown field(s) {sorted(unknown)}; expected "
                            f"some of {sorted(fields)}")
        fields.update(kwargs)
        return DeviceSpec(**fields)

    def make_merged_spec(self, dev):
        """This spec with every field ``dev`` sets taken from ``dev``."""
        fields = {name: getattr(self, name) for name in
                  ("job", "replica", "task", "device_type", "device_index")}
        for name in fields:
            value = getattr(dev, name)
            if value is not None:
                fields[name] = value
        return DeviceSpec(**fields)

    def __eq__(self, other):
        return isinstance(other, DeviceSpec) and self.to_string() == other.to_string()

    def __hash__(self):
        return hash(self.to_string())

    def __repr__(self):
        return (f"<DeviceSpec(job={self._job}, replica={self._replica}, task={self._task}, "
                f"device_type={self._device_type}, device_index={self._device_index})>")


def _parse(spec):
    if isinstance(spec, DeviceSpec):
        return spec.job, spec.replica, spec.task, spec.device_type, spec.device_index
    if not isinstance(spec, str):
        raise TypeError(f"DeviceSpec: expected a device string such as '/device:CPU:0'; "
                        f"received {type(spec).__name__}")
    job = replica = task = device_type = device_index = None
    for part in spec.split("/"):
        fields = part.split(":")
        n = len(fields)
        if not part:
            continue
        if n == 2 and fields[0] == "job":
            job = fields[1]
        elif n == 2 and fields[0] == "replica":
            replica = int(fields[1])
        elif n == 2 and fields[0] == "task":
            task = int(fields[1])
        elif n in (1, 2) and fields[0].upper() in _DEVICE_TYPES:
            if device_type is not None:
                raise ValueError(f"Multiple device types are not allowed while parsing the "
                                 f"device spec: {spec}.")
            device_type = fields[0].upper()
            if n == 2 and fields[1] != "*":
                device_index = int(fields[1])
        elif n == 3 and fields[0] == "device":
            if device_type is not None:
                raise ValueError(f"Multiple device types are not allowed while parsing the "
                                 f"device spec: {spec}.")
            device_type = fields[1]
            if fields[2] != "*":
                device_index = int(fields[2])
        else:
            raise ValueError(f"Unknown attribute '{fields[0]}' is encountered while parsing the "
                             f"device spec: '{spec}'.")
    return job, replica, task, device_type, device_index


class TypeSpec(abc.ABC):
    """The base of ``tf.TensorSpec``, ``RaggedTensorSpec``, ``SparseTensorSpec``... for
    ``isinstance`` checks. featherflow's specs are registered as its subclasses; a spec of your
    own may subclass it."""

    @property
    @abc.abstractmethod
    def value_type(self):
        """The Python type of the values this spec describes."""


def _register_specs():
    from featherflow.api.indexed_slices import IndexedSlicesSpec
    from featherflow.api.ragged_spec import RaggedTensorSpec
    from featherflow.api.sparse_tensor import SparseTensorSpec
    from featherflow.api.tensor_array import TensorArraySpec
    from featherflow.data.nested import DatasetSpec
    from featherflow.data.structure import TensorSpec

    for cls in (TensorSpec, RaggedTensorSpec, SparseTensorSpec, IndexedSlicesSpec,
                TensorArraySpec, DatasetSpec):
        TypeSpec.register(cls)


_register_specs()


def type_spec_from_value(value):
    """The spec of a tensor, RaggedTensor, SparseTensor, Dataset, or anything
    ``tf.convert_to_tensor`` takes (a TensorSpec of its shape and dtype)."""
    from featherflow.autodiff.tensor import convert_to_tensor
    from featherflow.data import structure
    from featherflow.data.dataset import Dataset
    from featherflow.data.iterator import DatasetIterator
    from featherflow.data.nested import DatasetSpec
    from featherflow.data.optional import Optional

    if value is None:
        from featherflow.api.none_tensor import NoneTensorSpec  # none_tensor imports this module

        return NoneTensorSpec()
    if isinstance(value, Dataset):
        return DatasetSpec(value.element_spec)
    if isinstance(value, (DatasetIterator, Optional)):
        return value._type_spec
    if structure.is_ragged(value) or structure.is_sparse(value):
        return structure._leaf_spec(value)
    try:
        t = value if isinstance(value, Tensor) else convert_to_tensor(value)
    except (TypeError, ValueError) as err:
        raise TypeError(f"Could not build a TypeSpec for {value!r} of unsupported type "
                        f"{type(value)}.") from err
    return structure.TensorSpec(t.data.shape, t.data.dtype)


# -- N-D FFTs (TensorFlow's raw-op signatures: fft_length and axes are required) ------------
def _fft_args(input, fft_length, axes, op):  # noqa: A002
    a = np.asarray(input.data if isinstance(input, Tensor) else input)
    lengths = [int(v) for v in np.asarray(getattr(fft_length, "data", fft_length)).reshape(-1)]
    axes_ = [int(v) for v in np.asarray(getattr(axes, "data", axes)).reshape(-1)]
    if len(lengths) != len(axes_):
        raise InvalidArgumentError(f"{op}: fft_length and axes must have the same length; "
                                   f"received {len(lengths)} and {len(axes_)}")
    if len({ax % max(a.ndim, 1) for ax in axes_}) != len(axes_):
        raise InvalidArgumentError(f"{op}: axes must be distinct; received {axes_}")
    return a, lengths, axes_


def _complex(a, op):
    if a.dtype.kind != "c":
        raise InvalidArgumentError(f"{op}: input must be complex64 or complex128; received "
                                   f"{a.dtype.name}")
    return a


def fftnd(input, fft_length, axes, name=None):  # noqa: A002
    a, lengths, axes_ = _fft_args(input, fft_length, axes, "fftnd")
    a = _complex(a, "fftnd")
    return Tensor(np.fft.fftn(a, s=lengths, axes=axes_).astype(a.dtype))


def ifftnd(input, fft_length, axes, name=None):  # noqa: A002
    a, lengths, axes_ = _fft_args(input, fft_length, axes, "ifftnd")
    a = _complex(a, "ifftnd")
    return Tensor(np.fft.ifftn(a, s=lengths, axes=axes_).astype(a.dtype))


def rfftnd(input, fft_length, axes, Tcomplex=None, name=None):  # noqa: A002, N803
    a, lengths, axes_ = _fft_args(input, fft_length, axes, "rfftnd")
    if a.dtype.kind != "f":
        raise InvalidArgumentError(f"rfftnd: input must be float32 or float64; received "
                                   f"{a.dtype.name}")
    out = np.dtype(getattr(Tcomplex, "as_numpy_dtype", Tcomplex) or
                   (np.complex128 if a.dtype == np.float64 else np.complex64))
    return Tensor(np.fft.rfftn(a, s=lengths, axes=axes_).astype(out))


def irfftnd(input, fft_length, axes, Treal=None, name=None):  # noqa: A002, N803
    a, lengths, axes_ = _fft_args(input, fft_length, axes, "irfftnd")
    a = _complex(a, "irfftnd")
    out = np.dtype(getattr(Treal, "as_numpy_dtype", Treal) or
                   (np.float64 if a.dtype == np.complex128 else np.float32))
    return Tensor(np.fft.irfftn(a, s=lengths, axes=axes_).astype(out))


def guarantee_const(input, name=None):  # noqa: A002
    """``input`` itself (TensorFlow's hint that a value never changes; nothing to do eagerly)."""
    from featherflow.ops import math as math_ops

    return math_ops.identity(input)


def parallel_stack(values, name="parallel_stack"):
    """``tf.stack(values)`` (TensorFlow's graph-mode op; it refuses eager mode)."""
    from featherflow.ops import concat

    return concat.stack(list(values), axis=0)


def is_symbolic_tensor(tensor):
    """False: featherflow's tensors all hold values (nothing is traced into a graph)."""
    return False


def inside_function():
    """False: featherflow runs ``tf.function`` bodies eagerly, as TensorFlow under
    ``tf.config.run_functions_eagerly(True)``."""
    return False
