#!/bin/sh
# The SMTP client (src/notify/smtp.c) against real peers, as TAP: Postfix's
# smtp-sink with its dump of every message (skipped without postfix), and
# the scripted fault server tests/notify/faultsmtp.py with TLS through a
# certificate made here by the openssl command.
# usage: test_smtp.sh SMTP_DRIVER   (env TOCSIN_SOURCE_ROOT: the source tree)
driver=$1
case $driver in
/*) ;;
*) driver=$(pwd)/$driver ;;
esac
root=${TOCSIN_SOURCE_ROOT:?}
fault="$root/tests/notify/faultsmtp.py"
work=$(mktemp -d) || exit 1
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
cd "$work" || exit 1

echo "1..36"
n=0
ok() {
    n=$((n + 1))
    echo "ok $n - $1"
}
not_ok() {
    n=$((n + 1))
    echo "not ok $n - $1"
    if [ -s out ]; then sed 's/^/# out: /' out | head -40; fi
    if [ -s err ]; then sed 's/^/# err: /' err | head -20; fi
}
check() { # check STATUS WHAT
    if [ "$1" -eq 0 ]; then ok "$2"; else not_ok "$2"; fi
}
skip() { # skip COUNT WHY
    i=0
    while [ "$i" -lt "$1" ]; do
        n=$((n + 1))
        i=$((i + 1))
        echo "ok $n # SKIP $2"
    done
}
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_port() { # wait_port PORT: until something listens (5 s at most)
    python3 - "$1" <<'EOF'
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
EOF
}

# fault NAME [OPTIONS]: start a fault server; its port in $port, its log
# in NAME.log.
fault() {
    name=$1
    shift
    rm -f "$name.port"
    python3 "$fault" --port-file "$name.port" --log "$name.log" \
        --lifetime 120 "$@" 2>"$name.err" &
    pids="$pids $!"
    i=0
    while [ ! -s "$name.port" ] && [ "$i" -lt 100 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    port=$(cat "$name.port" 2>/dev/null)
}

# drive ARGS: run the driver (out, err), keeping all its output.
drive() {
    "$driver" "$@" >out 2>err
    st=$?
    cat out >>all.out
    return $st
}

# expect FILE: the driver's outcome lines (out) sorted equal FILE.
expect() {
    grep -E '^[0-9]+ ' out | sort -n >got
    cmp -s got "$1"
}

# accepted_once IDS: the fault server's log (in $log) accepted each of
# IDS exactly once and nothing else.
accepted_once() {
    for i in "$@"; do echo "$i"; done | sort -n >want.ids
    sed -n 's/^ACCEPT \([0-9?]*\) .*/\1/p' "$log" | sort -n >got.ids
    cmp -s want.ids got.ids
}

# ---- 1-8: smtp-sink, every message exactly once with its content ----
sink=$(command -v smtp-sink || echo /usr/sbin/smtp-sink)
cat >compare.py <<'EOF'
# compare.py DUMPDIR EXPECTDIR COUNT: every message exactly once, as sent.
import os, sys
dump, exp, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
seen = {}
bad = 0
for f in os.listdir(dump):
    text = open(os.path.join(dump, f), "rb").read()
    lines = text.split(b"\n")
    i = next(k for k, l in enumerate(lines) if l.startswith(b"Received: "))
    rcpt = [l for l in lines[:i] if l.startswith(b"X-Rcpt-Args: ")]
    body = b"\n".join(lines[i + 3:])
    tid = next(l for l in lines[i + 3:] if l.startswith(b"X-Test-Id: "))
    tid = int(tid.split(b": ")[1])
    seen[tid] = seen.get(tid, 0) + 1
    want = open(os.path.join(exp, "%d.eml" % tid), "rb").read() + b"\n"
    if body != want or rcpt != [b"X-Rcpt-Args: <user%d@sink.test>" % tid]:
        bad += 1
        if bad < 3:
            print("message %d differs" % tid)
missing = [k for k in range(1, count + 1) if k not in seen]
dups = [k for k, v in seen.items() if v > 1]
print("files %d missing %d duplicates %d differ %d"
      % (sum(seen.values()), len(missing), len(dups), bad))
