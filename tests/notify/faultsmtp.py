#!/usr/bin/env python3
"""A scripted SMTP server with faults on purpose, for tests/notify/test_smtp.sh.

A real socket server on loopback (one thread per connection). What it does
with a message is scripted by the recipient's local part:

  ok           accept
  rcpt450      450 4.2.0 to RCPT          rcpt452   452 4.5.3 to RCPT
  rcpt550      550 5.1.1 to RCPT          rcpt421   421 to RCPT, close
  data554      554 5.7.1 after the dot    data451   451 4.3.0 after the dot
  dot421       421 4.3.2 after the dot, close
  dropdata     close in the middle of the payload
  dropdot      read the whole payload, close without a reply
  stalldot     read the whole payload, never reply
  multi        a multi-line reply to the dot, with a bare LF
  longline     a 5000-byte reply line to RCPT (a protocol error)
Anything after a '-' only tells recipients apart. A word ending in "once"
does that only the first time the recipient is seen, then accepts (for
resend tests).

Per server (options): --no-pipelining (and then a command that arrives
before the reply to the previous one gets 503: lock-step is checked),
--no-ehlo (502 to EHLO), --size N, --starttls CERT KEY, --implicit-tls CERT
KEY, --auth MECHS --user U --password P (AUTH before MAIL), --greet421 N
(the first N connections get 421), --stall-greeting, --odd (multi-line
greeting, bare LF, lower-case extensions, an EHLO reply ending in "250").
--port-file F gets the port; --log F a line "ACCEPT ID tls=T auth=A" per
accepted message (ID from its X-Test-Id header).
"""
import argparse
import base64
import os
import socket
import socketserver
import ssl
import sys
import threading
import time

lock = threading.Lock()
seen = {}
connections = [0]


