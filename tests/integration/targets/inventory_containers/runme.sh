#!/usr/bin/env bash
# The noar.docker.containers inventory against real containers: groups from labels, engine filters and
# community.docker's include/exclude filters honoured, stopped containers listed unless running_only, an
# inventory file written for community.docker.docker_containers (docker.yml: verbose_output, legacy groups,
# keyed groups over the inspect data, ssh) giving the same groups, and hosts usable at once through the
# noar.docker.docker connection.
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
docker create --name "$prefix-sshd" --label "noar.test=$prefix" --label "tier=ssh" -p 127.0.0.1::22 \
  noar-test/busybox:latest sleep 3600 >/dev/null
docker start "$prefix-sshd" >/dev/null
ssh_port=$(docker port "$prefix-sshd" 22/tcp | head -n1 | sed 's/.*://')

cat >"$work/test.containers.yml" <<YAML
plugin: noar.docker.containers
docker_host: unix:///var/run/docker.sock
running_only: true
engine_filters:
  label: noar.test=$prefix
filters:
  - exclude: docker_labels.tier == 'ssh'
keyed_groups:
  - key: docker_labels.tier
    prefix: tier
groups:
  first: docker_name.endswith('-1')
compose:
  short_name: docker_name | replace('/$prefix-', '')
YAML
cat >"$work/all.containers.yaml" <<YAML
plugin: noar.docker.containers
connection_type: docker-cli
filters:
  label: [noar.test=$prefix, tier=web]
keyed_groups:
  - key: docker_status
    prefix: state
YAML
# Written for community.docker.docker_containers; only the plugin name differs.
cat >"$work/community.docker.yml" <<YAML
plugin: noar.docker.containers
connection_type: ssh
default_ip: 127.0.0.7
verbose_output: true
add_legacy_groups: true
filters:
  - include: docker_config.Labels['tier'] | default('') == 'ssh'
  - exclude: docker_config.Labels['noar.test'] | default('') != '$prefix'
  - include: docker_state.Running
  - exclude: true
keyed_groups:
  - key: docker_state.Status
    prefix: status
  - key: docker_config.Labels.tier
    prefix: tier
groups:
  busybox: "'busybox' in docker_config.Image"
YAML

graph=$(ansible-inventory -i "$work/test.containers.yml" --graph)
echo "$graph"
listing=$(ansible-inventory -i "$work/test.containers.yml" --list)
all_graph=$(ansible-inventory -i "$work/all.containers.yaml" --graph)
echo "$all_graph"
all_listing=$(ansible-inventory -i "$work/all.containers.yaml" --list)
community_graph=$(ansible-inventory -i "$work/community.docker.yml" --graph)
echo "$community_graph"
community_listing=$(ansible-inventory -i "$work/community.docker.yml" --list)

"$python" - "$prefix" "$graph" "$listing" "$all_graph" "$community_graph" "$community_listing" "$ssh_port" \
  "$all_listing" <<'PY'
import json, sys



def plain(value):
    """ansible-inventory --list marks strings from plugins as unsafe ({"__ansible_unsafe": ...})."""
    if isinstance(value, dict):
        return value["__ansible_unsafe"] if set(value) == {"__ansible_unsafe"} else {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


prefix, graph, listing, all_graph = sys.argv[1], sys.argv[2], plain(json.loads(sys.argv[3])), sys.argv[4]
community_graph, community_listing, ssh_port = sys.argv[5], plain(json.loads(sys.argv[6])), int(sys.argv[7])
all_listing = plain(json.loads(sys.argv[8]))


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
check(members(graph, "tier_ssh") == [], "filters: the exclude condition is honoured")
check(members(graph, "first") == names("web-1"), "groups: first holds web-1")
check(f"{prefix}-old" not in graph, "running_only leaves stopped containers out")
check(f"{prefix}-unlabelled" not in graph, "the engine's label filter is honoured")
hostvars = listing["_meta"]["hostvars"][f"{prefix}-web-1"]
check(hostvars["ansible_connection"] == "noar.docker.docker", "hosts use the noar.docker.docker connection")
check(hostvars["ansible_host"] == f"{prefix}-web-1", "ansible_host is the container, as community.docker sets it")
check(hostvars["ansible_docker_docker_host"] == "unix:///var/run/docker.sock" and "ansible_docker_host" not in hostvars,
      "the engine is in ansible_docker_docker_host, as community.docker names it")
check({"noar.test": prefix, "tier": "web"}.items() <= hostvars["docker_labels"].items(), "docker_labels is a dict")
check(hostvars["docker_status"] == "running" and hostvars["docker_image_name"] == "noar-test/busybox:latest",
      "status, image name")
check(len(hostvars["docker_id"]) == 64 and hostvars["docker_name"] == f"{prefix}-web-1", "id and name")
check(hostvars["docker_short_id"] == hostvars["docker_id"][:13], "docker_short_id")
check("docker_hostconfig" not in hostvars, "the inspect data is not a host variable without verbose_output")
check(hostvars["docker_networks"]["bridge"]["ip"], "docker_networks carries the IP")
check(hostvars["short_name"] == "web-1", "compose")
check(members(all_graph, "state_created") == names("old"), "stopped containers are listed by default")
check(members(all_graph, "state_running") == names("web-1", "web-2"), "list filters are ANDed")
cli = all_listing["_meta"]["hostvars"][f"{prefix}-web-2"]
check(cli["ansible_connection"] == "noar.docker.docker" and "ansible_docker_docker_host" not in cli,
      "connection_type docker-cli: the same connection, without the engine options")
# The inventory written for community.docker.docker_containers
check(members(community_graph, "status_running") == names("db", "sshd", "web-1", "web-2"),
      "filters: include and exclude in order; keyed groups over docker_state.Status")
check(f"{prefix}-old" not in community_graph, "filters: the final exclude leaves the stopped container out")
check(members(community_graph, "tier_ssh") == names("sshd"), "keyed groups over docker_config.Labels")
check(members(community_graph, "busybox") == names("db", "sshd", "web-1", "web-2"), "groups over docker_config")
check(members(community_graph, "running") == names("db", "sshd", "web-1", "web-2"), "legacy group running")
check(members(community_graph, "image_noar-test/busybox:latest") == names("db", "sshd", "web-1", "web-2"),
      "legacy group image_<image>")
check(members(community_graph, "unix:///var/run/docker.sock") == names("db", "sshd", "web-1", "web-2"),
      "legacy group <docker_host>")
sshd = community_listing["_meta"]["hostvars"][f"{prefix}-sshd"]
check(sshd["ansible_ssh_host"] == "127.0.0.1" and sshd["ansible_ssh_port"] == ssh_port,
      "ssh: the published address and port (default_ip only for 0.0.0.0)")
check("ansible_connection" not in sshd, "ssh: no docker connection")
check(sshd["docker_hostconfig"]["PortBindings"]["22/tcp"][0]["HostIp"] == "127.0.0.1", "verbose_output")
check(sshd["docker_name"] == f"/{prefix}-sshd" and sshd["docker_short_id"] == sshd["docker_id"][:13],
      "verbose_output: docker_name as the inspect data has it, as community.docker sets it")
print("inventory checks passed")
PY

# The hosts work as they come: raw through the connection the inventory set.
ansible -i "$work/test.containers.yml" "tier_web" -m ansible.builtin.raw -a 'hostname' -o
