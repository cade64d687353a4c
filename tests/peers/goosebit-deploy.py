"""Makes an update wait for one device on a running goosebit, the way an operator would:
the first user set up, a software image uploaded (a minimal SWUpdate .swu: a newc cpio
archive whose first member is sw-description), a rollout of it on the default feed, and
the device's attributes (configData) sent so goosebit takes it as registered.

    python goosebit-deploy.py BASE_URL CONTROLLER_ID

BASE_URL is goosebit itself (plain HTTP on 127.0.0.1), not the TLS proxy in front of it.
Prints `DEPLOYMENT software=<id> rollout=<name>` when done; exits 1 with the reason if not.
Standard library only, so it runs in the test venv without more packages.
"""

import json
import sys
import urllib.parse
import urllib.request

VERSION = "2.0.0"


def cpio_member(name: bytes, data: bytes) -> bytes:
    # newc header: magic and 13 eight-digit hex fields; name and data padded to 4 bytes.
    fields = [1, 0o100644, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name) + 1, 0]
    header = b"070701" + b"".join(b"%08X" % f for f in fields)
    out = header + name + b"\0"
    out += b"\0" * (-len(out) % 4)
    out += data + b"\0" * (-len(data) % 4)
    return out


def swu() -> bytes:
    description = f'software = {{ version = "{VERSION}"; }};\n'.encode()
    return cpio_member(b"sw-description", description) + cpio_member(b"TRAILER!!!", b"")


def call(method, url, body=None, headers=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    base, controller = sys.argv[1].rstrip("/"), sys.argv[2]
    form = urllib.parse.urlencode({"username": "ops@example.org", "password": "loop-studio-test"})
    token = call(
        "POST",
        f"{base}/setup",
        form.encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )["access_token"]
    auth = {"Authorization": f"Bearer {token}"}

    boundary = "loopstudio-boundary"
    upload = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="demo.swu"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + swu() + f"\r\n--{boundary}--\r\n".encode()
    software = call(
        "PUT",
        f"{base}/api/v1/software",
        upload,
        {**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )["id"]

    rollout = {"name": "demo-rollout", "feed": "default", "software_id": software}
    call(
        "PUT",
        f"{base}/api/v1/rollouts",
        json.dumps(rollout).encode(),
        {**auth, "Content-Type": "application/json"},
    )

    attributes = {"data": {"hw_boardname": "default", "hw_revision": "default", "sw_version": "1.0.0"}}
    call(
        "PUT",
        f"{base}/DEFAULT/controller/v1/{urllib.parse.quote(controller)}/configData",
        json.dumps(attributes).encode(),
        {"Content-Type": "application/json"},
    )
    print(f"DEPLOYMENT software={software} rollout=demo-rollout", flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as error:  # the test prints this; any failure is the reason
        print(f"goosebit-deploy: {error}", file=sys.stderr)
        sys.exit(1)
