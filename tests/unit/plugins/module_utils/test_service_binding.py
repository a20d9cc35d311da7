# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options Swarm services share with containers are the container table's (``ServiceField``): every value of
the fuzz corpus (tests/fuzz/corpus.py) is refused by both bindings alike, for the same reason and naming each
module's own option, or taken by both, the service holding the container's value in its own form."""

from __future__ import annotations

import importlib.util
import os

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.noar.docker.plugins.module_utils import container_options as copts
from ansible_collections.noar.docker.plugins.module_utils.swarm_service import SERVICE_OPTIONS, ServiceManager
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

_CORPUS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "fuzz", "corpus.py")
_spec = importlib.util.spec_from_file_location("noar_fuzz_corpus", _CORPUS)
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)

BOUND = [(option, field) for option in copts.OPTIONS.values() for field in option.service]


class Engine:
    api_version = "1.41"


def service_spec(field: copts.ServiceField) -> dict:
    top, _dot, sub = field.name.partition(".")
    spec = SERVICE_OPTIONS[top].spec
    return spec["options"][sub] if sub else spec


def checked(spec: dict, value):
    """The value as AnsibleModule's own argument check leaves it, or why it refuses it."""
    result = ArgumentSpecValidator(dict(x=spec)).validate(dict(x=value))
    return (None, result.error_messages[0]) if result.error_messages else (result.validated_parameters["x"], None)


def outcome(call):
    try:
        return "taken", call()
    except InvalidOption as exc:
        return "refused", (exc.option, exc.reason)


def as_container(option: copts.Option, value):
    """``container``: the option's view, checked alone and with the rules between options."""
    ctx = copts.Context({option.name: value}, api_version=Engine.api_version)
    return copts.desired_view({option.name: value}, ctx, names={option.name})[option.name]


def as_service(field: copts.ServiceField, value):
    """``swarm_service``: the engine value the service spec gets."""
    top, _dot, sub = field.name.partition(".")
    manager = ServiceManager(Engine(), dict(name="t", **{top: {sub: value} if sub else value}))
    parsed = SERVICE_OPTIONS[top].parse({sub: value} if sub else value, manager)
    return parsed.get(field.path[-1]) if sub else parsed


@pytest.mark.parametrize("option,field", BOUND, ids=[f"{o.name}-{f.name}" for o, f in BOUND])
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_corpus_value_is_refused_or_taken_alike_by_both_bindings(option, field, data):
    container_spec = {k: v for k, v in option.spec.items() if k != "aliases"}
    if field.accept is copts.ServiceField.accept:
        value = data.draw(corpus.value_for(container_spec))
        container_value, container_refusal = checked(container_spec, value)
        service_value, service_refusal = checked(service_spec(field), value)
        assert (container_refusal is None) == (service_refusal is None), (container_refusal, service_refusal)
    else:  # the service's own spelling (driver_config of a mount): as the container's once ansible has read it
        service_value, service_refusal = checked(service_spec(field), data.draw(corpus.value_for(service_spec(field))))
        if service_refusal or service_value is None:
            return
        # What the container's parser then gets, as swarm_service hands it over (no second argument check).
        container_value, container_refusal = field.accept(service_value), None
    assert (container_value is None) == (service_value is None)  # None: not set, on both
    if container_refusal or container_value is None:
        return
    made = outcome(lambda: as_container(option, container_value))
    served = outcome(lambda: as_service(field, service_value))
    assert made[0] == served[0], (made, served)
    if made[0] == "refused":
        (container_option, reason), (service_option, service_reason) = made[1], served[1]
        assert service_reason == reason
        assert service_option == field.name + container_option[len(option.name) :]
    else:
        assert served[1] == field.convert(made[1])


def test_a_service_names_its_own_option_and_keeps_the_container_s_reason():
    manager = ServiceManager(Engine(), dict(name="t"))
    with pytest.raises(InvalidOption, match=r"^limits\.memory: 1m is below the engine's minimum of 6m$"):
        SERVICE_OPTIONS["limits"].parse(dict(memory="1m"), manager)
    with pytest.raises(InvalidOption) as container:
        as_container(copts.OPTIONS["memory"], "1m")
    assert str(container.value) == "memory: 1m is below the engine's minimum of 6m"
    with pytest.raises(InvalidOption, match=r"^working_dir: must be an absolute path inside the container"):
        SERVICE_OPTIONS["working_dir"].parse("srv", manager)


def test_each_shared_concept_is_declared_once():
    """The service options made from the container table are not declared again by swarm_service."""
    made = {field.name.partition(".")[0] for _option, field in BOUND}
    assert {"limits", "mounts", "healthcheck", "ulimits"} <= made
    import inspect

    from ansible_collections.noar.docker.plugins.module_utils import swarm_service

    source = inspect.getsource(swarm_service)
    for name in made:
        assert f'ServiceOption("{name}"' not in source
