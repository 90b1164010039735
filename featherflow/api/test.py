"""``tf.test``: what the seed notes ask about the hardware, answered honestly."""


def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None):
    """False: featherflow computes with NumPy on the CPU."""
    return False


def is_built_with_cuda():
    return False


def is_built_with_gpu_support():
    return False


def gpu_device_name():
    """The empty string, as TensorFlow gives when there is no GPU."""
    return ""
