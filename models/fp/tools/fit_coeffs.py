#!/usr/bin/env python3
"""Derive the binary32 constants of docs/hw-spec.md section 5 (EXP2, LOG2, SIN).

Uses only mpmath (Debian python3-mpmath). Polynomials are near-minimax Chebyshev fits
(mpmath.chebyfit) evaluated in high precision, then rounded to binary32 (RNE). The
rounded constants are what the spec fixes; the measured ULP errors of the complete
algorithms (tests/sweep in models/fp) are what the bounds are based on.

Run:  python3 models/fp/tools/fit_coeffs.py
"""
import struct
import mpmath as mp

mp.mp.prec = 200


def f32(x):
    """Round an mpf to binary32 (RNE) and return (value, hex)."""
    r = round_sig(mp.mpf(x), 24)  # constants here are all normal binary32 numbers
    v = struct.unpack('<f', struct.pack('<f', float(r)))[0]   # exact: r has 24 bits
    assert mp.mpf(v) == r
    return v, '0x%08X' % struct.unpack('<I', struct.pack('<f', v))[0]


def round_sig(x, bits):
    """Round x to `bits` significant bits (nearest)."""
    if x == 0:
        return mp.mpf(0)
    e = mp.floor(mp.log(abs(x), 2))
    q = mp.mpf(2) ** (e - bits + 1)
    return mp.nint(x / q) * q


def maxerr(poly, f, a, b, n=2000):
    """Max |poly - f| on a grid (the chebyfit error estimate is not used)."""
    a, b = mp.mpf(a), mp.mpf(b)
    return max(abs(mp.polyval(poly, a + (b - a) * i / n) - f(a + (b - a) * i / n))
               for i in range(n + 1))


def show(name, x):
    v, h = f32(x)
    print('  %-8s = %s  /* %.9g */' % (name, h, v))
    return v


def exp2_coeffs():
    # 2^f = 1 + f*q(f), f in [-0.5, 0.5]; q of degree 5 (c1..c6)
    def q(f):
        return mp.log(2) if f == 0 else (mp.power(2, f) - 1) / f
    poly = mp.chebyfit(q, [-0.5, 0.5], 6)
    err = maxerr(poly, q, -0.5, 0.5)
    print('EXP2: q(f) = (2^f-1)/f, degree 5, chebyfit abs error %s' % mp.nstr(err, 3))
    cs = list(reversed(poly))  # c1..c6 (lowest first)
    for i, c in enumerate(cs):
        show('E%d' % (i + 1), c)


def log2_coeffs(rmax):
    # log2(1+r) = r + r*g(r), g(r) = log2(1+r)/r - 1, degree 3
    def g(r):
        return (mp.mpf(1) / mp.log(2) - 1) if r == 0 else mp.log(1 + r, 2) / r - 1
    poly = mp.chebyfit(g, [-rmax, rmax], 4)
    err = maxerr(poly, g, -rmax, rmax)
    print('LOG2: g(r) = log2(1+r)/r - 1 on |r|<=%s, degree 3, abs error %s'
          % (mp.nstr(rmax, 5), mp.nstr(err, 3)))
    for i, c in enumerate(reversed(poly)):
        show('L%d' % i, c)


def log2_table():
    """128 entries: index j = top 7 fraction bits of the input; m' in [0.75,1.5)."""
    rows = []
    for j in range(128):
        if j < 64:
            lo = 1 + mp.mpf(j) / 128
            hi = 1 + mp.mpf(j + 1) / 128
        else:
            lo = (1 + mp.mpf(j) / 128) / 2
            hi = (1 + mp.mpf(j + 1) / 128) / 2
        if j == 0 or j == 127:
            c = mp.mpf(1)
        else:
            c = round_sig(2 / (lo + hi), 12)
        t = -mp.log(c, 2)
        thi = mp.nint(t * 2 ** 17) / 2 ** 17      # multiple of 2^-17: e + T_hi exact
        tlo = t - thi
        rmin = lo * c - 1
        rmax = hi * c - 1
        rows.append((j, c, thi, tlo, rmin, rmax))
    return rows


def sin_coeffs():
    # sin(r) = r + r^3 * S(s), s = r^2, r in [-pi/2, pi/2]; S degree 4 (S1..S5)
    smax = (mp.pi / 2) ** 2

    def S(s):
        if s == 0:
            return mp.mpf(-1) / 6
        r = mp.sqrt(s)
        return (mp.sin(r) - r) / (r ** 3)
    poly = mp.chebyfit(S, [0, smax], 5)
    err = maxerr(poly, S, 0, smax)
    print('SIN: S(s) = (sin r - r)/r^3, s in [0,(pi/2)^2], degree 4, abs error %s' % mp.nstr(err, 3))
    for i, c in enumerate(reversed(poly)):
        show('S%d' % (i + 1), c)


def pi_fix():
    v = int(mp.nint(mp.pi * mp.mpf(2) ** 88))
    print('SIN: exact fixed-point reduction constants')
    show('INV_PI', 1 / mp.pi)
    print('  PI_FIX   = 0x%X  /* round(pi * 2^88), %d bits, error %s */'
          % (v, v.bit_length(), mp.nstr(mp.pi * mp.mpf(2) ** 88 - v, 3)))


if __name__ == '__main__':
    exp2_coeffs()
    rows = log2_table()
    rmax = max(max(abs(r[4]), abs(r[5])) for r in rows)
    log2_coeffs(rmax)
    print('LOG2 table (j, C_j, T_hi_j, T_lo_j):  max |r| = %s' % mp.nstr(rmax, 6))
    for (j, c, thi, tlo, a, b) in rows:
        print('  {%3d, %s, %s, %s},' % (j, f32(c)[1], f32(thi)[1], f32(tlo)[1]))
    sin_coeffs()
    pi_fix()
