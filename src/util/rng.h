/*
 * rng.h - a small, fast, seedable pseudo-random generator (xoshiro256**,
 * seeded through splitmix64). Deterministic across machines: the same seed
 * gives the same sequence. Not for keys or anything secret: use libsodium.
 */
#ifndef TOCSIN_UTIL_RNG_H
#define TOCSIN_UTIL_RNG_H

#include <stdint.h>

struct rng {
    uint64_t s[4];
};

/* Seed the generator; every seed, 0 included, gives a usable state. */
void rng_seed(struct rng *r, uint64_t seed);

/* The next 64 random bits. */
uint64_t rng_next(struct rng *r);

/* Uniform in [0, n) without modulo bias; n must be > 0. */
uint64_t rng_below(struct rng *r, uint64_t n);

/* Uniform in [0, 1). */
double rng_double(struct rng *r);

/* 1 with probability p, else 0. */
int rng_chance(struct rng *r, double p);

/* A 64-bit mix of x (splitmix64's finaliser): for hashing seeds and ids. */
uint64_t rng_mix(uint64_t x);

#endif
