"""Work spread over forked worker processes, and the progress it reports.

Workers are forked from the building process (children.pool): they inherit
what they work on, copy on write, and die with it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import TypeVar

from . import children

T = TypeVar("T")
R = TypeVar("R")

Progress = Callable[[str, int, int], None]  # (stage, done, total), for a terminal display

# Below this many changed sources, starting worker processes costs more than it saves.
PARALLEL_FROM = 64


def report(progress: Progress, stage: str, done: int, total: int) -> None:
    if done % 200 == 0 or done == total:
        progress(stage, done, total)


def workers(jobs: int, tasks: int, least: int = PARALLEL_FROM) -> int:
    """Worker processes for this many tasks: fewer than least each is not worth one."""
    return min(jobs or os.cpu_count() or 1, max(1, tasks // least))


def spread(
    run: Callable[[Sequence[T]], list[R]],
    items: Sequence[T],
    count: int,
    stage: str,
    progress: Progress,
) -> list[R]:
    """run over items in chunks, by this process and count - 1 workers; results in order.

    The workers take chunks from the front and this process from the back,
    each a share of what is left, so that the chunks shrink and both ends
    finish together. A forked worker holds, copy on write, all this process
    holds: at 10,000 guides, rendering in two workers while this process only
    waited made the build's peak memory 570 MB, and one worker beside it 390 MB.
    (Reading sources stays with workers alone: their results are large, and
    taking them in while this process parsed too made reading slower.)
    """
    front, back = 0, len(items)  # items[front:back] are left
    done: dict[int, list[R]] = {}  # by the index of a chunk's first item
    total = 0

    def share() -> int:
        return max(1, (back - front) // (count * 8))

    def finished(first: int, results: list[R]) -> None:
        nonlocal total
        done[first] = results
        total += len(results)
        progress(stage, total, len(items))

    with children.pool(count - 1) as pool:  # forked: the workers inherit what run needs
        running: dict[Future[list[R]], int] = {}
        while front < back or running:
            for future in [future for future in running if future.done()]:
                finished(running.pop(future), future.result())
            while front < back and len(running) < 2 * (count - 1):  # one at work, one waiting
                size = share()
                running[pool.submit(run, items[front : front + size])] = front
                front += size
            if front < back:
                size = share()
                back -= size
                finished(back, run(items[back : back + size]))
            elif running:
                wait(running, return_when=FIRST_COMPLETED)
    return [result for first in sorted(done) for result in done[first]]
