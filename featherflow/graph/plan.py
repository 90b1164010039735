"""Plan: the one runner of a layer graph, shared by Functional and Sequential models.

A plan is the graph's nodes in run order, each a :class:`Step` reading its inputs from slots
and writing its outputs to slots. A step either calls its layer through ``Layer.__call__``
(the whole call protocol: build, autocast, ``training``, masks, per-call losses) or, when the
layer itself decided that the protocol would do nothing but call ``call`` for this node
(``Layer._direct_mode``: built, input already in the layer's dtype, no mask, no activity
regularizer, no custom ``__call__``), calls ``layer.call`` straight away. The enclosing
model's ``__call__`` has opened the call context, so layers nested inside a direct call still
see the model's ``training`` value.

Fusion is a rewrite of the plan (``Plan.rewrite``): a pass replaces steps by a faster step
computing the same outputs (``layers.fused.fuse_pairs``). A plan whose steps pass one tensor
down a line runs as a chain, without slot bookkeeping.
"""

from featherflow.graph.keras_tensor import KerasTensor

#: how a step calls its layer
PROTOCOL = 0  # layer(*args, **kwargs): Layer.__call__
DIRECT = 1  # callee(x)
DIRECT_TRAINING = 2  # callee(x, training=training), training left out when None


class Step:
    """One call in a plan: what is called, how, where its inputs come from and go to."""

    __slots__ = ("node", "callee", "mode", "ins", "outs")

    def __init__(self, node, callee, mode, ins, outs):
        self.node = node
        self.callee = callee
        self.mode = mode
        self.ins = ins  # slot indices of the inputs, in node.inputs order
        self.outs = outs  # slot indices of the outputs

    def __repr__(self):
        how = {PROTOCOL: "__call__", DIRECT: "call", DIRECT_TRAINING: "call(training)"}
        return f"<Step {self.callee!r} via {how[self.mode]} {self.ins} -> {self.outs}>"


class Plan:
    """The nodes between ``inputs`` and ``outputs`` (KerasTensors) as steps over slots."""

    def __init__(self, inputs, outputs, nodes):
        self._slot = {}
        for t in inputs:
            self._index(t)
        self.inputs = [self._slot[id(t)] for t in inputs]
        self.steps = []
        for node in nodes:
            ins = tuple(self._index(t) for t in node.inputs)
            outs = tuple(self._index(t) for t in node.outputs)
            mode = node.layer._direct_mode(node)
            callee = node.layer if mode == PROTOCOL else node.layer.call
            self.steps.append(Step(node, callee, mode, ins, outs))
        self.outputs = [self._slot[id(t)] for t in outputs]
        self.n_slots = len(self._slot)
        self._chain = None
        self._update()

    def _index(self, tensor):
        if not isinstance(tensor, KerasTensor):
            raise TypeError(f"A plan is made of KerasTensors, received {type(tensor).__name__}.")
        i = self._slot.get(id(tensor))
        if i is None:
            i = self._slot[id(tensor)] = len(self._slot)
        return i

    # -- rewriting ----------------------------------------------------------------------------
    def consumers(self):
        """``{slot: [steps reading it]}``."""
        out = {}
        for step in self.steps:
            for i in step.ins:
                out.setdefault(i, []).append(step)
        return out

    def rewrite(self, rewrite_pass):
        """Apply ``rewrite_pass(plan) -> steps``: it returns the new list of steps, which
        must compute every slot that later steps and the outputs read."""
        self.steps = list(rewrite_pass(self))
        self._update()

    def _update(self):
        steps = self.steps
        chain = len(self.inputs) == 1 and len(self.outputs) == 1
        prev = self.inputs[0] if chain else None
        for step in steps:
            if not chain:
                break
            if step.ins != (prev,) or len(step.outs) != 1 or (
                    step.mode == PROTOCOL and not step.node.is_simple):
                chain = False
                break
            prev = step.outs[0]
        if chain and prev == self.outputs[0]:
            self._chain = [(s.callee, s.mode) for s in steps]
        else:
            self._chain = None

    # -- running ------------------------------------------------------------------------------
    def run(self, flat_inputs, training=None):
        """The output values for ``flat_inputs`` (one per model input), as a list.

        Inputs that carry a Keras mask send every step through ``Layer.__call__``: the
        direct calls would not look at the mask.
        """
        protocol = False
        for x in flat_inputs:
            if getattr(x, "_keras_mask", None) is not None:
                protocol = True
        chain = self._chain
        if chain is not None and not protocol:
            x = flat_inputs[0]
            for callee, mode in chain:
                if mode == DIRECT_TRAINING and training is not None:
                    x = callee(x, training=training)
                else:
                    x = callee(x)
            return [x]
        values = [None] * self.n_slots
        for i, v in zip(self.inputs, flat_inputs):
            values[i] = v
        for step in self.steps:
            mode = step.mode
            if protocol and mode != PROTOCOL and step.node is not None:
                args, kwargs = step.node.arguments([values[i] for i in step.ins])
                out = step.node.layer(*args, **kwargs)
            elif mode == PROTOCOL:
                args, kwargs = step.node.arguments([values[i] for i in step.ins])
                out = step.callee(*args, **kwargs)
            elif mode == DIRECT or training is None:
                out = step.callee(values[step.ins[0]])
            else:
                out = step.callee(values[step.ins[0]], training=training)
            outs = step.outs
            if len(outs) == 1:
                values[outs[0]] = out
            else:
                for i, o in zip(outs, _flat(out)):
                    values[i] = o
        return [values[i] for i in self.outputs]


def _flat(x):
    if isinstance(x, (list, tuple)):
        return [v for item in x for v in _flat(item)]
    if isinstance(x, dict):
        return [v for k in x for v in _flat(x[k])]
    return [x]
