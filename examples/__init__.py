"""Runnable examples: one script per section of the seed notes (installed as
``featherflow.examples`` so ``featherflow-demo`` can run them after any install)."""
