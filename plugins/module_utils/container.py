# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Containers: the manager that plans and applies ``container`` tasks.

What each option means lives in ``container_options``; this file decides what to do about the
differences: pull, create, recreate (new container first, under a temporary name), update in place,
connect or disconnect networks, start, stop, pause, restart, remove.
"""

from __future__ import annotations

import re
import signal
import time
from typing import Any, NoReturn

from ansible_collections.noar.docker.plugins.module_utils.client import (
    EngineError,
    api_below,
    connect_endpoint,
    engine_errors,
    engine_on_this_machine,
    find,
    known_drivers,
    require,
)
from ansible_collections.noar.docker.plugins.module_utils.container_options import (
    COMPATIBILITY_DEFAULTS,
    UPDATE_FIELDS,
    Context,
    actual_view,
    create_body,
    desired_view,
    endpoint_body,
    endpoint_matches,
    named_refusal,
    option_matches,
    parse_comparisons,
    restart_problem,
    show,
    update_body,
)
from ansible_collections.noar.docker.plugins.module_utils.converge import Action, Manager, differences
from ansible_collections.noar.docker.plugins.module_utils.image_names import (
    holds_digest,
    reference,
    remote_digest,
    split_name,
)
from ansible_collections.noar.docker.plugins.module_utils.limits import (
    HostLimits,
    check_container,
    drop_unsupported_blkio,
    post_update,
)
from ansible_collections.noar.docker.plugins.module_utils.streams import follow_stream
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption, parse_timestamp

# Differences that are neither a recreate nor a docker update.
NOT_RECREATING = ("networks", "paused")
# The output of a container run with detach false and auto_remove, which the engine removed with its logs.
AUTO_REMOVED_OUTPUT = "Cannot retrieve result as auto_remove is enabled"
# A recreate's new container is named <name><TEMPORARY_INFIX><unix time> until the old one is gone.
TEMPORARY_INFIX = "-noar-"


def _interrupted(signum: int, frame: Any) -> NoReturn:
    """SIGTERM during a recreate: unwind like SIGINT does, so that the recreate settles first."""
    raise KeyboardInterrupt(f"signal {signum}")


def _handle(signum: int, handler: Any) -> Any:
    """signal.signal, where Python allows it (the main thread); returns the previous handler."""
    try:
        return signal.signal(signum, signal.SIG_DFL if handler is None else handler)
    except ValueError:
        return handler


def state_of(container: dict | None) -> str:
    return ((container or {}).get("State") or {}).get("Status") or "absent"


class ContainerManager(Manager):
    """Plans and applies one ``container`` task."""

    def __init__(self, client: Any, params: dict, check_mode: bool = False) -> None:
        self.client = client
        self.params = dict(params)
        if self.params.get("container_default_behavior") == "compatibility":
            for name, default in COMPATIBILITY_DEFAULTS.items():
                if self.params.get(name) is None:
                    self.params[name] = default
        self.name = params["name"]
        self.state = params["state"]
        self.check_mode = check_mode
        self.comparisons: dict = {}
        self.container: dict | None = None  # inspect data, as read or as left by apply
        self.output: str | None = None
        self.status: int | None = None
        self.warnings: list = []
        self.host = HostLimits(client, self.params)
        # Networks and containers another manager creates before this plan is applied (a Compose project's): not
        # missing.
        self.pending_networks: set = set()
        self.pending_containers: set = set()

    # -- reading

    def read(self) -> dict | None:
        self.container = find(self.client, "container", self.name)
        return self.container

    # -- planning

    def _resolve_image(self, actual: dict | None) -> tuple:
        """The image the container must run, pulled per ``pull``; None when the task names none."""
        ref = self.params.get("image")
        if not ref:
            if actual is None:
                raise InvalidOption("image", f"container {self.name} does not exist, so image is needed to create it")
            return None, []
        repository, tag = split_name(ref, option="image")
        ref = reference(repository, tag)
        pull = self.params.get("pull")
        image = find(self.client, "image", ref)
        actions = []
        if pull == "always" and image is not None:
            if self.check_mode and self.params.get("pull_check_mode_behavior") == "always":
                actions.append(
                    Action("pull", ref, reason="pull=always (pull_check_mode_behavior=always)", data=dict(image=ref), returned=dict(pulled_image=ref))
                )
                return image, actions
            # Pulled only when the registry holds another image than the engine, so a re-run is unchanged
            # and check mode knows it.
            digest = remote_digest(self.client, ref, "pulling", "pull")
            if digest is None:
                raise EngineError(f"pulling image {ref} failed: its registry holds no such image")
            if not holds_digest(image, repository, digest):
                actions.append(
                    Action("pull", ref, reason="pull=always: the registry holds another image", data=dict(image=ref), returned=dict(pulled_image=ref))
                )
        elif image is None and pull in ("missing", "always"):
            actions.append(Action("pull", ref, reason="not on the engine", data=dict(image=ref), returned=dict(pulled_image=ref)))
        elif image is None:
            raise InvalidOption("image", f"{ref} is not on the engine and pull is never")
        return image, actions

    def _folding_image(self, image: dict | None, actual: dict | None) -> dict | None:
        """The image whose defaults count as the task's (image_comparison)."""
        if actual is not None and self.params.get("image_comparison") == "current-image":
            return find(self.client, "image", actual.get("Image")) or image
        return image

    def plan(self, actual: dict | None) -> list:
        plan = self._plan(actual)
        if self.state == "absent" or any(a.kind in ("create", "recreate") for a in plan):
            # Before the name is taken again: what an interrupted recreate left (see _apply_recreate).
            leftovers = self._leftovers()
            if leftovers:
                names = [name for name, _id in leftovers]
                plan.insert(
                    0,
                    Action(
                        "remove_leftovers",
                        ", ".join(names),
                        reason="left by an interrupted recreate",
                        before=dict(leftovers=names),
                        after=dict(leftovers=[]),
                        data=dict(ids=[container_id for _name, container_id in leftovers]),
                    ),
                )
        return plan

    def _leftovers(self) -> list:
        """(name, Id) of the temporary containers a recreate of this one left when it was killed."""
        pattern = re.compile("/" + re.escape(self.name) + TEMPORARY_INFIX + r"[0-9]+")
        with engine_errors("listing", f"the temporary containers of {self.name}"):
            listed = self.client.containers(all=True, filters=dict(name=self.name + TEMPORARY_INFIX))
        return sorted((name[1:], c["Id"]) for c in listed for name in c.get("Names") or [] if pattern.fullmatch(name))

    def _plan(self, actual: dict | None) -> list:
        state = self.state
        self.comparisons = parse_comparisons(self.params.get("comparisons"))
        if state == "absent":
            if actual is None:
                return []
            return [Action("remove", self.name, before=dict(state=state_of(actual)), after=dict(state="absent"))]

        image, plan = self._resolve_image(actual)
        ctx = Context(self.params, self._folding_image(image, actual), getattr(self.client, "api_version", "1.41"))
        view = desired_view(self.params, ctx)
        self.warnings.extend(ctx.warnings)
        if view.get("memory_swap") not in (None, 0, -1) and not view.get("memory"):
            raise InvalidOption("memory_swap", "needs memory to be set as well")
        if self.params.get("networks") and not view.get("network_mode") and self.params.get("networks_cli_compatible") is False:
            view["network_mode"] = "bridge"  # the default network too, as community.docker does then
        drop_unsupported_blkio(view, self.params, self.warnings)
        self._resolve_container_modes(view)
        if (
            state == "healthy"
            and (view.get("healthcheck") or {}).get("test") in (None, ["NONE"])
            and not ((image or {}).get("Config") or {}).get("Healthcheck")
            and not (actual and (actual.get("Config") or {}).get("Healthcheck"))
        ):
            raise InvalidOption("state", "healthy needs a healthcheck, from the healthcheck option or the image")
        running_wanted = state in ("started", "healthy")

        if actual is None:
            self._check_references(view)
            problem = restart_problem(view.get("restart_policy"), view.get("restart_retries"))
            if problem:
                raise InvalidOption("restart_retries", problem)
            self.host.check(view)
            after = {name: show(name, value, self.params) for name, value in view.items()}
            after["state"] = "running" if running_wanted else "created"
            plan.append(Action("create", self.name, before=dict(state="absent"), after=after, data=dict(view=view)))
            if running_wanted:
                plan.append(Action("start", self.name))
                if view.get("paused"):
                    plan.append(Action("pause", self.name))
            return plan
        return plan + self._plan_existing(actual, image, view, any(a.kind == "pull" for a in plan))

    def _plan_existing(self, actual: dict, image: dict | None, view: dict, pulling: bool) -> list:
        state, params = self.state, self.params
        running_wanted = state in ("started", "healthy")
        have = actual_view(actual, view)
        differs = differences(view, have, self.comparisons, option_matches)
        before = {name: show(name, old, params) for name, (old, _new) in differs.items()}
        after = {name: show(name, new, params) for name, (_old, new) in differs.items()}
        recreate_for = sorted(n for n in differs if n not in UPDATE_FIELDS and n not in NOT_RECREATING)
        image_reason = self._image_differs(actual, image, pulling)
        if image_reason:
            before["image"], after["image"] = actual.get("Image"), "(pulled)" if pulling else (image or {}).get("Id")
            if image_reason == "image name":
                before["image"], after["image"] = (actual.get("Config") or {}).get("Image"), wanted_ref(params)
            recreate_for = [image_reason] + self._not_from_image(actual, have, recreate_for)
        current = state_of(actual)
        plan = []
        if differs:
            self._check_references(view)
            self.host.check({name: view[name] for name in differs})
        if params.get("recreate") or recreate_for:
            reason = "recreate=true" if not recreate_for else "changed: " + ", ".join(recreate_for)
            plan.append(Action("recreate", self.name, before=before, after=after, reason=reason, data=dict(view=view)))
            # present leaves the new container created, as community.docker does: only started and healthy start it.
            if running_wanted:
                plan.append(Action("start", self.name))
                if view.get("paused"):
                    plan.append(Action("pause", self.name))
            return plan

        updates = sorted(n for n in differs if n in UPDATE_FIELDS)
        if updates:
            check_container(self.client, actual, {**have, **view}, updates, warnings=self.warnings, local=engine_on_this_machine(params))
            plan.append(
                Action(
                    "update",
                    self.name,
                    before={n: before[n] for n in updates},
                    after={n: after[n] for n in updates},
                    reason="in place: " + ", ".join(updates),
                    data=dict(options=updates, view=view),
                )
            )
        if "networks" in differs:
            plan.extend(self._plan_networks(view["networks"], have["networks"], before, after))

        if running_wanted and current not in ("running", "paused"):
            plan.append(Action("start", self.name, before=dict(state=current), after=dict(state="running")))
            if view.get("paused"):
                plan.append(Action("pause", self.name))
        elif state == "stopped" and current in ("running", "paused"):
            plan.append(Action("stop", self.name, before=dict(state=current), after=dict(state="exited")))
        elif running_wanted and params.get("restart"):
            plan.append(Action("restart", self.name, reason="restart=true"))
        elif running_wanted and "paused" in differs:
            kind = "pause" if view["paused"] else "unpause"
            plan.append(Action(kind, self.name, before=dict(paused=have["paused"]), after=dict(paused=view["paused"])))
        return plan

    def _not_from_image(self, actual: dict, have: dict, names: list) -> list:
        """Of ``names`` (options that differ), those that would differ with the container's current image too: the
        others differ only by what the new image brings along (its labels, its environment), which the image change
        already says."""
        old_image = find(self.client, "image", actual.get("Image")) if names else None
        if old_image is None:
            return names
        old_view = desired_view(self.params, Context(self.params, old_image, getattr(self.client, "api_version", "1.41")))
        still = differences({n: old_view[n] for n in names if n in old_view}, have, self.comparisons, option_matches)
        return [n for n in names if n in still or n not in old_view]

    def _image_differs(self, actual: dict, image: dict | None, pulling: bool) -> str:
        """Why the image makes a recreate: ``image`` (another Id), ``image name``, or nothing."""
        if self.comparisons["image"] == "ignore" or image is None and not pulling:
            return ""
        if pulling or (image is not None and image.get("Id") != actual.get("Image")):
            return "image"
        if self.params.get("image_name_mismatch") == "recreate":
            configured = (actual.get("Config") or {}).get("Image") or ""
            try:
                same = configured.startswith("sha256:") or reference(*split_name(configured)) == wanted_ref(self.params)
            except InvalidOption:
                same = False
            if not same:
                return "image name"
        return ""

    def _resolve_container_modes(self, view: dict) -> None:
        """``container:NAME`` modes name a container that must exist; the engine keeps its Id for the
        network, IPC and PID modes, whatever name the task used, so the view does too."""
        for option in ("network_mode", "ipc_mode", "pid_mode"):
            mode = view.get(option) or ""
            if mode.startswith("container:") and mode.split(":", 1)[1] not in self.pending_containers:
                other = require(self.client, "container", mode.split(":", 1)[1], option)
                view[option] = "container:" + other["Id"]

    def _check_references(self, view: dict) -> None:
        """Networks and containers named must exist before anything is applied: the engine only finds
        out when it starts the container."""
        names = [("networks", n) for n in view.get("networks") or {}]
        mode = view.get("network_mode")
        if mode and mode not in ("bridge", "host", "none") and not mode.startswith("container:"):
            names.insert(0, ("network_mode", mode))
        for option, net in names:
            if net not in self.pending_networks:
                require(self.client, "network", net, option)
        for option in ("volumes_from", "links"):
            for other in view.get(option) or []:
                if other.split(":", 1)[0] not in self.pending_containers:
                    require(self.client, "container", other.split(":", 1)[0], option)
        if view.get("log_driver"):
            known = known_drivers(self.client, "Log", builtin=("none",))  # docker info does not list none
            if view["log_driver"] not in known:
                raise InvalidOption("log_driver", f"unknown logging driver {view['log_driver']!r}; this engine has {', '.join(known)}")
        for option in ("network_mode", "pid_mode", "ipc_mode"):
            mode = str(view.get(option) or "")
            if mode.startswith("container:") and mode.split(":", 1)[1] not in self.pending_containers:
                require(self.client, "container", mode.split(":", 1)[1], option)

    def _plan_networks(self, desired: dict, actual: dict, before: dict, after: dict) -> list:
        actions = []
        shown: dict = dict(before=dict(networks=before.get("networks")), after=dict(networks=after.get("networks")))
        for net, want in desired.items():
            have = actual.get(net)
            if endpoint_matches(want, have):
                continue
            if have is not None:
                actions.append(Action("disconnect", f"{self.name} from {net}", reason="aliases or address changed", data=dict(network=net)))
            actions.append(Action("connect", f"{self.name} to {net}", data=dict(network=net, endpoint=want), **shown))
        if self.comparisons["networks"] == "strict":
            for net in actual:
                if net not in desired:
                    actions.append(Action("disconnect", f"{self.name} from {net}", data=dict(network=net), **shown))
        return actions

    # -- applying

    @property
    def inspected(self) -> dict:
        """The container's inspect data: every step but a create applies to a container that read() found or an
        earlier step made."""
        if self.container is None:
            raise EngineError(f"container {self.name} is not there")
        return self.container

    def apply(self, plan: list) -> None:
        for action in plan:
            getattr(self, "_apply_" + action.kind)(action)
        if self.container is not None:
            self.container = find(self.client, "container", self.inspected["Id"]) or self.container

    def _apply_pull(self, action: Action) -> None:
        ref = action.data["image"]
        repository, tag = split_name(ref)
        with engine_errors("pulling", f"image {ref}"):
            follow_stream(self.client.pull(repository, tag=tag, stream=True, decode=True), "pulling", ref)
        if find(self.client, "image", ref) is None:
            raise EngineError(f"pulling image {ref} brought no image")

    def _create(self, name: str, view: dict) -> str:
        # By name, as docker run does, so that docker ps shows it; the Id was already resolved for comparing.
        ref = reference(*split_name(self.params["image"])) if self.params.get("image") else self.inspected["Config"]["Image"]
        body = create_body(view, ref)
        # Only when asked: older Docker SDKs (Debian 12 packages 5.0) have no platform argument.
        platform = dict(platform=self.params["platform"]) if self.params.get("platform") else {}
        try:
            with engine_errors("creating", f"container {self.name}"):
                try:
                    created = self.client.create_container_from_config(body, name=name, **platform)
                except TypeError:
                    raise InvalidOption("platform", "needs Docker SDK for Python 4.4 or later on the managed host") from None
        except EngineError as exc:
            raise named_refusal(exc, view) from None
        self.warnings.extend(created.get("Warnings") or [])
        container_id = created["Id"]
        try:
            primary = body["HostConfig"].get("NetworkMode")
            for net, endpoint in (view.get("networks") or {}).items():
                if net != primary:
                    self._connect(container_id, net, endpoint)
        except EngineError:
            self._remove(container_id)
            raise
        return container_id

    def _connect(self, container_id: str, net: str, want: dict) -> None:
        with engine_errors("connecting", f"container {self.name} to network {net}"):
            connect_endpoint(self.client, container_id, net, endpoint_body(want))

    def _apply_create(self, action: Action) -> None:
        # The actions after a create need only its Id; apply reads the whole container once at the end.
        self.container = dict(Id=self._create(self.name, action.data["view"]))

    def _apply_recreate(self, action: Action) -> None:
        # The new container is made first, under a temporary name, so that a create the engine refuses
        # leaves the old one untouched. Interrupted (SIGINT, SIGTERM), it settles before it exits: one
        # container keeps the name. Killed outright, it leaves the temporary, which the next run removes.
        old = self.inspected
        temporary = f"{self.name}{TEMPORARY_INFIX}{int(time.time())}"
        new_id = self._create(temporary, action.data["view"])
        previous = _handle(signal.SIGTERM, _interrupted)
        try:
            if action.data.get("start_first"):
                self._start_first(new_id, temporary)
            self._stop(old)
            self._remove(old["Id"])
            with engine_errors("renaming", f"container {temporary} to {self.name}"):
                self.client.rename(new_id, self.name)
        except EngineError as exc:
            self._settle(new_id)
            if exc.details.get("status_code") == 404:  # ours was removed as a leftover by a run at the same time
                raise EngineError(
                    f"recreating container {self.name} failed: another run recreated it at the same "
                    f"time and removed this run's new container ({temporary}); run again"
                ) from None
            raise
        except BaseException:
            self._settle(new_id)
            raise
        finally:
            _handle(signal.SIGTERM, previous)
        self.container = dict(Id=new_id)

    def _start_first(self, new_id: str, temporary: str) -> None:
        """Update order start-first: the new container runs, and is healthy when it has a healthcheck, before the
        old one stops, so that a service behind a proxy keeps answering."""
        with engine_errors("starting", f"container {temporary}"):
            self.client.start(new_id)
        new = find(self.client, "container", new_id) or {}
        if ((new.get("Config") or {}).get("Healthcheck") or {}).get("Test") not in (None, [], ["NONE"]):
            self.wait_healthy(self.params.get("healthy_wait_timeout") or 300, temporary)

    def _settle(self, new_id: str) -> None:
        """After a recreate failed or was interrupted past its create: the new container takes the name when
        the old one is gone and nobody else took it, and is removed otherwise. Best effort, uninterrupted."""
        previous = _handle(signal.SIGINT, signal.SIG_IGN)
        try:
            holder = find(self.client, "container", self.name)
            if holder is None:
                self.client.rename(new_id, self.name)
            elif holder["Id"] != new_id:
                self.client.remove_container(new_id, force=True)
        except Exception:  # pylint: disable=broad-except
            pass  # the error that brought us here is the one to report; the next run removes a leftover
        finally:
            _handle(signal.SIGINT, previous)

    def _apply_remove_leftovers(self, action: Action) -> None:
        for container_id in action.data["ids"]:
            with engine_errors("removing", f"container {action.target}"):
                try:
                    self.client.remove_container(container_id, force=True)
                except Exception as exc:  # pylint: disable=broad-except
                    if getattr(exc, "status_code", None) != 404:  # gone meanwhile: what was wanted
                        raise

    def _apply_update(self, action: Action) -> None:
        body = update_body(action.data["view"], self.inspected, action.data["options"])
        self.warnings.extend(post_update(self.client, self.inspected["Id"], self.name, body))

    def _apply_connect(self, action: Action) -> None:
        self._connect(self.inspected["Id"], action.data["network"], action.data["endpoint"])

    def _apply_disconnect(self, action: Action) -> None:
        net = action.data["network"]
        with engine_errors("disconnecting", f"container {self.name} from network {net}"):
            self.client.disconnect_container_from_network(self.inspected["Id"], net)

    def _apply_start(self, action: Action) -> None:
        with engine_errors("starting", f"container {self.name}"):
            self.client.start(self.inspected["Id"])
        if self.params.get("detach") is False:
            self._wait_for_exit()

    def _apply_pause(self, action: Action) -> None:
        with engine_errors("pausing", f"container {self.name}"):
            self.client.pause(self.inspected["Id"])

    def _apply_unpause(self, action: Action) -> None:
        with engine_errors("unpausing", f"container {self.name}"):
            self.client.unpause(self.inspected["Id"])

    def _wait_for_exit(self) -> None:
        with engine_errors("waiting for", f"container {self.name}"):
            self.status = self.client.wait(self.inspected["Id"]).get("StatusCode")
        if self.params.get("auto_remove"):
            # The engine removes it as it exits, logs and all; community.docker's words for that.
            self.output = AUTO_REMOVED_OUTPUT
            if self.params.get("output_logs"):
                self.warnings.append("Cannot output_logs if auto_remove is enabled!")
            return
        try:
            with engine_errors("reading the output of", f"container {self.name}"):
                self.output = self.client.logs(self.inspected["Id"], stdout=True, stderr=True).decode("utf-8", "replace")
        except EngineError:
            self.output = None  # a logging driver the engine cannot read back (none, syslog, ...), or auto_remove
        if self.params.get("cleanup"):
            final = find(self.client, "container", self.inspected["Id"])  # None with auto_remove
            if final is not None:
                self.container = final
                self._remove(final["Id"])
            self.container = dict(self.inspected, Output=self.output)

    def _apply_stop(self, action: Action) -> None:
        self._stop(self.inspected)

    def _stop_timeout(self, container: dict) -> int:
        """The task's stop_timeout, else the container's own, else the engine's default of 10 s."""
        if self.params.get("stop_timeout") is not None:
            return self.params["stop_timeout"]
        configured = (container.get("Config") or {}).get("StopTimeout")
        return configured if configured is not None else 10

    def _stop(self, container: dict) -> None:
        """Stop gracefully (the stop signal, then a kill after the stop timeout), or kill with force_kill."""
        if self.params.get("force_kill"):
            try:
                with engine_errors("killing", f"container {self.name}"):
                    self.client.kill(container["Id"], signal=self.params.get("kill_signal"))
            except EngineError as exc:
                if exc.details.get("status_code") != 409:  # 409: not running, nothing to kill
                    raise
            return
        try:
            with engine_errors("stopping", f"container {self.name}"):
                self.client.stop(container["Id"], timeout=self._stop_timeout(container))
        except EngineError as exc:
            if exc.details.get("status_code") != 404:  # removed meanwhile (another run): nothing to stop
                raise

    def _apply_restart(self, action: Action) -> None:
        with engine_errors("restarting", f"container {self.name}"):
            self.client.restart(self.inspected["Id"], timeout=self._stop_timeout(self.inspected))

    def _apply_remove(self, action: Action) -> None:
        # Stopped first, so that removing a running container gives it its stop signal and timeout
        # (or kills it with force_kill), as docker stop && docker rm do.
        if state_of(self.container) in ("running", "restarting", "paused"):
            self._stop(self.inspected)
        self._remove(self.inspected["Id"])
        self.container = None

    def _remove(self, container_id: str) -> None:
        with engine_errors("removing", f"container {self.name}"):
            try:
                self.client.remove_container(container_id, force=True, v=not self.params.get("keep_volumes", True))
            except Exception as exc:  # pylint: disable=broad-except
                # auto_remove: the engine may be removing it already.
                if getattr(exc, "status_code", None) not in (404, 409):
                    raise
        self._wait_removed(container_id)

    def _wait_removed(self, container_id: str) -> None:
        """The engine may still be removing it under I/O load; wait at most removal_wait_timeout."""
        limit = self.params.get("removal_wait_timeout")
        deadline = None if limit is None else time.monotonic() + limit
        while find(self.client, "container", container_id) is not None:
            if deadline is not None and time.monotonic() > deadline:
                raise EngineError(f"container {self.name} was still being removed after {limit:g} s (removal_wait_timeout)")
            time.sleep(0.1)

    # -- waiting and results

    def wait_healthy(self, timeout: float, name: str = "", through_unhealthy: bool = False) -> None:
        """Wait until the container's (or container ``name``'s) healthcheck passes; fail with its last output when it
        does not. ``through_unhealthy`` (state healthy, as community.docker) waits on while the container is unhealthy,
        since a later check may pass, until ``timeout`` (no limit when it is 0 or less)."""
        started = time.monotonic()
        deadline = started + timeout if timeout > 0 else float("inf")
        resumed = False
        name = name or self.name
        while True:
            container = find(self.client, "container", name)
            state = (container or {}).get("State") or {}
            health = state.get("Health") or {}
            status = health.get("Status")
            if container is not None and not resumed and health_stalled(container, getattr(self.client, "api_version", "1.41"), time.time()):
                # Pausing and unpausing makes the engine start the container's health monitor again.
                with engine_errors("resuming the healthcheck of", f"container {name}"):
                    self.client.pause(container["Id"])
                    self.client.unpause(container["Id"])
                self.warnings.append(
                    f"the engine had stopped running the healthcheck of container {name} (engines "
                    "before 23.0 do after a restart with live-restore, moby/moby#41871); resumed it "
                    "by pausing and unpausing the container"
                )
                resumed = True
                continue
            if status == "healthy":
                if name == self.name:
                    self.container = container
                return
            if not state.get("Running"):
                raise EngineError(f"container {name} stopped while waiting for it to be healthy (exit code {state.get('ExitCode')})")
            if (status == "unhealthy" and not through_unhealthy) or time.monotonic() > deadline:
                log = health.get("Log") or []
                last = (log[-1].get("Output") or "").strip() if log else ""
                why = (
                    "is unhealthy"
                    if time.monotonic() <= deadline
                    else (
                        f"was not healthy within the {timeout:g} s timeout (waited {time.monotonic() - started:.1f} seconds); "
                        f"its health is {status or 'unknown'}"
                    )
                )
                raise EngineError(f"container {name} {why}; last healthcheck output: {last or '(none)'}", container=container)
            time.sleep(0.5)

    def result(self) -> dict:
        result: dict = dict(container=self.container or {})
        if self.status is not None:
            result["status"] = self.status
            result["output"] = self.output
            result["container"] = dict(result["container"], Output=self.output)
        return result


def health_stalled(container: dict | None, api_version: str, now: float) -> bool:
    """Whether the engine no longer runs the container's healthcheck: engines before 23.0 (API 1.42) stop it for the
    containers they live-restore after a restart, and keep showing the last status (moby/moby#41871)."""
    if not api_below(api_version, "1.42"):
        return False
    container = container or {}
    state = container.get("State") or {}
    health = state.get("Health")
    if not health or not state.get("Running") or state.get("Paused"):
        return False
    check = (container.get("Config") or {}).get("Healthcheck") or {}
    second = 1e9
    interval = (check.get("Interval") or 30 * second) / second
    timeout = (check.get("Timeout") or 30 * second) / second
    start_period = (check.get("StartPeriod") or 0) / second
    log = health.get("Log") or []
    last = parse_timestamp(log[-1].get("End") if log else state.get("StartedAt"))
    return last is not None and now - last > start_period + interval + timeout + 10


def wanted_ref(params: dict) -> str:
    return reference(*split_name(params["image"]))
