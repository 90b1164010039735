"""Recording state shared by tapes and primitives.

``recording`` is the number of tapes currently recording. It is process-wide (not per
thread): featherflow records one training step at a time.
"""

recording = 0
