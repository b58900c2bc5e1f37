"""Suite-wide fixtures and the report of which database this pass ran on."""

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent


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


class ScratchDatabases:
    """Databases of their own for subprocesses: SQLite files in a folder, or new PostgreSQL
    databases on the test server; each made empty or as a copy of another, all dropped at
    ``drop_all``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.database = settings.DATABASES["default"]
        self.created: list[str] = []
        database = self.database
        self.server = (f"host={database['HOST'] or '127.0.0.1'} port={database['PORT'] or 5432}"
                       f" user={database['USER']} dbname=postgres")
        if database.get("PASSWORD"):
            self.server += f" password={database['PASSWORD']}"

    @property
    def on_sqlite(self) -> bool:
        return self.database["ENGINE"].endswith("sqlite3")

    def make(self, copy_of: str | None = None) -> str:
        """A new database's URL: empty, or a copy of the database at ``copy_of`` (a template
        migrated once is much cheaper to copy than to migrate again)."""
        if self.on_sqlite:
            path = self.folder / f"scratch-{uuid.uuid4().hex[:8]}.sqlite3"
            if copy_of is not None:
                shutil.copyfile(copy_of.removeprefix("sqlite:///"), path)
            return f"sqlite:///{path}"
        name = f"puhui_scratch_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        template = f' TEMPLATE "{copy_of.rsplit("/", 1)[-1]}"' if copy_of else ""
        with psycopg.connect(self.server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"{template}')
        self.created.append(name)
        database = self.database
        user = database["USER"] + (f":{database['PASSWORD']}" if database.get("PASSWORD")
                                   else "")
        return (f"postgres://{user}@{database['HOST'] or '127.0.0.1'}:"
                f"{database['PORT'] or 5432}/{name}")

    def drop_all(self) -> None:
        for name in self.created:
            with psycopg.connect(self.server, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()


@pytest.fixture
def scratch_databases(tmp_path: Path) -> Iterator[ScratchDatabases]:
    """Databases of their own for this test's subprocesses, dropped afterwards."""
    databases = ScratchDatabases(tmp_path)
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def scratch_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScratchDatabases]:
    """Databases prepared once per session (migrated, say) for tests to copy."""
    databases = ScratchDatabases(tmp_path_factory.mktemp("templates"))
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def migrated_platform_template(scratch_templates: ScratchDatabases) -> str:
    """A platform database migrated once per session; copy it with ``scratch_databases``."""
    url = scratch_templates.make()
    env = os.environ | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "puhui.test_settings"}
    subprocess.run([sys.executable, "-m", "puhui.cli", "migrate", "--no-input", "-v", "0"],
                   env=env, cwd=ROOT, check=True, timeout=300)
    return url


@pytest.fixture
def scratch_database_url(scratch_databases: ScratchDatabases) -> str:
    return scratch_databases.make()
