# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A Compose project read as the Compose Specification reads it: its files (found in the project folder or given),
``.env`` and env files, interpolation, the merge of several files, ``extends``, profiles, and the services asked for
with their dependencies. The result is one plain mapping, the project's model, for the compose module to plan from.

Errors are ``InvalidOption`` naming the task option and, in the message, the path inside the model
(``services.web.ports``), so a user finds the line to fix.
"""

from __future__ import annotations

import os
import re
import shlex
from typing import Any, Callable

from ansible_collections.noar.docker.plugins.module_utils.container_options import RESTART_POLICIES
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption, parse_duration, parse_port_range

FILE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
OVERRIDE_NAMES = ("compose.override.yaml", "compose.override.yml", "docker-compose.override.yaml", "docker-compose.override.yml")
# Merged by replacing, not appending (Compose Specification, merge: shell commands).
REPLACED = ("command", "entrypoint")
# Sequences of unique resources: merged by this key (later files override an entry with the same key).
UNIQUE_BY = dict(volumes=("target",), secrets=("target",), configs=("target",), ports=("host_ip", "target", "published", "protocol"))
# The top-level keys of the Compose Specification this loader reads (version is obsolete: read and ignored, as by
# docker compose).
TOP_LEVEL = ("name", "version", "include", "services", "networks", "volumes", "secrets", "configs")
# Lists of KEY=VALUE that Compose reads as mappings, so that they merge by key.
KEY_VALUE = ("environment", "labels", "extra_hosts", "sysctls", "annotations")


# ---------------------------------------------------------------------------------------------
# Interpolation


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def interpolate(value: Any, env: dict, option: str, path: str = "") -> Any:
    """``value`` with ``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``, ``${VAR:?message}``,
    ``${VAR?message}``, ``${VAR:+other}``, ``${VAR+other}`` and ``$$`` replaced in every string, keys excepted."""
    if isinstance(value, Override):
        return Override(interpolate(value.value, env, option, path))
    if isinstance(value, dict):
        return {k: interpolate(v, env, option, f"{path}.{k}" if path else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env, option, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, str) and "$" in value:
        return _substitute(value, 0, env, option, path, closing=False)[0]
    return value


def _substitute(text: str, start: int, env: dict, option: str, path: str, closing: bool) -> tuple:
    """Replace from ``start`` up to the end, or up to an unmatched ``}`` when ``closing`` (a default's text);
    returns (result, index after it)."""
    out: list = []
    i = start
    while i < len(text):
        char = text[i]
        if closing and char == "}":
            return "".join(out), i
        if char != "$":
            out.append(char)
            i += 1
            continue
        following = text[i + 1 : i + 2]
        if following == "$":
            out.append("$")
            i += 2
        elif following == "{":
            replaced, i = _braced(text, i + 2, env, option, path)
            out.append(replaced)
        else:
            name = _NAME.match(text, i + 1)
            if name is None:  # a $ that starts no variable ($(cmd), $5, a last $) is itself, as docker compose reads it
                out.append("$")
                i += 1
                continue
            out.append(env.get(name.group(0), ""))
            i = name.end()
    if closing:
        raise InvalidOption(option, f"{path}: unclosed ${{ in {text!r}")
    return "".join(out), i


def _braced(text: str, i: int, env: dict, option: str, path: str) -> tuple:
    """``${...}`` from just after the brace: (its value, index after the closing brace)."""
    name = _NAME.match(text, i)
    if name is None:
        raise InvalidOption(option, f"{path}: invalid interpolation in {text!r}: ${{ must be followed by a variable name")
    var, i = name.group(0), name.end()
    operator = next((op for op in (":-", ":?", ":+", "-", "?", "+") if text.startswith(op, i)), None)
    if operator is None:
        if text[i : i + 1] != "}":
            raise InvalidOption(option, f"{path}: invalid interpolation in {text!r} after ${{{var}")
        return env.get(var, ""), i + 1
    argument, end = _substitute(text, i + len(operator), env, option, path, closing=True)
    value = env.get(var)
    empty_counts = operator.startswith(":")
    unset = value is None or (empty_counts and value == "")
    kind = operator[-1]
    if kind == "-":
        return (argument if unset else value), end + 1
    if kind == "+":
        return ("" if unset else argument), end + 1
    if unset:  # "?"
        raise InvalidOption(option, f"{path}: required variable {var} is {'unset' if value is None else 'empty'}{': ' + argument if argument else ''}")
    return value, end + 1


# ---------------------------------------------------------------------------------------------
# .env files


def read_env_file(path: str, env: dict, option: str) -> dict:
    """The variables of a dotenv file (``KEY=VALUE``, ``export`` prefix, quotes, comments); values may use the
    variables before them and ``env``."""
    found: dict = {}
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except OSError as exc:
        raise InvalidOption(option, f"cannot read {path}: {exc.strerror or exc}") from None
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("export "):
            stripped = stripped[len("export ") :].lstrip()
        key, sep, raw = stripped.partition("=")
        key = key.strip()
        if not _NAME.fullmatch(key):
            raise InvalidOption(option, f"{path}:{number}: {line!r} is not KEY=VALUE")
        if not sep:
            if key in env:
                found[key] = env[key]  # a bare name takes the value it has in the environment
            continue
        raw = raw.strip()
        where = f"{path}:{number}"
        if raw[:1] == "'" and raw.rstrip()[-1:] == "'" and len(raw) > 1:
            value = raw[1:-1]
        elif raw[:1] == '"' and raw.endswith('"') and len(raw) > 1:
            value = raw[1:-1].replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\")
            value = interpolate(value, {**env, **found}, option, where)
        else:
            value = re.split(r"\s+#", raw, maxsplit=1)[0].strip()
            value = interpolate(value, {**env, **found}, option, where)
        found[key] = value
    return found


# ---------------------------------------------------------------------------------------------
# Merging


class Reset:
    """A value tagged ``!reset``: the key is taken out of what the files before set (Compose Specification, merge)."""

    def __repr__(self) -> str:
        return "!reset"


class Override:
    """A value tagged ``!override``: it replaces what the files before set instead of merging with it."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"!override {self.value!r}"


def settle(value: Any) -> Any:
    """``value`` with its merge tags resolved once every merge is done: ``!reset`` keys and items left out,
    ``!override`` values as they are."""
    if isinstance(value, Override):
        return settle(value.value)
    if isinstance(value, dict):
        return {k: settle(v) for k, v in value.items() if not isinstance(v, Reset)}
    if isinstance(value, list):
        return [settle(v) for v in value if not isinstance(v, Reset)]
    return value


def text(value: Any) -> str:
    """A scalar as a string, as compose-go writes one: true and false in lower case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def key_values(value: Any, option: str, path: str) -> dict:
    """``environment``-like values as a mapping: a list of ``KEY=VALUE`` (or ``KEY`` alone: None) or a mapping."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, list):
        result = {}
        for item in value:
            key, sep, val = str(item).partition("=")
            if not key:
                raise InvalidOption(option, f"{path}: {item!r} has no name before =")
            result[key] = val if sep else None
        return result
    raise InvalidOption(option, f"{path}: must be a mapping or a list of KEY=VALUE, not {type(value).__name__}")


def _unique_key(attribute: str, entry: Any) -> tuple:
    """The key an entry of a unique-resource sequence merges by; short syntax strings are their own key, except
    volumes, whose target is after the first colon."""
    if isinstance(entry, dict):
        return tuple(str(entry.get(k, "")) for k in UNIQUE_BY[attribute])
    text = str(entry)
    if attribute == "volumes":
        parts = text.split(":")
        return ((parts[1] if len(parts) > 1 else parts[0]),)
    if attribute in ("secrets", "configs"):
        return (text,)
    return ("short", text)


def merge(base: Any, override: Any, option: str, path: str = "") -> Any:
    """``override`` merged into ``base`` by the Compose Specification's rules: mappings by key, sequences appended,
    ``command``/``entrypoint``/``healthcheck.test`` replaced, unique resources by their key, ``environment``-like
    lists as mappings."""
    name = path.rsplit(".", 1)[-1]
    # The merge tags stay in the model until extends is applied too (a service's !reset removes what it
    # inherits); load_project settles them at the end.
    if isinstance(base, Override):
        base = base.value
    if isinstance(override, (Reset, Override)) or isinstance(base, Reset):
        return override
    if name in KEY_VALUE and (isinstance(base, list) or isinstance(override, list)):
        return {**key_values(base, option, path), **key_values(override, option, path)}
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            where = f"{path}.{key}" if path else str(key)
            merged[key] = merge(base[key], value, option, where) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(override, list) and name not in REPLACED and not path.endswith("healthcheck.test"):
        if name in UNIQUE_BY and ".services." in f".{path}":
            entries = {_unique_key(name, e): e for e in base}
            for entry in override:
                entries[_unique_key(name, entry)] = entry
            return list(entries.values())
        return base + [e for e in override if e not in base] if name in ("dns", "dns_search", "tmpfs") else base + override
    return override


# ---------------------------------------------------------------------------------------------
# The project


YAML_12_SCALARS = (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)"
        r"|\.(?:nan|NaN|NAN))$",
        "-+.0123456789",
    ),
)


