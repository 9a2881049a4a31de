"""What a client reads of a background job."""

import uuid
from datetime import datetime

from pydantic import Field

from app.glossary import JobKind, JobStatus
from app.plumbing.schemas import ReadModel


class JobRead(ReadModel):
    id: uuid.UUID
    kind: JobKind = Field(description="rules_reevaluation: every account brought to a new rules version.")
    status: JobStatus = Field(
        description="queued, running, then succeeded or failed; superseded when a newer rules version "
        "came before it finished (that version's job carries on)."
    )
    rules_version: int | None = Field(description="The rules version the accounts are brought to.")
    accounts_total: int | None = Field(description="Accounts to re-evaluate, counted when the job starts.")
    accounts_done: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None = Field(description="Why it failed, when it did.")
