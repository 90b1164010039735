"""Runnable examples: one script per section of the seed notes (installed as
``featherflow.examples`` so ``featherflow-demo`` can run them after any install), and the
patterns of the keras.io guides (``custom_fit``, ``custom_fit_tf_keras``,
``transfer_learning``, ``subclassing``; e.g. ``python -m featherflow.examples.custom_fit``),
which tests/examples/test_guides.py compares with real Keras running the same files."""
