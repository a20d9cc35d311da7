# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Registries: the Docker client configuration file (``login``) and a registry's v2 catalog (``image_search``).

Credentials are written where the docker CLI and the Docker SDK read them, only after the engine has
accepted them: in the credential helper ``config.json`` names (``credHelpers`` for the registry, else
``credsStore``), through the ``docker-credential-<name>`` store/get/erase protocol, or else in its ``auths``
(mode 0600, atomically). Nothing here returns or logs a password or the encoded ``auth`` value.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import warnings
from typing import Any

from ansible_collections.noar.docker.plugins.module_utils.client import EngineError, engine_errors
from ansible_collections.noar.docker.plugins.module_utils.converge import Action, Manager
from ansible_collections.noar.docker.plugins.module_utils.files import write_atomically
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

INDEX_URL = "https://index.docker.io/v1/"
_HUB_NAMES = ("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com")


def registry_key(url: str) -> str:
    """The key the docker CLI files a registry's credentials under: the Hub's index URL, else host[:port]."""
    text = (url or "").strip()
    if not text:
        raise InvalidOption("registry_url", "a registry is needed, as registry.example.com or 127.0.0.1:5000")
    host = text.split("://", 1)[-1].split("/", 1)[0]
    if host in _HUB_NAMES:
        return INDEX_URL
    return host


def config_path(params: dict) -> str:
    """``config_path``, else ``$DOCKER_CONFIG/config.json``, else ``~/.docker/config.json``."""
    if params.get("config_path"):
        return os.path.expanduser(params["config_path"])
    folder = os.environ.get("DOCKER_CONFIG") or os.path.join(os.path.expanduser("~"), ".docker")
    return os.path.join(folder, "config.json")


def read_config(path: str) -> dict:
    if not os.path.exists(path):
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            config = json.load(handle)
    except ValueError as exc:
        raise InvalidOption("config_path", f"{path} is not valid JSON ({exc}); fix or remove it") from None
    if not isinstance(config, dict):
        raise InvalidOption("config_path", f"{path} does not hold a JSON object")
    return config


def write_config(path: str, config: dict) -> None:
    """Write the config atomically with mode 0600 (its folder 0700 when created here)."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        os.makedirs(folder, mode=0o700)
    write_atomically(path, [json.dumps(config, indent=2, sort_keys=True).encode("utf-8") + b"\n"], mode=0o600)


def _entry_key(config: dict, key: str) -> str | None:
    """The key under ``auths`` that holds ``key``'s credentials, allowing the forms the CLI has used."""
    auths = config.get("auths") or {}
    for candidate in (key, "https://" + key, "http://" + key, "https://" + key + "/v1/", "https://" + key + "/v2/"):
        if candidate in auths:
            return candidate
    return None


def stored_credentials(config: dict, key: str) -> tuple | None:
    """``(username, password)`` stored for ``key``, or None."""
    entry_key = _entry_key(config, key)
    if entry_key is None:
        return None
    encoded = (config["auths"][entry_key] or {}).get("auth")
    if not encoded:
        return None
    try:
        username, _sep, password = base64.b64decode(encoded).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return username, password


def helper_for(config: dict, key: str) -> str | None:
    """The credential helper that holds ``key``'s credentials instead of the file, if any."""
    return (config.get("credHelpers") or {}).get(key) or config.get("credsStore")


class CredentialHelper:
    """``docker-credential-<name>``, the program a ``config.json`` names to keep credentials (through the
    Docker SDK's implementation of the protocol); its failures become ``EngineError`` naming the program."""

    def __init__(self, name: str, path: str) -> None:
        from docker.credentials import Store  # pylint: disable=import-outside-toplevel

        self.program = f"docker-credential-{name}"
        self.path = path
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a missing program is reported when it is used, as a failure
            self.store = Store(name)

    def _failed(self, exc: Exception) -> EngineError:
        return EngineError(f"the credential helper {self.program} that {self.path} names failed: {exc}")

    def get(self, key: str) -> tuple | None:
        """``(username, secret)`` the helper holds for ``key``, or None."""
        from docker.credentials import errors  # pylint: disable=import-outside-toplevel

        try:
            found = self.store.get(key)
        except errors.CredentialsNotFound:
            return None
        except errors.StoreError as exc:
            raise self._failed(exc) from None
        return found.get("Username"), found.get("Secret")

    def put(self, key: str, username: str, secret: str) -> None:
        from docker.credentials import errors  # pylint: disable=import-outside-toplevel

        try:
            self.store.store(key, username, secret)
        except errors.StoreError as exc:
            raise self._failed(exc) from None

    def erase(self, key: str) -> None:
        from docker.credentials import errors  # pylint: disable=import-outside-toplevel

        try:
            self.store.erase(key)
        except errors.CredentialsNotFound:
            pass
        except errors.StoreError as exc:
            raise self._failed(exc) from None


def credentials_for(config: dict, key: str, path: str) -> tuple | None:
    """``(username, password)`` stored for ``key``, by the config's credential helper or in the file, or None."""
    helper = helper_for(config, key)
    if helper:
        return CredentialHelper(helper, path).get(key)
    return stored_credentials(config, key)


