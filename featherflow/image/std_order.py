"""The order in which C++'s (libstdc++'s) priority queue and ``std::sort`` leave equal keys.

TF's ``CombinedNonMaxSuppression`` kernel pops each class's candidates from a
``std::priority_queue`` ordered by score only, then merges the classes with ``std::sort`` by
score: neither is stable, so boxes with equal scores come out in the order libstdc++'s heap
and introsort happen to leave them. To give TF's answer on ties these functions replay those
algorithms step by step on the keys. They run in Python, so callers use them only when keys
are tied; without ties any correct sort gives the same order.
"""

_THRESHOLD = 16  # libstdc++'s _S_threshold


def _push_heap(heap, hole, top, value, less):
    parent = (hole - 1) // 2
    while hole > top and less(heap[parent], value):
        heap[hole] = heap[parent]
        hole = parent
        parent = (hole - 1) // 2
    heap[hole] = value


def _adjust_heap(heap, first, hole, length, value, less):
    # heap[first:first + length] is the heap; hole is relative to first
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if less(heap[first + child], heap[first + child - 1]):
            child -= 1
        heap[first + hole] = heap[first + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        heap[first + hole] = heap[first + child - 1]
        hole = child - 1
    view = _Offset(heap, first)
    _push_heap(view, hole, top, value, less)


class _Offset:
    """``heap[first + i]`` as ``view[i]`` (libstdc++'s iterators into a sub-range)."""

    def __init__(self, items, first):
        self.items, self.first = items, first

    def __getitem__(self, i):
        return self.items[self.first + i]

    def __setitem__(self, i, value):
        self.items[self.first + i] = value


def priority_queue_order(keys, count):
    """Positions of ``keys`` in the order ``std::priority_queue<.., less>`` pops them, after
    pushing them in the given order, for the first ``count`` pops (largest key first)."""
    heap = []

    def less(a, b):
        return a[0] < b[0]

    for position, key in enumerate(keys):
        heap.append((key, position))
        _push_heap(heap, len(heap) - 1, 0, heap[-1], less)
    order = []
    while heap and len(order) < count:
        order.append(heap[0][1])
        # pop_heap: the last element sinks from the root, the old top goes to the end
        if len(heap) > 1:
            value = heap[-1]
            heap[-1] = heap[0]
            _adjust_heap(heap, 0, 0, len(heap) - 1, value, less)
        heap.pop()
    return order


def _median_to_first(items, result, a, b, c, less):
    if less(items[a], items[b]):
        if less(items[b], items[c]):
            pick = b
        elif less(items[a], items[c]):
            pick = c
        else:
            pick = a
    elif less(items[a], items[c]):
        pick = a
    elif less(items[b], items[c]):
        pick = c
    else:
        pick = b
    items[result], items[pick] = items[pick], items[result]


def _partition(items, first, last, pivot, less):
    while True:
        while less(items[first], items[pivot]):
            first += 1
        last -= 1
        while less(items[pivot], items[last]):
            last -= 1
        if not first < last:
            return first
        items[first], items[last] = items[last], items[first]
        first += 1


def _heap_sort(items, first, last, less):
    length = last - first
    if length > 1:
        parent = (length - 2) // 2
        while True:
            _adjust_heap(items, first, parent, length, items[first + parent], less)
            if parent == 0:
                break
            parent -= 1
    while last - first > 1:
        last -= 1
        value = items[last]
        items[last] = items[first]
        _adjust_heap(items, first, 0, last - first, value, less)


def _introsort(items, first, last, depth, less):
    while last - first > _THRESHOLD:
        if depth == 0:
            _heap_sort(items, first, last, less)
            return
        depth -= 1
        middle = first + (last - first) // 2
        _median_to_first(items, first, first + 1, middle, last - 1, less)
        cut = _partition(items, first + 1, last, first, less)
        _introsort(items, cut, last, depth, less)
        last = cut


def _linear_insert(items, last, less):
    value = items[last]
    previous = last - 1
    while less(value, items[previous]):
        items[last] = items[previous]
        last = previous
        previous -= 1
    items[last] = value


def _insertion_sort(items, first, last, less):
    for i in range(first + 1, last):
        if less(items[i], items[first]):
            value = items[i]
            items[first + 1:i + 1] = items[first:i]
            items[first] = value
        else:
            _linear_insert(items, i, less)


def std_sort_order(keys, descending=True):
    """Positions of ``keys`` in the order ``std::sort`` leaves them (by key, largest first
    when ``descending``), ties included."""
    items = [(key, position) for position, key in enumerate(keys)]
    if descending:
        def less(a, b):
            return b[0] < a[0]
    else:
        def less(a, b):
            return a[0] < b[0]
    n = len(items)
    if n > 1:
        _introsort(items, 0, n, 2 * (n.bit_length() - 1), less)
        if n > _THRESHOLD:
            _insertion_sort(items, 0, _THRESHOLD, less)
            for i in range(_THRESHOLD, n):
                _linear_insert(items, i, less)
        else:
            _insertion_sort(items, 0, n, less)
    return [position for _, position in items]


__all__ = ["priority_queue_order", "std_sort_order"]
