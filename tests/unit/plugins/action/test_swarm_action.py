# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import pytest

from ansible_collections.noar.docker.plugins.action.swarm import carries_secrets


@pytest.mark.parametrize("result, hidden", [
    (dict(swarm_facts=dict(JoinTokens=dict(Worker="SWMTKN-1-w"))), True),
    (dict(swarm_facts=dict(UnlockKey="SWMKEY-1-k")), True),
    (dict(swarm_facts={}, swarm_unlock_key="SWMKEY-1-k"), True),
    (dict(swarm_facts={}, docker_swarm_active=False), False),
    (dict(changed=True, actions=[dict(action="leave", target="swarm")]), False),
])
def test_only_results_with_tokens_or_keys_are_hidden(result, hidden):
    assert carries_secrets(result) is hidden
