"""Record TensorFlow's graphs of a few tf.functions, for tests/summary/test_trace_graphs.py.

For each function: the nodes of the concrete function's GraphDef (what
``tf.summary.trace_export`` writes as ``pre_optimization_graph``) as name, op and inputs.
Run with the TensorFlow venv from the repository root:

    /work/venv-tf/bin/python tools/make_trace_fixtures.py
"""

import json
import os

import numpy as np
import tensorflow as tf

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "tf", "trace_graphs.json")


def dense_relu_and_sum():
    w = tf.Variable(np.ones((3, 2), np.float32), name="w")

    @tf.function
    def f(x, y):
        return tf.nn.relu(tf.matmul(x, w) + y), tf.reduce_sum(x)

    return f, (tf.ones((4, 3)), tf.zeros((2,)))


def sigmoid_of_a_product():
    @tf.function
    def g(a, b):
        return tf.sigmoid(a * b - a)

    return g, (tf.ones((2, 2)), tf.ones((2, 2)))


def main():
    cases = {}
    for make in (dense_relu_and_sum, sigmoid_of_a_product):
        function, args = make()
        graph = function.get_concrete_function(*args).graph.as_graph_def()
        cases[make.__name__] = [
            {"name": n.name, "op": n.op, "inputs": list(n.input)} for n in graph.node]
    with open(OUT, "w") as f:
        json.dump({"tensorflow": tf.__version__, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
