"""Helpers for runme.sh: GET through the proxy, a load loop, the engine's view of the app, a port holder, and a
replica wedged (its processes stopped) until its healthcheck fails."""

import json
import os
import signal
import socket
import sys
import time
import urllib.request


def get(url):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.status, json.loads(answer.read())


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "get":  # get URL KEY: print the answer's KEY
        status, body = get(args[0])
        assert status == 200, status
        print(body[args[1]])
    elif command == "load":  # load URL STOPFILE RESULT: GET until STOPFILE exists (at most 10 min)
        ok, failed, errors, deadline = 0, 0, [], time.monotonic() + 600
        while not os.path.exists(args[1]) and time.monotonic() < deadline:
            try:
                status = get(args[0])[0]
                ok += status == 200
                failed += status != 200
            except Exception as exc:  # pylint: disable=broad-except
                failed += 1
                errors.append(repr(exc))
            time.sleep(0.05)
        with open(args[2], "w", encoding="utf-8") as out:
            json.dump({"ok": ok, "failed": failed, "errors": errors[:10]}, out)
    elif command == "state":  # state PREFIX: Id and StartedAt of the app's containers
        import docker  # pylint: disable=import-outside-toplevel

        client = docker.from_env()
        print(
            json.dumps(
                sorted((c.name, c.id, c.attrs["State"]["StartedAt"]) for c in client.containers.list(all=True, filters={"label": f"noar.docker.app={args[0]}"}))
            )
        )
    elif command == "wedge":  # wedge NAME: stop (SIGSTOP) every process of the container, wait until it is unhealthy
        import docker  # pylint: disable=import-outside-toplevel

        container = docker.from_env().containers.get(args[0])
        top = container.top(ps_args="-eo pid")
        for row in top["Processes"]:
            os.kill(int(row[0]), signal.SIGSTOP)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            container.reload()
            if container.attrs["State"]["Health"]["Status"] == "unhealthy":
                return
            time.sleep(1)
        raise SystemExit(f"{args[0]} did not become unhealthy")
    elif command == "health":  # health NAME: Id, StartedAt and health status of the container
        import docker  # pylint: disable=import-outside-toplevel

        state = docker.from_env().containers.get(args[0]).attrs
        print(state["Id"], state["State"]["StartedAt"], state["State"]["Health"]["Status"])
    elif command == "hold":  # hold PORT: listen on 127.0.0.1:PORT until killed
        sock = socket.socket()
        sock.bind(("127.0.0.1", int(args[0])))
        sock.listen(8)
        while True:
            conn = sock.accept()[0]
            conn.close()
    elif command == "free-port":
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        print(sock.getsockname()[1])
        sock.close()
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
