"""The unit of work: what a transaction does besides the rows its use case writes.

A session made by ``session_factory`` does, in this order:

1. at every flush, and for every set-wise write (app/plumbing/set_wise.py), it notes
   a. the audit entries of each audited record created, changed or deleted (app/audit/trail.py),
   b. the accounts whose stored facts those records change (app/account_facts/refresher.py),
   c. the changes events tell (app/events/notes.py),
   d. the accounts whose screen those records change (app/account_screen/versions.py);
2. before the commit, whoever commits (``transaction`` in app/plumbing/transactions.py, a test), once
   however many flushes there were, it
   a. flushes what is left,
   b. gathers and stores the facts of the noted accounts,
   c. writes the events of the noted changes, then judges the accounts touched and writes the events
      of the computed views that turned (app/events/emitter.py),
   d. stores the audit entries, in one statement,
   e. counts a write of the records each noted account's screen shows;
3. after the commit, it calls the wake-ups it was given (the job queue's: the webhook fan-out, a
   re-evaluation).

A savepoint rolled back (``savepoint`` in app/plumbing/transactions.py) forgets what was noted in it.
Every entry point makes its sessions here: the API, ``kam worker``, the CLI, the benchmarks and the
tests; the re-evaluation and the other jobs use the sessions they are given.
"""

from app.unit_of_work.work import UnitOfWork, session_factory

__all__ = ["UnitOfWork", "session_factory"]
