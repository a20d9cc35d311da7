#!/usr/bin/env bash
# The migration guide's promise: a playbook, an inventory and group_vars written only with community.docker
# 4.8 names (community/) run against noar.docker once their FQCNs are changed, and nothing else. The
# FQCN map below is the README's table of counterparts; a community.docker name not in it fails the test.
set -euo pipefail

python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
prefix="noartest-mig-$("$python" -c 'import secrets; print(secrets.token_hex(4))')"
work="/tmp/$prefix/migrated"
export ANSIBLE_ROLES_PATH=..
trap 'ansible-playbook -i localhost, cleanup.yml -e prefix="$prefix"' EXIT

mkdir -p "$work"
cp -r community/. "$work/"
"$python" - "$work" "$prefix" <<'PY'
import os, re, sys

FQCNS = {
    "docker_container": "container", "docker_container_exec": "container_exec",
    "docker_container_info": "container_info", "docker_host_info": "host_info", "docker_image": "image",
    "docker_image_build": "image_build", "docker_image_export": "image_export", "docker_image_info": "image_info",
    "docker_image_load": "image_load", "docker_image_pull": "image_pull", "docker_image_push": "image_push",
    "docker_image_remove": "image_remove", "docker_image_tag": "image_tag", "docker_login": "login",
    "docker_network": "network", "docker_network_info": "network_info", "docker_prune": "prune",
    "docker_volume": "volume", "docker_volume_info": "volume_info",
    # the action group and the connection plugins, and the inventory plugin
    "docker": "docker", "docker_api": "docker", "docker_containers": "containers",
}
work, prefix = sys.argv[1], sys.argv[2]


def rename(match):
    name = match.group(1)
    if name not in FQCNS:
        sys.exit(f"FAILED: community.docker.{name} has no noar.docker counterpart in the map")
    return "noar.docker." + FQCNS[name]


for folder, _dirs, files in os.walk(work):
    for file in files:
        if not file.endswith(".yml"):
            continue
        path = os.path.join(folder, file)
        text = open(path, encoding="utf-8").read()
        text = re.sub(r"community\.docker\.([a-z_]+)", rename, text).replace("@PREFIX@", prefix)
        open(path, "w", encoding="utf-8").write(text)
PY
# Only the FQCNs (and the run's prefix) changed.
diff -r community "$work" | grep '^[<>]' | grep -v 'community\.docker\.\|noar\.docker\.\|@PREFIX@\|noartest-mig-' \
  && { echo "FAILED: the rewrite changed more than FQCNs"; exit 1; }
ansible-playbook -i "$work/inventory" "$work/site.yml" -e prefix="$prefix" "$@"
