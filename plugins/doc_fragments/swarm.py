# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The option of the modules whose results hold the swarm's join tokens and unlock key (swarm, swarm_info)."""

    DOCUMENTATION = r"""
options:
  seal_key:
    description:
      - Set by the collection's action plugin on every run, not by playbooks. The module returns the join tokens
        and the unlock key sealed with it, and the action plugin opens them on the controller, so that the text
        that crosses the connection (which C(-vvv) prints) never holds them.
      - Under C(async), whose result C(async_status) reads later, they are not sealed, so keep C(-vvv) off such runs.
    type: str
"""
