#!/usr/bin/env bash
# login against a real registry, run at -vvv; afterwards no password may appear in what Ansible
# printed, neither as written nor inside a base64 value (such as a config.json "auth").
set -euo pipefail

python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
NOAR_TEST_REGISTRY_PASSWORD=$("$python" -c 'import secrets; print(secrets.token_urlsafe(18))')
NOAR_TEST_WRONG_PASSWORD=$("$python" -c 'import secrets; print(secrets.token_urlsafe(18))')
export NOAR_TEST_REGISTRY_PASSWORD NOAR_TEST_WRONG_PASSWORD
export ANSIBLE_ROLES_PATH=..

output=$(mktemp)
trap 'rm -f "$output"' EXIT
rc=0
ansible-playbook -i "${INVENTORY_PATH:-localhost,}" runme.yml -vvv "$@" >"$output" 2>&1 || rc=$?
cat "$output"
[ $rc -eq 0 ] || exit $rc

"$python" - "$output" <<'PY'
import base64, binascii, os, re, sys

text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
secrets = [os.environ["NOAR_TEST_REGISTRY_PASSWORD"], os.environ["NOAR_TEST_WRONG_PASSWORD"]]
decoded = []
for token in re.findall(r"[A-Za-z0-9+/]{12,}={0,2}", text):
    try:
        decoded.append(base64.b64decode(token + "=" * (-len(token) % 4)).decode("utf-8", "replace"))
    except (binascii.Error, ValueError):
        pass
leaks = [s for s in secrets if s in text or any(s in d for d in decoded)]
if leaks:
    sys.exit("FAILED: a registry password appears in the -vvv output")
print(f"no registry password in {text.count(chr(10))} lines of -vvv output")
PY
