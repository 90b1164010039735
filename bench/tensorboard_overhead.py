"""What the TensorBoard callback adds to the seed's XOR training (issue: under 5%).

Runs the XOR workload (2-1 sigmoid, SGD lr 0.1, 2000 epochs, batch 4, accuracy) through
featherflow's fit with and without ``TensorBoard(log_dir)`` at default settings, alternating
the two so drift affects both, and prints the best times and the overhead, and the median of
the overheads of neighbouring pairs (steadier when the machine's speed drifts).

    python bench/tensorboard_overhead.py [--repeat 7]
"""

import argparse
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import featherflow as tf  # noqa: E402


def xor_fit(callbacks):
    """The seed notes' XOR fit (2000 epochs): (wall seconds, process CPU seconds)."""
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    y = np.array([[0], [1], [1], [0]], np.float32)
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([
        tf.keras.layers.Dense(2, activation="sigmoid", input_shape=(2,)),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1),
                  loss="binary_crossentropy", metrics=["accuracy"])
    start, cpu = time.perf_counter(), time.process_time()
    model.fit(x, y, batch_size=4, epochs=2000, verbose=0, callbacks=callbacks)
    return time.perf_counter() - start, time.process_time() - cpu


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    plain, logged = [], []
    with tempfile.TemporaryDirectory() as tmp:
        xor_fit(None)
        for i in range(args.repeat):
            plain.append(xor_fit(None)[0])
            logdir = os.path.join(tmp, f"run{i}")
            logged.append(xor_fit([tf.keras.callbacks.TensorBoard(log_dir=logdir)])[0])
    best_plain, best_logged = min(plain), min(logged)
    pairs = sorted(b / a - 1 for a, b in zip(plain, logged))
    print(f"XOR fit, 2000 epochs, best of {args.repeat}:")
    print(f"  without TensorBoard: {best_plain:.4f} s")
    print(f"  with TensorBoard(log_dir) defaults: {best_logged:.4f} s")
    print(f"  overhead: {100 * (best_logged / best_plain - 1):+.1f}% (goal: under 5%)")
    print(f"  median overhead of the {len(pairs)} neighbouring pairs: "
          f"{100 * pairs[len(pairs) // 2]:+.1f}%")


if __name__ == "__main__":
    main()
