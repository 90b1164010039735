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


def list_logical_devices(device_type=None):
    if device_type is None or str(device_type).upper() == "CPU":
        return [LogicalDevice(name="/device:CPU:0", device_type="CPU")]
    return []


def get_visible_devices(device_type=None):
    return list_physical_devices(device_type)


def set_visible_devices(devices, device_type=None):
    """Accepted for compatibility; featherflow always uses the CPU."""


def run_functions_eagerly(run_eagerly):
    """Accepted for compatibility: featherflow always runs eagerly."""


def functions_run_eagerly():
    return True


class experimental:  # noqa: N801 - the TF namespace
    list_physical_devices = staticmethod(list_physical_devices)
    list_logical_devices = staticmethod(list_logical_devices)

    @staticmethod
    def set_memory_growth(device, enable):
        """Accepted for compatibility: there is no GPU memory to manage."""


def __getattr__(name):
    if name == "threading":
        from featherflow.api import threading as _threading

        globals()["threading"] = _threading
        return _threading
    raise AttributeError(f"module 'featherflow.api.config' has no attribute {name!r}")
