"""``featherflow.summary``: TensorBoard summaries in the style of ``tf.summary``.

Example::

    import featherflow as tf

    writer = tf.summary.create_file_writer("logs/custom")
    with writer.as_default():
        for step in range(100):
            tf.summary.scalar("loss", 1.0 / (step + 1), step=step)
            tf.summary.histogram("weights", w, step=step)

Event files are written with NumPy only; the ``tensorboard`` package is needed only to
view them. Hyperparameter logging lives in ``featherflow.summary.hparams``.
"""

from featherflow.summary import experimental, hparams
from featherflow.summary.audio import audio
from featherflow.summary.graph import graph
from featherflow.summary.ops import histogram, image, scalar, text, write
from featherflow.summary.trace import trace_export, trace_off, trace_on
from featherflow.summary.writer import (
    NoopSummaryWriter,
    SummaryWriter,
    create_file_writer,
    create_noop_writer,
    flush,
    record_if,
    should_record_summaries,
)

__all__ = [
    "NoopSummaryWriter",
    "SummaryWriter",
    "audio",
    "create_file_writer",
    "create_noop_writer",
    "experimental",
    "flush",
    "graph",
    "histogram",
    "hparams",
    "image",
    "record_if",
    "scalar",
    "should_record_summaries",
    "text",
    "trace_export",
    "trace_off",
    "trace_on",
    "write",
]
