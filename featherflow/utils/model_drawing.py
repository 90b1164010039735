"""The matplotlib drawing of a layer graph, for ``plot_model`` when graphviz is missing.

A layered ("Sugiyama") layout kept small: each box's rank is its longest distance from the
inputs, boxes within a rank are ordered by the mean position of their neighbours (one sweep
down, one up) so arrows cross less, and ranks are stacked along ``rankdir``. Box sizes come
from the rendered size of their text.
"""

import math

_TITLE_PT = 11
_LINE_PT = 9
_PAD = 0.08  # inches inside a box, around the text
_GAP_RANK = 0.45  # inches between ranks (along the arrows)
_GAP_SIBLING = 0.3  # inches between boxes of one rank
_MARGIN = 0.2  # inches around the drawing
_LOOP_ROOM = 0.35  # inches beside the boxes for self-loops


def _ranks(boxes, edges):
    """Longest-path depth of each box from the graph's sources.

    A layer reused further down the graph (``shared(shared(x))``) makes a loop between boxes.
    A depth-first walk along the arrows, from the boxes in model order (inputs first), finds
    the arrows that point back into the walked path; they are left out of the ranking so the
    ranks are those of a DAG. Iterative, so deep models do not hit the recursion limit.
    """
    keys = [b.key for b in boxes]
    children = {k: [] for k in keys}
    for src, dst in edges:
        if src in children and dst in children and src != dst:
            children[src].append(dst)
    back = set()
    state = {}  # 1: on the walked path, 2: finished
    for root in keys:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(children[root]))]
        while stack:
            key, pending = stack[-1]
            child = next(pending, None)
            if child is None:
                stack.pop()
                state[key] = 2
            elif state.get(child) == 1:
                back.add((key, child))
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(children[child])))
    indegree = dict.fromkeys(keys, 0)
    for src in keys:
        for dst in children[src]:
            if (src, dst) not in back:
                indegree[dst] += 1
    rank = dict.fromkeys(keys, 0)
    ready = [k for k in keys if indegree[k] == 0]
    while ready:
        key = ready.pop()
        for child in children[key]:
            if (key, child) in back:
                continue
            rank[child] = max(rank[child], rank[key] + 1)
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
    return rank


def _order_ranks(boxes, edges, rank):
    """Boxes per rank, ordered by two barycentre sweeps to cut down crossing arrows."""
    layers = {}
    for b in boxes:
        layers.setdefault(rank[b.key], []).append(b.key)
    parents, children = {}, {}
    for src, dst in edges:
        parents.setdefault(dst, []).append(src)
        children.setdefault(src, []).append(dst)
    order = sorted(layers)  # longest-path ranks are 0..n-1 with none empty
    for r in order[1:]:  # downward: follow the parents' positions
        layers[r] = _by_barycentre(layers[r], parents, layers[r - 1])
    for r in order[-2::-1]:  # upward: follow the children's positions
        layers[r] = _by_barycentre(layers[r], children, layers[r + 1])
    return [layers[r] for r in order]


def _by_barycentre(keys, links, reference):
    pos = {k: i for i, k in enumerate(reference)}

    def barycentre(k):
        linked = [pos[n] for n in links.get(k, []) if n in pos]
        # Unlinked boxes keep their place (as a fraction of the reference rank's width).
        if not linked:
            return keys.index(k) * max(len(reference), 1) / max(len(keys), 1)
        return sum(linked) / len(linked)

    return sorted(keys, key=barycentre)


def _measure(boxes, dpi):
    """Width and height in inches of each box, from the rendered size of its text."""
    # lazy optional dependency: matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(dpi=dpi)
    renderer = FigureCanvasAgg(fig).get_renderer()

    def extent(text, size, weight):
        t = fig.text(0, 0, text, fontsize=size, fontweight=weight)
        bb = t.get_window_extent(renderer)
        t.remove()
        return bb.width / dpi, bb.height / dpi

    sizes = {}
    for box in boxes:
        tw, th = extent(box.title, _TITLE_PT, "bold")
        width, height = tw, th + 2 * _PAD
        line_h = 0.0
        for label, value in box.lines + ([("", "Non-trainable")] if box.trainable is not None
                                         else []):
            lw, lh = extent(f"{label}: {value}" if label else value, _LINE_PT, "normal")
            width = max(width, lw)
            line_h = max(line_h, lh)
        n_lines = len(box.lines) + (box.trainable is not None)
        body = n_lines * (line_h * 1.45) + (_PAD if n_lines else 0.0)
        sizes[box.key] = (width + 2 * _PAD + 0.1, height, body)
    return sizes


