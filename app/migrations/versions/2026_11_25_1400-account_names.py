"""The trigrams of accounts' names move to a table of their own, kept by triggers: the GIN index on
the accounts' row was written again, every trigram of the name, at every update of any column (a
score, a tier), most of the cost of re-scoring accounts after a rules change.

Revision ID: 2f8d6a3c9e41
Revises: 9a4c7f2e5b18
Create Date: 2026-11-25 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "2f8d6a3c9e41"
down_revision: str | None = "9a4c7f2e5b18"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Created accounts: one statement per statement that created them (a bulk COPY included).
NAMES_OF_CREATED = """
CREATE FUNCTION account_names_of_created() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO account_names (account_id, trigrams)
    SELECT id, name_trigrams(lower(name)) FROM created;
    RETURN NULL;
END
$$
"""
# A renamed account: only when the name changed, so no other update calls it.
NAMES_OF_RENAMED = """
CREATE FUNCTION account_names_of_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE account_names SET trigrams = name_trigrams(lower(NEW.name)) WHERE account_id = NEW.id;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "account_names",
        sa.Column("account_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("trigrams", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_account_names_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_names")),
    )
    op.execute("INSERT INTO account_names (account_id, trigrams) SELECT id, name_trigrams(lower(name)) FROM accounts")
    op.create_index("ix_account_names_trigrams", "account_names", ["trigrams"], postgresql_using="gin")
    op.drop_index("ix_accounts_name_trigrams", table_name="accounts", postgresql_using="gin")
    op.execute(NAMES_OF_CREATED)
    op.execute(NAMES_OF_RENAMED)
    op.execute(
        "CREATE TRIGGER account_names_of_created AFTER INSERT ON accounts REFERENCING NEW TABLE AS created"
        " FOR EACH STATEMENT EXECUTE FUNCTION account_names_of_created()"
    )
    op.execute(
        "CREATE TRIGGER account_names_of_renamed AFTER UPDATE OF name ON accounts FOR EACH ROW"
        " WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION account_names_of_renamed()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER account_names_of_renamed ON accounts")
    op.execute("DROP TRIGGER account_names_of_created ON accounts")
    op.execute("DROP FUNCTION account_names_of_renamed()")
    op.execute("DROP FUNCTION account_names_of_created()")
    op.create_index(
        "ix_accounts_name_trigrams",
        "accounts",
        [sa.literal_column("name_trigrams(lower(name))")],
        postgresql_using="gin",
    )
    op.drop_index("ix_account_names_trigrams", table_name="account_names", postgresql_using="gin")
    op.drop_table("account_names")
