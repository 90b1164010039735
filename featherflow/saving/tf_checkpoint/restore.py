"""Restoring a checkpoint into live objects, including objects created later.

The saved object graph and the live one are walked together from their roots, pairing
children by local name. Every value for the objects found now is read and checked (shape,
dtype) before any is assigned, so a failed restore changes nothing. A saved child with no
live counterpart yet (optimizer slots before the first step, the weights of a model not yet
built) is remembered: when its nearest live ancestor runs ``build``, or at the next
``save``/``assert_*``, the walk is retried from there and the new variables get their values
(TensorFlow's deferred restoration). Values restored once are never assigned again.
"""

import collections
import json

import numpy as np

from featherflow.autodiff.variable import Variable, mark_loaded
from featherflow.errors import InvalidArgumentError
from featherflow.saving.tf_checkpoint import object_graph
from featherflow.saving.tf_checkpoint.python_state import PYTHON_STATE, PythonState

# TF's names for dtypes in its restore errors ("expected dtype int32 does not equal
# original dtype float")
_TF_DTYPE_NAMES = {"float32": "float", "float64": "double", "string": "string"}


def _dtype_name(variable):
    dtype = variable.data.dtype
    return "string" if dtype.kind in "OSU" else dtype.name


class Restoration:
    """One ``restore``/``read`` call: the pairing of saved nodes with live objects."""

    def __init__(self, reader, nodes, root):
        self.reader = reader
        self.nodes = nodes
        self.root = root
        self.matched = {}  # saved node id -> live object
        self.live = {}  # node_key(live object) -> saved node id
        self.restored = set()  # saved node ids whose values were assigned
        self.pending = {}  # node_key(anchor) -> (anchor, saved id): saved children unmatched
        self._hooked = set()

    # -- walking ----------------------------------------------------------------------------
    def _walk(self, start):
        """Pair saved and live nodes from ``start`` ``[(saved id, live object)]``; returns
        the pairs whose values are still to be assigned."""
        queue = collections.deque(start)
        seen = set()
        todo = []
        while queue:
            saved_id, obj, anchor = queue.popleft()
            key = object_graph.node_key(obj)
            if (saved_id, key) in seen:
                continue
            seen.add((saved_id, key))
            owner = self.matched.get(saved_id)
            if owner is not None and object_graph.node_key(owner) != key:
                continue  # TF pairs a saved node with the first object that reaches it
            if owner is None:
                self.matched[saved_id] = obj
                self.live[key] = saved_id
            if not isinstance(obj, object_graph.Container):
                anchor = (obj, saved_id)
            if saved_id not in self.restored and self.nodes[saved_id]["attributes"]:
                todo.append((saved_id, obj))
            live_children = dict(object_graph.children(obj))
            for name, child in object_graph.aliases(obj):
                live_children.setdefault(name, child)
            missing = False
            for child_id, name in self._saved_children(saved_id, obj):
                child = live_children.get(name)
                if child is None:
                    missing = True
                else:
                    queue.append((child_id, child, anchor))
            if missing:
                self.pending[object_graph.node_key(anchor[0])] = anchor
        return todo

    def _saved_children(self, saved_id, obj):
        """The saved children to pair; slots are reached by name (_momentums/0) before
        by position (_variables/2)."""
        saved = sorted(self.nodes[saved_id]["children"],
                       key=lambda child: child[1] == "_variables")
        if object_graph.is_optimizer(obj) and all(
                name != "_trainable_variables" for _, name in saved):
            # a tf_keras optimizer: its _variables has no learning rate, so positions
            # differ from Keras 3's; its slots are all under their own names
            saved = [child for child in saved if child[1] != "_variables"]
        return saved

    def _values(self, todo):
        """``[(live object, value)]`` for ``todo``, every shape and dtype checked."""
        out = []
        for saved_id, obj in todo:
            for name, _, key in self.nodes[saved_id]["attributes"]:
                if name == object_graph.VARIABLE_VALUE and isinstance(obj, Variable):
                    out.append((saved_id, obj, self._variable_value(obj, key)))
                elif name == object_graph.ITERATOR and hasattr(obj, "_restore_checkpoint_state"):
                    out.append((saved_id, obj, self._iterator_state(key)))
                elif name == PYTHON_STATE and isinstance(obj, PythonState):
                    out.append((saved_id, obj, self._python_state(key)))
                elif name == object_graph.TABLE and hasattr(obj, "_restore_table"):
                    out.append((saved_id, obj, self._table(obj, key)))
        return out

    def _variable_value(self, variable, key):
        saved = self.reader.dtype_name(key)
        have = _dtype_name(variable)
        if saved != have:
            raise InvalidArgumentError(
                f"tensor_name = {key}; expected dtype {_TF_DTYPE_NAMES.get(have, have)} does "
                f"not equal original dtype {_TF_DTYPE_NAMES.get(saved, saved)} (variable "
                f"'{variable.name}'). Create the variable with dtype {saved}; nothing was "
                "restored.")
        value = self.reader.get_tensor(key)
        shape = tuple(np.shape(value))
        if shape != tuple(variable.data.shape):
            raise ValueError(
                f"Received incompatible tensor with shape {shape} when attempting to restore "
                f"variable with shape {tuple(variable.data.shape)} and name "
                f"{variable.name}:0 (checkpoint key {key}). The checkpoint was written by a "
                "different architecture; nothing was restored.")
        return value

    def _iterator_state(self, key):
        for candidate in (key + "_STATE", key):
            if self.reader.has_tensor(candidate):
                state_key = candidate
                break
        else:
            raise InvalidArgumentError(f"The checkpoint has no iterator state under {key}_STATE.")
        if self.reader.dtype_name(state_key) != "string":
            raise InvalidArgumentError(
                f"The iterator state {state_key} was written by TensorFlow (a "
                f"{self.reader.dtype_name(state_key)} tensor of its C++ iterators); featherflow "
                "restores the iterator states it writes itself. Restore the other objects with "
                "a Checkpoint that does not hold the iterator.")
        return json.loads(self.reader.get_tensor(state_key))

    def _python_state(self, key):
        if self.reader.dtype_name(key) != "string":
            raise InvalidArgumentError(
                f"{key} holds a {self.reader.dtype_name(key)} tensor; a PythonState is saved "
                "as a string.")
        value = self.reader.get_tensor(key)
        return value if isinstance(value, bytes) else bytes(np.asarray(value).reshape(-1)[0])

    def _table(self, table, key):
        """The saved (keys, values) of a lookup table, dtypes checked against ``table``."""
        out = []
        for suffix, want in (("-keys", table.key_dtype), ("-values", table.value_dtype)):
            saved = self.reader.dtype_name(key + suffix)
            if saved != want.name:
                raise InvalidArgumentError(
                    f"tensor_name = {key}{suffix}; expected dtype "
                    f"{_TF_DTYPE_NAMES.get(want.name, want.name)} does not equal original "
                    f"dtype {_TF_DTYPE_NAMES.get(saved, saved)} (a lookup table). Create the "
                    "table with the key and value dtypes it was saved with; nothing was "
                    "restored.")
            value = self.reader.get_tensor(key + suffix)
            out.append(np.asarray(value, dtype=object if saved == "string" else None))
        table._check_table(*out)
        return tuple(out)

    def _assign(self, values):
        # iterators first: re-running a pipeline is the one step here that can still fail,
        # and it must fail before any variable changes
        values = sorted(values, key=lambda item: isinstance(item[1], Variable))
        for saved_id, obj, value in values:
            if isinstance(obj, Variable):
                if obj.data.dtype.kind == "O":
                    obj.data[...] = value
                else:
                    obj.data[...] = np.asarray(value, dtype=obj.data.dtype)
                mark_loaded(obj)
            elif isinstance(obj, PythonState):
                obj.deserialize(value)
            elif hasattr(obj, "_restore_table"):
                obj._restore_table(*value)
            else:
                obj._restore_checkpoint_state(value)
            self.restored.add(saved_id)

    def run(self, start):
        try:
            values = self._values(self._walk(start))
        finally:
            # a restore waiting for optimizer slots must not hold the whole data file
            self.reader.release()
        self._assign(values)
        self._install_hooks()

    # -- deferred restoration ---------------------------------------------------------------
    def retry(self):
        """Walk again from every object with saved children not found before."""
        if not self.pending:
            return
        pending, self.pending = self.pending, {}
        self.run([(saved_id, anchor, None) for anchor, saved_id in pending.values()])

    def _install_hooks(self):
        for key, (anchor, _) in self.pending.items():
            build = getattr(anchor, "build", None)
            if key in self._hooked or build is None or not callable(build):
                continue
            self._hooked.add(key)
            anchor.__dict__["build"] = self._hook(anchor, key, build)

    def _hook(self, anchor, key, original):
        def build(*args, **kwargs):
            anchor.__dict__.pop("build", None)
            self._hooked.discard(key)
            result = original(*args, **kwargs)
            self.retry()
            return result

        return build

    # -- what matched -----------------------------------------------------------------------
    def unresolved(self):
        """Saved nodes with values that no live object took."""
        return [i for i, node in enumerate(self.nodes)
                if node["attributes"] and i not in self.restored]

    def unmatched_live(self):
        """Live objects with values (variables, iterators) the checkpoint did not reach."""
        out = []
        for obj, _ in object_graph.walk(self.root)[0]:
            if object_graph.attributes(obj) and object_graph.node_key(obj) not in self.live:
                out.append(obj)
        return out
