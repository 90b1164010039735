"""model.summary(): the Keras 2 text table of layers, shapes and parameter counts."""

import numpy as np


def _shape_text(shape):
    if shape is None:
        return "?"
    if isinstance(shape, list) and shape and isinstance(shape[0], (tuple, list)):
        return str([tuple(s) for s in shape]) if len(shape) > 1 else str(tuple(shape[0]))
    return str(tuple(shape)).replace(",)", ",)")


def _output_shape(layer):
    try:
        return layer.output_shape
    except (AttributeError, ValueError, TypeError):
        return None


def _bytes(n_params, itemsize=4):
    size = float(n_params * itemsize)
    for unit in ("Byte", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} GB"


def _is_branched(model):
    nodes = getattr(model, "_nodes", None)
    if nodes is None:
        return False
    if len(getattr(model, "inputs", []) or []) > 1 or len(getattr(model, "outputs", []) or []) > 1:
        return True
    seen = set()
    for node in nodes:
        if len(node.inputs) != 1:
            return True
        key = id(node.inputs[0])
        if key in seen:
            return True
        seen.add(key)
    return False


def print_summary(model, line_length=None, positions=None, print_fn=None,
                  show_trainable=False):
    if print_fn is None:
        from featherflow.backend import config

        if config.interactive_logging():
            print_fn = print
        else:
            import logging

            def print_fn(line):
                logging.getLogger("keras").info(line)
    branched = _is_branched(model)
    if branched:
        line_length = line_length or 98
        positions = positions or [0.33, 0.55, 0.67, 1.0]
        headers = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    else:
        line_length = line_length or 65
        positions = positions or [0.45, 0.85, 1.0]
        headers = ["Layer (type)", "Output Shape", "Param #"]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]

    def emit(fields):
        # Keras 2 layout: each column ends at its position, keeping two spaces before the next;
        # text too long for its column continues on the following line.
        left = [str(f) for f in fields]
        while any(left):
            line = ""
            for col, text in enumerate(left):
                start = positions[col - 1] if col else 0
                space = 2 if col != len(positions) - 1 else 0
                cut = positions[col] - start - space
                if col == len(positions) - 1:
                    cut = max(cut, len(text))  # the last column runs on rather than wrap
                if col == 0:
                    line += " "
                    cut -= 1
                line += text[:cut] + " " * space
                left[col] = text[cut:]
                line += " " * (positions[col] - len(line))
            print_fn(line.rstrip())

    print_fn(f'Model: "{model.name}"')
    print_fn("_" * line_length)
    emit(headers)
    print_fn("=" * line_length)
    # a Functional model's operations too (x + 3.0), as Keras 3's summary lists them
    layers = getattr(model, "_all_layers", None) or model.layers
    for layer in layers:
        name = f"{layer.name} ({type(layer).__name__})"
        # an unbuilt layer shows as Keras 3 shows it: no shape, "0 (unbuilt)" parameters
        params = layer.count_params() if layer.built else "0 (unbuilt)"
        fields = [name, _shape_text(_output_shape(layer) if layer.built else None), params]
        if branched:
            conns = []
            for node in layer._inbound_nodes[:1]:
                for t in node.inputs:
                    src, ni, ti = t._keras_history
                    conns.append(f"{src.name}[{ni}][{ti}]")
            fields.append(conns[0] if conns else "[]")
            emit(fields)
            for extra in conns[1:]:
                emit(["", "", "", extra])
        else:
            emit(fields)
        print_fn("")
    print_fn("=" * line_length)
    trainable = sum(int(np.prod(v.data.shape)) for v in model.trainable_weights)
    total = sum(int(np.prod(v.data.shape)) for v in model.weights)
    non_trainable = total - trainable
    print_fn(f"Total params: {total} ({_bytes(total)})")
    print_fn(f"Trainable params: {trainable} ({_bytes(trainable)})")
    print_fn(f"Non-trainable params: {non_trainable} ({_bytes(non_trainable)})")
    print_fn("_" * line_length)
