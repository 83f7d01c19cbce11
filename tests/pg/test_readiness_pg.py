"""`/readyz` on PostgreSQL, as a load balancer in front of several workers sees it: the
worker turns unready while its database refuses connections and ready again when the
database takes them back, without a restart."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from bench.scratch_pg import admin_sql
from bot.app import App
from tests.e2e.test_health_endpoints import serve
from tests.pg.conftest import PG_URL


async def database_accepts_connections(name: str, accepts: bool) -> None:
    await admin_sql(
        PG_URL, f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {str(accepts).lower()}'
    )
    if not accepts:  # and the connections already open are cut
        await admin_sql(
            PG_URL,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()",
        )


async def test_readiness_follows_the_postgresql_database_going_away_and_coming_back(
    pg_app: App, pg_database_url: str
) -> None:
    name = make_url(pg_database_url).database
    assert name is not None
    async for probe in serve(pg_app):
        assert (await probe.ready())[0] == 200
        try:
            await database_accepts_connections(name, False)
            status, body = await probe.ready()
            assert (status, body["ready"], body["checks"]["database"]["ok"]) == (503, False, False)
        finally:
            await database_accepts_connections(name, True)
        status, body = await probe.ready()
        assert (status, body["checks"]["database"]) == (200, {"ok": True, "detail": "ok"})
