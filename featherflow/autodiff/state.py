"""Recording state shared by tapes and primitives.

``recording`` is the number of tapes currently recording. It is process-wide (not per
thread): featherflow records one training step at a time.
"""

recording = 0

#: None, or an object whose ``touch(tensor)`` is called when Python reads a Tensor's value or
#: shape (``bool(t)``, ``t.numpy()``, ``t.shape``...): ``tf.data`` sets it while it checks
#: that a map function is element-wise (featherflow/data/vectorize.py)
probe = None
