"""keras.utils helpers about symbolic tensors: is_keras_tensor, get_source_inputs."""


def is_keras_tensor(x):
    """Whether ``x`` is a symbolic tensor (the output of ``keras.Input`` or of a layer called
    on one), as Keras 3's ``keras.utils.is_keras_tensor`` (False for anything else)."""
    from featherflow.graph.keras_tensor import KerasTensor

    return isinstance(x, KerasTensor)


def get_source_inputs(tensor):
    """The model inputs (``keras.Input`` tensors) a symbolic tensor is computed from, each
    once, in the order they are met; a tensor that is not symbolic is returned as is."""
    history = getattr(tensor, "_keras_history", None)
    if history is None:
        return tensor
    layer, node_index, _ = history
    if layer is None or not layer._inbound_nodes:
        return [tensor]
    node = layer._inbound_nodes[node_index]
    if not node.inputs:  # an input layer's node
        return list(node.outputs)
    sources = []
    for t in node.inputs:
        for x in get_source_inputs(t):
            if all(x is not s for s in sources):
                sources.append(x)
    return sources
