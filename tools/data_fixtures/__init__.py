"""Scenarios for tf.data and tf.io, run by real TensorFlow here and by featherflow in tests."""