sys.exit(1 if missing or dups or bad or len(seen) != count else 0)
EOF
if [ -x "$sink" ]; then
    for conns in 1 20; do
        sp=$(free_port)
        mkdir -p "dump$conns" "exp$conns"
        "$sink" -u "$(id -un)" -d "$work/dump$conns/%H%M%S." "127.0.0.1:$sp" 128 \
            >sink.out 2>&1 &
        spid=$!
        pids="$pids $spid"
        wait_port "$sp"
        if [ "$conns" = 1 ]; then
            count=1000 per=0
        else
            count=1500 per=100
        fi
        drive -q -n $count -c $conns -p $per -s 1800 -g "exp$conns" \
            127.0.0.1 "$sp"
        check $? "sink, $conns connection(s): the driver delivers $count"
        grep -q "accepted=$count deferred=0 failed=0 retry=0 uncertain=0" out
        check $? "sink, $conns connection(s): all $count accepted"
        # smtp-sink writes a dump as its 250 goes out: give it a moment.
        sleep 0.3
        python3 compare.py "dump$conns" "exp$conns" $count >out 2>err
        check $? "sink, $conns connection(s): each message arrived once, byte for byte"
        kill "$spid" 2>/dev/null
        wait "$spid" 2>/dev/null
    done
    # 7: QUIT after 100 messages per connection: 1500 / 100 connections.
    sp=$(free_port)
    "$sink" -u "$(id -un)" "127.0.0.1:$sp" 128 >sink.out 2>&1 &
    spid=$!
    pids="$pids $spid"
    wait_port "$sp"
    drive -q -n 1000 -c 4 -p 50 127.0.0.1 "$sp"
    c=$(sed -n 's/.* connections=\([0-9]*\) connect_errors=0 .*/\1/p' out)
    grep -q 'accepted=1000 ' out && [ "${c:-0}" -ge 20 ] && [ "$c" -le 24 ]
    check $? "sink: 50 messages per connection, then a new connection ($c)"
    # 8: tick() stops the run: what is in flight finishes, nothing new.
    drive -n 50000 -s 100 -c 4 -S 20 127.0.0.1 "$sp"
    st=$?
    k=$(grep -cE '^[0-9]+ accepted' out)
    [ $st -eq 0 ] && [ "$k" -ge 20 ] && [ "$k" -lt 50000 ] &&
        [ "$(grep -cE '^[0-9]+ ' out)" = "$k" ] && grep -q 'run: ok' out
    check $? "sink: a stop from tick() ends the run after $k messages"
    # 9: idle connections close (one stays) and come back under load.
    /usr/bin/env time -f '%U %S' -o cpu "$driver" -q -n 300 -c 4 -i 200 \
        -W 800 127.0.0.1 "$sp" >out 2>err
    st=$?
    c=$(sed -n 's/.* connections=\([0-9]*\) .*/\1/p' out)
    cpu=$(awk '{ print ($1 + $2 < 0.5) }' cpu 2>/dev/null)
    [ $st -eq 0 ] && grep -q 'accepted=300 ' out && [ "${c:-0}" -gt 4 ] &&
        [ "$cpu" = 1 ]
    check $? "idle connections close and come back ($c connections, no spin)"
    kill "$spid" 2>/dev/null
else
    skip 9 "smtp-sink not installed (postfix)"
fi

# ---- 9-12: every scripted outcome, exactly ----
fault plain --rcvbuf 4096
log=plain.log
drive -T 1000 -r ok-1,rcpt450-2,rcpt452-3,rcpt550-4,data554-5,data451-6,multi-7,dot421-8,ok-9,rcpt421-10,ok-11,stalldot-12,ok-13 \
    127.0.0.1 "$port"
st=$?
cat >want <<'EOF'
1 accepted 250 2.0.0
2 deferred 450 4.2.0
3 deferred 452 4.5.3
4 failed 550 5.1.1
5 failed 554 5.7.1
6 deferred 451 4.3.0
7 accepted 250 2.0.0
8 deferred 421 4.3.2
9 retry 421 4.3.2
10 retry 421 4.7.0
11 accepted 250 2.0.0
12 uncertain 0 -
13 retry 0 -
EOF
[ $st -eq 0 ] && expect want
check $? "4xx, 5xx, 421 and a stall give their outcomes (one pipelined behind)"
accepted_once 1 7 11
check $? "the server accepted exactly the accepted ones"

