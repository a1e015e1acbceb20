#ifndef TEDDY_H
#define TEDDY_H

#include <stddef.h>

/*
 * A vectorised first pass for many short literals at once, after the
 * "Teddy" idea from Hyperscan: each literal's first four bytes are
 * looked up a nibble at a time (pshufb) in sixteen buckets of literals,
 * so that 32 or 64 positions are tried in a handful of instructions. It is a
 * filter: a candidate may be a false alarm and the caller confirms it;
 * a position where a literal starts is never missed.
 *
 * Matching ignores case (bit 0x20 is folded), so the caller's check must
 * be exact. Literals shorter than two bytes are not accepted.
 *
 * It uses AVX-512 (64 positions a step) or AVX2 (32), whichever the CPU
 * has; GIT_SYNAPSE_SIMD=avx2 or =none in the environment caps that. With
 * neither, teddy_scan() returns 0 at once and the caller checks every
 * position itself.
 */
struct teddy;

struct teddy *teddy_new(void);
void teddy_free(struct teddy *t);

/* Add a literal (its first three bytes matter); call before teddy_compile(). */
void teddy_add(struct teddy *t, const char *lit, size_t len);

/* Assign literals to buckets and build the lookup tables. */
void teddy_compile(struct teddy *t);

/* Whether teddy_scan() does any work here (a vector unit, and literals). */
int teddy_active(const struct teddy *t);

/*
 * Call fn(data, off) for each candidate start, in increasing order, and
 * return the offset where it stopped: the caller checks the positions
 * from there to the end itself (the last few bytes, or all of them when
 * the filter is not active).
 */
typedef void (*teddy_fn)(void *data, size_t off);
size_t teddy_scan(const struct teddy *t, const unsigned char *p, size_t len,
		  teddy_fn fn, void *data);

#endif
