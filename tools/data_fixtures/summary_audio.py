# ruff: noqa: E501 - a table of one-line scenarios
"""tf.summary.audio from TF 2.21 (TensorBoard 2.21's summary_v2.audio): each scenario writes
an event file and reads it back with TensorBoard's EventAccumulator and the audio plugin's
metadata parser, returning the summary tensor (WAV bytes, labels), its shape, the plugin
name, the parsed AudioPluginData and the description."""

import itertools
import os

import numpy as np

_counter = itertools.count()

TONE = np.sin(np.linspace(0, 8 * np.pi, 40, dtype=np.float32))[None, :, None]
STEREO = np.stack([np.linspace(-1.2, 1.2, 9, dtype=np.float32), np.linspace(0.5, -0.5, 9, dtype=np.float32)], axis=-1)
CLIPS = np.stack([STEREO, STEREO * 0.5, -STEREO])


def _read(logdir, tag):
    from tensorboard.backend.event_processing import event_accumulator
    from tensorboard.plugins.audio import metadata
    from tensorboard.util import tensor_util

    acc = event_accumulator.EventAccumulator(logdir, size_guidance={"tensors": 0})
    acc.Reload()
    events = acc.Tensors(tag)
    meta = acc.summary_metadata[tag]
    plugin = metadata.parse_plugin_metadata(meta.plugin_data.content)
    return {"steps": [e.step for e in events], "values": [tensor_util.make_ndarray(e.tensor_proto) for e in events], "plugin": meta.plugin_data.plugin_name, "content": meta.plugin_data.content, "version": plugin.version, "encoding": plugin.encoding, "description": meta.summary_description}


def _write(tf, data, sample_rate, step=0, **kwargs):
    logdir = os.path.abspath(f"audio_{next(_counter)}")
    writer = tf.summary.create_file_writer(logdir)
    with writer.as_default():
        written = tf.summary.audio("clip", data, sample_rate, step=step, **kwargs)
    writer.close()
    return [bool(written), _read(logdir, "clip")]


def _default_step(tf):
    logdir = os.path.abspath(f"audio_{next(_counter)}")
    writer = tf.summary.create_file_writer(logdir)
    with writer.as_default(step=7):
        tf.summary.audio("clip", TONE, 8000)
        tf.summary.audio("clip", TONE * 0.5, 8000, step=9)
    writer.close()
    return _read(logdir, "clip")


SCENARIOS = {
    "mono_tone": lambda tf: _write(tf, TONE, 8000),
    "stereo_clipped_and_rounded": lambda tf: _write(tf, STEREO[None], 22050, step=3),
    "max_outputs_default_three": lambda tf: _write(tf, np.concatenate([CLIPS, CLIPS]), 16000),
    "max_outputs_two": lambda tf: _write(tf, CLIPS, 16000, max_outputs=2),
    "max_outputs_zero": lambda tf: _write(tf, CLIPS, 16000, max_outputs=0),
    "tensor_inputs": lambda tf: _write(tf, tf.constant(CLIPS), tf.constant(44100), max_outputs=tf.constant(1)),
    "description_and_wav": lambda tf: _write(tf, TONE, 8000, encoding="wav", description="a **tone**"),
    "default_step": _default_step,
    "no_writer": lambda tf: bool(tf.summary.audio("clip", TONE, 8000, step=0)),
    "unknown_encoding": lambda tf: tf.summary.audio("clip", TONE, 8000, step=0, encoding="mp3"),
    "rank_two_refused": lambda tf: _write(tf, TONE[0], 8000),
    "negative_max_outputs": lambda tf: _write(tf, TONE, 8000, max_outputs=-1),
    "float64_refused": lambda tf: _write(tf, TONE.astype(np.float64), 8000),
}