# A drop after the final dot, and one in the middle of a large payload.
drive -T 2000 -s 6000000 -r dropdot-1,dropdata-2 127.0.0.1 "$port"
printf '1 uncertain 0 -\n2 retry 0 -\n' >want
expect want
check $? "a drop after the dot is uncertain, one mid-payload is retry"

# A reply line over 4 KB: a protocol error, the connection is dropped.
drive -r longline-1,ok-2 127.0.0.1 "$port"
printf '1 retry 0 -\n2 accepted 250 2.0.0\n' >want
expect want
check $? "a reply line over 4 KB is a protocol error"

# Resending the retries delivers each message once.
fault resend --rcvbuf 4096
log=resend.log
drive -R -T 2000 -s 6000000 -r ok-21,dropdataonce-22,rcpt421once-23,ok-24 \
    127.0.0.1 "$port"
st=$?
grep -E '^[0-9]+ accepted' out | sort -n >got
printf '1 accepted 250 2.0.0\n2 accepted 250 2.0.0\n3 accepted 250 2.0.0\n4 accepted 250 2.0.0\n' >want
[ $st -eq 0 ] && cmp -s got want && grep -q '^2 retry 0 -' out &&
    grep -q '^3 retry 421 4.7.0' out && accepted_once 1 2 3 4
check $? "retry outcomes resent arrive exactly once"

# ---- 13-20: server variants ----
fault nopipe --no-pipelining
log=nopipe.log
drive -c 2 -T 2000 -r ok-1,ok-2,rcpt550-3,ok-4,data554-5,ok-6,rcpt450-7,ok-8 \
    127.0.0.1 "$port"
st=$?
cat >want <<'EOF'
1 accepted 250 2.0.0
2 accepted 250 2.0.0
3 failed 550 5.1.1
4 accepted 250 2.0.0
5 failed 554 5.7.1
6 accepted 250 2.0.0
7 deferred 450 4.2.0
8 accepted 250 2.0.0
EOF
[ $st -eq 0 ] && expect want && accepted_once 1 2 4 6 8
check $? "no PIPELINING: lock-step (the server checks), RSET after a refusal"

fault noehlo --no-ehlo
log=noehlo.log
drive -n 5 127.0.0.1 "$port"
[ $? -eq 0 ] && grep -q 'accepted=5 ' out && accepted_once 1 2 3 4 5
check $? "EHLO refused: HELO and lock-step"

fault odd --odd
log=odd.log
drive -r ok-1,multi-2,ok-3 127.0.0.1 "$port"
printf '1 accepted 250 2.0.0\n2 accepted 250 2.0.0\n3 accepted 250 2.0.0\n' >want
expect want
check $? "multi-line greeting, bare LF, lower-case extensions, a bare 250"

fault size --size 1000
log=size.log
drive -n 2 -s 2000 127.0.0.1 "$port"
printf '1 failed 552 5.3.4\n2 failed 552 5.3.4\n' >want
expect want && grep -q 'connections=1 ' out
check $? "SIZE: a message over the limit fails without being sent"
drive -n 2 -s 500 127.0.0.1 "$port"
[ $? -eq 0 ] && grep -q 'accepted=2 ' out
check $? "SIZE: messages under the limit go (with SIZE= on MAIL)"

fault g421 --greet421 2
log=g421.log
drive -n 5 -a 5 127.0.0.1 "$port"
[ $? -eq 0 ] && grep -q 'accepted=5 .* connect_errors=2 ' out
check $? "421 greetings: reconnect with backoff, then deliver"

fault g421all --greet421 1000
drive -n 5 -a 2 127.0.0.1 "$port"
[ $? -eq 1 ] && grep -q 'run: error: cannot reach the server' out &&
    ! grep -qE '^[0-9]+ ' out
check $? "421 on every connection: the run fails, no message was taken"

fault stall --stall-greeting
start=$(date +%s)
drive -n 5 -a 1 -T 500 127.0.0.1 "$port"
st=$?
[ $st -eq 1 ] && [ $(($(date +%s) - start)) -lt 5 ] &&
    grep -q 'run: error: cannot reach' out
check $? "a stalled greeting times out"

