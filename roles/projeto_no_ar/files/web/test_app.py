"""Run in the image's build stage: the app's logic without a database."""

import json
import os
import tempfile
import unittest

import app


class Settings(unittest.TestCase):
    def test_password_comes_from_the_file(self):
        with tempfile.NamedTemporaryFile("w", delete=False) as handle:
            handle.write("s3cret\n")
        try:
            settings = app.db_settings({"DB_PASSWORD_FILE": handle.name, "DB_HOST": "db1"})
        finally:
            os.unlink(handle.name)
        self.assertEqual(settings["password"], "s3cret")
        self.assertEqual(settings["host"], "db1")
        self.assertEqual(settings["port"], 5432)


class Routes(unittest.TestCase):
    def call(self, path, method="GET"):
        seen = {}

        def start_response(status, headers):
            seen["status"] = status
            seen["headers"] = dict(headers)

        body = b"".join(app.application({"PATH_INFO": path, "REQUEST_METHOD": method}, start_response))
        return seen["status"], json.loads(body)

    def test_unknown_path_is_404(self):
        self.assertEqual(self.call("/nope")[0], "404 Not Found")

    def test_post_is_refused(self):
        self.assertEqual(self.call("/", "POST")[0], "405 Method Not Allowed")

    @staticmethod
    def unreachable():
        raise OSError("no route")

    def test_no_database_is_503(self):
        app.connect = self.unreachable
        status, body = self.call("/healthz")
        self.assertEqual(status, "503 Service Unavailable")
        self.assertEqual(body["error"], "OSError")


if __name__ == "__main__":
    unittest.main()
