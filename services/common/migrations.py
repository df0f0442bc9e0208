"""Alembic, one history per service. `env.py` of each service calls :func:`run_env`;
the runner and the CLI call :func:`upgrade`."""

from __future__ import annotations

from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData

from services.common import config
from services.common.database import make_engine


def alembic_config(service: str, migrations_dir: Path) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", config.database_url(service).replace("%", "%%"))
    cfg.attributes["service"] = service
    return cfg


def upgrade(service: str, migrations_dir: Path) -> None:
    """Bring `service`'s database to the newest revision."""
    command.upgrade(alembic_config(service, migrations_dir), "head")


def run_env(metadata: MetaData) -> None:
    """Body of a service's `migrations/env.py`: run online migrations against its database.

    The version table is named after the service, so several services may share one database.
    """
    service = context.config.attributes.get("service") or context.config.get_main_option("service")
    url = context.config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("the Alembic config names no sqlalchemy.url")
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table=f"alembic_version_{service}",
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
