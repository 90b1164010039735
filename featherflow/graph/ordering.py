"""The order of a layer graph's nodes and layers, by Keras's depth rule."""


def map_graph(outputs):
    """Nodes and layers of the graph ending at ``outputs``, ordered the way Keras orders them.

    Returns ``(nodes_by_depth, layers)``: nodes deepest (closest to the inputs) first, and the
    layers in ``model.layers`` order (by decreasing depth, ties in discovery order).
    """
    finished = set()
    in_progress = set()
    nodes_in_order = []
    layer_indices = {}

    def visit(tensor):
        node = tensor.node
        layer = node.layer
        if node in in_progress:
            raise ValueError(f"The layer graph has a cycle at layer '{layer.name}'.")
        if node in finished:
            return
        if layer not in layer_indices:
            layer_indices[layer] = len(layer_indices)
        in_progress.add(node)
        for t in node.inputs:
            visit(t)
        in_progress.discard(node)
        finished.add(node)
        nodes_in_order.append(node)

    for t in outputs:
        visit(t)

    node_depth = {}
    layer_depth = {}
    for node in reversed(nodes_in_order):
        depth = node_depth.setdefault(node, 0)
        depth = max(depth, layer_depth.get(node.layer, 0))
        layer_depth[node.layer] = depth
        node_depth[node] = depth
        for parent in node.parent_nodes:
            node_depth[parent] = max(depth + 1, node_depth.get(parent, 0))

    by_depth = {}
    for node, d in node_depth.items():
        by_depth.setdefault(d, []).append(node)
    nodes = []
    for d in sorted(by_depth, reverse=True):
        nodes.extend(sorted(by_depth[d], key=lambda n: nodes_in_order.index(n)))
    layers_by_depth = {}
    for layer, d in layer_depth.items():
        layers_by_depth.setdefault(d, []).append(layer)
    layers = []
    for d in sorted(layers_by_depth, reverse=True):
        layers.extend(sorted(layers_by_depth[d], key=lambda la: layer_indices[la]))
    return nodes, layers
