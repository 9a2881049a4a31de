"""A worker of `kam serve` that outlives the process which started it stops on its own.

granian's main process stops its workers when it is told to stop. Killed outright (kill -9, the
kernel's out-of-memory killer) it cannot, and its workers, each an interpreter of its own, would go
on serving with nobody to start them again, holding the port and their database connections, so
that the next `kam serve` finds the port taken. `kam serve` names itself to its workers in
``SUPERVISOR_VARIABLE`` (not a setting: it sets it for them), and each worker checks every
``CHECK_EVERY_SECONDS`` that its parent is still that process; once it is not, the worker stops as
on SIGTERM, its requests in flight answered. A check of the parent's id, not the kernel's signal at
a parent's death, which Linux alone has.
"""

import asyncio
import logging
import os
import signal

SUPERVISOR_VARIABLE = "KAM_SUPERVISOR_PID"
CHECK_EVERY_SECONDS = 1.0

logger = logging.getLogger(__name__)


def supervisor() -> int | None:
    """The process that started this worker, when `kam serve` did."""
    named = os.environ.get(SUPERVISOR_VARIABLE)
    return int(named) if named else None


async def stop_when_orphaned(supervisor: int, every: float = CHECK_EVERY_SECONDS) -> None:
    """Stop this process, as SIGTERM does, once its parent is no longer ``supervisor``."""
    # Polled: nothing tells a process its parent died but Linux's parent-death signal.
    while os.getppid() == supervisor:  # noqa: ASYNC110
        await asyncio.sleep(every)
    logger.error("The process that started this worker is gone; the worker stops.")
    os.kill(os.getpid(), signal.SIGTERM)
