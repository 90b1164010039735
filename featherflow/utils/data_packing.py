"""How one batch is packed: ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``.

``fit`` hands ``train_step`` the batch in the form the data came in (as Keras 3 does), and a
custom step unpacks it with :func:`unpack_x_y_sample_weight`.

Example::

    >>> from featherflow.keras.utils import pack_x_y_sample_weight, unpack_x_y_sample_weight
    >>> pack_x_y_sample_weight("x", "y")
    ('x', 'y')
    >>> unpack_x_y_sample_weight(("x", "y"))
    ('x', 'y', None)
"""


def unpack_x_y_sample_weight(data):
    """``(x, y, sample_weight)`` from a batch; the missing parts are ``None``."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    n = len(data)
    if n == 1:
        return data[0], None, None
    if n == 2:
        return data[0], data[1], None
    if n == 3:
        return data
    raise ValueError(
        "Data is expected to be x, (x,), (x, y) or (x, y, sample_weight); received a tuple of "
        f"{n} items: {data!r:.200}."
    )


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The batch form a step receives: ``x`` (or ``(x,)`` when ``x`` is itself a tuple or
    list, so it cannot be mistaken for ``(x, y)``), ``(x, y)`` or ``(x, y, sample_weight)``."""
    if y is None:
        return (x,) if isinstance(x, (tuple, list)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)