def _compose_loader() -> Any:
    """PyYAML's safe loader that also reads the merge tags ``!reset`` and ``!override`` (made on first use: most
    modules that import this file read no YAML)."""
    import yaml  # pylint: disable=import-outside-toplevel

    class ComposeLoader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
        pass

    def tagged(wrap: Callable) -> Callable:
        def construct(loader: Any, node: Any) -> Any:
            if isinstance(node, yaml.MappingNode):
                return wrap(loader.construct_mapping(node, deep=True))
            if isinstance(node, yaml.SequenceNode):
                return wrap(loader.construct_sequence(node, deep=True))
            plain = yaml.ScalarNode(loader.resolve(yaml.ScalarNode, node.value, (True, False)), node.value, node.start_mark, node.end_mark, node.style)
            return wrap(loader.construct_object(plain, deep=True))

        return construct

    # YAML 1.2's plain scalars, as compose-go (yaml.v3) reads them: yes, no, on and off are strings, and 8080:80 is
    # not a base-60 number (PyYAML reads YAML 1.1).
    replaced = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    ComposeLoader.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag not in replaced] for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    for tag, pattern, first in YAML_12_SCALARS:
        ComposeLoader.add_implicit_resolver(tag, re.compile(pattern, re.X), list(first))
    ComposeLoader.add_constructor("!reset", tagged(lambda value: Reset()))
    ComposeLoader.add_constructor("!override", tagged(Override))
    return ComposeLoader


