import pytest

from ansible_collections.noar.docker.plugins.module_utils.plugin import PluginManager
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

PLUGIN = {
    "Name": "vol:latest",
    "Enabled": True,
    "Settings": {"Env": ["DEBUG=0", "API_TOKEN="]},
    "Config": {"Env": [{"Name": "DEBUG", "Settable": ["value"]}, {"Name": "API_TOKEN", "Settable": ["value"]}, {"Name": "FIXED", "Settable": None}]},
}


def plan(actual, **params):
    manager = PluginManager(
        None, dict(dict(plugin_name="registry.example/vol:1", alias="vol", state="present", plugin_options={}, force_remove=False), **params)
    )
    return [(action.kind, action.reason) for action in manager.plan(actual)], manager


@pytest.mark.parametrize(
    "state, enabled, options, expected",
    [
        ("present", True, {}, []),
        ("present", False, {}, []),
        ("present", True, {"DEBUG": 0}, []),  # compared as text
        ("present", True, {"DEBUG": "1"}, [("disable", "to change its settings"), ("configure", "DEBUG"), ("enable", "after changing its settings")]),
        ("present", False, {"DEBUG": "1"}, [("configure", "DEBUG")]),
        ("enable", False, {}, [("enable", "")]),
        ("enable", False, {"DEBUG": "1"}, [("configure", "DEBUG"), ("enable", "")]),
        ("enable", True, {"DEBUG": "1"}, [("disable", "to change its settings"), ("configure", "DEBUG"), ("enable", "after changing its settings")]),
        ("disable", True, {}, [("disable", "")]),
        ("disable", True, {"DEBUG": "1"}, [("disable", ""), ("configure", "DEBUG")]),
        ("disable", False, {}, []),
        ("absent", False, {}, [("remove", "")]),
    ],
)
def test_plans(state, enabled, options, expected):
    assert plan(dict(PLUGIN, Enabled=enabled), state=state, plugin_options=options)[0] == expected


def test_a_missing_plugin_is_installed_then_configured_and_enabled():
    assert plan(None, state="enable", plugin_options={"DEBUG": "1"})[0] == [("install", "from registry.example/vol:1"), ("configure", "DEBUG"), ("enable", "")]
    assert plan(None, state="absent")[0] == []


def test_secret_looking_settings_are_masked_in_the_diff():
    _steps, manager = plan(dict(PLUGIN, Enabled=False), plugin_options={"API_TOKEN": "s3cr3t", "DEBUG": "2"})
    configure = manager.plan(dict(PLUGIN, Enabled=False))[0]
    assert configure.before == {"plugin_options": {"API_TOKEN": "********", "DEBUG": "0"}}
    assert configure.after == {"plugin_options": {"API_TOKEN": "********", "DEBUG": "2"}}


@pytest.mark.parametrize(
    "actual, params, message",
    [
        (PLUGIN, dict(plugin_options={"FIXED": "x"}), "plugin_options: FIXED is not a setting of plugin vol (settable: DEBUG, API_TOKEN)"),
        (PLUGIN, dict(state="absent"), "force_remove: plugin vol is enabled: disable it first (state=disable), or set force_remove to remove it anyway"),
        (None, dict(state="disable"), "plugin_name: no plugin vol is installed, so it cannot be disabled"),
    ],
)
def test_refusals_name_the_option(actual, params, message):
    with pytest.raises(InvalidOption) as raised:
        plan(actual, **params)
    assert str(raised.value) == message
