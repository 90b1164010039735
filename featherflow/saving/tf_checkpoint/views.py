"""``tf.train.CheckpointView`` and ``tf.train.TrackableView``: the object graph of a saved
checkpoint, and of live objects, as TensorFlow 2.21 shows them.

A checkpoint's nodes are numbered as its ``_CHECKPOINTABLE_OBJECT_GRAPH`` proto numbers them
(0 is the root); live objects are what featherflow's checkpoints save: variables, layers,
models, optimizers, ``tf.Module``s, ``tf.train.Checkpoint``s, dataset iterators and the lists
and dicts holding them (returned as the list or dict itself, where TensorFlow returns its
ListWrapper / _DictWrapper). A Sequential model's ``_functional`` and ``_operations`` nodes
have no Python object in featherflow; they are returned as the graph node that stands for them.

Example::

    >>> path = tf.train.Checkpoint(step=tf.Variable(1)).write("ckpt")
    >>> view = tf.train.CheckpointView(path)
    >>> view.children(0)
    {'step': 1}
    >>> view.match(tf.train.Checkpoint(step=tf.Variable(5)))   # {0: root, 1: its step}
"""

import collections
import logging

from featherflow.errors import NotFoundError
from featherflow.saving.tf_checkpoint import bundle, object_graph, wire
from featherflow.saving.tf_checkpoint.checkpoint import OBJECT_GRAPH_KEY

_LOG = logging.getLogger("featherflow")


def _public(node):
    """What a view hands out for a graph node: the list or dict a Container wraps."""
    if isinstance(node, object_graph.Container) and node.value is not None:
        return node.value
    return node


def _node(obj):
    """The graph node of a live object (a list or dict becomes its Container)."""
    if isinstance(obj, object_graph.Container):
        return obj
    node = object_graph.wrap(obj)
    if node is None and isinstance(obj, (list, tuple, dict)):
        node = object_graph.Container(("container", id(obj)), [], obj)
    return node


class TrackableView:
    """The objects reachable from ``root`` by checkpoint dependencies
    (``tf.train.TrackableView``).

    Example::

        >>> view = tf.train.TrackableView(model)
        >>> list(view.children(model))      # the names a checkpoint saves them under
        >>> view.descendants()              # root first, breadth first
    """

    def __init__(self, root):
        if _node(root) is None:
            raise ValueError(
                f"TrackableView: expected a trackable root (a Variable, layer, model, "
                f"optimizer, tf.Module, tf.train.Checkpoint, dataset iterator, or a list/dict "
                f"of those), got {root!r} of type {type(root)}.")
        self._root = root

    @property
    def root(self):
        return self._root

    @classmethod
    def children(cls, obj, save_type="checkpoint", **kwargs):
        """``{local name: child}`` of ``obj``, in the order a checkpoint saves them."""
        node = _node(obj)
        if node is None:
            return {}
        return {name: _public(child) for name, child in object_graph.children(node)}

    def descendants(self):
        """Every object reachable from the root (the root first), breadth first."""
        return [_public(node) for node in self._walk()]

    def _walk(self):
        start = _node(self._root)
        seen = {object_graph.node_key(start)}
        order = [start]
        queue = collections.deque([start])
        while queue:
            for _, child in object_graph.children(queue.popleft()):
                key = object_graph.node_key(child)
                if key not in seen:
                    seen.add(key)
                    order.append(child)
                    queue.append(child)
        return order


class CheckpointView:
    """The object graph a checkpoint saved (``tf.train.CheckpointView``).

    Example::

        >>> view = tf.train.CheckpointView(tf.train.latest_checkpoint("ckpts"))
        >>> view.descendants()                  # node ids, breadth first from 0
        >>> matched, only_saved, only_live = view.diff(model)
    """

    def __init__(self, save_path):
        reader = bundle.CheckpointReader(save_path)
        try:
            graph = reader.get_tensor(OBJECT_GRAPH_KEY)
        except NotFoundError:
            raise ValueError(
                f'The specified checkpoint "{save_path}" does not appear to be object-based '
                f'(saved with TF2) since it is missing the key "{OBJECT_GRAPH_KEY}". Likely '
                "it was created with the TF1 name-based saver and does not contain an object "
                "dependency graph.") from None
        self._nodes = wire.decode_object_graph(graph)

    def children(self, node_id):
        """``{local name: node id}`` of the saved node ``node_id``."""
        return {name: child for child, name in self._nodes[node_id]["children"]}

    def descendants(self):
        """The ids of every node reachable from the root (0 first), breadth first."""
        return list(self._descendants_with_paths())

    def _descendants_with_paths(self):
        paths = {0: "root"}
        queue = collections.deque([0])
        while queue:
            node_id = queue.popleft()
            for child, name in self._nodes[node_id]["children"]:
                if child == 0 or child in paths:
                    continue
                queue.append(child)
                paths[child] = f"{paths[node_id]}.{name}"
        return paths

    def match(self, obj):
        """``{node id: live object}`` for the saved nodes ``obj``'s graph has, found by
        walking both graphs from their roots by local names."""
        root = _node(obj)
        if root is None:
            raise ValueError(f"Expected a Trackable, got {obj} of type {type(obj)}.")
        matched = {0: root}
        queue = collections.deque([(0, root)])
        visited = set()
        while queue:
            node_id, live = queue.popleft()
            live_children = dict(object_graph.children(live))
            for name, child_id in self.children(node_id).items():
                if child_id in visited or child_id == 0 or name not in live_children:
                    continue
                candidate = live_children[name]
                current = matched.get(child_id)
                if current is None:
                    matched[child_id] = candidate
                    queue.append((child_id, candidate))
                elif object_graph.node_key(current) != object_graph.node_key(candidate):
                    _LOG.warning(
                        "Inconsistent references when matching the checkpoint into this "
                        "object graph. The referenced objects are: (%r and %r).",
                        _public(current), _public(candidate))
            visited.add(node_id)
        return {node_id: (obj if node_id == 0 else _public(node))
                for node_id, node in matched.items()}

    def diff(self, obj):
        """``(match(obj), saved node ids obj lacks, live objects the checkpoint lacks)``."""
        matched = self.match(obj)
        only_saved = [node_id for node_id in self.descendants() if node_id not in matched]
        matched_keys = {object_graph.node_key(_node(value)) for value in matched.values()}
        only_live = [_public(node) for node in TrackableView(obj)._walk()
                     if object_graph.node_key(node) not in matched_keys]
        return matched, only_saved, only_live
