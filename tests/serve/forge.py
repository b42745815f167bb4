#!/usr/bin/env python3
"""forge.py [N [SEED]]: print N (default 1) verification codes that are
well-formed, with a right check symbol, and were never issued: 16 random
Crockford base32 symbols and Damm's check symbol over GF(32) with
x^5 + x^2 + 1 (src/notify/vcode.h), grouped as tocsin writes them. With a
SEED the codes are the same every time (benchmarks); without, random."""
import random
import secrets
import sys

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def dbl(x):
    """2 * x in GF(32)."""
    x <<= 1
    return x ^ 0x25 if x & 0x20 else x


def forge(rnd):
    s = [rnd(32) for _ in range(16)]
    i = 0
    for v in s:
        i = dbl(i) ^ v
    s.append(dbl(i))
    t = "".join(ALPHABET[v] for v in s)
    return "-".join(t[k:k + 4] for k in range(0, 16, 4)) + "-" + t[16]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    if len(sys.argv) > 2:
        rnd = random.Random(int(sys.argv[2])).randrange
    else:
        rnd = secrets.randbelow
    for _ in range(n):
        print(forge(rnd))


if __name__ == "__main__":
    main()
