"""``tf.config``: the devices featherflow runs on (the CPU, through NumPy)."""

from collections import namedtuple

PhysicalDevice = namedtuple("PhysicalDevice", ["name", "device_type"])
LogicalDevice = namedtuple("LogicalDevice", ["name", "device_type"])

_CPU = PhysicalDevice(name="/physical_device:CPU:0", device_type="CPU")


def list_physical_devices(device_type=None):
    """``[PhysicalDevice('/physical_device:CPU:0', 'CPU')]``; empty for "GPU" or "TPU"."""
    if device_type is None or str(device_type).upper() == "CPU":
        return [_CPU]
    return []


class LogicalDeviceConfiguration(
        namedtuple("LogicalDeviceConfiguration",
                   ["memory_limit", "experimental_priority", "experimental_device_ordinal"])):
    """``tf.config.LogicalDeviceConfiguration(memory_limit=None, experimental_priority=None,
    experimental_device_ordinal=None)``: one logical device to split a physical one into."""

    def __new__(cls, memory_limit=None, experimental_priority=None,
                experimental_device_ordinal=None):
        return super().__new__(cls, memory_limit, experimental_priority,
                               experimental_device_ordinal)


# per physical device name: the list of LogicalDeviceConfiguration set for it
_logical_configs = {}
_settings = {"soft_device_placement": True, "functions_run_eagerly": False}


def list_logical_devices(device_type=None):
    """One ``/device:CPU:<i>`` per logical CPU (one, unless
    :func:`set_logical_device_configuration` split the CPU)."""
    if device_type is None or str(device_type).upper() == "CPU":
        n = len(_logical_configs.get(_CPU.name) or [None])
        return [LogicalDevice(name=f"/device:CPU:{i}", device_type="CPU") for i in range(n)]
    return []


def _check_device(device, where):
    if not isinstance(device, PhysicalDevice):
        raise ValueError(f"tf.config.{where}: expected a PhysicalDevice from "
                         f"tf.config.list_physical_devices(); received {device!r}.")
    if device != _CPU:
        raise ValueError(f"tf.config.{where}: unrecognized device {device!r}; featherflow "
                         f"has only {_CPU!r}.")


def set_logical_device_configuration(device, logical_devices):
    """Split the CPU into ``len(logical_devices)`` logical CPUs (``/device:CPU:0``, ...), as
    TensorFlow does to try multi-device code (``tf.distribute``) on one machine. featherflow
    runs them all on the one NumPy CPU; ``memory_limit`` is kept, not enforced."""
    _check_device(device, "set_logical_device_configuration")
    if logical_devices is None:
        _logical_configs.pop(device.name, None)
        return
    configs = list(logical_devices)
    for c in configs:
        if not isinstance(c, LogicalDeviceConfiguration):
            raise ValueError(f"tf.config.set_logical_device_configuration: expected a list of "
                             f"tf.config.LogicalDeviceConfiguration; received {c!r}.")
    _logical_configs[device.name] = configs or None


def get_logical_device_configuration(device):
    """The configurations given to :func:`set_logical_device_configuration`, else None."""
    _check_device(device, "get_logical_device_configuration")
    return _logical_configs.get(device.name)


def set_soft_device_placement(enabled):
    """Keep the flag (every op runs on the CPU, so there is no placement to soften)."""
    _settings["soft_device_placement"] = bool(enabled)


def get_soft_device_placement():
    return _settings["soft_device_placement"]


def get_visible_devices(device_type=None):
    return list_physical_devices(device_type)


def set_visible_devices(devices, device_type=None):
    """Accepted for compatibility; featherflow always uses the CPU."""


def run_functions_eagerly(run_eagerly):
    """Keep the setting, as TensorFlow reports it; featherflow's tf.function runs its Python
    body eagerly either way."""
    _settings["functions_run_eagerly"] = bool(run_eagerly)


def functions_run_eagerly():
    """The value given to :func:`run_functions_eagerly` (False until set, as TensorFlow)."""
    return _settings["functions_run_eagerly"]


def experimental_run_functions_eagerly(run_eagerly):
    """Deprecated name of :func:`run_functions_eagerly`."""
    run_functions_eagerly(run_eagerly)


def experimental_functions_run_eagerly():
    """Deprecated name of :func:`functions_run_eagerly`."""
    return functions_run_eagerly()


class experimental:  # noqa: N801 - the TF namespace
    list_physical_devices = staticmethod(list_physical_devices)
    list_logical_devices = staticmethod(list_logical_devices)
    VirtualDeviceConfiguration = LogicalDeviceConfiguration
    set_virtual_device_configuration = staticmethod(set_logical_device_configuration)
    get_virtual_device_configuration = staticmethod(get_logical_device_configuration)

    @staticmethod
    def set_memory_growth(device, enable):
        """Accepted for compatibility: there is no GPU memory to manage."""


def __getattr__(name):
    if name == "threading":
        from featherflow.api import threading as _threading

        globals()["threading"] = _threading
        return _threading
    raise AttributeError(f"module 'featherflow.api.config' has no attribute {name!r}")
