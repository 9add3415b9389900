"""The hot statements of a ballot (health.postgresql.prepared): prepared once per connection
on PostgreSQL, with their values bound on the server, and otherwise handled as Django
handles any statement (its errors, its broken-transaction guard, its query count)."""
import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.db.transaction import TransactionManagementError

from budgets import selectors
from budgets.models import Ballot, Voters
from health.postgresql import prepared
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.factories import UserFactory, api_token
from tests.services import need_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture
def postgres():
    need_postgres()
    return connection


def prepared_here() -> list[str]:
    """The statements prepared on this session's connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_statement_is_prepared_once_per_connection_and_answers_for_each_value(postgres):
    sql = "SELECT %s::int * 2, %s::text"
    assert [prepared.fetchone(sql, [n, "x"]) for n in (1, 2, 3)] == [(2, "x"), (4, "x"), (6, "x")]
    assert prepared_here().count("SELECT $1::int * 2, $2::text") == 1


def test_with_prepared_statements_off_it_still_answers_and_prepares_nothing(postgres, monkeypatch):
    connection.ensure_connection()
    monkeypatch.setattr(connection.connection, "prepare_threshold", None)  # DATABASE_PREPARED_STATEMENTS=off
    assert prepared.fetchone("SELECT %s::int + 1", [41]) == (42,)
    assert prepared_here() == []


def test_no_row_is_none_a_database_error_is_djangos_and_a_broken_atomic_block_refuses_it(postgres):
    assert prepared.fetchone("SELECT 1 WHERE %s::bool", [False]) is None
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE prepared_probe (k int PRIMARY KEY)")
    insert = "INSERT INTO prepared_probe (k) VALUES (%s) RETURNING k"
    with transaction.atomic():
        assert prepared.fetchone(insert, [1]) == (1,)
        with pytest.raises(IntegrityError), transaction.atomic(savepoint=False):
            prepared.fetchone(insert, [1])
        with pytest.raises(TransactionManagementError):  # as Django's cursor would be
            prepared.fetchone(insert, [2])
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM prepared_probe")
        assert cursor.fetchone() == (0,)  # the whole block rolled back


def test_it_is_counted_as_a_query(postgres, django_assert_num_queries):
    with django_assert_num_queries(1) as queries:
        prepared.fetchone("SELECT %s::int", [7])
    assert "SELECT %s::int" in queries.captured_queries[0]["sql"]


def last_statement_seen_by_another_session() -> str:
    pid = connection.connection.info.backend_pid
    watcher = connections.create_connection("default")
    try:
        with watcher.cursor() as cursor:
            cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
            return cursor.fetchone()[0]
    finally:
        watcher.close()


def test_its_values_are_not_in_what_other_sessions_see_of_it(postgres):
    """pg_stat_activity shows each session's last statement to a login with
    pg_read_all_stats (a monitoring tool's). With values bound on the client (Django's way)
    the ballot statement showed there with its voter hash and ciphertext, and the token
    query with the token's digest, until the connection's next statement."""
    prepared.fetchone("SELECT %s::text", ["voter-hash-0f0e5166"])
    seen = last_statement_seen_by_another_session()
    assert seen == "SELECT $1::text"
    with connection.cursor() as cursor:  # what Django's cursor leaves there, for contrast
        cursor.execute("SELECT %s::text", ["voter-hash-0f0e5166"])
    assert "voter-hash-0f0e5166" in last_statement_seen_by_another_session()


def test_a_ballot_through_the_api_runs_its_token_query_and_its_statement_prepared(postgres, client, municipality):
    process = BudgetProcessFactory(municipality=municipality, voters=Voters.ACCOUNTS)
    ProjectFactory(process=process, code="A", cost=10_000)
    selectors.ballot_context(pk=process.pk)
    token = api_token(UserFactory(municipality=municipality, birth_year=1980))
    response = client.post(f"/api/v1/budgets/{process.pk}/ballot/", {"projects": ["A"]},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 201, response.content
    statements = prepared_here()
    assert any("restapi_apitoken" in statement for statement in statements), statements
    assert any("INSERT INTO \"budgets_ballot\"" in statement for statement in statements), statements
    assert Ballot.objects.filter(process=process).count() == 1
