#!/usr/bin/env python3
"""browser.py - drive headless Chromium over the DevTools protocol (on a
pipe: --remote-debugging-pipe, no port, no npm) for test_serve_browser.sh.

usage: browser.py CHROMIUM OUTDIR STEPS.json

Every step loads one page in a tab with JavaScript disabled
(Emulation.setScriptExecutionDisabled) and a 1000x1400 viewport, then
writes OUTDIR/NAME.png (the screenshot), NAME.html (the DOM as rendered)
and NAME.txt (its text), and adds to OUTDIR/result.json what the network
saw: the document's status, method and headers, every request the page
made (URL and initiator) and the console's security messages. A step:

  {"name": "home", "url": "http://127.0.0.1:PORT/"}
  {"name": "x", "url": ..., "type": {"#code": "text"}, "click": "SELECTOR"}
      load url, type the text into each field (real key input), click
      the element (real mouse events) and wait for the page it submits to
  {"name": "d", "url": ..., "auth": ["user", "password"]}
      answer the HTTP authentication challenge as a person would in the
      browser's dialogue; "auth": "cancel" dismisses it

Only the Python standard library. Exit 0 when every step loaded; the
checks are the caller's.
"""
import base64
import fcntl
import html.parser
import json
import os
import select
import subprocess
import sys
import time

LOAD_TIMEOUT = 30.0
WIDTH, HEIGHT = 1000, 1400


class Browser:
    def __init__(self, exe, profile):
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()
        # well above 4 so that the dup2s below cannot clobber each other
        hi_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD_CLOEXEC, 10)
        hi_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_chrome_r)
        os.close(from_chrome_w)

        def child():
            os.dup2(hi_r, 3)  # inheritable: Chromium reads commands on 3
            os.dup2(hi_w, 4)  # and writes answers and events on 4

        self.log = open(os.path.join(os.path.dirname(profile),
                                     "chrome.log"), "ab")
        self.proc = subprocess.Popen(
            [exe, "--headless=new", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--disable-extensions", "--hide-scrollbars",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-default-apps",
             "--user-data-dir=" + profile, "--remote-debugging-pipe",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
            preexec_fn=child, close_fds=False)
        os.close(hi_r)
        os.close(hi_w)
        self.w = to_chrome_w
        self.r = from_chrome_r
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.handlers = {}

    def close(self):
        try:
            self.send("Browser.close", wait=False)
        except OSError:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.w)
        os.close(self.r)
        self.log.close()

    def _read(self, deadline):
        """One message from Chromium, or None at the deadline."""
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.r], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.r, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def _dispatch(self, m):
        h = self.handlers.get(m.get("method"))
        if h is not None:
            h(m)
        self.events.append(m)

    def send(self, method, params=None, session=None, wait=True,
             timeout=LOAD_TIMEOUT):
        self.next_id += 1
        mid = self.next_id
        m = {"id": mid, "method": method, "params": params or {}}
        if session is not None:
            m["sessionId"] = session
        data = json.dumps(m).encode() + b"\0"
        while data:
            data = data[os.write(self.w, data):]
        if not wait:
            return None
        deadline = time.monotonic() + timeout
        while True:
            r = self._read(deadline)
            if r is None:
                raise RuntimeError("no answer to " + method)
            if r.get("id") == mid:
                if "error" in r:
                    raise RuntimeError("%s: %s" % (method, r["error"]))
                return r.get("result", {})
            if "method" in r:
                self._dispatch(r)

    def wait_event(self, pred, timeout=LOAD_TIMEOUT):
        """Wait for an event pred() accepts (already seen ones count)."""
        deadline = time.monotonic() + timeout
        while True:
            for e in self.events:
                if pred(e):
                    return e
            r = self._read(deadline)
            if r is None:
                raise RuntimeError("timed out waiting for the page")
            if "method" in r:
                self._dispatch(r)


