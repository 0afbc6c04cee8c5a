"""Positions for the DAG, computed by grandalf's Sugiyama (layered) layout.

Why grandalf: it is pure Python (no compiler, no JavaScript runtime, nothing
fetched at run time), so the wheel stays offline and the page needs no
layout library of its own; the server answers with coordinates and the page
only draws them. Layered layout (ranks top to bottom, crossings reduced,
edges routed through dummy nodes) is what workflow DAGs need.

Layouts are cached by graph shape: polling a running task redraws the same
graph many times, and only its states change.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from tasker_contrib_core.console.dag import Dag

NODE_HEIGHT = 40.0
MIN_NODE_WIDTH = 128.0
CHAR_WIDTH = 7.6
NODE_PADDING = 40.0
X_SPACE = 28.0
Y_SPACE = 36.0
MARGIN = 24.0
GROUP_PADDING = 10.0
COMPONENT_GAP = 48.0

Shape = tuple[tuple[tuple[str, float], ...], tuple[tuple[str, str], ...]]
Placed = tuple[
    dict[str, tuple[float, float]], dict[tuple[str, str], list[tuple[float, float]]], float, float
]


def node_width(label: str) -> float:
    """Wide enough for the label in the page's font (monospace-ish estimate)."""
    return max(MIN_NODE_WIDTH, round(len(label) * CHAR_WIDTH + NODE_PADDING))


class _View:
    """What grandalf reads (``w``, ``h``) and writes (``xy``) on a vertex."""

    def __init__(self, width: float, height: float) -> None:
        self.w = width
        self.h = height
        self.xy: tuple[float, float] = (0.0, 0.0)


class _EdgeView:
    def __init__(self) -> None:
        self.points: list[tuple[float, float]] = []

    def setpath(self, points: list[Any]) -> None:
        self.points = [(float(x), float(y)) for x, y in points]


@lru_cache(maxsize=256)
def _place(shape: Shape) -> Placed:
    """Top-left corner of every node, edge routes, and the drawing's size."""
    from grandalf.graphs import Edge, Graph, Vertex
    from grandalf.layouts import SugiyamaLayout

    sizes, links = shape
    vertices = {name: Vertex(name) for name, _ in sizes}
    for name, width in sizes:
        vertices[name].view = _View(width, NODE_HEIGHT)
    edges = []
    for source, target in links:
        edge = Edge(vertices[source], vertices[target])
        edge.view = _EdgeView()
        edges.append(edge)
    graph = Graph(list(vertices.values()), edges)
    corners: dict[str, tuple[float, float]] = {}
    routes: dict[tuple[str, str], list[tuple[float, float]]] = {}
    offset_x = MARGIN
    height = 0.0
    for component in graph.C:
        layout = SugiyamaLayout(component)
        layout.xspace = X_SPACE
        layout.yspace = Y_SPACE
        layout.init_all()
        layout.draw()
        placed = list(component.sV)
        left = min(v.view.xy[0] - v.view.w / 2 for v in placed)
        top = min(v.view.xy[1] - v.view.h / 2 for v in placed)
        right = max(v.view.xy[0] + v.view.w / 2 for v in placed)
        bottom = max(v.view.xy[1] + v.view.h / 2 for v in placed)
        shift_x = offset_x - left
        shift_y = MARGIN - top
        for vertex in placed:
            cx, cy = vertex.view.xy
            corners[vertex.data] = (
                round(cx - vertex.view.w / 2 + shift_x, 1),
                round(cy - vertex.view.h / 2 + shift_y, 1),
            )
        for edge in component.sE:
            source, target = edge.v[0].data, edge.v[1].data
            points = [(round(x + shift_x, 1), round(y + shift_y, 1)) for x, y in edge.view.points]
            routes[(source, target)] = points
        offset_x += right - left + COMPONENT_GAP
        height = max(height, bottom - top)
    width = offset_x - COMPONENT_GAP + MARGIN if corners else 2 * MARGIN
    return corners, routes, round(width, 1), round(height + 2 * MARGIN, 1)


def apply_layout(dag: Dag) -> Dag:
    """Fill in every node's box, every edge's route and the drawing's size."""
    sizes = tuple((node.name, node_width(node.name)) for node in dag.nodes)
    links = tuple(dict.fromkeys((edge.source, edge.target) for edge in dag.edges))
    corners, routes, width, height = _place((sizes, links))
    for node in dag.nodes:
        node.x, node.y = corners[node.name]
        node.width, node.height = node_width(node.name), NODE_HEIGHT
    boxes = {node.name: node for node in dag.nodes}
    for edge in dag.edges:
        source, target = boxes[edge.source], boxes[edge.target]
        middle = routes.get((edge.source, edge.target), [])[1:-1]
        # Edges leave the bottom of the source and enter the top of the target.
        edge.points = [
            (source.x + source.width / 2, source.y + source.height),
            *middle,
            (target.x + target.width / 2, target.y),
        ]
    for group in dag.groups:
        members = [node for node in dag.nodes if node.group == group.name]
        left = min(node.x for node in members) - GROUP_PADDING
        top = min(node.y for node in members) - GROUP_PADDING - 14
        right = max(node.x + node.width for node in members) + GROUP_PADDING
        bottom = max(node.y + node.height for node in members) + GROUP_PADDING
        group.x, group.y = round(left, 1), round(top, 1)
        group.width, group.height = round(right - left, 1), round(bottom - top, 1)
    dag.width = max(width, *(g.x + g.width + MARGIN for g in dag.groups)) if dag.groups else width
    dag.height = height
    return dag


__all__ = ["apply_layout", "node_width"]