def _layout(boxes, edges, rankdir, sizes):
    """Box rectangles (x, y, w, h) in inches, y downward, and the figure size."""
    rank = _ranks(boxes, edges)
    ranks = _order_ranks(boxes, edges, rank)
    vertical = rankdir in ("TB", "BT")
    # Along the arrows a rank is as deep as its deepest box; across, boxes sit side by side.
    dims = {k: (w, h + body) for k, (w, h, body) in sizes.items()}

    def along(k):
        return dims[k][1] if vertical else dims[k][0]

    def across(k):
        return dims[k][0] if vertical else dims[k][1]

    depths = [max(along(k) for k in keys) for keys in ranks]
    breadths = [sum(across(k) for k in keys) + _GAP_SIBLING * (len(keys) - 1)
                for keys in ranks]
    total_along = sum(depths) + _GAP_RANK * (len(ranks) - 1) + 2 * _MARGIN
    # Room for the loop drawn beside a box whose layer feeds itself (see draw_graph).
    extra = _LOOP_ROOM if any(src == dst for src, dst in edges) else 0.0
    total_across = max(breadths) + 2 * _MARGIN + extra
    rects = {}
    a = _MARGIN
    for keys, depth, breadth in zip(ranks, depths, breadths):
        c = _MARGIN + (total_across - 2 * _MARGIN - extra - breadth) / 2
        for k in keys:
            a_k = a + (depth - along(k)) / 2
            if rankdir in ("BT", "RL"):
                a_k = total_along - a_k - along(k)
            if vertical:
                rects[k] = (c, a_k, dims[k][0], dims[k][1])
            else:
                rects[k] = (a_k, c, dims[k][0], dims[k][1])
            c += across(k) + _GAP_SIBLING
        a += depth + _GAP_RANK
    size = (total_across, total_along) if vertical else (total_along, total_across)
    return rects, size


def _anchor(rect, side, frac):
    x, y, w, h = rect
    if side == "bottom":
        return x + w * frac, y + h
    if side == "top":
        return x + w * frac, y
    if side == "right":
        return x + w, y + h * frac
    return x, y + h * frac


def draw_graph(plt, boxes, edges, rankdir, dpi):
    """A Figure of the boxes (``model_visualization._Box``) and arrows, laid out in ranks."""
    from matplotlib.patches import FancyBboxPatch, Rectangle  # lazy optional: matplotlib

    sizes = _measure(boxes, dpi)
    rects, (width, height) = _layout(boxes, edges, rankdir, sizes)
    # Whole pixels, so the saved file is exactly figsize * dpi (matplotlib truncates).
    width, height = math.ceil(width * dpi) / dpi, math.ceil(height * dpi) / dpi
    fig = plt.figure(figsize=(width, height), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)  # y grows downward, like the layout
    ax.set_axis_off()
    dark = "#263238"
    for box in boxes:
        x, y, w, h = rects[box.key]
        title_h = sizes[box.key][1]
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0,rounding_size=0.04",
                                    facecolor="white", edgecolor=dark, linewidth=1.2))
        ax.add_patch(Rectangle((x, y), w, title_h, facecolor=dark, edgecolor=dark))
        ax.text(x + w / 2, y + title_h / 2, box.title, color="white", fontsize=_TITLE_PT,
                fontweight="bold", ha="center", va="center")
        lines = [f"{label}: {value}" for label, value in box.lines]
        if box.trainable is not None:
            lines.append("Trainable" if box.trainable else "Non-trainable")
        if lines:
            step = (h - title_h - _PAD) / len(lines)
            for i, text in enumerate(lines):
                color = dark
                if box.trainable is not None and i == len(lines) - 1:
                    color = "#2e7d32" if box.trainable else "#c62828"
                ax.text(x + _PAD, y + title_h + _PAD / 2 + step * (i + 0.5), text,
                        fontsize=_LINE_PT, color=color, ha="left", va="center")
    out_side, in_side = {"TB": ("bottom", "top"), "BT": ("top", "bottom"),
                         "LR": ("right", "left"), "RL": ("left", "right")}[rankdir]
    # Spread the arrows leaving (entering) one box along its side, ordered by position, so
    # fan-out and fan-in stay readable.
    vertical = rankdir in ("TB", "BT")

    def across(k):
        return rects[k][0] if vertical else rects[k][1]

    arrow = {"arrowstyle": "-|>", "color": "#37474f", "lw": 1.4, "shrinkA": 0, "shrinkB": 0,
             "mutation_scale": 14}
    edges = [(s, d) for s, d in edges if s in rects and d in rects]
    outgoing, incoming = {}, {}
    for src, dst in edges:
        if src != dst:
            outgoing.setdefault(src, []).append(dst)
            incoming.setdefault(dst, []).append(src)
    for src, dst in edges:
        if src == dst:
            # A layer applied to its own output: a loop on the box's side.
            side = "right" if vertical else "bottom"
            ax.annotate("", xy=_anchor(rects[src], side, 0.7),
                        xytext=_anchor(rects[src], side, 0.3),
                        arrowprops={**arrow, "connectionstyle":
                                    f"arc3,rad={-1.5 if vertical else 1.5}"})
            continue
        outs = sorted(outgoing[src], key=across)
        ins = sorted(incoming[dst], key=across)
        start = _anchor(rects[src], out_side, (outs.index(dst) + 1) / (len(outs) + 1))
        end = _anchor(rects[dst], in_side, (ins.index(src) + 1) / (len(ins) + 1))
        ax.annotate("", xy=end, xytext=start, arrowprops=arrow)
    return fig
