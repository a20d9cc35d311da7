"""A volume driver plugin for the plugin target: it keeps its volumes' names, and shows its DEBUG setting in
each volume's status, so the test sees that a setting reached the plugin."""

import http.server
import json
import os
import socketserver

VOLUMES = {}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        request = json.loads(self.rfile.read(length) or b"{}")
        name = request.get("Name", "")
        if self.path == "/Plugin.Activate":
            answer = {"Implements": ["VolumeDriver"]}
        elif self.path == "/VolumeDriver.Capabilities":
            answer = {"Capabilities": {"Scope": "local"}}
        elif self.path == "/VolumeDriver.Create":
            VOLUMES[name] = {"Name": name, "Mountpoint": "", "Status": {"debug": os.environ.get("DEBUG", "")}}
            answer = {"Err": ""}
        elif self.path == "/VolumeDriver.Remove":
            VOLUMES.pop(name, None)
            answer = {"Err": ""}
        elif self.path == "/VolumeDriver.Get":
            answer = {"Volume": VOLUMES[name], "Err": ""} if name in VOLUMES else {"Err": "no such volume"}
        elif self.path == "/VolumeDriver.List":
            answer = {"Volumes": list(VOLUMES.values()), "Err": ""}
        elif self.path == "/VolumeDriver.Path":
            answer = {"Mountpoint": "", "Err": ""}
        else:
            answer = {"Err": f"{self.path} is not supported"}
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.docker.plugins.v1+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(socketserver.UnixStreamServer):
    def get_request(self):
        return super().get_request()[0], ("plugin", 0)


Server("/run/docker/plugins/noar.sock", Handler).serve_forever()
