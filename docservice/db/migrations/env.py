"""Alembic environment: the engine comes from ``config.attributes`` (see ``db.migrate``).

SQLite cannot alter a table in place, so batch migrations copy it; foreign-key enforcement is off
while they run (SQLite ignores that pragma inside a transaction, so it is set before one starts) and
the keys are checked once all migrations are done.
"""

from alembic import context
from sqlalchemy import text

from docservice.db.models import Base

engine = context.config.attributes["engine"]
is_sqlite = engine.dialect.name == "sqlite"

with engine.connect() as connection:
    if is_sqlite:
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    try:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=is_sqlite,
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
            if is_sqlite:
                broken = connection.execute(text("PRAGMA foreign_key_check")).all()
                if broken:
                    raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
        connection.commit()
    finally:
        if is_sqlite:
            connection.rollback()
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
