# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""compose_to_kubernetes against Kompose's own test fixtures (tests/unit/kompose-fixtures, issue 36).

Each Compose file is converted, validated offline, and compared object by object with the manifests Kompose's
tests expect: every workload, Service, Ingress and autoscaler Kompose writes must have ours of the same name (as
a DNS label), with the same image and container ports, Service ports and type, Ingress hosts and replica bounds.
A difference is either fixed or one of the reasons below, each a choice this module makes on purpose."""

from __future__ import absolute_import, division, print_function

import os

import pytest
import yaml

from ansible_collections.noar.docker.plugins.module_utils.compose import load_project
from ansible_collections.noar.docker.plugins.module_utils.kubernetes import convert, k8s_name, validate

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "kompose-fixtures")
CASES = sorted(d for d in os.listdir(FIXTURES) if os.path.isdir(os.path.join(FIXTURES, d)))
# Kinds both write whose details are compared; ConfigMaps, claims and policies are named and split differently.
COMPARED = ("Deployment", "StatefulSet", "DaemonSet", "Service", "Ingress", "HorizontalPodAutoscaler")

# Why ours differs, by (fixture or "*", kind, field): each a choice made on purpose.
DELIBERATE = {
    ("*", "Service", "type"): "a published port gets service_type (NodePort by default, so that it is reachable as "
    "it was on the engine's host); Kompose makes a ClusterIP unless a label says otherwise",
    ("*", "Service", "ports"): "a Service listens on the container's port, the one other services of the project "
    "used on the engine's network; Kompose listens on the published (host) port",
    ("*", "Deployment", "kind"): "a service with a named volume and one replica is a StatefulSet (issue 36); Kompose keeps a Deployment",
    ("compose-env-interpolation", "Deployment", "image"): "a service with build and no image runs <project>-<service>, "
    "the image docker compose builds; Kompose names it <service>",
    ("v3.0", "Service", "ports"): "a headless Service needs no port; Kompose adds a placeholder (55555)",
}


def objects(documents) -> dict:
    found = {}
    for document in documents:
        for item in (document.get("items") or []) if document.get("kind") == "List" else [document]:
            found[(item["kind"], item["metadata"]["name"])] = item
    return found


def facts(manifest: dict) -> dict:
    kind, spec = manifest["kind"], manifest["spec"]
    if kind in ("Deployment", "StatefulSet", "DaemonSet"):
        container = spec["template"]["spec"]["containers"][0]
        return dict(image=container.get("image"), ports=sorted(p["containerPort"] for p in container.get("ports") or []))
    if kind == "Service":
        return dict(ports=sorted(p["port"] for p in spec.get("ports") or []), type=spec.get("type", "ClusterIP"))
    if kind == "Ingress":
        return dict(hosts=sorted(r.get("host", "") for r in spec["rules"]))
    return dict(min=spec.get("minReplicas"), max=spec.get("maxReplicas"))


def differences(case: str, ours: dict, theirs: dict) -> tuple:
    """(unexplained differences, explained ones, values compared)."""
    unexplained, explained, compared = [], [], 0
    for (kind, name), manifest in sorted(theirs.items()):
        if kind not in COMPARED:
            continue
        kinds = [kind, "StatefulSet"] if kind == "Deployment" else [kind]
        mine = next(((k, ours[(k, k8s_name(name))]) for k in kinds if (k, k8s_name(name)) in ours), None)
        compared += 1
        if mine is None:
            unexplained.append(f"{case}: {kind} {name}: Kompose writes it, ours has none")
            continue
        found = [("kind", kind, mine[0])] if mine[0] != kind else []
        expected, actual = facts(manifest), facts(mine[1])
        compared += len(expected)
        found += [(field, expected[field], actual.get(field)) for field in expected if expected[field] != actual.get(field)]
        for field, theirs_value, ours_value in found:
            reason = DELIBERATE.get((case, kind, field)) or DELIBERATE.get(("*", kind, field))
            line = f"{case}: {kind} {name}: {field}: Kompose {theirs_value!r}, ours {ours_value!r}"
            (explained if reason else unexplained).append(line)
    return unexplained, explained, compared


@pytest.mark.parametrize("case", CASES)
def test_kompose_fixture(case, tmp_path):
    folder = os.path.join(FIXTURES, case)
    project = load_project(dict(project_src=folder, files=[os.path.join(folder, "compose.txt")], project_name=case, files_dir=str(tmp_path)), {})
    manifests = convert(project, warnings=[])
    validate(manifests, "1.33.0")
    with open(os.path.join(folder, "kompose-output.txt"), encoding="utf-8") as handle:
        theirs = objects(d for d in yaml.safe_load_all(handle) if d)
    unexplained, _explained, compared = differences(case, objects(manifests), theirs)
    assert compared, f"{case}: nothing compared"
    assert not unexplained, "\n".join(unexplained)


def test_the_count_in_the_docs_is_this_run():
    """docs/kompose.md gives the fixtures, values compared and differences; they are what this test finds."""
    totals = dict(fixtures=0, compared=0, explained=0)
    for case in CASES:
        folder = os.path.join(FIXTURES, case)
        project = load_project(dict(project_src=folder, files=[os.path.join(folder, "compose.txt")], project_name=case, files_dir="/nonexistent"), {})
        with open(os.path.join(folder, "kompose-output.txt"), encoding="utf-8") as handle:
            theirs = objects(d for d in yaml.safe_load_all(handle) if d)
        _unexplained, explained, compared = differences(case, objects(convert(project, warnings=[])), theirs)
        totals["fixtures"] += 1
        totals["compared"] += compared
        totals["explained"] += len(explained)
    with open(os.path.join(HERE, "..", "..", "..", "..", "docs", "kompose.md"), encoding="utf-8") as handle:
        text = handle.read()
    assert f"{totals['fixtures']} fixtures, {totals['compared']} values compared, {totals['explained']} differences" in text, totals
