"""Suite-wide fixtures and the report of which database this pass ran on."""

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection


def pytest_report_header(config: pytest.Config) -> str:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"puhui: database engine {engine}"


@pytest.fixture(autouse=True)
def _credit_model_after_flush(request: pytest.FixtureRequest) -> None:
    """Tests on a real transaction (threads, subprocesses) empty the tables between them,
    migration data included; give them the shipped credit model back."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        from puhui.credit.services import shipped_model_ensure

        shipped_model_ensure()


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def scratch_databases(tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Make databases of their own (SQLite files, or new PostgreSQL databases on the test
    server) for subprocesses; they are dropped afterwards."""
    database = settings.DATABASES["default"]
    created: list[str] = []
    server = (f"host={database['HOST'] or '127.0.0.1'} port={database['PORT'] or 5432} "
              f"user={database['USER']} dbname=postgres")
    if database.get("PASSWORD"):
        server += f" password={database['PASSWORD']}"

    def make() -> str:
        if database["ENGINE"].endswith("sqlite3"):
            return f"sqlite:///{tmp_path / f'scratch-{uuid.uuid4().hex[:8]}.sqlite3'}"
        name = f"puhui_scratch_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        user = database["USER"] + (f":{database['PASSWORD']}" if database.get("PASSWORD")
                                   else "")
        return (f"postgres://{user}@{database['HOST'] or '127.0.0.1'}:"
                f"{database['PORT'] or 5432}/{name}")

    yield make
    for name in created:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def scratch_database_url(scratch_databases: Callable[[], str]) -> str:
    return scratch_databases()
