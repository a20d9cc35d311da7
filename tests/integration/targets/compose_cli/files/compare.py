"""Compare the containers of one Compose project as the engine's inspect data shows them when the Compose CLI made
them and when noar.docker.compose did. Prints JSON: ``differences``, one "container: field: CLI value | module
value" each, and ``known``, the differences of form only that KNOWN lists, with why they do not matter.

Ids, times, addresses and what the engine makes up by itself are left out, and the one label only the CLI adds (its
version). The config hash and image labels are compared: the module writes the CLI's own.
"""

import json
import sys

OWN_LABELS = ("com.docker.compose.version",)
FIELDS = (
    "Config.Image",
    "Config.Cmd",
    "Config.Entrypoint",
    "Config.Env",
    "Config.Labels",
    "Config.User",
    "Config.WorkingDir",
    "Config.Healthcheck",
    "Config.ExposedPorts",
    "Config.StopSignal",
    "Config.StopTimeout",
    "Config.Tty",
    "Config.OpenStdin",
    "HostConfig.Binds",
    "HostConfig.Mounts",
    "HostConfig.PortBindings",
    "HostConfig.RestartPolicy",
    "HostConfig.NetworkMode",
    "HostConfig.CapAdd",
    "HostConfig.CapDrop",
    "HostConfig.Init",
    "HostConfig.ReadonlyRootfs",
    "HostConfig.ExtraHosts",
    "HostConfig.Tmpfs",
    "HostConfig.LogConfig",
    "HostConfig.Memory",
    "HostConfig.NanoCpus",
    "HostConfig.VolumeDriver",
    "HostConfig.VolumesFrom",
    "HostConfig.Links",
    "Mounts",
    "NetworkSettings.Networks",
)


# Differences of form only: field -> (the same value read either way, why).
KNOWN = {
    "HostConfig.CapAdd": (
        lambda caps: sorted(c.replace("CAP_", "", 1) for c in caps or []),
        "the CLI writes CAP_NET_ADMIN, the module NET_ADMIN (as community.docker); the engine reads both",
    ),
}
KNOWN["HostConfig.CapDrop"] = KNOWN["HostConfig.CapAdd"]


def dig(data, path):
    for key in path.split("."):
        data = (data or {}).get(key)
    return data


def normalised(container, path):
    value = dig(container, path)
    if path == "Config.Env":
        return sorted(value or [])
    if path == "Config.Labels":
        return {k: v for k, v in (value or {}).items() if k not in OWN_LABELS}
    if path in ("HostConfig.Binds", "HostConfig.CapAdd", "HostConfig.CapDrop", "HostConfig.ExtraHosts", "HostConfig.Links"):
        return sorted(value or [])
    if path == "Mounts":
        return sorted((m.get("Type"), m.get("Name") or m.get("Source"), m.get("Destination"), m.get("RW")) for m in value or [])
    if path == "NetworkSettings.Networks":
        short_id = container["Id"][:12]
        return {
            name: dict(aliases=sorted(a for a in (endpoint.get("Aliases") or []) if a != short_id), links=sorted(endpoint.get("Links") or []))
            for name, endpoint in (value or {}).items()
        }
    if value in ({}, [], "", None):
        return None
    return value


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        by_cli = {c["Name"].lstrip("/"): c for c in json.load(handle)}
    with open(sys.argv[2], encoding="utf-8") as handle:
        by_module = {c["Name"].lstrip("/"): c for c in json.load(handle)}
    differences, known = [], []
    for name in sorted(set(by_cli) | set(by_module)):
        if name not in by_cli or name not in by_module:
            differences.append(f"{name}: only made by {'the CLI' if name in by_cli else 'the module'}")
            continue
        for path in FIELDS:
            cli, module = normalised(by_cli[name], path), normalised(by_module[name], path)
            if cli == module:
                continue
            if path in KNOWN and KNOWN[path][0](cli) == KNOWN[path][0](module):
                known.append(f"{path}: {KNOWN[path][1]}")
                continue
            differences.append(f"{name}: {path}: {json.dumps(cli, sort_keys=True)} | {json.dumps(module, sort_keys=True)}")
    print(json.dumps(dict(differences=differences, known=sorted(set(known))), indent=1))


if __name__ == "__main__":
    main()
