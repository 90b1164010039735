"""Event records built by featherflow's hand encoder vs the ``tensorboard`` package's
protobuf messages, on the seed's XOR fit with the TensorBoard callback (issue 19: keep the
hand encoder only if the messages cost more than the callback's 5% budget).

Three sides, taken in turn in every round so drift hits them alike:

- ``plain``: XOR fit (2-2-1 sigmoid, SGD lr 0.1, 2000 epochs, batch 4) without callbacks;
- ``hand``: the same fit with ``TensorBoard(log_dir)`` at defaults, as shipped;
- ``protobuf``: the same, with every scalar record built as ``event_pb2.Event`` /
  ``summary_pb2.Summary`` / ``tensor_pb2.TensorProto`` messages and ``SerializeToString``
  (the framing and everything else unchanged).

Prints the best and median time of each side and each callback's overhead over ``plain``
(wall time, and the process's CPU time, which a loaded machine disturbs less);
the two callbacks' files are checked to hold the same events (as TensorBoard reads them).

    python bench/tensorboard_event_encoders.py [--rounds 15]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from tensorboard_overhead import xor_fit  # noqa: E402 - the same XOR workload

import featherflow as tf  # noqa: E402
from featherflow.summary import _events, writer  # noqa: E402


class ProtobufEventFileWriter(_events.EventFileWriter):
    """The shipped writer with scalar records built from tensorboard's messages."""

    def _row_records(self, layout, rows):
        return [self._message_records(layout, [r[0] for r in rows], [r[1] for r in rows],
                                      [r[2:] for r in rows])]

    def _block_records(self, layout, steps, walls, values):
        return [self._message_records(layout, steps.tolist(), walls.tolist(), values.tolist())]

    def _message_records(self, layout, steps, walls, values):
        from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2, types_pb2

        slots = [self._slots[s] for s in layout]
        tag_of = {sid: tag for tag, sid in self._slot_ids.items()}
        tags = [tag_of[s] for s in layout]
        datas = []
        for step, wall, row in zip(steps, walls, values):
            for slot, tag, value in zip(slots, tags, row):
                tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT)
                tensor.tensor_shape.SetInParent()
                tensor.float_val.append(value)
                summary_value = summary_pb2.Summary.Value(tag=tag, tensor=tensor)
                if slot.take_meta():
                    summary_value.metadata.plugin_data.plugin_name = "scalars"
                event = event_pb2.Event(wall_time=wall, step=int(step))
                event.summary.value.append(summary_value)
                datas.append(event.SerializeToString())
        return _events.frame_many(datas)


def logged_fit(logdir, writer_class):
    writer.EventFileWriter = writer_class
    try:
        return xor_fit([tf.keras.callbacks.TensorBoard(log_dir=logdir)])
    finally:
        writer.EventFileWriter = _events.EventFileWriter


def scalars(logdir):
    from tensorboard.backend.event_processing import event_accumulator
    from tensorboard.util import tensor_util

    acc = event_accumulator.EventAccumulator(os.path.join(logdir, "train"))
    acc.Reload()
    return {tag: [(e.step, tensor_util.make_ndarray(e.tensor_proto).item())
                  for e in acc.Tensors(tag)] for tag in acc.Tags()["tensors"]
            if acc.summary_metadata[tag].plugin_data.plugin_name == "scalars"}


def encode_seconds(writer_class, logdir, epochs=2000):
    """Seconds to queue and write the callback's 3 scalars per epoch for ``epochs`` epochs
    (the part of the callback the encoder changes), best of 5."""
    best = float("inf")
    for i in range(5):
        events = writer_class(os.path.join(logdir, f"{writer_class.__name__}{i}"))
        layout = events.layout(["epoch_loss", "epoch_accuracy", "epoch_learning_rate"])
        steps = np.arange(epochs, dtype=np.int64)
        walls = time.time() + 1e-4 * steps
        values = np.random.default_rng(i).random((epochs, 3))
        start = time.perf_counter()
        events.add_rows(layout, steps, walls, values)
        events.flush()
        best = min(best, time.perf_counter() - start)
        events.close()
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args(argv)
    times = {"plain": [], "hand": [], "protobuf": []}
    cpu = {"plain": [], "hand": [], "protobuf": []}
    with tempfile.TemporaryDirectory() as tmp:
        xor_fit(None)
        logged_fit(os.path.join(tmp, "warm"), ProtobufEventFileWriter)
        for i in range(args.rounds):
            for side, writer_class in (("plain", None), ("hand", _events.EventFileWriter),
                                       ("protobuf", ProtobufEventFileWriter)):
                wall, seconds = (xor_fit(None) if writer_class is None else
                                 logged_fit(os.path.join(tmp, f"{side}{i}"), writer_class))
                times[side].append(wall)
                cpu[side].append(seconds)
        encode = {side: encode_seconds(cls, tmp) for side, cls in
                  (("hand", _events.EventFileWriter), ("protobuf", ProtobufEventFileWriter))}
        same = scalars(os.path.join(tmp, "hand0")) == scalars(os.path.join(tmp, "protobuf0"))
    print(f"XOR fit, 2000 epochs, {args.rounds} rounds (plain, hand, protobuf in turn):")
    best = {k: min(v) for k, v in times.items()}
    median = {k: statistics.median(v) for k, v in times.items()}
    for side in times:
        line = f"  {side:9s} best {best[side]:.4f} s  median {median[side]:.4f} s"
        if side != "plain":
            rounds = statistics.median(b / a - 1 for a, b in zip(times["plain"], times[side]))
            line += (f"  overhead: best {100 * (best[side] / best['plain'] - 1):+.1f}%, "
                     f"median of rounds {100 * rounds:+.1f}%")
        print(line)
    cpu_best = {k: min(v) for k, v in cpu.items()}
    print("  CPU time of the process (steadier on a loaded machine), best of the rounds: "
          + ", ".join(f"{side} {cpu_best[side]:.4f} s" + (
              "" if side == "plain" else
              f" ({100 * (cpu_best[side] / cpu_best['plain'] - 1):+.1f}%)") for side in cpu))
    for side, seconds in encode.items():
        print(f"  {side:9s} writing 2000 epochs x 3 scalars alone: {1e3 * seconds:.2f} ms "
              f"= {100 * seconds / best['plain']:.1f}% of the best plain fit")
    print(f"  the two encoders' files hold the same scalars: {same}")


if __name__ == "__main__":
    main()
