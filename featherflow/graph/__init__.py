"""The symbolic layer graph: KerasTensor, Node, their ordering and the one runner (Plan).

This package sits below ``layers`` and ``models``: it imports neither, so layers can record
nodes and models can run them without an import circle.
"""

from featherflow.graph.keras_tensor import KerasTensor, is_symbolic
from featherflow.graph.node import Node, pack, structure_of
from featherflow.graph.ordering import map_graph
from featherflow.graph.plan import DIRECT, DIRECT_TRAINING, PROTOCOL, Plan, Step

__all__ = ["DIRECT", "DIRECT_TRAINING", "KerasTensor", "Node", "PROTOCOL", "Plan", "Step",
           "is_symbolic", "map_graph", "pack", "structure_of"]
