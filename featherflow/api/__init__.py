"""TensorFlow-style namespaces (tf.nn, tf.math, tf.random, ...): re-exports only."""
