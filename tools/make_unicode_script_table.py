"""Record tf.strings.unicode_script for every code point 0..0x10FFFF from TensorFlow 2.21 (ICU's
UScriptCode numbers), as ranges: featherflow/api/data/unicode_scripts.npz (``starts`` int32,
``codes`` int16: code point ``c`` has ``codes[searchsorted(starts, c, 'right') - 1]``).

    /work/venv-tf/bin/python tools/make_unicode_script_table.py
"""

import os
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
OUT = Path(__file__).resolve().parents[1] / "featherflow" / "api" / "data" / "unicode_scripts.npz"


def main():
    import tensorflow as tf

    points = np.arange(0x110000, dtype=np.int32)
    codes = tf.strings.unicode_script(tf.constant(points)).numpy().astype(np.int16)
    change = np.flatnonzero(np.diff(codes)) + 1
    starts = np.concatenate([[0], change]).astype(np.int32)
    np.savez_compressed(OUT, starts=starts, codes=codes[starts],
                        tensorflow=np.array(tf.__version__))
    print(f"wrote {OUT}: {len(starts)} ranges, {OUT.stat().st_size} bytes; "
          f"invalid -1 -> {tf.strings.unicode_script([-1, 0x110000]).numpy().tolist()}")


if __name__ == "__main__":
    main()
