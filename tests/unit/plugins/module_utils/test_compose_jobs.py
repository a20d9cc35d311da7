import pytest

from ansible_collections.noar.docker.plugins.module_utils.compose import load_project
from ansible_collections.noar.docker.plugins.module_utils.compose_jobs import _run_task
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

APP = dict(services=dict(app=dict(image="web:1", command=["serve"], environment={"A": "1"}, ports=["8080:80"], restart="always", cap_add=["NET_ADMIN"])))


def task(tmp_path, **params):
    project = load_project(dict(definition=APP, project_name="p", files_dir=str(tmp_path)), {})
    return _run_task(project, "app", params, [])


def test_a_one_off_container_is_the_service_s_without_its_ports_restart_and_alias(tmp_path):
    run = task(tmp_path, name="job")
    assert run["name"] == "job"
    assert run["labels"]["com.docker.compose.oneoff"] == "True"
    assert "com.docker.compose.config-hash" not in run["labels"]
    assert run["restart_policy"] == "no"
    assert run["published_ports"] == []
    assert run["command"] == ["serve"]
    assert [n["aliases"] for n in run["networks"]] == [["job"]]


def test_the_task_s_overrides(tmp_path):
    run = task(
        tmp_path,
        command="sh -c 'echo hi'",
        entrypoint="/bin/env",
        env={"B": 2},
        user="nobody",
        chdir="/tmp",
        labels=["x=y"],
        cap_add=["SYS_TIME"],
        cap_drop=["MKNOD"],
        publish=["127.0.0.1::9000"],
        service_ports=True,
        use_aliases=True,
        volumes=["/tmp:/host"],
        tty=False,
        interactive=False,
    )
    assert run["command"] == ["sh", "-c", "echo hi"]
    assert run["entrypoint"] == ["/bin/env"]
    assert run["env"] == {"A": "1", "B": "2"}
    assert (run["user"], run["working_dir"]) == ("nobody", "/tmp")
    assert run["labels"]["x"] == "y"
    assert run["capabilities"] == ["NET_ADMIN", "SYS_TIME"] and run["cap_drop"] == ["MKNOD"]
    assert run["published_ports"] == ["8080:80", "127.0.0.1::9000"]
    assert "/tmp:/host" in run["volumes"]
    assert run["name"].startswith("p-app-run-")
    assert [n["aliases"] for n in run["networks"]] == [[run["name"], "app"]]


def test_a_label_that_is_not_key_value_is_refused(tmp_path):
    with pytest.raises(InvalidOption, match="^labels: 'nolabel' is not KEY=VALUE$"):
        task(tmp_path, labels=["nolabel"])
