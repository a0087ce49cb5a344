"""PostgreSQL chores for ./dev: check the server, make Odoo's role, copy and drop databases.

Odoo refuses to run as the superuser ``postgres``, so it gets a role of its own (with CREATEDB),
created through the superuser when the server trusts local connections.
"""

import argparse
import sys

import psycopg2
from psycopg2 import sql


def connect(host, port, user, dbname="postgres"):
    return psycopg2.connect(host=host, port=port, user=user, dbname=dbname, connect_timeout=5)


def ensure_role(args):
    try:
        connect(args.host, args.port, args.role).close()
        return True
    except psycopg2.OperationalError as error:
        if f'role "{args.role}" does not exist' not in str(error):
            print(
                f"PostgreSQL at {args.host}:{args.port} is not reachable as {args.role}: {error}\n"
                "  Start PostgreSQL (e.g. pg_ctlcluster 15 main start) or set PGHOST/PGPORT.",
                file=sys.stderr,
            )
            return False
    try:
        with connect(args.host, args.port, args.superuser) as conn:
            conn.autocommit = True
            with conn.cursor() as cr:
                cr.execute(
                    sql.SQL("CREATE ROLE {} LOGIN CREATEDB").format(sql.Identifier(args.role))
                )
        print(f"created the PostgreSQL role {args.role} for Odoo", file=sys.stderr)
        return True
    except psycopg2.Error as error:
        print(
            f"PostgreSQL has no role {args.role} and it could not be created as "
            f"{args.superuser}: {error}\n"
            f"  Create it once: sudo -u postgres createuser --createdb {args.role}",
            file=sys.stderr,
        )
        return False


def database_exists(cr, name):
    cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
    return bool(cr.fetchone())


def has_modules(args, dbname, modules):
    with connect(args.host, args.port, args.role) as conn, conn.cursor() as cr:
        if not database_exists(cr, dbname):
            return False
    try:
        with connect(args.host, args.port, args.role, dbname) as conn, conn.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM ir_module_module"
                " WHERE state = 'installed' AND name = ANY(%s)",
                (modules,),
            )
            return cr.fetchone()[0] == len(modules)
    except psycopg2.Error:
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="5432")
    parser.add_argument("--role", default="odoo")
    parser.add_argument("--superuser", default="postgres")
    parser.add_argument("--drop", action="append", default=[], metavar="DB")
    parser.add_argument("--copy", nargs=2, metavar=("TEMPLATE", "DB"))
    parser.add_argument("--has-modules", nargs=2, metavar=("DB", "MODULES"))
    args = parser.parse_args()

    if not ensure_role(args):
        return 2
    if args.has_modules:
        dbname, modules = args.has_modules
        return 0 if has_modules(args, dbname, modules.split(",")) else 1
    # Not `with conn`: since psycopg2 2.9 it opens a transaction, where DROP/CREATE DATABASE fail.
    conn = connect(args.host, args.port, args.role)
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            for name in args.drop:
                cr.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
            if args.copy:
                template, name = args.copy
                if not database_exists(cr, template):
                    print(f"no template database {template}: run ./dev template", file=sys.stderr)
                    return 2
                cr.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(name), sql.Identifier(template)
                    )
                )
    finally:
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
