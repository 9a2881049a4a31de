"""Background work on the PostgreSQL job queue (procrastinate): what runs on a schedule or after a
request, never inside one."""
