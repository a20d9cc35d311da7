# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import copy
import json

import pytest

from ansible_collections.noar.docker.plugins.action.swarm import carries_secrets


@pytest.mark.parametrize(
    "result, hidden",
    [
        (dict(swarm_facts=dict(JoinTokens=dict(Worker="SWMTKN-1-w"))), True),
        (dict(swarm_facts=dict(UnlockKey="SWMKEY-1-k")), True),
        (dict(swarm_facts={}, swarm_unlock_key="SWMKEY-1-k"), True),
        (dict(swarm_facts={}, docker_swarm_active=False), False),
        (dict(changed=True, actions=[dict(action="leave", target="swarm")]), False),
    ],
)
def test_only_results_with_tokens_or_keys_are_hidden(result, hidden):
    assert carries_secrets(result) is hidden


def test_sealed_results_hold_no_token_and_open_with_the_same_key_only():
    from ansible_collections.noar.docker.plugins.module_utils.swarm import seal  # pylint: disable=import-outside-toplevel

    worker, manager = "SWMTKN-1-abcdef-worker", "SWMTKN-1-abcdef-manager"
    result = dict(
        swarm_facts=dict(JoinTokens=dict(Worker=worker, Manager=manager), UnlockKey="SWMKEY-1-k", ID="x"), swarm_unlock_key="SWMKEY-1-k", changed=False
    )
    sealed = seal(copy.deepcopy(result), "k1")
    text = json.dumps(sealed)
    assert "SWMTKN" not in text and "SWMKEY" not in text and "abcdef" not in text
    assert sealed["swarm_facts"]["ID"] == "x" and sealed["changed"] is False
    # Each value has a pad of its own: equal secrets do not seal alike.
    assert sealed["swarm_facts"]["UnlockKey"] != sealed["swarm_unlock_key"]
    assert seal(copy.deepcopy(sealed), "k1", unseal=True) == result
    assert seal(copy.deepcopy(sealed), "k2", unseal=True)["swarm_facts"]["JoinTokens"]["Worker"] != worker
    assert seal(copy.deepcopy(result), None) == result
