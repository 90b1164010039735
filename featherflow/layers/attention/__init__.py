"""Attention layers (``MultiHeadAttention``, ``Attention``, ``AdditiveAttention``)."""
