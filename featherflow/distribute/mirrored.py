"""One-process strategies: ``MirroredStrategy`` and ``OneDeviceStrategy``.

featherflow computes on the CPU with NumPy, so a process has one replica: both strategies run
``fn`` once and their collectives are the identity (correct, and free)."""

from featherflow.distribute.collectives import LocalCollective
from featherflow.distribute.strategy import ClusterResolver, Strategy


def _check_devices(devices, where):
    if devices is None:
        return ("/job:localhost/replica:0/task:0/device:CPU:0",)
    if isinstance(devices, str):
        devices = (devices,)
    devices = tuple(devices)
    if len(devices) == 0:
        raise ValueError(f"{where}: devices must not be empty; pass None for the CPU.")
    bad = [d for d in devices if "GPU" in str(d).upper() or "TPU" in str(d).upper()]
    if len(devices) > 1 or bad:
        raise ValueError(
            f"{where}: featherflow runs one CPU replica per process; received devices "
            f"{list(devices)}. Use devices=None (or ['/cpu:0']) here, and "
            f"tf.distribute.MultiWorkerMirroredStrategy under `mpiexec -n N` for more replicas.")
    return devices


class MirroredStrategy(Strategy):
    """``tf.distribute.MirroredStrategy`` in one process: one CPU replica."""

    def __init__(self, devices=None, cross_device_ops=None):
        self._devices = _check_devices(devices, "MirroredStrategy")
        super().__init__(LocalCollective(), ClusterResolver())


class OneDeviceStrategy(Strategy):
    """``tf.distribute.OneDeviceStrategy(device)``: everything on one device (the CPU)."""

    def __init__(self, device):
        self._devices = _check_devices(device, "OneDeviceStrategy")
        super().__init__(LocalCollective(), ClusterResolver())
