"""projeto no ar: a visit counter kept in PostgreSQL, served by gunicorn (WSGI)."""

import json
import os
import socket

VERSION = os.environ.get("APP_VERSION", "dev")
HOSTNAME = socket.gethostname()


def db_settings(environ=None):
    """Connection settings: the password is read from a file, never from the environment."""
    environ = os.environ if environ is None else environ
    with open(environ.get("DB_PASSWORD_FILE", "/run/secrets/db_password"), encoding="utf-8") as handle:
        password = handle.readline().rstrip("\n")
    return {
        "host": environ.get("DB_HOST", "db"),
        "port": int(environ.get("DB_PORT", "5432")),
        "dbname": environ.get("DB_NAME", "postgres"),
        "user": environ.get("DB_USER", "postgres"),
        "password": password,
        "connect_timeout": 3,
    }


def connect():
    import psycopg2  # pylint: disable=import-outside-toplevel

    return psycopg2.connect(**db_settings())


def count_visit(conn):
    with conn, conn.cursor() as cur:
        cur.execute("UPDATE visits SET n = n + 1 WHERE id = 1 RETURNING n")
        return cur.fetchone()[0]


def respond(start_response, status, body):
    data = (json.dumps(body, sort_keys=True) + "\n").encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data))), ("Cache-Control", "no-store")])
    return [data]


def application(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
        return respond(start_response, "405 Method Not Allowed", {"error": "method not allowed"})
    if path not in ("/", "/healthz"):
        return respond(start_response, "404 Not Found", {"error": "not found"})
    try:
        conn = connect()
    except Exception as exc:  # pylint: disable=broad-except
        return respond(start_response, "503 Service Unavailable", {"status": "database unavailable", "error": type(exc).__name__, "hostname": HOSTNAME})
    try:
        if path == "/healthz":
            with conn.cursor() as cur:
                cur.execute("SELECT 1")
            return respond(start_response, "200 OK", {"status": "ok", "version": VERSION, "hostname": HOSTNAME})
        return respond(start_response, "200 OK", {"visits": count_visit(conn), "version": VERSION, "hostname": HOSTNAME})
    finally:
        conn.close()