# ---- 21-22: connection refused, IPv6 ----
cp=$(free_port)
drive -n 3 -a 2 127.0.0.1 "$cp"
[ $? -eq 1 ] && grep -q 'run: error: cannot reach' out
check $? "connection refused: the run fails after the attempts"

if [ -x "$sink" ] && python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
    sp=$(free_port)
    "$sink" -u "$(id -un)" "[::1]:$sp" 128 >sink.out 2>&1 &
    spid=$!
    pids="$pids $spid"
    sleep 0.3
    drive -n 50 -c 2 ::1 "$sp"
    [ $? -eq 0 ] && grep -q 'accepted=50 ' out
    check $? "IPv6: delivers over ::1"
    kill "$spid" 2>/dev/null
else
    skip 1 "no IPv6 loopback or no smtp-sink"
fi

# ---- 23-32: TLS and AUTH ----
if openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem \
    -days 2 -subj /CN=localhost \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" >/dev/null 2>&1; then
    fault tls --starttls cert.pem key.pem
    log=tls.log
    drive -n 3 -t require -C cert.pem 127.0.0.1 "$port"
    [ $? -eq 0 ] && grep -q 'accepted=3 ' out && [ "$(grep -c 'tls=1' "$log")" = 3 ]
    check $? "STARTTLS, certificate verified with the CA file (IP name)"
    drive -n 3 -t starttls -C cert.pem localhost "$port"
    [ $? -eq 0 ] && grep -q 'accepted=3 ' out && [ "$(grep -c 'tls=1' "$log")" = 6 ]
    check $? "STARTTLS when offered, verified by DNS name"
    drive -n 3 -t require -k 127.0.0.1 "$port"
    [ $? -eq 0 ] && grep -q 'accepted=3 ' out
    check $? "STARTTLS without verification"
    drive -n 3 -t require 127.0.0.1 "$port"
    [ $? -eq 1 ] && grep -q 'run: error: TLS: the server certificate does not verify' out &&
        ! grep -qE '^[0-9]+ ' out
    check $? "an unknown certificate stops the run"

    log=plain.log
    fault plain2
    drive -n 3 -t require -k 127.0.0.1 "$port"
    [ $? -eq 1 ] && grep -q 'does not offer STARTTLS' out
    check $? "TLS required, not offered: the run stops"
    drive -n 3 -t starttls -k 127.0.0.1 "$port"
    [ $? -eq 0 ] && grep -q 'accepted=3 ' out
    check $? "STARTTLS not offered: plain when not required"

    fault smtps --implicit-tls cert.pem key.pem
    log=smtps.log
    drive -n 20 -c 3 -t implicit -C cert.pem 127.0.0.1 "$port"
    [ $? -eq 0 ] && grep -q 'accepted=20 ' out && [ "$(grep -c 'tls=1' "$log")" = 20 ]
    check $? "implicit TLS (smtps), 3 connections"

    fault auth --starttls cert.pem key.pem --auth PLAIN,LOGIN --user u \
        --password 's3cret pw'
    log=auth.log
    drive -n 3 -t require -k -u u -w 's3cret pw' 127.0.0.1 "$port"
    [ $? -eq 0 ] && grep -q 'accepted=3 ' out && [ "$(grep -c 'auth=u' "$log")" = 3 ]
    check $? "AUTH PLAIN over STARTTLS"
    drive -n 3 -t require -k -u u -w wrong 127.0.0.1 "$port"
    [ $? -eq 1 ] && grep -q 'run: error: authentication rejected (535)' out
    check $? "AUTH rejected (535) stops the run"
    drive -n 3 -u u -w 's3cret pw' 127.0.0.1 "$port"
    [ $? -eq 1 ] && grep -q 'refusing to send the password without TLS' out
    check $? "no password without TLS"

    fault login --auth LOGIN --user u --password pw
    log=login.log
    drive -n 3 -P -u u -w pw 127.0.0.1 "$port"
    [ $? -eq 0 ] && grep -q 'accepted=3 ' out && [ "$(grep -c 'auth=u' "$log")" = 3 ]
    check $? "AUTH LOGIN when only LOGIN is offered (plain allowed)"
else
    skip 11 "openssl cannot make a certificate"
fi

# ---- the driver's own checks: every message exactly one done() ----
grep -q BUG all.out
[ $? -ne 0 ]
check $? "no callback contract violations"
