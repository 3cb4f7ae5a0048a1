"""The portal's two database roles, so that nobody with the portal's password can erase the
audit trail.

- The **owner** (``DATABASE_OWNER_URL``) owns the tables: it migrates and nothing else.
- The **runtime role** (``DATABASE_URL``) is what the web server, the Celery worker and beat
  connect as. It reads and writes every table the portal needs (TRUNCATE too: the overview's
  full rebuild empties its rollups), but on ``accounts_auditevent`` it may only INSERT and
  SELECT. It owns nothing, so it cannot ALTER, DISABLE or DROP the append-only trigger nor
  hand the table to someone else, and it is no superuser, so ``session_replication_role``
  (which would silence the trigger) is refused too.

``runtime_role_grant`` is run by ``manage.py migrate`` (as the owner) after every migration,
so tables added later get their rights at once; default privileges cover tables the owner
creates in between.
"""

from django.db import connection
from psycopg import sql

AUDIT_TABLE = "accounts_auditevent"
SCHEMA = "public"
TABLE_RIGHTS = sql.SQL("SELECT, INSERT, UPDATE, DELETE, TRUNCATE")
SEQUENCE_RIGHTS = sql.SQL("USAGE, SELECT, UPDATE")


class RuntimeRoleError(RuntimeError):
    """The runtime role could not be made safe (a superuser, or a member of the owner)."""


def _role_row(cursor, role: str):
    cursor.execute(
        "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles"
        " WHERE rolname = %s",
        [role],
    )
    return cursor.fetchone()


def runtime_role_grant(*, role: str, password: str | None = None, using=None) -> None:
    """Create ``role`` if it is missing and give it the runtime rights, as described above.

    Run as the owner of the tables. Safe to run twice: every statement is a GRANT, a REVOKE
    or a guarded CREATE. Raises ``RuntimeRoleError`` when ``role`` could erase the trail
    whatever it is granted: a superuser, or a member of the tables' owner or of
    ``pg_write_all_data``.
    """
    conn = using or connection
    name = sql.Identifier(role)
    with conn.cursor() as cursor:
        row = _role_row(cursor, role)
        if row is None:
            statement = sql.SQL(
                "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
            )
            cursor.execute(statement.format(name).as_string(cursor.cursor.connection))
        elif any(row):
            raise RuntimeRoleError(
                f"The runtime database role {role!r} is a superuser or may create roles or "
                "databases or bypass row security: give the portal a plain role."
            )
        cursor.execute(
            """
            SELECT pg_has_role(%(role)s, tableowner, 'MEMBER')
                   OR pg_has_role(%(role)s, 'pg_write_all_data', 'MEMBER')
              FROM pg_tables WHERE schemaname = %(schema)s AND tablename = %(table)s
            """,
            {"role": role, "schema": SCHEMA, "table": AUDIT_TABLE},
        )
        member = cursor.fetchone()
        if member and member[0]:
            raise RuntimeRoleError(
                f"The runtime database role {role!r} is (a member of) the owner of the audit "
                "table or of pg_write_all_data: it could erase the audit trail."
            )
        if password:
            statement = sql.SQL("ALTER ROLE {} WITH LOGIN PASSWORD {}")
            cursor.execute(
                statement.format(name, sql.Literal(password)).as_string(cursor.cursor.connection)
            )
        cursor.execute("SELECT current_database()")
        database = sql.Identifier(cursor.fetchone()[0])
        schema = sql.Identifier(SCHEMA)
        audit = sql.Identifier(AUDIT_TABLE)
        statements = [
            sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(database, name),
            sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, name),
            # The runtime role creates nothing: a function or table of its own could shadow
            # ours.
            sql.SQL("REVOKE CREATE ON SCHEMA {} FROM {}").format(schema, name),
            sql.SQL("GRANT {} ON ALL TABLES IN SCHEMA {} TO {}").format(TABLE_RIGHTS, schema, name),
            sql.SQL("GRANT {} ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
                SEQUENCE_RIGHTS, schema, name
            ),
            sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT {} ON TABLES TO {}").format(
                schema, TABLE_RIGHTS, name
            ),
            sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT {} ON SEQUENCES TO {}").format(
                schema, SEQUENCE_RIGHTS, name
            ),
        ]
        cursor.execute(
            "SELECT 1 FROM pg_tables WHERE schemaname = %s AND tablename = %s",
            [SCHEMA, AUDIT_TABLE],
        )
        if cursor.fetchone():
            statements += [
                # The trail: read and append, nothing else, for the runtime role and anyone.
                sql.SQL("REVOKE ALL ON {} FROM {}, PUBLIC").format(audit, name),
                sql.SQL("GRANT SELECT, INSERT ON {} TO {}").format(audit, name),
            ]
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [AUDIT_TABLE])
            sequence = cursor.fetchone()[0]
            if sequence:
                # Its numbers may be drawn, not reset: a gap in the ids stays visible.
                statements.append(
                    sql.SQL("REVOKE UPDATE ON SEQUENCE {} FROM {}").format(sql.SQL(sequence), name)
                )
        raw = cursor.cursor.connection
        for statement in statements:
            cursor.execute(statement.as_string(raw))
