#!/usr/bin/env bash
# Swarm modules against two nodes with engines of their own, run at -vvv; afterwards none of the join
# tokens or unlock keys the swarm had during the run may appear in what Ansible printed, and a swarm_info
# result without them must be shown.
set -euo pipefail

python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
export ANSIBLE_ROLES_PATH=..
NOAR_TEST_TOKEN_FILE=$(mktemp)
output=$(mktemp)
export NOAR_TEST_TOKEN_FILE
trap 'rm -f "$output" "$NOAR_TEST_TOKEN_FILE"' EXIT
rc=0
ansible-playbook -i "${INVENTORY_PATH:-localhost,}" runme.yml -vvv "$@" >"$output" 2>&1 || rc=$?
cat "$output"
[ $rc -eq 0 ] || exit $rc

"$python" - "$output" "$NOAR_TEST_TOKEN_FILE" <<'PY'
import sys

text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
secrets = [line.strip() for line in open(sys.argv[2], encoding="utf-8") if line.strip()]
if len(secrets) < 4:
    sys.exit(f"FAILED: the run recorded {len(secrets)} tokens; expected the worker and manager tokens before and "
             "after rotation, and the unlock key")
if any(secret in text for secret in secrets):
    sys.exit("FAILED: a swarm join token or unlock key appears in the -vvv output")
# swarm_info with join_tokens=false has nothing to hide: its result is shown.
shown = text.split("TASK [Swarm | m1 without the join tokens]", 1)[-1].split("TASK [", 1)[0]
if '"swarm_facts"' not in shown or "censored" in shown:
    sys.exit("FAILED: the result of swarm_info with join_tokens=false is not shown in the output")
print(f"none of {len(secrets)} tokens and keys in {text.count(chr(10))} lines of -vvv output")
PY
