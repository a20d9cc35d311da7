# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``swarm_info`` returns the join tokens too: the same action as ``swarm`` keeps them out of the output."""

from __future__ import annotations

from ansible_collections.noar.docker.plugins.action.swarm import ActionModule as SwarmAction


class ActionModule(SwarmAction):
    """``swarm``'s action, for ``swarm_info``."""
