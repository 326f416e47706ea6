"""Pure graph questions about a definition's workflow (no database)."""

from __future__ import annotations

import heapq
from collections import defaultdict

from tahawul.definitions.schema import Workflow


def successors(workflow: Workflow) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for transition in workflow.transitions:
        for source in transition.sources:
            graph[source].add(transition.to)
    return graph


def reachable_states(workflow: Workflow) -> set[str]:
    graph = successors(workflow)
    seen = {workflow.initial}
    frontier = [workflow.initial]
    while frontier:
        for following in graph.get(frontier.pop(), ()):
            if following not in seen:
                seen.add(following)
                frontier.append(following)
    return seen


def expected_working_days(workflow: Workflow) -> int | None:
    """Working days along the shortest way to an approved end, not counting the applicant's turns.

    "Shortest" is fewest steps, then fewest days; ``None`` when no approved end can be reached.
    """
    graph = successors(workflow)
    queue: list[tuple[int, int, str]] = [(0, 0, workflow.initial)]
    done: set[str] = set()
    while queue:
        steps, days, state_key = heapq.heappop(queue)
        if state_key in done:
            continue
        done.add(state_key)
        state = workflow.states.get(state_key)
        if state is None:
            continue
        if state.final and state.outcome == "approved":
            return days
        own_days = state.sla_days if state.actor == "staff" else 0
        for following in graph.get(state_key, ()):
            if following not in done:
                heapq.heappush(queue, (steps + 1, days + own_days, following))
    return None
