#!/usr/bin/env bash
# The noar.docker.docker connection against real containers: a play on localhost makes them, plays
# inside them run modules through the connection, and cleanup.yml removes them whatever happens.
set -euo pipefail

python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
prefix="noartest-conn-$("$python" -c 'import secrets; print(secrets.token_hex(4))')"
export ANSIBLE_ROLES_PATH=..
trap 'ansible-playbook -i localhost, cleanup.yml -e prefix="$prefix"' EXIT
ansible-playbook -i localhost, runme.yml -e prefix="$prefix" "$@"
