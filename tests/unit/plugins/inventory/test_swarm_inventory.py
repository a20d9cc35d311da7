# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from ansible_collections.noar.docker.plugins.inventory.swarm import group_name, node_address, node_vars

LEADER = {
    "ID": "n1",
    "Spec": {"Role": "manager", "Availability": "active", "Labels": {"projeto.db": "true"}},
    "Description": {"Hostname": "server-1"},
    "Status": {"State": "ready", "Addr": "0.0.0.0"},
    "ManagerStatus": {"Leader": True, "Addr": "192.0.2.11:2377"},
}


def test_node_variables():
    assert node_vars(LEADER) == dict(
        docker_swarm_node_id="n1",
        docker_swarm_role="manager",
        docker_swarm_availability="active",
        docker_swarm_status="ready",
        docker_swarm_labels={"projeto.db": "true"},
        docker_swarm_leader=True,
    )


def test_a_manager_that_reports_no_address_is_reached_at_its_manager_address():
    assert node_address(LEADER) == "192.0.2.11"
    assert node_address({"Status": {"Addr": "192.0.2.12"}}) == "192.0.2.12"


def test_label_groups_are_valid_group_names():
    assert group_name("label_projeto.db_true") == "label_projeto_db_true"
