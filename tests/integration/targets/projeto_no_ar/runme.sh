#!/usr/bin/env bash
# projeto no ar on the local engine through the collection's playbooks (noar.docker.<name>): deploy,
# unchanged re-run and check mode, bad input that changes nothing, a rolling update under load with no
# failed request, a broken release rolled back under load, an unhealthy replica restarted by deploy, and
# backup -> teardown (purge) -> deploy -> restore keeping the counter.
set -euo pipefail

python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
prefix="noartest-pna-$("$python" -c 'import secrets; print(secrets.token_hex(4))')"
work=/tmp/$prefix
mkdir -p "$work"
port=$("$python" client.py free-port)
url=http://127.0.0.1:$port/
export ANSIBLE_ROLES_PATH=..
cat > "$work/vars.yml" <<VARS
projeto_no_ar_name: $prefix
projeto_no_ar_home: $work/home
projeto_no_ar_backup_dir: $work/backups
projeto_no_ar_secrets_dir: $work/secrets
projeto_no_ar_listen: 127.0.0.1:$port
projeto_no_ar_image_prefix: noar-test/projeto-no-ar
projeto_no_ar_health_timeout: 60
ansible_connection: local
ansible_python_interpreter: $python
VARS
holder=
cleanup() {
  [ -z "$holder" ] || kill "$holder" 2>/dev/null || true
  ansible-playbook -i localhost, -e @"$work/vars.yml" noar.docker.teardown -e projeto_no_ar_purge=true >/dev/null || true
  ansible-playbook -i localhost, cleanup.yml -e prefix="$prefix"
}
trap cleanup EXIT

play() { ansible-playbook -i localhost, -e @"$work/vars.yml" "$@"; }
recap() { grep -E '^localhost +:' "$work/out" | grep -oE "$1=[0-9]+"; }
step() { printf '\n=== %s\n' "$*"; }
fail() { echo "FAILED: $*"; exit 1; }
get() { "$python" client.py get "$url" "$1"; }
state() { "$python" client.py state "$prefix"; }

step "deploy"
play noar.docker.deploy | tee "$work/out"
[ "$(get version)" = 1.0.0 ] || fail "1.0.0 should answer"
first=$(get visits); second=$(get visits)
[ "$second" -gt "$first" ] || fail "the counter should go up ($first, $second)"

step "with a registry: the build host pushes web, another host pulls it; no password in -vvv output"
NOAR_TEST_REGISTRY_PASSWORD=$("$python" -c 'import secrets; print(secrets.token_urlsafe(18))')
export NOAR_TEST_REGISTRY_PASSWORD
play registry.yml -e prefix="$prefix" -vvv >"$work/out" 2>&1 || { cat "$work/out"; fail "the registry round trip failed"; }
if grep -qF "$NOAR_TEST_REGISTRY_PASSWORD" "$work/out"; then fail "the registry password appeared in the output"; fi

step "deploy again: nothing changes; check mode predicts nothing"
play noar.docker.deploy | tee "$work/out"
[ "$(recap changed)" = changed=0 ] || fail "a second deploy changed something"
play noar.docker.deploy --check | tee "$work/out"
[ "$(recap changed)" = changed=0 ] || fail "check mode predicted a change"

step "check mode with another version predicts the rollover and changes nothing"
before=$(state)
play noar.docker.deploy --check -e projeto_no_ar_version=1.1.0 | tee "$work/out"
[ "$(recap changed)" != changed=0 ] || fail "check mode should predict the new replicas"
[ "$(state)" = "$before" ] || fail "check mode changed containers"

step "bad input fails before anything is touched"
before=$(state)
if play noar.docker.deploy -e projeto_no_ar_web_memory=12x >"$work/out" 2>&1; then fail "12x was accepted"; fi
grep -q "projeto_no_ar_web_memory: '12x' is not a size" "$work/out" || fail "no clear message for 12x"
taken=$("$python" client.py free-port)
"$python" client.py hold "$taken" & holder=$!
sleep 1
if play noar.docker.deploy -e projeto_no_ar_listen=127.0.0.1:"$taken" >"$work/out" 2>&1; then fail "a taken port was accepted"; fi
grep -q "projeto_no_ar_listen: 127.0.0.1:$taken is already in use" "$work/out" || fail "no clear message for the taken port"
kill "$holder"; holder=
visits=$(get visits)
if play noar.docker.deploy -e projeto_no_ar_db_password=not-the-password -vvv >"$work/out" 2>&1; then fail "a wrong password was accepted"; fi
grep -q "projeto_no_ar_db_password does not match the password of the database" "$work/out" || fail "no clear message for the password"
if grep -q not-the-password "$work/out"; then fail "the password appeared in the output"; fi
[ "$(state)" = "$before" ] || fail "bad input changed containers"
[ "$(get visits)" -gt "$visits" ] || fail "the app should still count"

