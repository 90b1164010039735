"""Preprocessing layers (``Normalization``, ``TextVectorization``, the augmentation layers...):
state from ``adapt()``, usable in a model and in ``Dataset.map``."""