class Text(html.parser.HTMLParser):
    """The text of a page as a reader sees it (no head, script, style)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in ("head", "script", "style", "title"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("head", "script", "style", "title") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)

    def text(self):
        return " ".join(" ".join(self.parts).split())


def run_step(b, sid, step, out):
    res = {"name": step["name"], "requests": [], "console": []}
    b.events = []
    auth = step.get("auth")
    if auth is not None:
        def paused(m):
            if m.get("sessionId") == sid:
                b.send("Fetch.continueRequest",
                       {"requestId": m["params"]["requestId"]}, sid,
                       wait=False)

        def challenged(m):
            if m.get("sessionId") != sid:
                return
            if auth == "cancel":
                r = {"response": "CancelAuth"}
            else:
                r = {"response": "ProvideCredentials", "username": auth[0],
                     "password": auth[1]}
            res["challenged"] = m["params"]["authChallenge"].get("scheme")
            b.send("Fetch.continueWithAuth",
                   {"requestId": m["params"]["requestId"],
                    "authChallengeResponse": r}, sid, wait=False)

        b.handlers["Fetch.requestPaused"] = paused
        b.handlers["Fetch.authRequired"] = challenged
        b.send("Fetch.enable", {"handleAuthRequests": True,
                                "patterns": [{"urlPattern": "*"}]}, sid)

    def loaded(e):
        return (e.get("sessionId") == sid and
                e.get("method") == "Page.loadEventFired")

    b.send("Page.navigate", {"url": step["url"]}, sid)
    b.wait_event(loaded)
    if "click" in step:
        doc = b.send("DOM.getDocument", {"depth": 0}, sid)["root"]["nodeId"]
        for sel, text in step.get("type", {}).items():
            node = b.send("DOM.querySelector",
                          {"nodeId": doc, "selector": sel}, sid)["nodeId"]
            if not node:
                raise RuntimeError("no " + sel)
            b.send("DOM.focus", {"nodeId": node}, sid)
            for ch in text:
                b.send("Input.dispatchKeyEvent",
                       {"type": "keyDown", "text": ch, "key": ch}, sid)
                b.send("Input.dispatchKeyEvent",
                       {"type": "keyUp", "key": ch}, sid)
        node = b.send("DOM.querySelector",
                      {"nodeId": doc, "selector": step["click"]},
                      sid)["nodeId"]
        if not node:
            raise RuntimeError("no " + step["click"])
        b.send("DOM.scrollIntoViewIfNeeded", {"nodeId": node}, sid)
        q = b.send("DOM.getContentQuads", {"nodeId": node}, sid)["quads"][0]
        x = sum(q[0::2]) / 4
        y = sum(q[1::2]) / 4
        b.events = []
        for kind in ("mousePressed", "mouseReleased"):
            b.send("Input.dispatchMouseEvent",
                   {"type": kind, "x": x, "y": y, "button": "left",
                    "clickCount": 1}, sid)
        b.wait_event(loaded)
    if auth is not None:
        b.send("Fetch.disable", {}, sid)
        b.handlers.clear()

    # what the network and the console saw of this page
    for e in b.events:
        if e.get("sessionId") != sid:
            continue
        p = e.get("params", {})
        if e["method"] == "Network.requestWillBeSent":
            res["requests"].append({"url": p["request"]["url"],
                                    "method": p["request"]["method"],
                                    "type": p.get("type"),
                                    "initiator": p["initiator"]["type"]})
        elif (e["method"] == "Network.responseReceived" and
              p.get("type") == "Document"):
            r = p["response"]
            res["url"] = r["url"]
            res["status"] = r["status"]
            res["headers"] = {k.lower(): v for k, v in r["headers"].items()}
        elif e["method"] == "Log.entryAdded":
            en = p["entry"]
            res["console"].append("%s/%s: %s" % (en["source"], en["level"],
                                                 en["text"]))
    for r in res["requests"]:
        if r["type"] == "Document":
            res["method"] = r["method"]

    shot = b.send("Page.captureScreenshot", {"format": "png"}, sid)
    with open(os.path.join(out, step["name"] + ".png"), "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    doc = b.send("DOM.getDocument", {"depth": 0}, sid)["root"]
    dom = b.send("DOM.getOuterHTML", {"nodeId": doc["nodeId"]}, sid)
    with open(os.path.join(out, step["name"] + ".html"), "w",
              encoding="utf-8") as f:
        f.write(dom["outerHTML"])
    t = Text()
    t.feed(dom["outerHTML"])
    t.close()
    with open(os.path.join(out, step["name"] + ".txt"), "w",
              encoding="utf-8") as f:
        f.write(t.text() + "\n")
    return res


def main():
    exe, out, steps_file = sys.argv[1:4]
    steps = json.load(open(steps_file, encoding="utf-8"))
    b = Browser(exe, os.path.join(out, "profile"))
    results, rc = {}, 0
    try:
        tid = b.send("Target.createTarget", {"url": "about:blank"})
        sid = b.send("Target.attachToTarget",
                     {"targetId": tid["targetId"], "flatten": True})
        sid = sid["sessionId"]
        for m in ("Page.enable", "Network.enable", "Log.enable"):
            b.send(m, {}, sid)
        b.send("Network.setCacheDisabled", {"cacheDisabled": True}, sid)
        b.send("Emulation.setScriptExecutionDisabled", {"value": True}, sid)
        b.send("Emulation.setDeviceMetricsOverride",
               {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1,
                "mobile": False}, sid)
        for step in steps:
            try:
                results[step["name"]] = run_step(b, sid, step, out)
            except RuntimeError as e:
                results[step["name"]] = {"error": str(e)}
                print("%s: %s" % (step["name"], e), file=sys.stderr)
                rc = 1
    finally:
        b.close()
    with open(os.path.join(out, "result.json"), "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1)
    return rc


if __name__ == "__main__":
    sys.exit(main())
