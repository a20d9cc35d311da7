#!/usr/bin/env bash
# The engine role's docker-ce repository tasks (Docker's own site cannot be reached here): run against a
# Debian container, with the key served by a container on a network this test made. Check mode predicts
# the change and writes nothing; the real run writes the key and a deb822 source that apt reads; a second
# run changes nothing.
set -euo pipefail

python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
prefix="noartest-dce-$("$python" -c 'import secrets; print(secrets.token_hex(4))')"
export ANSIBLE_ROLES_PATH=..
work=$(mktemp -d)
trap 'ansible-playbook -i localhost, cleanup.yml -e prefix="$prefix"; rm -rf "$work"' EXIT

ansible-playbook -i localhost, setup.yml -e prefix="$prefix" "$@"
printf '%s ansible_connection=noar.docker.docker ansible_python_interpreter=/usr/bin/python3\n' "$prefix-deb" > "$work/hosts"

recap() { grep -E "^$prefix-deb +:" "$work/out" | grep -oE 'changed=[0-9]+'; }

# The key and the source (Debian 12 has /etc/apt/keyrings already).
ansible-playbook -i "$work/hosts" docker_ce.yml -e prefix="$prefix" -e phase=check --check "$@" | tee "$work/out"
[ "$(recap)" = changed=2 ] || { echo "check mode should predict 2 changes, got $(recap)"; exit 1; }

ansible-playbook -i "$work/hosts" docker_ce.yml -e prefix="$prefix" -e phase=real "$@" | tee "$work/out"
[ "$(recap)" = changed=2 ] || { echo "the real run should make the 2 changes predicted, got $(recap)"; exit 1; }

ansible-playbook -i "$work/hosts" docker_ce.yml -e prefix="$prefix" -e phase=again "$@" | tee "$work/out"
[ "$(recap)" = changed=0 ] || { echo "a second run should change nothing, got $(recap)"; exit 1; }
