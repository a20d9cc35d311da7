#!/usr/bin/env bash
# The noar.docker.containers inventory against real containers: groups from labels, filters honoured,
# running only by default, and hosts usable at once through the noar.docker.docker connection.
set -euo pipefail

python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
prefix="noartest-inv-$("$python" -c 'import secrets; print(secrets.token_hex(4))')"
work="/tmp/$prefix"
export ANSIBLE_ROLES_PATH=..
trap 'ansible-playbook -i localhost, cleanup.yml -e prefix="$prefix"' EXIT

mkdir -p "$work"
for spec in "web-1 web running" "web-2 web running" "db db running" "old web stopped"; do
  read -r -a fields <<<"$spec"
  set -- "${fields[@]}"
  docker create --name "$prefix-$1" --label "noar.test=$prefix" --label "tier=$2" noar-test/busybox:latest sleep 3600 >/dev/null
  [ "$3" = running ] && docker start "$prefix-$1" >/dev/null
done
docker create --name "$prefix-unlabelled" noar-test/busybox:latest sleep 3600 >/dev/null
docker start "$prefix-unlabelled" >/dev/null

cat >"$work/test.containers.yml" <<YAML
plugin: noar.docker.containers
docker_host: unix:///var/run/docker.sock
filters:
  label: noar.test=$prefix
keyed_groups:
  - key: docker_labels.tier
    prefix: tier
groups:
  first: docker_name.endswith('-1')
compose:
  short_name: docker_name | replace('$prefix-', '')
YAML
cat >"$work/all.containers.yaml" <<YAML
plugin: noar.docker.containers
running_only: false
filters:
  label: [noar.test=$prefix, tier=web]
keyed_groups:
  - key: docker_state
    prefix: state
YAML

graph=$(ansible-inventory -i "$work/test.containers.yml" --graph)
echo "$graph"
listing=$(ansible-inventory -i "$work/test.containers.yml" --list)
all_graph=$(ansible-inventory -i "$work/all.containers.yaml" --graph)
echo "$all_graph"

"$python" - "$prefix" "$graph" "$listing" "$all_graph" <<'PY'
import json, sys



def plain(value):
    """ansible-inventory --list marks strings from plugins as unsafe ({"__ansible_unsafe": ...})."""
    if isinstance(value, dict):
        return value["__ansible_unsafe"] if set(value) == {"__ansible_unsafe"} else {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


prefix, graph, listing, all_graph = sys.argv[1], sys.argv[2], plain(json.loads(sys.argv[3])), sys.argv[4]


def members(text, group):
    """Hosts listed right under @group in ansible-inventory --graph output."""
    lines, found, depth = text.splitlines(), [], None
    for line in lines:
        stripped = line.lstrip(" |")
        indent = len(line) - len(stripped)
        if stripped == f"--@{group}:":
            depth = indent
            continue
        if depth is not None:
            if indent <= depth:
                break
            if stripped.startswith("--") and not stripped.startswith("--@"):
                found.append(stripped[2:])
    return sorted(found)


def check(condition, what):
    if not condition:
        sys.exit(f"FAILED: {what}")


names = lambda *short: sorted(f"{prefix}-{s}" for s in short)
check(members(graph, "tier_web") == names("web-1", "web-2"), "tier_web holds the running web containers")
check(members(graph, "tier_db") == names("db"), "tier_db holds db")
check(members(graph, "first") == names("web-1"), "groups: first holds web-1")
check(f"{prefix}-old" not in graph, "stopped containers are left out by default")
check(f"{prefix}-unlabelled" not in graph, "the label filter is honoured")
hostvars = listing["_meta"]["hostvars"][f"{prefix}-web-1"]
check(hostvars["ansible_connection"] == "noar.docker.docker", "hosts use the noar.docker.docker connection")
check(hostvars["ansible_docker_docker_host"] == "unix:///var/run/docker.sock" and "ansible_docker_host" not in hostvars,
      "the engine is in ansible_docker_docker_host, as community.docker names it")
check({"noar.test": prefix, "tier": "web"}.items() <= hostvars["docker_labels"].items(), "docker_labels is a dict")
check(hostvars["docker_state"] == "running" and hostvars["docker_image"] == "noar-test/busybox:latest", "state, image")
check(len(hostvars["docker_id"]) == 64 and hostvars["docker_name"] == f"{prefix}-web-1", "id and name")
check(hostvars["docker_networks"]["bridge"]["ip"], "docker_networks carries the IP")
check(hostvars["short_name"] == "web-1", "compose")
check(members(all_graph, "state_created") == names("old"), "running_only: false lists stopped containers")
check(members(all_graph, "state_running") == names("web-1", "web-2"), "list filters are ANDed")
print("inventory checks passed")
PY

# The hosts work as they come: raw through the connection the inventory set.
ansible -i "$work/test.containers.yml" "tier_web" -m ansible.builtin.raw -a 'hostname' -o