step "rolling update to 1.1.0 under load: no request fails"
rm -f "$work/stop"
"$python" client.py load "$url" "$work/stop" "$work/load.json" & loader=$!
play noar.docker.update -e projeto_no_ar_version=1.1.0 | tee "$work/out"
touch "$work/stop"; wait "$loader"
cat "$work/load.json"; echo
"$python" -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["failed"] == 0 and r["ok"] > 20 else 1)' "$work/load.json" \
  || fail "requests failed during the update"
[ "$(get version)" = 1.1.0 ] || fail "1.1.0 should answer after the update"
state | grep -q -- "-web1-1.0.0" && fail "an old replica is left"

step "a broken release is rolled back under load: the play fails, 1.1.0 keeps answering"
ansible-playbook -i localhost, -e ansible_connection=local -e ansible_python_interpreter="$python" broken.yml \
  -e prefix="$prefix" -e good=1.1.0
before=$(state)
rm -f "$work/stop"
"$python" client.py load "$url" "$work/stop" "$work/load.json" & loader=$!
if play noar.docker.update -e projeto_no_ar_version="$prefix-broken" -e projeto_no_ar_build=false \
    -e projeto_no_ar_health_timeout=20 >"$work/out" 2>&1; then
  touch "$work/stop"; cat "$work/out"; fail "the broken release was accepted"
fi
touch "$work/stop"; wait "$loader"
cat "$work/load.json"; echo
grep -q "rolled back" "$work/out" || { cat "$work/out"; fail "no rollback message"; }
"$python" -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["failed"] == 0 else 1)' "$work/load.json" \
  || fail "requests failed during the rolled-back update"
[ "$(get version)" = 1.1.0 ] || fail "1.1.0 should still answer"
[ "$(state)" = "$before" ] || fail "the rollback left containers changed"

step "a replica that runs, unchanged, but is unhealthy is restarted once by deploy; check mode predicts it"
wedged=$prefix-web1-1.1.0
"$python" client.py wedge "$wedged"
read -r wedged_id wedged_started wedged_health <<<"$("$python" client.py health "$wedged")"
[ "$wedged_health" = unhealthy ] || fail "$wedged should be unhealthy"
before=$(state)
play noar.docker.deploy -e projeto_no_ar_version=1.1.0 --check | tee "$work/out"
[ "$(recap changed)" = changed=1 ] || fail "check mode should predict the one restart"
[ "$(state)" = "$before" ] || fail "check mode restarted a container"
play noar.docker.deploy -e projeto_no_ar_version=1.1.0 | tee "$work/out"
[ "$(recap changed)" = changed=1 ] || fail "deploy should restart the unhealthy replica and change nothing else"
grep -q "changed: \[localhost\] => (item=$wedged)" "$work/out" || fail "deploy did not say it restarted $wedged"
read -r repaired_id repaired_started repaired_health <<<"$("$python" client.py health "$wedged")"
[ "$repaired_id" = "$wedged_id" ] || fail "$wedged should be restarted, not recreated"
[ "$repaired_started" != "$wedged_started" ] || fail "$wedged was not restarted"
[ "$repaired_health" = healthy ] || fail "$wedged should be healthy after deploy"
play noar.docker.deploy -e projeto_no_ar_version=1.1.0 | tee "$work/out"
[ "$(recap changed)" = changed=0 ] || fail "a deploy after the repair changed something"