class Conn:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def readline(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r")

    def pending(self):
        """Bytes the client sent ahead (lock-step check)."""
        if self.buf:
            return True
        try:
            self.sock.setblocking(False)
            data = self.sock.recv(65536)
            if data:
                self.buf += data
                return True
            return False
        except (BlockingIOError, ssl.SSLWantReadError):
            return False
        finally:
            self.sock.setblocking(True)

    def send(self, text):
        self.sock.sendall(text.encode())


def behaviour(rcpt):
    """The action for a recipient: its local part up to a '-' (the rest
    tells messages apart: "dropdataonce-3")."""
    local = rcpt.split("@", 1)[0]
    act = local.split("-", 1)[0]
    with lock:
        n = seen.get(local, 0)
        seen[local] = n + 1
    if act.endswith("once"):
        return act[:-4] if n == 0 else "ok"
    return act


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        o = self.server.opts
        sock = self.request
        with lock:
            connections[0] += 1
            nconn = connections[0]
        try:
            if o.implicit_tls:
                sock = self.server.tls.wrap_socket(sock, server_side=True)
            c = Conn(sock)
            if nconn <= o.greet421:
                c.send("421 4.3.2 fault.test busy, try later\r\n")
                return
            if o.stall_greeting:
                time.sleep(30)
                return
            if o.odd:
                c.send("220-fault.test ESMTP\r\n220-odd\n220 ready\r\n")
            else:
                c.send("220 fault.test ESMTP\r\n")
            self.session(c, o)
        except (EOFError, ConnectionError, ssl.SSLError, OSError):
            pass
        finally:
            try:
                sock.close()
            except OSError:
                pass

    def ehlo_reply(self, c, o, tls):
        ext = []
        if not o.no_pipelining:
            ext.append("PIPELINING")
        if o.size:
            ext.append("SIZE %d" % o.size)
        if o.starttls and not tls:
            ext.append("STARTTLS")
        if o.auth:
            ext.append("AUTH " + " ".join(o.auth.split(",")))
        ext.append("ENHANCEDSTATUSCODES")
        ext.append("8BITMIME")
        if o.odd:
            ext = [e.lower() for e in ext]
            lines = ["250-fault.test"] + ["250-" + e for e in ext] + ["250"]
            c.send("\n".join(lines) + "\r\n")
        else:
            lines = ["250-fault.test"] + ["250-" + e for e in ext[:-1]]
            lines.append("250 " + ext[-1])
            c.send("\r\n".join(lines) + "\r\n")

    def session(self, c, o):
        tls = o.implicit_tls
        authed = None
        mail = None
        rcpt = None
        act = None
        while True:
            line = c.readline().decode("ascii", "replace")
            cmd = line.split(" ", 1)[0].upper()
            if o.no_pipelining and cmd not in ("QUIT",) and c.pending():
                c.send("503 5.5.0 pipelining not allowed here\r\n")
                return
            if cmd == "EHLO":
                if o.no_ehlo:
                    c.send("502 5.5.2 Error: command not recognized\r\n")
                else:
                    self.ehlo_reply(c, o, tls)
            elif cmd == "HELO":
                c.send("250 fault.test\r\n")
            elif cmd == "STARTTLS" and o.starttls and not tls:
                if c.buf:
                    c.send("554 5.5.1 data after STARTTLS\r\n")
                    return
                c.send("220 2.0.0 Ready to start TLS\r\n")
                c.sock = self.server.tls.wrap_socket(c.sock, server_side=True)
                tls = True
                authed = None
            elif cmd == "AUTH" and o.auth:
                authed = self.auth(c, o, line)
                if authed is None:
                    return
                if authed:
                    c.send("235 2.7.0 Authentication successful\r\n")
                else:
                    c.send("535 5.7.8 Error: authentication failed\r\n")
            elif cmd == "MAIL":
                if o.auth and not authed:
                    c.send("530 5.7.0 Authentication required\r\n")
                    continue
                up = line.upper()
                if o.size and " SIZE=" in up:
                    n = int(up.split(" SIZE=", 1)[1].split()[0])
                    if n > o.size:
                        c.send("552 5.3.4 Message size exceeds limit\r\n")
                        continue
                mail = line
                rcpt = None
                c.send("250 2.1.0 Ok\r\n")
            elif cmd == "RCPT":
                if mail is None:
                    c.send("503 5.5.1 Error: need MAIL command\r\n")
                    continue
                addr = line.split(":", 1)[1].strip().strip("<>")
                act = behaviour(addr)
                if act == "rcpt450":
                    c.send("450 4.2.0 <%s>: mailbox busy\r\n" % addr)
                elif act == "rcpt452":
                    c.send("452 4.5.3 Error: too many recipients\r\n")
                elif act == "rcpt550":
                    c.send("550 5.1.1 <%s>: Recipient address rejected\r\n"
                           % addr)
                elif act == "longline":
                    c.send("250 2.1.5 " + "x" * 5000 + "\r\n")
                elif act == "rcpt421":
                    c.send("421 4.7.0 fault.test closing\r\n")
                    return
                else:
                    rcpt = addr
                    c.send("250 2.1.5 Ok\r\n")
            elif cmd == "DATA":
                if mail is None or rcpt is None:
                    c.send("554 5.5.1 Error: no valid recipients\r\n")
                    continue
                c.send("354 End data with <CR><LF>.<CR><LF>\r\n")
                if not self.data(c, o, act, tls, authed):
                    return
                mail = rcpt = None
            elif cmd == "RSET":
                mail = rcpt = None
                c.send("250 2.0.0 Ok\r\n")
            elif cmd == "NOOP":
                c.send("250 2.0.0 Ok\r\n")
            elif cmd == "QUIT":
                c.send("221 2.0.0 Bye\r\n")
                return
            else:
                c.send("502 5.5.2 Error: command not recognized\r\n")

    def auth(self, c, o, line):
        parts = line.split()
        mechs = o.auth.upper().split(",")
        mech = parts[1].upper() if len(parts) > 1 else ""
        if mech not in mechs:
            c.send("504 5.5.4 unsupported mechanism\r\n")
            return False
        if mech == "PLAIN":
            if len(parts) > 2:
                resp = parts[2]
            else:
                c.send("334 \r\n")
                resp = c.readline().decode()
            raw = base64.b64decode(resp)
            _, user, pw = raw.split(b"\0", 2)
        else:
            c.send("334 VXNlcm5hbWU6\r\n")
            user = base64.b64decode(c.readline())
            c.send("334 UGFzc3dvcmQ6\r\n")
            pw = base64.b64decode(c.readline())
        ok = user.decode() == o.user and pw.decode() == o.password
        return user.decode() if ok else False

    def data(self, c, o, act, tls, authed):
        lines = []
        while True:
            line = c.readline()
            if act == "dropdata" and len(lines) >= 3:
                return False
            if line == b".":
                break
            if line.startswith(b"."):
                line = line[1:]
            lines.append(line)
        if act == "dropdot":
            return False
        if act == "stalldot":
            time.sleep(30)
            return False
        if act == "data554":
            c.send("554 5.7.1 Message rejected by policy\r\n")
            return True
        if act == "data451":
            c.send("451 4.3.0 Error: queue file write error\r\n")
            return True
        if act == "dot421":
            c.send("421 4.3.2 fault.test shutting down\r\n")
            return False
        test_id = "?"
        for line in lines:
            if not line:
                break
            if line.lower().startswith(b"x-test-id:"):
                test_id = line.split(b":", 1)[1].strip().decode()
        if o.log:
            with lock:
                with open(o.log, "a") as f:
                    f.write("ACCEPT %s tls=%d auth=%s\n"
                            % (test_id, 1 if tls else 0, authed or "-"))
        if act == "multi":
            c.send("250-2.0.0 Ok\n250-2.0.0 second line\r\n"
                   "250 2.0.0 queued as ABC123\r\n")
        else:
            c.send("250 2.0.0 Ok: queued as Q%s\r\n" % test_id)
        return True


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--log")
    p.add_argument("--no-pipelining", action="store_true")
    p.add_argument("--no-ehlo", action="store_true")
    p.add_argument("--size", type=int, default=0)
    p.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--implicit-tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--auth")
    p.add_argument("--user", default="")
    p.add_argument("--password", default="")
    p.add_argument("--greet421", type=int, default=0)
    p.add_argument("--stall-greeting", action="store_true")
    p.add_argument("--odd", action="store_true")
    p.add_argument("--rcvbuf", type=int, default=0)
    p.add_argument("--lifetime", type=float, default=120)
    o = p.parse_args()
    srv = Server(("127.0.0.1", 0), Handler, bind_and_activate=False)
    if o.rcvbuf:
        # Inherited by accepted sockets: a small window, so that a client
        # cannot have written a large payload whole before a drop.
        srv.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, o.rcvbuf)
    srv.server_bind()
    srv.server_activate()
    srv.opts = o
    pair = o.starttls or o.implicit_tls
    if pair:
        srv.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        srv.tls.load_cert_chain(pair[0], pair[1])
    tmp = o.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, o.port_file)
    # Stop by itself: a test that dies must not leave it running.
    threading.Timer(o.lifetime, lambda: os._exit(0)).start()
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
