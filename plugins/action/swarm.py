# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs ``swarm`` (and, through a subclass, ``swarm_info``) and keeps the swarm's join tokens and unlock key
out of the output.

A module cannot mark its own return values as secret: Ansible either masks a value everywhere (then
the registered result is useless to the nodes that must join) or shows it. The controller side can:
a result that carries tokens is flagged ``_ansible_no_log``, so callbacks show only ``changed`` and
warnings, while the registered variable keeps the values for the next task. Before that, the result
crosses the connection as text that ``-vvv`` prints: each run gives the module a fresh random
``seal_key``, the module seals the secrets with it, and they are opened here.
"""

from __future__ import annotations

import secrets

from ansible.plugins.action import ActionBase

from ansible_collections.noar.docker.plugins.module_utils.swarm import seal


def carries_secrets(result: dict) -> bool:
    facts = result.get("swarm_facts") or {}
    return bool(facts.get("JoinTokens") or facts.get("UnlockKey") or result.get("swarm_unlock_key"))


class ActionModule(ActionBase):
    """The module's own result, hidden from the output when it holds tokens."""

    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        wrap_async = self._task.async_val and not self._connection.has_native_async
        # An async job's result is read later by async_status, which cannot open it: not sealed.
        key = None if wrap_async else secrets.token_hex(32)
        args = dict(self._task.args, seal_key=key) if key else self._task.args
        answer = self._execute_module(module_name=self._task.resolved_action, module_args=args, task_vars=task_vars, wrap_async=wrap_async)
        result.update(seal(answer, key, unseal=True))
        if carries_secrets(result):
            result["_ansible_no_log"] = True
        return result
