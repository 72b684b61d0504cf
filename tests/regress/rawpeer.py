#!/usr/bin/env python3
"""rawpeer.py: a minimal AEMP peer for regress tests.

It connects to a node on 127.0.0.1, does the handshake of PROTOCOL.md 3
with HMAC-SHA3-512 (or sends deliberately bad handshake bytes), sends the
given frames as they are and prints what comes back, one line each:

    greeting <the node's line 1>
    auth ok | auth bad
    recv <frame as compact JSON>
    heartbeats <n>  (how many [""] arrived, at the end)
    closed          (the node closed the connection)
    timeout         (nothing more within --timeout seconds)
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import socket
import sys
import time


def out(*words):
    print(*words, flush=True)


def read_line(sock, buf, deadline):
    """Read one LF-terminated line; return (line or None, rest)."""
    while b"\n" not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            return None, buf
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return None, buf
        except ConnectionError:
            chunk = b""
        if not chunk:
            return b"", buf
        buf += chunk
    line, buf = buf.split(b"\n", 1)
    return line.rstrip(b"\r"), buf


def wait_closed(sock, deadline):
    """Read and discard until EOF; print closed or timeout."""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            out("timeout")
            return
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            out("timeout")
            return
        except ConnectionError:
            chunk = b""
        if not chunk:
            out("closed")
            return


def frames(sock, buf, deadline, want):
    """Print received JSON frames until want arrived, EOF or timeout."""
    dec = json.JSONDecoder()
    text = buf.decode("utf-8", "replace")
    got = 0
    try:
        got = frames_loop(sock, dec, text, deadline, want)
    finally:
        out("heartbeats", HEARTBEATS[0])
    return got


HEARTBEATS = [0]


def frames_loop(sock, dec, text, deadline, want):
    got = 0
    while True:
        text = text.lstrip()
        while text:
            try:
                value, end = dec.raw_decode(text)
            except ValueError:
                break
            text = text[end:].lstrip()
            if value == [""]:
                HEARTBEATS[0] += 1
                continue
            out("recv", json.dumps(value, separators=(",", ":")))
            got += 1
            if want and got >= want:
                return got
        left = deadline - time.monotonic()
        if left <= 0:
            out("timeout")
            return got
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            out("timeout")
            return got
        except ConnectionError:
            chunk = b""
        if not chunk:
            out("closed")
            return got
        text += chunk.decode("utf-8", "replace")


class Peer:
    """One connection to the node, through the handshake."""

    def __init__(self, a, deadline):
        self.a = a
        self.deadline = deadline
        self.sock = socket.create_connection(("127.0.0.1", a.port),
                                             a.timeout)
        self.buf = b""

    def greet(self):
        """Send our two lines and read the node's; False on EOF."""
        a = self.a
        self.l1 = ("aemp;%s;%s;hmac_sha3_512;%s;provider=rawpeer-0.1;"
                   "peeraddr=127.0.0.1:%d" % (a.version, a.node, a.framing,
                                              a.port))
        if a.hb:
            self.l1 += ";hb=%d" % a.hb
        self.l2 = base64.b64encode(os.urandom(66)).decode()
        self.sock.sendall(("%s\n%s\n" % (self.l1, self.l2)).encode())

        r1, self.buf = read_line(self.sock, self.buf, self.deadline)
        r2 = None
        if r1:
            r2, self.buf = read_line(self.sock, self.buf, self.deadline)
        if not r1 or not r2:
            return False
        self.r1, self.r2 = r1.decode(), r2.decode()
        out("greeting", self.r1)
        return True

    def read_auth(self):
        """Read and check the node's auth line; False on EOF."""
        key = self.a.secret.encode()
        theirs = "%s\n%s\n%s\n%s\n" % (self.r1, self.r2, self.l1, self.l2)
        line, self.buf = read_line(self.sock, self.buf, self.deadline)
        if not line:
            return False
        method, rtoken = (line.decode().split(";") + [""])[:2]
        expect = hmac.new(key, theirs.encode(), hashlib.sha3_512).hexdigest()
        out("auth", "ok" if method == "hmac_sha3_512" and
            hmac.compare_digest(rtoken, expect) else "bad")
        return True

    def send_auth(self):
        """Send our auth line (the node sends its own without waiting)."""
        a = self.a
        mine = "%s\n%s\n%s\n%s\n" % (self.l1, self.l2, self.r1, self.r2)
        token = hmac.new(a.secret.encode(), mine.encode(),
                         hashlib.sha3_512).hexdigest()
        self.sock.sendall(("%s;%s;%s\n" % (a.auth, token,
                                            a.framing)).encode())

    def auth(self):
        """Exchange auth lines; False on EOF."""
        if not self.read_auth():
            return False
        self.send_auth()
        return True

    def talk(self):
        """Send the frames, then print what arrives."""
        a = self.a
        try:
            for _ in range(a.repeat):
                for f in a.send:
                    self.sock.sendall(f.encode())
        except ConnectionError:
            out("closed")
            return
        time.sleep(a.sleep)
        frames(self.sock, self.buf, self.deadline, a.expect)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--secret", default="")
    ap.add_argument("--node", default="rawpeer")
    ap.add_argument("--version", default="1")
    ap.add_argument("--framing", default="json")
    ap.add_argument("--auth", default="hmac_sha3_512")
    ap.add_argument("--raw", help="send these bytes (Python escapes) "
                    "instead of a greeting, then wait for the close")
    ap.add_argument("--send", action="append", default=[],
                    help="a data frame, sent as it is")
    ap.add_argument("--expect", type=int, default=0,
                    help="stop after this many frames")
    ap.add_argument("--hb", type=int, default=0,
                    help="advertise hb=N in the greeting (and stay silent)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="send the frames this many times")
    ap.add_argument("--sleep", type=float, default=0,
                    help="seconds to wait before reading the frames")
    ap.add_argument("--switch", action="store_true",
                    help="like the reference in a race: two connections "
                    "greet, both authenticate, the second one talks")
    ap.add_argument("--timeout", type=float, default=5)
    a = ap.parse_args()

    deadline = time.monotonic() + a.timeout
    p = Peer(a, deadline)

    if a.raw is not None:
        data = a.raw.encode().decode("unicode_escape").encode("latin-1")
        p.sock.sendall(data)
        wait_closed(p.sock, deadline)
        return 0

    if a.switch:
        second = Peer(a, deadline)
        if not p.greet() or not second.greet():
            out("closed")
            return 0
        if not p.read_auth() or not second.read_auth():
            out("closed")
            return 0
        p.send_auth()
        time.sleep(0.3)
        second.send_auth()
        out("first:")
        wait_closed(p.sock, deadline)
        out("second:")
        second.talk()
        return 0

    if not p.greet() or not p.auth():
        out("closed")
        return 0
    p.talk()
    return 0


if __name__ == "__main__":
    sys.exit(main())
