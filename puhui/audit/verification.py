"""``puhui audit verify``: replay the platform's log from its rows. Every leaf is recomputed from
the row it names as the row is now, the tree is rebuilt from those leaves alone, and every stored
checkpoint must match the rebuilt root at its size and carry a valid signature; the stored tiles
must give the same root. A row edited, deleted or moved after it was logged — by the application
or by hand in the database — fails here, and at the supervisor at the next checkpoint."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from puhui.audit.checkpoints import checkpoint_verified
from puhui.audit.log import checkpoint_of, leaf_hashes, log_public_key, tree_root
from puhui.audit.merkle import frontier_pushed, frontier_root, leaf_hash
from puhui.audit.models import LogCheckpoint, LogLeaf
from puhui.core.log_sources import LogSource, log_sources

CHUNK = 10_000
PROBLEMS_KEPT = 50


@dataclass
class LogVerification:
    size: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0

    @property
    def passed(self) -> bool:
        return self.problem_count == 0

    def problem(self, sentence: str) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(sentence)


def log_verify(progress: Callable[[int, int], None] | None = None) -> LogVerification:
    """Replay the whole log; ``progress(done, total)`` after each chunk of leaves."""
    result = LogVerification()
    total = LogLeaf.objects.count()
    public_key = log_public_key()
    heads = list(LogCheckpoint.objects.order_by("size"))
    pending_heads = [head for head in heads if head.size > 0]
    frontier: list[tuple[int, bytes]] = []
    sources = log_sources()
    done = 0
    for head in heads:
        if not checkpoint_verified(checkpoint_of(head), bytes(head.signature), public_key):
            result.problem(f"checkpoint at size {head.size}: the signature does not verify")
    while done < total:
        leaves = list(LogLeaf.objects.filter(index__gte=done).order_by("index")[:CHUNK])
        if not leaves:
            break
        stored = leaf_hashes(leaves[0].index, len(leaves))
        recomputed = _leaves_recomputed(leaves, sources, result)
        for offset, leaf in enumerate(leaves):
            if leaf.index != done:
                result.problem(f"leaf {done} is missing (the next recorded leaf is "
                               f"{leaf.index})")
                return _finish(result, done, heads)
            value = recomputed.get(leaf.index)
            if value is None:
                value = stored[offset] if offset < len(stored) else b""
            elif offset >= len(stored) or stored[offset] != value:
                result.problem(f"leaf {leaf.index} ({leaf.source} {leaf.key}): the stored hash "
                               "is not the hash of the row")
            frontier_pushed(frontier, value)
            done += 1
            while pending_heads and pending_heads[0].size == done:
                head = pending_heads.pop(0)
                result.checkpoints += 1
                if frontier_root(frontier) != bytes(head.root):
                    result.problem(f"checkpoint at size {head.size}: the rows give another root "
                                   "(a logged row was changed, removed or moved)")
        if progress:
            progress(done, total)
    try:
        tiles_root = tree_root(done)
    except LookupError:
        tiles_root = b""
    if tiles_root != frontier_root(frontier):
        result.problem("the stored tiles give another root than the rows")
    return _finish(result, done, heads)


def _leaves_recomputed(leaves: list[LogLeaf], sources: dict[str, LogSource],
                       result: LogVerification
                       ) -> dict[int, bytes]:
    """Each leaf's hash from its row now; a row that is gone or a source unknown is a
    problem (and the leaf keeps its stored hash, so the replay goes on)."""
    by_source: dict[str, list[LogLeaf]] = defaultdict(list)
    for leaf in leaves:
        by_source[leaf.source].append(leaf)
    hashes = {}
    for name, group in by_source.items():
        source = sources.get(name)
        if source is None:
            result.problem(f"leaves of an unknown source {name!r}")
            continue
        rows = source.leaves_of([leaf.key for leaf in group])
        for leaf in group:
            row = rows.get(leaf.key)
            if row is None:
                result.problem(f"leaf {leaf.index} ({name} {leaf.key}): the row is gone")
            else:
                hashes[leaf.index] = leaf_hash(row)
    return hashes


def _finish(result: LogVerification, done: int, heads: list[LogCheckpoint]) -> LogVerification:
    result.size = done
    beyond = [head.size for head in heads if head.size > done]
    if beyond:
        result.problem(f"checkpoints at sizes {beyond} are beyond the log's {done} leaves "
                       "(leaves were removed)")
    return result
