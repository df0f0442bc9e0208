"""Each service's migrations build exactly the tables its models describe."""

import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from services.common.database import make_engine


@pytest.mark.parametrize("service", ["accounts", "events", "playstate"])
def test_migrated_schema_matches_models(service, database_urls):
    models = importlib.import_module(f"services.{service}.models")
    engine = make_engine(database_urls[service])
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"version_table": f"alembic_version_{service}"}
        )
        assert compare_metadata(context, models.Base.metadata) == []
        assert f"alembic_version_{service}" in inspect(connection).get_table_names()
    engine.dispose()
