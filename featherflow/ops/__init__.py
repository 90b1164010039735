"""Differentiable primitives grouped by kind (math, shape, nn, conv, rnn, ctc)."""
