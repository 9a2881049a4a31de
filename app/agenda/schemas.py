"""Response bodies of the agenda."""

import datetime
import uuid

from pydantic import BaseModel, Field

from app.glossary import AgendaKind


class AgendaItem(BaseModel):
    kind: AgendaKind
    account_id: uuid.UUID
    account_name: str
    why: str = Field(description="Why it is on the agenda, in a sentence.")
    date: datetime.date | None = Field(description="The day it was or is due (or turned red); null when it has none.")
    overdue: bool = Field(description="Its day has passed.")
    record_id: uuid.UUID | None = Field(description="The follow-up (its id in /v1/follow-ups) or the plan action.")


class AgendaCount(BaseModel):
    kind: AgendaKind
    count: int


class Agenda(BaseModel):
    owner_id: uuid.UUID = Field(description="Whose agenda: the accounts they own, the actions they own.")
    day: datetime.date
    items: list[AgendaItem] = Field(
        description="A page of the agenda, most urgent first: overdue, red accounts, due today, then later."
    )
    next_cursor: str | None = Field(description="Pass as `cursor` (with the same `kind`) for the next page.")
    more: int = Field(description="How many items of the asked kinds come after this page.")
    counts: list[AgendaCount] = Field(description="How many of each kind in the whole agenda (every kind listed).")
    total: int = Field(description="How many items the whole agenda holds, of every kind.")


class CalendarLinkCreated(BaseModel):
    url: str = Field(
        description="Subscribe to it in Outlook, Google Calendar or Apple Calendar. It is the only "
        "credential the feed needs: keep it private, and renew or delete the link if it leaks."
    )
    key: str = Field(description="The link's key (`kamc_...`), shown once; only its hash is kept.")
    created_at: datetime.datetime