def load_yaml(path: str, option: str) -> Any:
    import yaml  # pylint: disable=import-outside-toplevel

    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=_compose_loader())  # nosec: a safe loader with two tags more
    except OSError as exc:
        raise InvalidOption(option, f"cannot read {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise InvalidOption(option, f"{path} is not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidOption(option, f"{path}: a Compose file is a mapping, not {type(data).__name__}")
    return data


def project_files(project_src: str | None, files: list | None) -> list:
    """The Compose files to read, in merge order: ``files`` (relative to ``project_src``), or the project folder's
    own file and its override file, as ``docker compose`` finds them."""
    if files:
        base = project_src or os.getcwd()
        paths = [f if os.path.isabs(f) else os.path.join(base, f) for f in files]
        for path in paths:
            if not os.path.isfile(path):
                raise InvalidOption("files", f"{path} does not exist")
        return paths
    if not project_src:
        return []
    if not os.path.isdir(project_src):
        raise InvalidOption("project_src", f"{project_src} is not a folder")
    main = next((os.path.join(project_src, n) for n in FILE_NAMES if os.path.isfile(os.path.join(project_src, n))), None)
    if main is None:
        raise InvalidOption("project_src", f"{project_src} holds none of {', '.join(FILE_NAMES)}")
    override = next((os.path.join(project_src, n) for n in OVERRIDE_NAMES if os.path.isfile(os.path.join(project_src, n))), None)
    return [main] + ([override] if override else [])


def normalise_name(name: str) -> str:
    """A project name as ``docker compose`` makes one from a folder: lower case, only a-z, 0-9, _ and -."""
    return re.sub(r"[^a-z0-9_-]", "", str(name).lower()).lstrip("_-")


def _apply_extends(services: dict, folder: str, env: dict, option: str, seen: tuple = ()) -> dict:
    """Every service with ``extends`` merged onto the service it names (in this model or in another file)."""
    resolved: dict = {}

    def resolve(name: str, chain: tuple) -> dict:
        if name in resolved:
            return resolved[name]
        service = services[name]
        service = (service.value if isinstance(service, Override) else service) or {}
        extends = service.get("extends")
        if not extends:
            resolved[name] = service
            return service
        if isinstance(extends, str):
            extends = dict(service=extends)
        base_name = str(extends.get("service") or "")
        where = f"services.{name}.extends"
        if name in chain:
            raise InvalidOption(option, f"{where}: extends makes a cycle ({' -> '.join(chain + (name,))})")
        if extends.get("file"):
            other = extends["file"] if os.path.isabs(extends["file"]) else os.path.join(folder, extends["file"])
            model = interpolate(load_yaml(other, option), env, option)
            others = model.get("services") or {}
            if base_name not in others:
                raise InvalidOption(option, f"{where}: {other} has no service {base_name!r}")
            base = _apply_extends(others, os.path.dirname(other), env, option, seen + (other,))[base_name]
            base = rebase(base, os.path.dirname(other))
        else:
            if base_name not in services:
                raise InvalidOption(option, f"{where}: no service {base_name!r} to extend")
            base = resolve(base_name, chain + (name,))
        own = {k: v for k, v in service.items() if k != "extends"}
        base = {k: v for k, v in base.items() if k not in ("depends_on",)}  # not inherited (Compose Specification)
        merged = merge(base, own, option, f"services.{name}")
        resolved[name] = merged
        return merged

    return {name: resolve(name, ()) for name in services}


def _absolute(path: Any, folder: str) -> Any:
    text = str(path)
    return path if os.path.isabs(text) or text.startswith("~") else os.path.normpath(os.path.join(folder, text))


def rebase(service: dict, folder: str) -> dict:
    """A service read from a file in another folder (an ``extends`` base, an included file), with the paths relative
    to that file made absolute: they stay relative to where they were written, as docker compose reads them."""
    service = dict(service)
    files = service.get("env_file")
    if files:
        service["env_file"] = [
            dict(e, path=_absolute(e["path"], folder)) if isinstance(e, dict) else _absolute(e, folder)
            for e in ([files] if isinstance(files, (str, dict)) else files)
        ]
    label_files = service.get("label_file")
    if label_files:
        label_files = [label_files] if isinstance(label_files, str) else label_files
        service["label_file"] = [_absolute(f, folder) for f in label_files]
    build = service.get("build")
    if isinstance(build, str):
        service["build"] = _absolute(build, folder)
    elif isinstance(build, dict) and build.get("context", ".") is not None:
        service["build"] = dict(build, context=_absolute(build.get("context", "."), folder))
    volumes = []
    for entry in service.get("volumes") or []:
        if isinstance(entry, dict) and entry.get("type") == "bind" and entry.get("source"):
            entry = dict(entry, source=_absolute(entry["source"], folder))
        elif isinstance(entry, str) and entry.startswith("."):
            source, _sep, rest = entry.partition(":")
            entry = f"{_absolute(source, folder)}:{rest}" if rest else entry
        volumes.append(entry)
    if volumes:
        service["volumes"] = volumes
    return service


def _with_label_files(service: dict, folder: str, name: str, option: str) -> dict:
    """``label_file``'s labels read into ``labels`` (a later file wins, and ``labels`` over every file), once for
    every reader of the model; the key stays, so that the service's hashed form knows of it."""
    files = service.get("label_file")
    if not files:
        return service
    labels: dict = {}
    for index, entry in enumerate([files] if isinstance(files, str) else list(files)):
        path = os.path.join(folder, str(entry))
        if not os.path.isfile(path):
            raise InvalidOption(option, f"services.{name}.label_file[{index}]: {path} does not exist")
        labels.update(read_env_file(path, dict(labels), option))  # a value may use the labels read before it
    labels.update(key_values(service.get("labels"), option, f"services.{name}.labels"))
    return dict(service, labels=labels)


INCLUDE_KEYS = ("path", "project_directory", "env_file")
# Top-level keys an included file brings, each a mapping of named resources.
INCLUDED_KINDS = ("services", "networks", "volumes", "configs", "secrets")


def _include(model: dict, folder: str, env: dict, option: str, seen: tuple) -> dict:
    """``model`` with the resources of the files its ``include`` names added, as docker compose includes them: each
    entry is a project of its own (its paths relative to its ``project_directory``, by default the first file's
    folder; interpolated with its ``env_file``, by default that folder's ``.env``, under this project's environment),
    and a resource defined both here and there differently is refused."""
    entries = model.pop("include", None) or []
    if not isinstance(entries, list):
        raise InvalidOption(option, "include: must be a list of files or of mappings with path")
    for index, entry in enumerate(entries):
        where = f"include[{index}]"
        entry = dict(path=entry) if isinstance(entry, str) else entry
        if not isinstance(entry, dict) or not entry.get("path"):
            raise InvalidOption(option, f"{where}: needs a path")
        for key in entry:
            if key not in INCLUDE_KEYS:
                raise InvalidOption(option, f"{where}.{key}: not a key of include (it has {', '.join(INCLUDE_KEYS)})")
        files = [entry["path"]] if isinstance(entry["path"], str) else list(entry["path"])
        files = [str(_absolute(f, folder)) for f in files]
        for path in files:
            if path in seen:
                raise InvalidOption(option, f"{where}: {path} includes itself ({' -> '.join(seen + (path,))})")
            if not os.path.isfile(path):
                raise InvalidOption(option, f"{where}: {path} does not exist")
        directory = str(_absolute(entry.get("project_directory") or os.path.dirname(files[0]), folder))
        env_files = entry.get("env_file")
        env_files = [env_files] if isinstance(env_files, str) else list(env_files or [])
        env_files = [str(_absolute(f, folder)) for f in env_files] or [p for p in [os.path.join(directory, ".env")] if os.path.isfile(p)]
        own_env: dict = {}
        for path in env_files:
            own_env.update(read_env_file(path, {**own_env, **env}, option))
        own_env.update(env)
        included: dict = {}
        for path in files:
            included = merge(included, interpolate(load_yaml(path, option), own_env, option), option)
        included = _include({k: v for k, v in included.items() if not str(k).startswith("x-")}, directory, own_env, option, seen + tuple(files))
        services = included.get("services") or {}
        included["services"] = {n: rebase(s or {}, directory) for n, s in _apply_extends(services, directory, own_env, option).items()}
        for kind in ("configs", "secrets"):
            for name, definition in (included.get(kind) or {}).items():
                if isinstance(definition, dict) and definition.get("file"):
                    included[kind][name] = dict(definition, file=str(_absolute(definition["file"], directory)))
        for kind in INCLUDED_KINDS:
            if not included.get(kind):
                continue
            mine: dict = model.get(kind) or {}
            model[kind] = mine
            for name, definition in included[kind].items():
                if name in mine and mine[name] != definition:
                    raise InvalidOption(option, f"{where}: {kind}.{name} is defined both by {', '.join(files)} and by the including project, differently")
                mine[name] = definition
    return model


def dependencies_of(service: dict) -> list:
    """The services ``depends_on`` names, in either syntax, and those it needs without it (``implied_dependencies``)."""
    depends = (service or {}).get("depends_on") or []
    names = list(depends) if isinstance(depends, (list, dict)) else []
    implied = [n for n, _restart in implied_dependencies(service)]
    return names + [n for n in dict.fromkeys(implied) if n not in names]


def implied_dependencies(service: dict) -> list:
    """``(name, restart)`` for the services this one needs without ``depends_on``: that it links to or whose
    namespaces it joins (``links``; ``network_mode``, ``ipc``, ``pid``: ``service:NAME``; restarted with it) or whose
    volumes it mounts."""
    return [(name, restart) for name, restart, _key in _implied(service)]


def _implied(service: dict) -> list:
    """``implied_dependencies`` with the key that names each (``links[0]``, ``network_mode``, ``volumes_from``)."""
    service = service or {}
    found = [(str(v).split(":", maxsplit=1)[0], True, f"links[{i}]") for i, v in enumerate(service.get("links") or [])]
    found += [(str(service.get(k))[8:], True, k) for k in ("network_mode", "ipc", "pid") if str(service.get(k) or "").startswith("service:")]
    return found + [(str(v).split(":", maxsplit=1)[0], False, "volumes_from") for v in service.get("volumes_from") or [] if not str(v).startswith("container:")]


def _needing_key(service: dict, dependency: str) -> str:
    """Which key of ``service`` names ``dependency``: depends_on, else the first that implies it (links[N], ...)."""
    depends = service.get("depends_on") or []
    if dependency in (list(depends) if isinstance(depends, (list, dict)) else []):
        return "depends_on"
    return next(key for name, _restart, key in _implied(service) if name == dependency)


def select(model: dict, wanted: list | None, profiles: list | None, with_dependencies: bool, option: str) -> dict:
    """The services that run: those without profiles or with an active one, or the ones ``wanted`` names (and,
    with ``with_dependencies``, what they depend on)."""
    services = model.get("services") or {}
    active = set(profiles or [])
    for name in wanted or []:
        if name not in services:
            raise InvalidOption("services", f"the project has no service {name!r} (it has {', '.join(sorted(services))})")
    enabled = {n for n, s in services.items() if not (s or {}).get("profiles") or active & set(s["profiles"])}
    chosen = set(wanted) if wanted else set(enabled)
    if with_dependencies:
        queue = list(chosen)
        while queue:
            name = queue.pop()
            for dependency in dependencies_of(services[name]):
                if dependency not in services:
                    raise InvalidOption(option, f"services.{name}.{_needing_key(services[name], dependency)}: no service {dependency!r}")
                if dependency not in chosen:
                    chosen.add(dependency)
                    queue.append(dependency)
    return {n: s for n, s in services.items() if n in chosen}


# The options that say which Compose application a module reads (doc fragment noar.docker.compose_project).
PROJECT_ARGS = dict(
    project_src=dict(type="path"),
    files=dict(type="list", elements="path"),
    definition=dict(type="dict"),
    project_name=dict(type="str"),
    env_files=dict(type="list", elements="path"),
    profiles=dict(type="list", elements="str"),
)


def load_project(params: dict, environ: dict) -> dict:
    """The project's model from the task: ``name``, ``working_dir``, ``config_files``, ``environment`` (what
    interpolation used), ``model`` (the merged, interpolated Compose mapping, services selected), ``defined``
    (every service the files define, selected or not: the others' containers are not orphans) and ``files_dir``
    (where the secrets and configs that are not files already are written)."""
    project_src, files = params.get("project_src"), params.get("files")
    definition = params.get("definition")
    if definition is None and not project_src and not files:
        raise InvalidOption("project_src", "one of project_src, files or definition is needed")
    paths = project_files(project_src, files)
    files_base = os.path.expanduser(params.get("files_dir") or "~/.local/share/noar/compose")
    if paths or project_src:
        working_dir = os.path.abspath(project_src or os.path.dirname(paths[0]))
    elif not params.get("project_name") or not normalise_name(params["project_name"]):
        raise InvalidOption("project_name", "is needed with definition alone (there is no folder to name the project)")
    else:
        # Not the module's current folder, which changes from run to run: relative paths start in the project's own.
        working_dir = os.path.join(files_base, normalise_name(params["project_name"]))

    env_files = params.get("env_files")
    if env_files is None:
        env_files = [os.path.join(working_dir, ".env")] if os.path.isfile(os.path.join(working_dir, ".env")) else []
    env: dict = {}
    for env_file in env_files:
        path = env_file if os.path.isabs(env_file) else os.path.join(working_dir, env_file)
        env.update(read_env_file(path, {**env, **environ}, "env_files"))
    env.update(environ)  # the environment wins over .env files, as with docker compose

    model: dict = {}
    sources = [(p, load_yaml(p, "files" if files else "project_src")) for p in paths]
    if definition is not None:
        if not isinstance(definition, dict):
            raise InvalidOption("definition", f"must be a mapping, not {type(definition).__name__}")
        sources.append(("definition", definition))
    for source, data in sources:
        option = "definition" if source == "definition" else ("files" if files else "project_src")
        model = merge(model, interpolate(data, env, option), option)
    option = "definition" if definition is not None and not paths else ("files" if files else "project_src")
    model = {k: v for k, v in model.items() if not str(k).startswith("x-")}
    model = _include(model, working_dir, env, option, tuple(paths))
    for key in model:
        if key not in TOP_LEVEL:
            raise InvalidOption(option, f"{key}: not a top-level key of the Compose Specification (it has {', '.join(TOP_LEVEL)} and x- extensions)")
    services = model.get("services")
    services = services.value if isinstance(services, Override) else services
    if isinstance(services, dict):
        services = {n: s for n, s in services.items() if not isinstance(s, Reset)}
    if not isinstance(services, dict) or not services:
        raise InvalidOption(option, "services: the project defines no service")
    model["services"] = _apply_extends(services, working_dir, env, option)
    model = settle(model)
    for name, service in model["services"].items():
        model["services"][name] = _with_label_files({k: v for k, v in (service or {}).items() if not str(k).startswith("x-")}, working_dir, name, option)
        replicas(model["services"][name], name)  # refused here, naming the service, rather than where it is used

    name = params.get("project_name") or model.get("name") or env.get("COMPOSE_PROJECT_NAME") or os.path.basename(working_dir.rstrip("/"))
    name = normalise_name(name)
    if not name:
        raise InvalidOption("project_name", "the project name is empty once normalised (a-z, 0-9, _ and - only)")
    model["name"] = name
    defined = sorted(model["services"])
    model["services"] = select(model, params.get("services"), params.get("profiles"), params.get("dependencies", True), option)
    files_dir = os.path.join(files_base, name)
    return dict(name=name, working_dir=working_dir, config_files=paths, environment=env, model=model, defined=defined, files_dir=files_dir)


# ---------------------------------------------------------------------------------------------
# A service as container task parameters (noar.docker.container's options, community.docker's names)


# Compose key -> container option, for values that need no translation.
SAME = dict(
    image="image",
    user="user",
    working_dir="working_dir",
    hostname="hostname",
    domainname="domainname",
    mac_address="mac_address",
    read_only="read_only",
    privileged="privileged",
    init="init",
    tty="tty",
    stdin_open="interactive",
    cap_add="capabilities",
    cap_drop="cap_drop",
    security_opt="security_opts",
    stop_signal="stop_signal",
    dns_opt="dns_opts",
    group_add="groups",
    oom_score_adj="oom_score_adj",
    shm_size="shm_size",
    platform="platform",
    runtime="runtime",
    cgroup_parent="cgroup_parent",
    pid="pid_mode",
    ipc="ipc_mode",
    userns_mode="userns_mode",
    mem_limit="memory",
    mem_reservation="memory_reservation",
    memswap_limit="memory_swap",
    cpus="cpus",
    cpu_shares="cpu_shares",
    cpuset="cpuset_cpus",
    pids_limit="pids_limit",
    devices="devices",
    device_cgroup_rules="device_cgroup_rules",
    entrypoint="entrypoint",
    command="command",
    cpu_period="cpu_period",
    cpu_quota="cpu_quota",
    mem_swappiness="memory_swappiness",
    oom_kill_disable="oom_killer",
    storage_opt="storage_opts",
    uts="uts",
    cgroup="cgroupns_mode",
)
# Service keys that only a container on one engine can have: a stack refuses them (a Kubernetes conversion warns about
# them as about every container option it does not convert).
CONTAINER_ONLY = ("cpu_period", "cpu_quota", "mem_swappiness", "oom_kill_disable", "storage_opt", "uts", "cgroup", "blkio_config", "volumes_from")
# blkio_config's keys that are container options of the same shape (a list of path and rate).
BLKIO_RATES = ("device_read_bps", "device_write_bps", "device_read_iops", "device_write_iops")
# Read elsewhere: by the project (depends_on, profiles, scale, build, container_name, ...) or below.
HANDLED = (
    "build",
    "depends_on",
    "profiles",
    "scale",
    "container_name",
    "pull_policy",
    "extends",
    "environment",
    "env_file",
    "ports",
    "expose",
    "volumes",
    "tmpfs",
    "networks",
    "network_mode",
    "healthcheck",
    "restart",
    "deploy",
    "labels",
    "logging",
    "sysctls",
    "ulimits",
    "extra_hosts",
    "dns",
    "dns_search",
    "stop_grace_period",
    "secrets",
    "configs",
    "gpus",
    "blkio_config",
    "volumes_from",
    "links",
    "external_links",
    "label_file",
    "post_start",
    "pre_stop",
)
# Keys only other tools read (docker compose watch, swarm's scheduler, the CLI's log attachment): a warning.
OTHER_TOOLS = ("develop", "attach")
# The Compose Specification's other service keys: refused by name, each with why (a unit test walks the
# specification's schema, so that a key it adds is classified here or above).
REFUSED = dict(
    annotations="not read yet",
    cpu_rt_period="not read yet (realtime scheduling)",
    cpu_rt_runtime="not read yet (realtime scheduling)",
    pull_refresh_after="not read yet; pull_policy always or missing",
    cpu_count="a Windows container setting",
    cpu_percent="a Windows container setting",
    credential_spec="a Windows container setting",
    isolation="a Windows container setting",
    models="Docker Model Runner's, which this module does not drive",
    provider="a provider service runs another tool, which this module does not drive",
    use_api_socket="Docker Desktop's",
)
DEPLOY_OTHER_TOOLS = ("placement", "rollback_config", "endpoint_mode", "mode", "labels")


def object_name(project: dict, kind: str, key: str) -> str:
    """The engine name of a project network or volume: its ``name:``, else ``<project>_<key>``."""
    definition = ((project["model"].get(kind) or {}).get(key)) or {}
    return definition.get("name") or f"{project['name']}_{key}"


PORT_KEYS = ("name", "mode", "host_ip", "target", "published", "protocol", "app_protocol")
_PORT = re.compile(
    r"^(?:(?:\[(?P<ip6>[^\]]+)\]|(?P<ip>[^:\[\]]*)):)??(?:(?P<published>[0-9]*(?:-[0-9]+)?):)?"
    r"(?P<target>[0-9]+(?:-[0-9]+)?)(?:/(?P<protocol>[a-z]+))?$"
)


def port_entries(values: Any, where: str) -> list:
    """A service's ports in the long syntax, as compose-go reads them (so the Compose CLI): each with ``mode``
    (ingress), ``target`` (a number), ``protocol`` (tcp), and ``host_ip`` and ``published`` (a string: a number, or
    a range for one container port) when given. A range of container ports is one entry per port. The one reading
    of ports that the compose module, a stack, a Kubernetes conversion and the config hash share."""
    entries = []
    for index, entry in enumerate(values or []):
        at = f"{where}[{index}]"
        if isinstance(entry, dict):
            unknown = sorted(set(entry) - set(PORT_KEYS))
            if unknown:
                raise InvalidOption("definition", f"{at}.{unknown[0]}: not a key of a port ({', '.join(PORT_KEYS)})")
            if "target" not in entry or not str(entry["target"]).isdigit():
                raise InvalidOption("definition", f"{at}: a port needs a target, a number")
            published = entry.get("published")
            port = dict(
                name=entry.get("name"),
                mode=entry.get("mode") or "ingress",
                host_ip=entry.get("host_ip"),
                target=int(entry["target"]),
                published=None if published in (None, "") else str(published),
                protocol=entry.get("protocol") or "tcp",
                app_protocol=entry.get("app_protocol"),
            )
            entries.append({k: v for k, v in port.items() if v not in (None, "")})
            continue
        found = _PORT.match(str(entry))
        if not found:
            raise InvalidOption("definition", f"{at}: {entry!r} is not [HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]")
        targets = parse_port_range(found["target"], "definition", entry, at)
        published = parse_port_range(found["published"], "definition", entry, at) if found["published"] else []
        if published and len(targets) > 1 and len(published) != len(targets):
            raise InvalidOption("definition", f"{at}: {entry!r}: a range of container ports needs as many host ports")
        one_of_range = published and len(targets) == 1 and len(published) > 1
        for number, target in enumerate(targets):
            host = found["published"] if one_of_range else (str(published[number]) if published else None)
            port = dict(mode="ingress", host_ip=found["ip6"] or found["ip"], target=target, published=host, protocol=found["protocol"] or "tcp")
            entries.append({k: v for k, v in port.items() if v not in (None, "")})
    return entries


def _ports(values: Any, path: str) -> list:
    """Ports as the container option ``published_ports`` takes them (``HOST_IP:PUBLISHED:TARGET/PROTOCOL``)."""
    ports = []
    for port in port_entries(values, path):
        host_ip, published = port.get("host_ip") or "", port.get("published") or ""
        if host_ip:
            host_ip = f"[{host_ip}]" if ":" in host_ip else host_ip
            text = f"{host_ip}:{published}:{port['target']}"  # no published port: the engine picks one
        else:
            text = f"{published}:{port['target']}" if published else str(port["target"])
        ports.append(text + (f"/{port['protocol']}" if port["protocol"] != "tcp" else ""))
    return ports


# A service's network settings: read, and the Compose Specification's others, refused by name.
SERVICE_NETWORK_KEYS = ("aliases", "ipv4_address", "ipv6_address", "mac_address", "priority", "gw_priority", "driver_opts")
SERVICE_NETWORK_LATER = ("link_local_ips", "interface_name")
# A service's volumes: the short syntax's modes, and the long syntax's keys (Compose Specification).
SHORT_MODES = dict(
    ro=("read_only", True),
    rw=("read_only", False),
    z=("selinux", "z"),
    Z=("selinux", "Z"),
    nocopy=("nocopy", True),
    cached=("consistency", "cached"),
    delegated=("consistency", "delegated"),
    consistent=("consistency", "consistent"),
    **{p: ("propagation", p) for p in ("shared", "rshared", "slave", "rslave", "private", "rprivate")},
)
VOLUME_ENTRY_KEYS: dict = dict(
    type=(),
    source=(),
    target=(),
    read_only=(),
    consistency=(),
    bind=("propagation", "create_host_path", "selinux"),
    volume=("nocopy", "subpath"),
    tmpfs=("size", "mode"),
)


def _volume_entry(entry: Any, where: str) -> dict:
    """One volume of a service in the long syntax; the short syntax (``SOURCE:TARGET:MODES``) read into it."""
    if isinstance(entry, dict):
        for key, value in entry.items():
            if key not in VOLUME_ENTRY_KEYS:
                raise InvalidOption("definition", f"{where}.{key}: not a key of a service volume")
            if VOLUME_ENTRY_KEYS[key] and key != entry.get("type", "volume"):
                raise InvalidOption("definition", f"{where}.{key}: only for type {key} volumes")
            for sub in (value or {}) if VOLUME_ENTRY_KEYS[key] else ():
                if sub not in VOLUME_ENTRY_KEYS[key]:
                    raise InvalidOption(
                        "definition", f"{where}.{key}.{sub}: not supported by noar.docker.compose (it reads {', '.join(VOLUME_ENTRY_KEYS[key])})"
                    )
        return entry
    parts = str(entry).split(":")
    if len(parts) == 1:
        return dict(type="volume", target=parts[0])
    if len(parts) > 3:
        raise InvalidOption("definition", f"{where}: {entry!r} is not SOURCE:TARGET[:MODES]")
    kind = "bind" if parts[0].startswith((".", "/", "~")) else "volume"
    result: dict = dict(type=kind, source=parts[0], target=parts[1])
    if kind == "bind":
        result["bind"] = dict(create_host_path=True)  # the short syntax makes a missing host path, as docker compose
    for mode in parts[2].split(",") if len(parts) > 2 and parts[2] else []:
        if mode not in SHORT_MODES:
            raise InvalidOption("definition", f"{where}: {mode!r} is not a volume mode ({', '.join(SHORT_MODES)})")
        key, value = SHORT_MODES[mode]
        if key in ("read_only", "consistency"):
            result[key] = value
        elif key == "nocopy":
            result.setdefault("volume", {})["nocopy"] = True
        else:
            result.setdefault("bind", {})[key] = value
    if kind == "volume" and result.get("bind", {}).get("propagation"):
        raise InvalidOption("definition", f"{where}: {result['bind']['propagation']!r} (propagation) is only for binds of a host path")
    if kind == "bind" and result.get("volume"):
        raise InvalidOption("definition", f"{where}: 'nocopy' is only for volumes")
    return result


def _volumes(project: dict, values: Any, path: str) -> list:
    """Compose volumes as mounts: named volumes get the project's name, relative paths become the project folder's.

    SELinux relabelling (``:z``, ``:Z``, ``bind.selinux``) and ``bind.create_host_path: true`` stay in the mount as
    ``selinux`` and ``create_host_path``: the engine does either only for a bind given the old way (``volumes``,
    HostConfig.Binds), which ``container_params`` makes of such a mount."""
    mounts = []
    declared = project["model"].get("volumes") or {}
    for index, entry in enumerate(values or []):
        where = f"{path}[{index}]"
        source: str | None
        entry = _volume_entry(entry, where)
        if not entry.get("target"):
            raise InvalidOption("definition", f"{where}: a volume needs a target")
        kind = entry.get("type", "volume")
        mount = dict(type=kind, target=entry["target"])
        if entry.get("read_only"):
            mount["read_only"] = True
        if entry.get("consistency"):
            mount["consistency"] = entry["consistency"]
        source = entry.get("source")
        bind, volume, tmpfs = entry.get("bind") or {}, entry.get("volume") or {}, entry.get("tmpfs") or {}
        # A named volume relabels too (the short syntax's :z on it), given the old way as a bind is.
        if bind.get("selinux") not in (None, "z", "Z"):
            raise InvalidOption("definition", f"{where}.bind.selinux: {bind['selinux']!r} is not z or Z")
        if bind.get("selinux"):
            mount["selinux"] = bind["selinux"]
        if kind == "volume" and source:
            if source not in declared:
                raise InvalidOption("definition", f"{where}: volume {source!r} is not declared under the top-level volumes")
            mount["source"] = object_name(project, "volumes", source)
        if kind == "volume":
            if volume.get("nocopy"):
                mount["no_copy"] = True
            if volume.get("subpath"):
                mount["subpath"] = str(volume["subpath"])
        elif kind == "bind":
            if not source:
                raise InvalidOption("definition", f"{where}: a bind mount needs a source")
            source = os.path.expanduser(source)
            mount["source"] = os.path.normpath(os.path.join(project["working_dir"], source))
            if bind.get("propagation"):
                mount["propagation"] = bind["propagation"]
            if bind.get("create_host_path"):
                mount["create_host_path"] = True
        elif kind == "tmpfs":
            if tmpfs.get("size") is not None:
                mount["tmpfs_size"] = str(tmpfs["size"])
            if tmpfs.get("mode") is not None:
                mount["tmpfs_mode"] = str(tmpfs["mode"])
        else:
            raise InvalidOption("definition", f"{where}: volume type {kind!r} is not one of volume, bind, tmpfs")
        mounts.append(mount)
    return mounts


def as_binds(mounts: list) -> tuple:
    """``(mounts, binds)``: the mounts that docker compose gives the engine the old way, as ``volumes`` entries
    (``SOURCE:TARGET:MODES``), and the others as they are. The old way is needed for SELinux relabelling and a host
    path made when missing, and the Compose CLI also takes it for a project's named volume without ``nocopy`` or
    ``subpath``: done the same, a container the CLI made is what this module would make."""
    kept, binds = [], []
    for mount in mounts:
        named = mount["type"] == "volume" and mount.get("source") and not (mount.get("no_copy") or mount.get("subpath"))
        if not (named or mount.get("selinux") or mount.get("create_host_path")):
            kept.append(mount)
            continue
        modes = ["ro" if mount.get("read_only") else "rw"] + [mount[k] for k in ("selinux", "propagation", "consistency") if mount.get(k)]
        binds.append(f"{mount['source']}:{mount['target']}:{','.join(modes)}")
    return kept, binds


def _networks(project: dict, name: str, service: dict, path: str) -> list:
    """The networks a service joins (``default`` when it names none), each with the service's name as an alias."""
    wanted = service.get("networks")
    if wanted is None:
        wanted = {"default": None}
    if isinstance(wanted, list):
        wanted = {n: None for n in wanted}
    declared = set(project["model"].get("networks") or {}) | {"default"}
    networks: list = []
    for key, settings in wanted.items():
        if key not in declared:
            raise InvalidOption("definition", f"{path}.{key}: network {key!r} is not declared under the top-level networks")
        settings = settings or {}
        for setting in settings:
            if setting in SERVICE_NETWORK_LATER:
                raise InvalidOption(
                    "definition", f"{path}.{key}.{setting}: not supported by noar.docker.compose yet (the container module has no such endpoint option)"
                )
            if setting not in SERVICE_NETWORK_KEYS:
                raise InvalidOption("definition", f"{path}.{key}.{setting}: not a key of a service's network")
        entry: dict = dict(name=object_name(project, "networks", key), aliases=[name] + list(settings.get("aliases") or []))
        for option in ("ipv4_address", "ipv6_address", "mac_address"):
            if settings.get(option):
                entry[option] = settings[option]
        if settings.get("driver_opts"):
            entry["driver_opts"] = {str(k): text(v) for k, v in settings["driver_opts"].items()}
        if settings.get("gw_priority") is not None:
            entry["gw_priority"] = int(settings["gw_priority"])
        networks.append((-int(settings.get("priority") or 0), str(key), entry))
    # docker compose connects the network of the highest priority first, and of equal ones the first by name: that
    # is the container's primary one.
    return [entry for _priority, _key, entry in sorted(networks, key=lambda item: item[:2])]


def _healthcheck(value: dict, path: str) -> dict:
    if value.get("disable"):
        return dict(test=["NONE"])
    check = {}
    test = value.get("test")
    if test is not None:
        check["test"] = test
    for key in ("interval", "timeout", "retries", "start_period", "start_interval"):
        if value.get(key) is not None:
            check[key] = value[key]
    unknown = sorted(set(value) - {"test", "interval", "timeout", "retries", "start_period", "start_interval", "disable"})
    if unknown:
        raise InvalidOption("definition", f"{path}.{unknown[0]}: not a healthcheck key")
    return check


def _device_requests(entries: Any, where: str, gpu: bool = False) -> list:
    """``deploy.resources.reservations.devices`` (or ``gpus``) as the container module's ``device_requests``."""
    requests = []
    for index, entry in enumerate(entries or []):
        at = f"{where}[{index}]"
        if not isinstance(entry, dict):
            raise InvalidOption("definition", f"{at}: must be a mapping (capabilities, count, device_ids, driver, options)")
        for key in entry:
            if key not in ("capabilities", "count", "device_ids", "driver", "options"):
                raise InvalidOption("definition", f"{at}.{key}: not a key of a device request")
        capabilities = [str(c) for c in entry.get("capabilities") or []]
        if gpu and "gpu" not in capabilities:
            capabilities.insert(0, "gpu")
        if not capabilities:
            raise InvalidOption("definition", f"{at}.capabilities: a device request needs its capabilities (as [gpu])")
        count = entry.get("count")
        request: dict = dict(capabilities=[capabilities])
        if count is not None:
            request["count"] = -1 if str(count) == "all" else int(count)
        elif not entry.get("device_ids"):
            request["count"] = -1  # no count and no ids: every such device, as docker compose asks
        for key in ("device_ids", "driver", "options"):
            if entry.get(key):
                request[key] = entry[key]
        requests.append(request)
    return requests


def _blkio(value: dict, params: dict, path: str) -> None:
    """``blkio_config``: its weight and its device rates, as the container options of those names."""
    for key, item in value.items():
        if key == "weight":
            params["blkio_weight"] = item
        elif key in BLKIO_RATES:
            params[key] = [dict(path=entry.get("path"), rate=entry.get("rate")) for entry in item or []]
        else:
            raise InvalidOption("definition", f"{path}.{key}: not supported by noar.docker.compose (it reads weight, {', '.join(BLKIO_RATES)})")


def _gpus(value: Any, path: str) -> list:
    """``gpus: all``, or a list of device requests whose capabilities include gpu."""
    if value == "all":
        return [dict(capabilities=[["gpu"]], count=-1)]
    if not isinstance(value, list):
        raise InvalidOption("definition", f"{path}.gpus: must be all or a list of device requests")
    return _device_requests(value, f"{path}.gpus", gpu=True)


def _deploy(service: dict, params: dict, path: str, ignored: Callable[[str, str], None]) -> None:
    deploy = service.get("deploy") or {}
    for key in deploy:
        if key == "update_config":
            for setting in sorted(set(deploy[key] or {}) - {"order"}):
                ignored(f"deploy.update_config.{setting}", "only a swarm reads it")
        elif key in DEPLOY_OTHER_TOOLS:
            ignored(f"deploy.{key}", "only a swarm reads it")
        elif key not in ("replicas", "resources", "restart_policy"):
            raise InvalidOption("definition", f"{path}.deploy.{key}: not supported")
    _restart_policy(service, params, path, ignored)
    resources = deploy.get("resources") or {}
    limits, reservations = resources.get("limits") or {}, resources.get("reservations") or {}
    for key, option in (("cpus", "cpus"), ("memory", "memory"), ("pids", "pids_limit")):
        if limits.get(key) is not None:
            params[option] = limits[key]
    if reservations.get("memory") is not None:
        params["memory_reservation"] = reservations["memory"]
    if reservations.get("devices"):
        params["device_requests"] = params.get("device_requests", []) + _device_requests(
            reservations["devices"], f"{path}.deploy.resources.reservations.devices"
        )
    for key in sorted(set(reservations) - {"memory", "devices"}):
        if key in ("cpus", "generic_resources"):
            ignored(f"deploy.resources.reservations.{key}", "only a swarm reads it")
        else:
            raise InvalidOption("definition", f"{path}.deploy.resources.reservations.{key}: not supported")


def parse_restart(value: Any, where: str) -> tuple:
    """A Compose ``restart`` (no, always, unless-stopped or on-failure[:N]) as the container options restart_policy
    and restart_retries (None when it names no count). Only on-failure takes a count, as the engine has it."""
    policy, sep, retries = str(value).partition(":")
    if policy not in RESTART_POLICIES or (sep and (policy != "on-failure" or not retries.isdigit())):
        raise InvalidOption("definition", f"{where}: {value!r} is not no, always, unless-stopped or on-failure[:N]")
    return policy, (int(retries) if sep else None)


# A swarm's restart conditions (deploy.restart_policy.condition) as the engine's restart policies, the way docker
# compose reads them on a single engine; stack reads the other way (restart_condition).
RESTART_CONDITIONS = {"none": "no", "on-failure": "on-failure", "any": "always"}


def restart_condition(policy: str) -> str:
    """The swarm restart condition of an engine's restart policy (unless-stopped is a swarm's any)."""
    return "any" if policy == "unless-stopped" else {v: k for k, v in RESTART_CONDITIONS.items()}[policy]


def _restart_policy(service: dict, params: dict, path: str, ignored: Callable[[str, str], None]) -> None:
    """``deploy.restart_policy`` on a single engine, as docker compose reads it there: its condition and
    max_attempts, when the service has no ``restart`` (which wins)."""
    policy = (service.get("deploy") or {}).get("restart_policy")
    if not policy:
        return
    where = f"{path}.deploy.restart_policy"
    for key in policy:
        if key in ("delay", "window"):
            ignored(f"deploy.restart_policy.{key}", "only a swarm reads it")
        elif key not in ("condition", "max_attempts"):
            raise InvalidOption("definition", f"{where}.{key}: not a key of a restart policy")
    if "restart" in service:
        return
    condition = policy.get("condition", "any")
    if condition not in RESTART_CONDITIONS:
        raise InvalidOption("definition", f"{where}.condition: {condition!r} is not none, on-failure or any")
    params["restart_policy"] = RESTART_CONDITIONS[condition]
    if policy.get("max_attempts") and condition == "on-failure":
        params["restart_retries"] = int(policy["max_attempts"])


def replicas(service: dict, name: str = "") -> int:
    """How many containers a service runs: ``scale``, else ``deploy.replicas``, else 1. A count that is not a whole
    number of 0 or more is refused naming the key (``load_project`` asks once for each service, with its name)."""
    key = "scale" if service.get("scale") is not None else "deploy.replicas"
    count = service.get("scale", ((service.get("deploy") or {}).get("replicas")))
    if count is None:
        return 1
    if isinstance(count, bool) or not str(count).strip().isdigit():
        raise InvalidOption("definition", f"services.{name or '?'}.{key}: {count!r} is not a number of containers (0 or more)")
    return int(count)


def service_params(project: dict, name: str, warnings: list, own_keys: frozenset = frozenset()) -> dict:
    """The ``noar.docker.container`` parameters every container of service ``name`` shares (its name and number
    labels excepted: ``container_params`` adds them). ``own_keys``: keys below the service (as
    ``deploy.resources.reservations.cpus``) the caller reads itself, so no warning says they are ignored."""
    service = project["model"]["services"][name]
    path = f"services.{name}"

    def ignored(key: str, readers: str) -> None:
        if key not in own_keys:
            warnings.append(f"{path}.{key}: {readers}; ignored here")

    params: dict = {}
    for key, value in service.items():
        if key in SAME:
            params[SAME[key]] = value
        elif key in OTHER_TOOLS:
            ignored(key, "only other tools read it")
        elif key in REFUSED:
            raise InvalidOption("definition", f"{path}.{key}: not supported by noar.docker.compose ({REFUSED[key]})")
        elif key not in HANDLED:
            raise InvalidOption("definition", f"{path}.{key}: not supported by noar.docker.compose")
    if service.get("devices"):
        params["devices"] = [_device(entry, f"{path}.devices[{index}]") for index, entry in enumerate(service["devices"])]
    if service.get("container_name") and replicas(service) > 1:
        raise InvalidOption("definition", f"{path}.container_name: a service with a container_name runs one container, not {replicas(service)}")
    if not params.get("image") and not service.get("build"):
        raise InvalidOption("definition", f"{path}: needs an image or a build")
    if not params.get("image"):
        params["image"] = f"{project['name']}-{name}"  # as docker compose names a built image
    env = service_variables(project, service, path)
    if env:
        # A name without a value takes the project's environment's, as docker compose does; unset: left out.
        params["env"] = {k: (project["environment"].get(k) if v is None else text(v)) for k, v in env.items() if v is not None or k in project["environment"]}
    if service.get("ports"):
        params["published_ports"] = _ports(service["ports"], f"{path}.ports")
    if service.get("expose"):
        params["exposed_ports"] = [str(p) for p in service["expose"]]
    mounts = _volumes(project, service.get("volumes"), f"{path}.volumes")
    tmpfs = service.get("tmpfs")
    if tmpfs:
        params["tmpfs"] = [tmpfs] if isinstance(tmpfs, str) else list(tmpfs)
    if mounts:
        params["mounts"] = mounts
    if service.get("network_mode"):
        if service.get("networks"):
            raise InvalidOption("definition", f"{path}: network_mode and networks cannot be used together")
        mode = service["network_mode"]
        if mode.startswith("service:"):
            # its first container, by its container_name if it has one (as for ipc and pid)
            mode = f"container:{container_name(project, mode.split(':', 1)[1], 1)}"
        params["network_mode"] = mode
    else:
        networks = _networks(project, name, service, f"{path}.networks")
        params["network_mode"] = networks[0]["name"]
        params["networks"] = networks
    if service.get("healthcheck"):
        params["healthcheck"] = _healthcheck(service["healthcheck"], f"{path}.healthcheck")
    if service.get("restart"):
        params["restart_policy"], retries = parse_restart(service["restart"], f"{path}.restart")
        if retries is not None:
            params["restart_retries"] = retries
    if service.get("gpus"):
        params["device_requests"] = _gpus(service["gpus"], path)
    if service.get("blkio_config"):
        _blkio(service["blkio_config"], params, f"{path}.blkio_config")
    _deploy(service, params, path, ignored)
    logging = service.get("logging") or {}
    if logging.get("driver"):
        params["log_driver"] = logging["driver"]
    if logging.get("options"):
        params["log_options"] = {k: text(v) for k, v in logging["options"].items()}
    if service.get("sysctls"):
        sysctls = key_values(service["sysctls"], "definition", f"{path}.sysctls")
        params["sysctls"] = {k: text(v) for k, v in sysctls.items()}
    if service.get("ulimits"):
        params["ulimits"] = [f"{k}:{v}:{v}" if not isinstance(v, dict) else f"{k}:{v['soft']}:{v['hard']}" for k, v in service["ulimits"].items()]
    if service.get("extra_hosts"):
        params["etc_hosts"] = {
            k: text(v)
            for k, v in key_values(
                [str(h).replace(":", "=", 1) if "=" not in str(h) else h for h in service["extra_hosts"]]
                if isinstance(service["extra_hosts"], list)
                else service["extra_hosts"],
                "definition",
                f"{path}.extra_hosts",
            ).items()
        }
    for key, option in (("dns", "dns_servers"), ("dns_search", "dns_search_domains")):
        if service.get(key):
            params[option] = [service[key]] if isinstance(service[key], str) else list(service[key])
    for key in ("ipc", "pid"):
        if str(service.get(key) or "").startswith("service:"):
            other = str(service[key])[8:]
            if other not in project["model"]["services"]:
                raise InvalidOption("definition", f"{path}.{key}: no service {other!r}")
            params[SAME[key]] = f"container:{container_name(project, other, 1)}"
    if service.get("volumes_from"):
        params["volumes_from"] = [_volumes_from(project, str(v), f"{path}.volumes_from") for v in service["volumes_from"]]
    if service.get("stop_grace_period") is not None:
        params["stop_timeout"] = int(parse_duration(service["stop_grace_period"], "definition"))
    for entry in service_files(project, name):
        mounts = params.setdefault("mounts", [])
        if any(m["target"] == entry["target"] for m in mounts):
            raise InvalidOption("definition", f"{entry['path']}: {entry['target']} is mounted twice")
        mounts.append(dict(type="bind", source=entry["host_path"], target=entry["target"], read_only=True))
    for phase in HOOK_PHASES:
        hooks(service, phase, path)  # checked here, run by the compose manager
    labels = key_values(service.get("labels"), "definition", f"{path}.labels")
    for key in ("links", "external_links"):
        for index, link in enumerate(service.get(key) or []):
            target = str(link).split(":", maxsplit=1)[0]
            if str(link).count(":") > 1 or not target:
                raise InvalidOption("definition", f"{path}.{key}[{index}]: {link!r} is not NAME[:ALIAS]")
            if key == "links" and target not in project["model"]["services"]:
                raise InvalidOption("definition", f"{path}.links[{index}]: no service {target!r}")
    labels.update(
        {
            "com.docker.compose.project": project["name"],
            "com.docker.compose.service": name,
            "com.docker.compose.oneoff": "False",
            "com.docker.compose.project.working_dir": project["working_dir"],
            "com.docker.compose.project.config_files": ",".join(project["config_files"]),
            "com.docker.compose.depends_on": ",".join(_depends_label(service)),
        }
    )
    params["labels"] = {k: text(v) for k, v in labels.items()}
    return params


def _device(entry: Any, where: str) -> str:
    """A device in the short syntax (``HOST[:CONTAINER[:PERMISSIONS]]``); the long one (source, target,
    permissions) read into it."""
    if not isinstance(entry, dict):
        return str(entry)
    unknown = sorted(set(entry) - {"source", "target", "permissions"})
    if unknown:
        raise InvalidOption("definition", f"{where}.{unknown[0]}: not a key of a device (source, target, permissions)")
    if not entry.get("source"):
        raise InvalidOption("definition", f"{where}: a device needs a source")
    return ":".join([str(entry["source"]), str(entry.get("target") or entry["source"]), str(entry.get("permissions") or "rwm")])


HOOK_PHASES = ("post_start", "pre_stop")
HOOK_KEYS = ("command", "user", "privileged", "working_dir", "environment")


def hooks(service: dict, phase: str, path: str) -> list:
    """A service's ``post_start`` or ``pre_stop`` hooks, each as ``noar.docker.container_exec`` parameters (``argv``,
    ``user``, ``privileged``, ``chdir``, ``env``); a key the specification does not give a hook is refused."""
    found = []
    for index, hook in enumerate(service.get(phase) or []):
        at = f"{path}.{phase}[{index}]"
        if not isinstance(hook, dict):
            raise InvalidOption("definition", f"{at}: a hook is a mapping ({', '.join(HOOK_KEYS)})")
        unknown = sorted(set(hook) - set(HOOK_KEYS))
        if unknown:
            raise InvalidOption("definition", f"{at}.{unknown[0]}: not a key of a hook ({', '.join(HOOK_KEYS)})")
        command = hook.get("command")
        argv = shlex.split(command) if isinstance(command, str) else [str(c) for c in command or []]
        if not argv:
            raise InvalidOption("definition", f"{at}.command: a hook needs a command")
        env = {k: text(v) for k, v in key_values(hook.get("environment"), "definition", f"{at}.environment").items() if v is not None}
        found.append(dict(argv=argv, user=hook.get("user"), privileged=bool(hook.get("privileged")), chdir=hook.get("working_dir"), env=env or None))
    return found


def links(project: dict, name: str, number: int) -> list:
    """Container ``number`` of service ``name``'s links (``CONTAINER:ALIAS``), as the Compose CLI makes them: to each
    container of a linked service, by the link's alias, by ``<service>-<number>`` and by ``<project>-<service>-
    <number>`` (``number`` is this container's, as Compose v1 did); an external link as it is written."""
    service = project["model"]["services"][name]
    made = []
    for link in service.get("links") or []:
        other, _sep, alias = str(link).partition(":")
        for other_number in range(1, replicas(project["model"]["services"][other]) + 1):
            container = container_name(project, other, other_number)
            made += [f"{container}:{alias or other}", f"{container}:{other}-{number}", f"{container}:{project['name']}-{other}-{number}"]
    for link in service.get("external_links") or []:
        other, _sep, alias = str(link).partition(":")
        made.append(f"{other}:{alias or other}")
    return made


def service_variables(project: dict, service: dict, path: str) -> dict:
    """A service's variables: its ``env_file`` entries' (a later file wins; a missing one is refused unless
    ``required: false``), then its ``environment`` (which wins over every file); a name given without a value is
    None, for the reader to resolve."""
    files = service.get("env_file") or []
    variables: dict = {}
    for entry in [files] if isinstance(files, (str, dict)) else files:
        entry = dict(path=entry) if isinstance(entry, str) else entry
        file_path = os.path.join(project["working_dir"], entry["path"])
        if not os.path.isfile(file_path):
            if entry.get("required", True):
                raise InvalidOption("definition", f"{path}.env_file: {file_path} does not exist")
            continue
        variables.update(read_env_file(file_path, project["environment"], "definition"))
    variables.update(key_values(service.get("environment"), "definition", f"{path}.environment"))
    return variables


def _volumes_from(project: dict, entry: str, where: str) -> str:
    """``SERVICE[:MODE]`` as its first container's name, ``container:NAME[:MODE]`` as that container's."""
    if entry.startswith("container:"):
        return entry[len("container:") :]
    name, _sep, mode = entry.partition(":")
    if name not in project["model"]["services"]:
        raise InvalidOption("definition", f"{where}: no service {name!r} (a container is named container:NAME)")
    if mode not in ("", "ro", "rw"):
        raise InvalidOption("definition", f"{where}: {mode!r} is not ro or rw")
    first = container_name(project, name, 1)
    return f"{first}:{mode}" if mode else first


def _depends_label(service: dict) -> list:
    """``service:condition:restart`` for each dependency, as docker compose labels them."""
    depends = service.get("depends_on") or []
    if isinstance(depends, list):
        labels = {d: f"{d}:service_started:false" for d in depends}
    else:
        labels = {d: f"{d}:{(c or {}).get('condition', 'service_started')}:{str(bool((c or {}).get('restart'))).lower()}" for d, c in depends.items()}
    for name, restart in implied_dependencies(service):  # docker compose adds these to depends_on
        labels.setdefault(name, f"{name}:service_started:{str(restart).lower()}")
    return sorted(labels.values())


def container_name(project: dict, name: str, number: int) -> str:
    """Container ``number`` of service ``name``: its ``container_name``, else ``<project>-<service>-<n>``."""
    return project["model"]["services"][name].get("container_name") or f"{project['name']}-{name}-{number}"


def container_params(project: dict, name: str, number: int, shared: dict) -> dict:
    """One container of a service: its name (``container_name``, else ``<project>-<service>-<n>``) and number, and
    that name as its first alias on each network, as the Compose CLI gives it."""
    params = dict(shared, labels=dict(shared["labels"], **{"com.docker.compose.container-number": str(number)}))
    params["name"] = container_name(project, name, number)
    made = links(project, name, number)
    if made:
        params["links"] = made
    if params.get("networks"):
        params["networks"] = [
            dict(network, aliases=list(dict.fromkeys([params["name"]] + list(network.get("aliases") or []))), **(dict(links=made) if made else {}))
            for network in params["networks"]
        ]
    mounts, binds = as_binds(params.get("mounts") or [])
    if binds:
        params["mounts"], params["volumes"] = mounts or None, binds
    return params


# ---------------------------------------------------------------------------------------------
# Top-level networks and volumes as noar.docker.network and noar.docker.volume parameters


NETWORK_KEYS = ("driver", "driver_opts", "ipam", "internal", "attachable", "enable_ipv6", "external", "name", "labels")
IPAM_KEYS = ("driver", "config", "options")
IPAM_POOL_KEYS = dict(subnet="subnet", ip_range="iprange", gateway="gateway", aux_addresses="aux_addresses")
VOLUME_KEYS = ("driver", "driver_opts", "external", "name", "labels")


def declared(project: dict, kind: str, key: str, allowed: tuple) -> dict:
    """The top-level declaration of network or volume ``key``; a key outside ``allowed`` fails naming its path."""
    definition = (project["model"].get(kind) or {}).get(key) or {}
    if not isinstance(definition, dict):
        raise InvalidOption("definition", f"{kind}.{key}: must be a mapping")
    for name in definition:
        if name not in allowed:
            raise InvalidOption("definition", f"{kind}.{key}.{name}: not supported by noar.docker.compose")
    return definition


def _labels(project: dict, kind: str, key: str, definition: dict) -> dict:
    labels = key_values(definition.get("labels"), "definition", f"{kind}.{key}.labels")
    labels.update({"com.docker.compose.project": project["name"], f"com.docker.compose.{kind[:-1]}": key})
    return {str(k): text(v) for k, v in labels.items()}


def is_external(project: dict, kind: str, key: str) -> bool:
    return bool(((project["model"].get(kind) or {}).get(key) or {}).get("external"))


def network_params(project: dict, key: str) -> dict:
    """The ``noar.docker.network`` parameters of the project's network ``key`` (``default`` needs no declaration);
    the network module's defaults and checks are its argument spec's (``network.NETWORK_ARGS``), applied by the
    application that makes it (``converge.task_params``)."""
    definition = declared(project, "networks", key, NETWORK_KEYS)
    params = dict(name=object_name(project, "networks", key), labels=_labels(project, "networks", key, definition))
    if definition.get("driver"):
        params["driver"] = definition["driver"]
    if definition.get("driver_opts"):
        params["driver_options"] = {str(k): text(v) for k, v in definition["driver_opts"].items()}
    for flag in ("internal", "attachable", "enable_ipv6"):
        if definition.get(flag) is not None:
            params[flag] = definition[flag]  # checked as the network module checks it (NETWORK_ARGS)
    ipam = definition.get("ipam") or {}
    for name in ipam:
        if name not in IPAM_KEYS:
            raise InvalidOption("definition", f"networks.{key}.ipam.{name}: not a Compose ipam key")
    if ipam.get("driver"):
        params["ipam_driver"] = ipam["driver"]
    if ipam.get("options"):
        params["ipam_driver_options"] = {str(k): text(v) for k, v in ipam["options"].items()}
    pools = []
    for index, pool in enumerate(ipam.get("config") or []):
        unknown = sorted(set(pool) - set(IPAM_POOL_KEYS))
        if unknown:
            raise InvalidOption("definition", f"networks.{key}.ipam.config[{index}].{unknown[0]}: not a Compose ipam pool key")
        pools.append({IPAM_POOL_KEYS[k]: v for k, v in pool.items()})
    if pools:
        params["ipam_config"] = pools
    return params


def volume_params(project: dict, key: str) -> dict:
    """The ``noar.docker.volume`` parameters of the project's volume ``key`` (defaults: ``volume.VOLUME_ARGS``)."""
    definition = declared(project, "volumes", key, VOLUME_KEYS)
    params = dict(name=object_name(project, "volumes", key), labels=_labels(project, "volumes", key, definition))
    if definition.get("driver"):
        params["driver"] = definition["driver"]
    if definition.get("driver_opts"):
        params["driver_options"] = {str(k): text(v) for k, v in definition["driver_opts"].items()}
    return params


def update_order(service: dict) -> str:
    """``deploy.update_config.order``: ``stop-first`` (Compose's default) or ``start-first``."""
    return ((service.get("deploy") or {}).get("update_config") or {}).get("order") or "stop-first"


# ---------------------------------------------------------------------------------------------
# Secrets and configs: files a service mounts


FILE_SOURCES = dict(secrets=("file", "environment"), configs=("file", "environment", "content"))
FILE_ENTRY_KEYS = ("source", "target", "uid", "gid", "mode")


def file_mode(value: Any, where: str, option: str = "definition") -> int:
    """A secret's or config's file mode, from octal text (``"0440"``) or a number."""
    try:
        mode = int(value, 8) if isinstance(value, str) else int(value)
    except ValueError:
        raise InvalidOption(option, f"{where}.mode: {value!r} is not a file mode (as 0440)") from None
    if not 0 <= mode <= 0o7777:
        raise InvalidOption(option, f"{where}.mode: {value!r} is not a file mode (as 0440)")
    return mode


def service_files(project: dict, name: str) -> list:
    """The secrets and configs service ``name`` mounts, each a dict: ``kind``, ``name``, ``target`` (in the container),
    ``host_path`` (bind-mounted read-only), ``source`` (``file``, ``environment`` or ``content``) and its ``value``
    (a path, a variable name, the text), ``mode``, ``uid``, ``gid``, and ``path`` (where it is in the model).

    A ``file`` is mounted where it is; the others are written by the compose module under ``files_dir`` first.
    """
    service = project["model"]["services"][name]
    entries = []
    for kind in ("secrets", "configs"):
        declared = project["model"].get(kind) or {}
        for index, entry in enumerate(service.get(kind) or []):
            where = f"services.{name}.{kind}[{index}]"
            entry = dict(source=entry) if isinstance(entry, str) else entry
            if not isinstance(entry, dict):
                raise InvalidOption("definition", f"{where}: must be a name or a mapping")
            for key in entry:
                if key not in FILE_ENTRY_KEYS:
                    raise InvalidOption("definition", f"{where}.{key}: not a key of a service's {kind}")
            source = entry.get("source")
            if source not in declared:
                raise InvalidOption("definition", f"{where}: {kind[:-1]} {source!r} is not declared under the top-level {kind}")
            definition = declared[source] or {}
            top = f"{kind}.{source}"
            if definition.get("external"):
                raise InvalidOption("definition", f"{top}.external: an external {kind[:-1]} lives in a swarm; noar.docker.compose runs on one engine")
            given = [k for k in FILE_SOURCES[kind] if definition.get(k) is not None]
            unknown = sorted(set(definition) - set(FILE_SOURCES[kind]) - {"name", "external"})
            if unknown:
                raise InvalidOption("definition", f"{top}.{unknown[0]}: not supported by noar.docker.compose")
            if len(given) != 1:
                raise InvalidOption("definition", f"{top}: needs exactly one of {', '.join(FILE_SOURCES[kind])}")
            target = str(entry.get("target") or source)
            if not target.startswith("/"):
                target = ("/run/secrets/" if kind == "secrets" else "/") + target
            origin, value = given[0], definition[given[0]]
            if origin == "file":
                value = os.path.normpath(os.path.join(project["working_dir"], os.path.expanduser(str(value))))
                if not os.path.isfile(value):
                    raise InvalidOption("definition", f"{top}.file: {value} does not exist")
                host_path = value
            else:
                host_path = os.path.join(project["files_dir"], name, kind, str(source))
            entries.append(
                dict(
                    kind=kind,
                    name=source,
                    target=target,
                    host_path=host_path,
                    source=origin,
                    value=str(value),
                    mode=file_mode(entry.get("mode", 0o444), where),
                    uid=str(entry.get("uid", "0")),
                    gid=str(entry.get("gid", "0")),
                    path=where,
                )
            )
    return entries
