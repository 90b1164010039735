"""``tf.train``: the Example protos (``Example``, ``Features``, ``Feature``, ``BytesList``,
``FloatList``, ``Int64List``, ``FeatureList``, ``FeatureLists``, ``SequenceExample``).

They are protobuf message classes, built on first access (protobuf stays unimported until
then), whose bytes are TensorFlow's.

Example::

    >>> feature = tf.train.Feature(int64_list=tf.train.Int64List(value=[1, 2]))
    >>> example = tf.train.Example(features=tf.train.Features(feature={"x": feature}))
    >>> record = example.SerializeToString()
"""

from featherflow.io import example_proto


def __getattr__(name):
    if name in example_proto.MESSAGE_NAMES:
        message_type = example_proto.message_class(name)
        globals()[name] = message_type
        return message_type
    raise AttributeError(f"module 'featherflow.train' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(example_proto.MESSAGE_NAMES))
