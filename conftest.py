"""Suite-wide fixtures and the report of which database this pass ran on."""

import pytest
from django.db import connection


def pytest_report_header(config: pytest.Config) -> str:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"puhui: database engine {engine}"


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"
