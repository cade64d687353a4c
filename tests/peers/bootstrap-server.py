"""A LwM2M bootstrap server for the tests, on aiocoap (no packaged one exists).

It follows LwM2M 1.1 Core §6.1: it answers a client's Bootstrap-Request (POST /bs?ep=…)
with 2.04, then, from the same socket, sends Delete "/", a Write of a Security instance
(/0/1) in TLV, a Write of a Server instance (/1/0) in SenML JSON, a plain-text Write of the
lifetime (/1/0/1), and Bootstrap-Finish (POST /bs). It provisions the server named by
--server-uri, with NoSec, or with PSK when --psk-identity and --psk-key are given.

Faults for the tests (--mode): reject (4.03 to the request), silent (2.04, then nothing),
no-finish (everything but Bootstrap-Finish), unusable (only a bootstrap account).

    python bootstrap-server.py PORT --server-uri coap://127.0.0.1:5683 [--mode good]

Prints READY, then one line per request sent and the code it got, flushed.
"""

import argparse
import asyncio
import json
import struct
import sys

import aiocoap
import aiocoap.resource as resource
from aiocoap import Code, Message

TLV = 11542
SENML_JSON = 110
TEXT = 0


def say(line):
    print(line, flush=True)


def tlv_resource(rid, value):
    """One TLV resource entry (LwM2M 1.1 Core §7.4.3)."""
    head = 0xC0
    rid_bytes = bytes([rid]) if rid < 256 else struct.pack(">H", rid)
    if rid >= 256:
        head |= 0x20
    n = len(value)
    if n < 8:
        head |= n
        length = b""
    elif n < 256:
        head |= 0x08
        length = bytes([n])
    else:
        head |= 0x10
        length = struct.pack(">H", n)
    return bytes([head]) + rid_bytes + length + value


def tlv_int(value):
    for fmt, lo, hi in ((">b", -128, 127), (">h", -32768, 32767), (">i", -(2**31), 2**31 - 1)):
        if lo <= value <= hi:
            return struct.pack(fmt, value)
    return struct.pack(">q", value)


def security_instance(args):
    if args.mode == "unusable":
        # Only a bootstrap-server account: nothing to register with afterwards.
        return tlv_resource(0, b"coap://127.0.0.1:1") + tlv_resource(1, b"\x01") + tlv_resource(2, tlv_int(3))
    psk = args.psk_identity is not None
    body = tlv_resource(0, args.server_uri.encode())
    body += tlv_resource(1, b"\x00")
    body += tlv_resource(2, tlv_int(0 if psk else 3))
    if psk:
        body += tlv_resource(3, args.psk_identity.encode())
        body += tlv_resource(5, args.psk_key.encode())
    body += tlv_resource(10, tlv_int(101))
    return body


def server_instance():
    records = [
        {"bn": "/1/0/", "n": "0", "v": 101},
        {"n": "1", "v": 86400},
        {"n": "6", "vb": False},
        {"n": "7", "vs": "U"},
    ]
    return json.dumps(records).encode()


async def provision(context, remote, args):
    await asyncio.sleep(0.05)
    steps = [(Code.DELETE, (), None, b"")]
    steps.append((Code.PUT, ("0", "1"), TLV, security_instance(args)))
    if args.mode != "unusable":
        steps.append((Code.PUT, ("1", "0"), SENML_JSON, server_instance()))
        steps.append((Code.PUT, ("1", "0", "1"), TEXT, b"300"))
    if args.mode != "no-finish":
        steps.append((Code.POST, ("bs",), None, b""))
    for code, path, fmt, payload in steps:
        request = Message(code=code, uri_path=path, payload=payload)
        if fmt is not None:
            request.opt.content_format = fmt
        request.remote = remote
        try:
            response = await context.request(request).response
            say(f"SENT {code} /{'/'.join(path)} -> {response.code}")
        except Exception as error:  # the tests read the log; keep going
            say(f"SENT {code} /{'/'.join(path)} -> ERROR {error}")
            return


class BootstrapRequest(resource.Resource):
    def __init__(self, args):
        super().__init__()
        self.args = args
        self.context = None

    async def render_post(self, request):
        endpoint = [q[3:] for q in request.opt.uri_query if q.startswith("ep=")]
        say(f"BOOTSTRAP-REQUEST ep={endpoint[0] if endpoint else ''}")
        if not endpoint:
            return Message(code=Code.BAD_REQUEST, payload=b"no endpoint name")
        if self.args.mode == "reject":
            return Message(code=Code.FORBIDDEN, payload=b"unknown endpoint")
        if self.args.mode != "silent":
            asyncio.get_running_loop().create_task(provision(self.context, request.remote, self.args))
        return Message(code=Code.CHANGED)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--server-uri", required=True)
    parser.add_argument("--mode", default="good", choices=["good", "reject", "silent", "no-finish", "unusable"])
    parser.add_argument("--psk-identity")
    parser.add_argument("--psk-key")
    args = parser.parse_args()
    root = resource.Site()
    bs = BootstrapRequest(args)
    root.add_resource(["bs"], bs)
    bs.context = await aiocoap.Context.create_server_context(root, bind=("127.0.0.1", args.port))
    say(f"READY {args.port}")
    await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