class LoginManager(Manager):
    """Plans and applies one ``login`` task: credentials in, or out of, the client config."""

    def __init__(self, client: Any, params: dict) -> None:
        self.client = client
        self.params = params
        self.key = ""  # these four are set by read(), before anything else reads them
        self.path = ""
        self.config: dict = {}
        self.helper: CredentialHelper | None = None

    def read(self) -> tuple | None:
        self.key = registry_key(self.params.get("registry_url") or INDEX_URL)
        self.path = config_path(self.params)
        self.config = read_config(self.path)
        name = helper_for(self.config, self.key)
        self.helper = CredentialHelper(name, self.path) if name else None
        if self.helper:
            return self.helper.get(self.key)
        return stored_credentials(self.config, self.key)

    def plan(self, actual: tuple | None) -> list:
        if self.params["state"] == "absent":
            if _entry_key(self.config, self.key) is None and actual is None:
                return []
            return [Action("logout", self.key, before=dict(registry=self.key, username=(actual or ("",))[0]), after=dict(registry=self.key, username=None))]
        username, password = self.params.get("username"), self.params.get("password")
        if not username:
            raise InvalidOption("username", "state present needs a username")
        if password is None:
            raise InvalidOption("password", "state present needs a password")
        # With a credential helper the file holds no secret, so who can read it does not matter here.
        mode_ok = self.helper or not os.path.exists(self.path) or (os.stat(self.path).st_mode & 0o077) == 0
        if actual == (username, password) and not self.params.get("reauthorize"):
            if mode_ok:
                return []
            return [
                Action(
                    "protect",
                    self.path,
                    before=dict(mode=oct(os.stat(self.path).st_mode & 0o777)),
                    after=dict(mode="0o600"),
                    reason="credentials readable by others",
                )
            ]
        self._verify(username, password)
        return [
            Action(
                "login",
                self.key,
                before=dict(registry=self.key, username=actual[0] if actual else None),
                after=dict(registry=self.key, username=username),
                reason="reauthorize" if actual == (username, password) else "new or changed credentials",
            )
        ]

    def _verify(self, username: str, password: str) -> None:
        """Ask the engine to log in; a refusal fails here, before the config is written (check mode too)."""
        registry = self.params.get("registry_url") or INDEX_URL
        try:
            with engine_errors("logging in to", f"registry {self.key} as {username}"):
                self.client.login(username, password=password, registry=registry, reauth=True)
        except EngineError as exc:
            if "401" in exc.msg or "unauthorized" in exc.msg.lower() or "incorrect" in exc.msg.lower():
                raise EngineError(
                    f"logging in to registry {self.key} as {username} failed: the registry refused the username or password; {self.path} was left as it was"
                ) from None
            raise

    def apply(self, plan: list) -> None:
        for action in plan:
            if action.kind == "protect":
                os.chmod(self.path, 0o600)
                continue
            if self.helper:
                if action.kind == "login":
                    self.helper.put(self.key, self.params["username"], self.params["password"])
                    continue
                self.helper.erase(self.key)
                if _entry_key(self.config, self.key) is None:
                    continue
            auths = self.config.setdefault("auths", {})
            old = _entry_key(self.config, self.key)
            if old is not None:
                del auths[old]
            if action.kind == "login":
                token = f"{self.params['username']}:{self.params['password']}".encode("utf-8")
                auths[self.key] = dict(auth=base64.b64encode(token).decode("ascii"))
            write_config(self.path, self.config)

    def result(self) -> dict:
        return dict(
            login_result=dict(
                serveraddress=self.params.get("registry_url") or INDEX_URL, registry=self.key, username=self.params.get("username"), config_path=self.path
            )
        )


# ---------------------------------------------------------------------------------------------
# A registry's v2 API, for search


def _base_url(registry_url: str) -> str:
    text = registry_url.strip().rstrip("/")
    if "://" in text:
        return text
    host = text.split("/", 1)[0]
    local = host.startswith(("127.", "localhost", "[::1]"))
    return ("http://" if local else "https://") + host


def search_registry(registry_url: str, term: str, params: dict, limit: int) -> list:
    """Repositories of a private registry whose name holds ``term``, each with its tags.

    Uses the v2 catalog and tags list with the credentials stored for the registry.
    """
    import requests  # pylint: disable=import-outside-toplevel

    base = _base_url(registry_url)
    key = registry_key(registry_url)
    path = config_path(params)
    stored = credentials_for(read_config(path), key, path)
    session = requests.Session()
    session.trust_env = False  # https is always verified, against the system's CAs
    if stored:
        session.auth = stored

    def get(path: str) -> dict:
        try:
            response = session.get(base + path, timeout=params.get("timeout") or 60)
        except requests.RequestException as exc:
            raise EngineError(f"searching registry {key} failed: {exc}") from None
        if response.status_code == 401:
            raise EngineError(
                f"searching registry {key} was refused (401): "
                + ("the stored credentials were not accepted" if stored else "log in first with noar.docker.login")
            )
        if response.status_code != 200:
            raise EngineError(f"searching registry {key} failed: {base + path} answered {response.status_code}")
        return response.json()

    names: list = []
    while True:
        # Pages of 1000, each starting after the last name of the one before (the distribution spec's n/last).
        page = get("/v2/_catalog?n=1000" + (f"&last={names[-1]}" if names else "")).get("repositories") or []
        names.extend(page)
        if len(page) < 1000:
            break
    matches = [name for name in sorted(names) if term.lower() in name.lower()][:limit]
    results = []
    for name in matches:
        tags = get(f"/v2/{name}/tags/list").get("tags") or []
        results.append(dict(name=f"{key}/{name}", tags=sorted(tags)))
    return results


def search_hub(client: Any, term: str, limit: int) -> list:
    """Docker Hub's search, through the engine (``docker search``)."""
    with engine_errors("searching", f"Docker Hub for {term!r}"):
        found = client.search(term, limit=limit)
    return [
        dict(
            name=item.get("name"),
            description=item.get("description"),
            star_count=item.get("star_count"),
            is_official=item.get("is_official"),
            is_automated=item.get("is_automated"),
        )
        for item in found
    ]