step "as one Compose application (noar.docker.compose), beside the role's: deploy, rerun, start-first update under load, down"
cport=$("$python" client.py free-port)
curl_url=http://127.0.0.1:$cport/
compose() { play noar.docker.compose -e projeto_no_ar_name="$prefix-c" -e projeto_no_ar_listen="127.0.0.1:$cport" "$@"; }
compose | tee "$work/out"
[ "$("$python" client.py get "$curl_url" version)" = 1.0.0 ] || fail "the Compose version should answer 1.0.0"
first=$("$python" client.py get "$curl_url" visits); second=$("$python" client.py get "$curl_url" visits)
[ "$second" -gt "$first" ] || fail "the Compose version's counter should go up ($first, $second)"
compose | tee "$work/out"
[ "$(recap changed)" = changed=0 ] || fail "a second Compose deploy changed something"
compose --check -e projeto_no_ar_version=1.1.0 | tee "$work/out"
[ "$("$python" client.py get "$curl_url" version)" = 1.0.0 ] || fail "check mode changed the Compose version"
rm -f "$work/stop"
"$python" client.py load "$curl_url" "$work/stop" "$work/load.json" & loader=$!
compose -e projeto_no_ar_version=1.1.0 | tee "$work/out"
touch "$work/stop"; wait "$loader"
cat "$work/load.json"; echo
"$python" -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["failed"] == 0 and r["ok"] > 20 else 1)' "$work/load.json" \
  || fail "requests failed during the Compose start-first update"
[ "$("$python" client.py get "$curl_url" version)" = 1.1.0 ] || fail "1.1.0 should answer after the Compose update"
[ "$("$python" client.py get "$curl_url" visits)" -gt "$second" ] || fail "the Compose version's counter should go on"
compose -e projeto_no_ar_compose_state=absent -e projeto_no_ar_purge=true | tee "$work/out"
left=$("$python" -c 'import docker,sys; c=docker.from_env(); f={"label": "com.docker.compose.project=" + sys.argv[1]}; print(len(c.containers.list(all=True, filters=f)) + len(c.volumes.list(filters=f)) + len(c.networks.list(filters=f)))' "$prefix-c")
[ "$left" = 0 ] || fail "the Compose version left $left objects"

step "backup, teardown with the volume, deploy, restore: the counter survives"
visits=$(get visits)
play noar.docker.backup -e projeto_no_ar_backup_fetch_dir="$work/fetched" | tee "$work/out"
dump=$(ls "$work/backups")
[ -n "$dump" ] || fail "no dump"
cmp "$work/backups/$dump" "$work/fetched/localhost/$dump" || fail "the dump fetched to the controller differs"
before=$(state)
play noar.docker.teardown --check -e projeto_no_ar_purge=true | tee "$work/out"
[ "$(recap changed)" != changed=0 ] || fail "check mode should predict the teardown"
[ "$(state)" = "$before" ] || fail "a teardown in check mode changed containers"
play noar.docker.teardown | tee "$work/out"
docker_volume=$("$python" -c 'import docker,sys; print(len(docker.from_env().volumes.list(filters={"name": sys.argv[1]})))' "$prefix-db-data")
[ "$docker_volume" = 1 ] || fail "teardown without purge should keep the volume"
play noar.docker.teardown -e projeto_no_ar_purge=true | tee "$work/out"
docker_volume=$("$python" -c 'import docker,sys; print(len(docker.from_env().volumes.list(filters={"name": sys.argv[1]})))' "$prefix-db-data")
[ "$docker_volume" = 0 ] || fail "teardown with purge should remove the volume"
play noar.docker.deploy -e projeto_no_ar_version=1.1.0 | tee "$work/out"
[ "$(get visits)" = 1 ] || fail "a new volume should start from 0"
if play noar.docker.restore -e projeto_no_ar_restore_src="$work/fetched/absent.dump" >"$work/out" 2>&1; then
  fail "a missing controller dump was accepted"
fi
grep -q "projeto_no_ar_restore_src: $work/fetched/absent.dump is not a file on the controller" "$work/out" \
  || fail "no clear message for a missing controller dump"
rm "$work/backups/$dump"
play noar.docker.restore -e projeto_no_ar_restore_src="$work/fetched/localhost/$dump" | tee "$work/out"
[ "$(get visits)" = $((visits + 1)) ] || fail "the counter restored from the controller's copy should continue from $visits"
play noar.docker.restore -e projeto_no_ar_restore_file="$dump" | tee "$work/out"
[ "$(get visits)" = $((visits + 1)) ] || fail "the restored counter should continue from $visits again"
