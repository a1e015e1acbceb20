/*
 * Many-literal prefilter with nibble lookups (see teddy.h).
 *
 * A byte x at literal position j (0, 1 or 2) maps to the buckets
 * lo[j][x & 15] & hi[j][x >> 4]: the buckets holding a literal whose
 * j-th byte has that low nibble, and one with that high nibble. That is
 * a superset of the buckets that really match, never a subset, so a
 * position is a candidate when some bucket survives all three bytes.
 * How many false alarms get through depends on how the literals are
 * grouped: literals sharing nibbles should share a bucket. The grouping
 * is greedy against a rough model of how often each byte occurs in
 * JSON and code.
 */
#include "teddy.h"
#include "usage.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define TEDDY_AVX2 1
#include <immintrin.h>
#endif

#define SETS 2            /* table sets of eight buckets each */
#define BUCKETS (8 * SETS)
#define WIDTH 4
#define FOLD 0x20

struct lit {
	unsigned char b[WIDTH];
	int n;          /* 2 or 3 bytes significant */
	int bucket;
};

struct teddy {
	struct lit *lits;
	size_t nr, alloc;
	int active;
	/* the lookup tables: [position][nibble] -> bucket bits */
	unsigned char lo[SETS][WIDTH][16], hi[SETS][WIDTH][16];
};

struct teddy *teddy_new(void)
{
	return xcalloc(1, sizeof(struct teddy));
}

void teddy_free(struct teddy *t)
{
	if (!t)
		return;
	free(t->lits);
	free(t);
}

void teddy_add(struct teddy *t, const char *lit, size_t len)
{
	struct lit l = { { 0 }, 0, 0 };

	if (len < 2)
		return;
	l.n = len < WIDTH ? (int)len : WIDTH;
	for (int j = 0; j < l.n; j++)
		l.b[j] = (unsigned char)lit[j] | FOLD;
	for (size_t i = 0; i < t->nr; i++)
		if (t->lits[i].n == l.n && !memcmp(t->lits[i].b, l.b, (size_t)l.n))
			return;
	ALLOC_GROW(t->lits, t->nr + 1, t->alloc);
	t->lits[t->nr++] = l;
}

/*
 * How common a byte is once folded, roughly, per mille of JSON, SQL and
 * code: letters by their frequency in English text, then the bytes JSON
 * is made of. Only the ratios matter.
 */
static double weight(unsigned x)
{
	static const double letter[26] = {
		/* a-m */ 45, 9, 19, 23, 70, 13, 11, 30, 41, 1, 5, 26, 17,
		/* n-z */ 40, 43, 12, 1, 36, 38, 50, 16, 6, 8, 2, 10, 1,
	};

	if (x >= 'a' && x <= 'z')
		return letter[x - 'a'];
	if (x == ' ')
		return 120;
	if (x == '"' || x == '*')   /* '*' is also '\n' folded */
		return 30;
	if (x >= '0' && x <= '9')
		return 8;
	if (x == ',' || x == ':' || x == '.' || x == '_' + FOLD || x == '/' || x == '-')
		return 8;
	if (x < 0x80)
		return 2;
	return 0.2;
}

struct group {
	uint16_t lo[WIDTH], hi[WIDTH];
	unsigned wild;          /* positions any byte matches */
	double cost;
	int alive;
};

/* The share of positions a group lets through, in the weight model. */
static double group_cost(const struct group *g)
{
	static double share[256];
	double cost = 1;

	if (!share['a']) {
		double total = 0;

		for (unsigned x = 0; x < 256; x++)
			total += weight(x | FOLD);
		for (unsigned x = 0; x < 256; x++)
			share[x] = weight(x) / total * 2;  /* two bytes fold to x */
	}
	for (int j = 0; j < WIDTH; j++) {
		double sum = 0;

		if (g->wild >> j & 1)
			continue;
		for (unsigned h = 0; h < 16; h++)
			if (g->hi[j] >> h & 1)
				for (unsigned l = 0; l < 16; l++)
					if (g->lo[j] >> l & 1)
						sum += share[h << 4 | l];
		cost *= sqrt(sum);
	}
	return cost;
}

static struct group merged(const struct group *a, const struct group *b)
{
	struct group g = *a;

	for (int j = 0; j < WIDTH; j++) {
		g.lo[j] |= b->lo[j];
		g.hi[j] |= b->hi[j];
	}
	g.wild |= b->wild;
	g.cost = group_cost(&g);
	return g;
}

/*
 * Group the literals into BUCKETS buckets, agglomeratively: start with
 * one group per literal and keep merging the two groups whose union lets
 * through the fewest extra positions. Literals sharing bytes (gh*_,
 * +A..) end up together.
 */
static void assign_buckets(struct teddy *t)
{
	size_t n = t->nr, groups = n;
	struct group *g = xcalloc(n, sizeof(*g));
	int *owner = xcalloc(n, sizeof(*owner));
	double *delta = xcalloc(n * n, sizeof(*delta));
	int bucket = 0;

	for (size_t i = 0; i < n; i++) {
		const struct lit *l = &t->lits[i];

		for (int j = 0; j < WIDTH; j++) {
			if (j < l->n) {
				g[i].lo[j] = (uint16_t)(1u << (l->b[j] & 15));
				g[i].hi[j] = (uint16_t)(1u << (l->b[j] >> 4));
			} else {
				g[i].wild |= 1u << j;
			}
		}
		g[i].cost = group_cost(&g[i]);
		g[i].alive = 1;
		owner[i] = (int)i;
	}
	for (size_t a = 0; a < n; a++)
		for (size_t b = a + 1; b < n; b++)
			delta[a * n + b] = merged(&g[a], &g[b]).cost - g[a].cost - g[b].cost;

	while (groups > BUCKETS) {
		size_t ba = 0, bb = 0;
		double best = 0;
		int found = 0;

		for (size_t a = 0; a < n; a++) {
			if (!g[a].alive)
				continue;
			for (size_t b = a + 1; b < n; b++)
				if (g[b].alive && (!found || delta[a * n + b] < best)) {
					best = delta[a * n + b];
					ba = a;
					bb = b;
					found = 1;
				}
		}
		g[ba] = merged(&g[ba], &g[bb]);
		g[bb].alive = 0;
		for (size_t i = 0; i < n; i++)
			if (owner[i] == (int)bb)
				owner[i] = (int)ba;
		groups--;
		for (size_t o = 0; o < n; o++) {
			size_t a = o < ba ? o : ba, b = o < ba ? ba : o;

			if (o != ba && g[o].alive)
				delta[a * n + b] = merged(&g[a], &g[b]).cost - g[a].cost - g[b].cost;
		}
	}

	for (size_t i = 0; i < n; i++) {
		if (!g[i].alive)
			continue;
		for (size_t k = 0; k < n; k++)
			if (owner[k] == (int)i)
				t->lits[k].bucket = bucket;
		bucket++;
	}
	free(delta);
	free(owner);
	free(g);
}

void teddy_compile(struct teddy *t)
{
	const char *off = getenv("GIT_SYNAPSE_NO_SIMD");

	memset(t->lo, 0, sizeof(t->lo));
	memset(t->hi, 0, sizeof(t->hi));
	t->active = 0;
	if (!t->nr)
		return;

	assign_buckets(t);
	for (size_t i = 0; i < t->nr; i++) {
		const struct lit *l = &t->lits[i];
		unsigned char bit = (unsigned char)(1u << l->bucket % 8);
		int set = l->bucket / 8;

		for (int j = 0; j < WIDTH; j++) {
			if (j < l->n) {
				t->lo[set][j][l->b[j] & 15] |= bit;
				t->hi[set][j][l->b[j] >> 4] |= bit;
			} else {
				for (int x = 0; x < 16; x++) {
					t->lo[set][j][x] |= bit;
					t->hi[set][j][x] |= bit;
				}
			}
		}
	}
#ifdef TEDDY_AVX2
	__builtin_cpu_init();
	t->active = __builtin_cpu_supports("avx2") && !(off && *off && strcmp(off, "0"));
#else
	(void)off;
#endif
}

int teddy_active(const struct teddy *t)
{
	return t && t->active;
}

#ifdef TEDDY_AVX2
__attribute__((target("avx2")))
static inline __m256i lookup(__m256i lo, __m256i hi, __m256i l, __m256i h)
{
	return _mm256_and_si256(_mm256_shuffle_epi8(lo, l), _mm256_shuffle_epi8(hi, h));
}

#define TABLE(x) _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(x)))

__attribute__((target("avx2")))
static size_t scan_avx2(const struct teddy *t, const unsigned char *p, size_t len,
			teddy_fn fn, void *data)
{
	const __m256i fold = _mm256_set1_epi8(FOLD), nib = _mm256_set1_epi8(0x0f);
	const __m256i zero = _mm256_setzero_si256();
	__m256i lo[SETS][WIDTH], hi[SETS][WIDTH];
	size_t i;

	for (int s = 0; s < SETS; s++)
		for (int j = 0; j < WIDTH; j++) {
			lo[s][j] = TABLE(t->lo[s][j]);
			hi[s][j] = TABLE(t->hi[s][j]);
		}
	for (i = 0; i + 32 + WIDTH - 1 <= len; i += 32) {
		__m256i m[SETS], any;
		uint32_t bits;

		for (int j = 0; j < WIDTH; j++) {
			__m256i v = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)(p + i + j)), fold);
			__m256i l = _mm256_and_si256(v, nib);
			__m256i h = _mm256_and_si256(_mm256_srli_epi16(v, 4), nib);

			for (int s = 0; s < SETS; s++)
				m[s] = j ? _mm256_and_si256(m[s], lookup(lo[s][j], hi[s][j], l, h))
					 : lookup(lo[s][j], hi[s][j], l, h);
		}
		any = m[0];
		for (int s = 1; s < SETS; s++)
			any = _mm256_or_si256(any, m[s]);
		bits = ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(any, zero));
		while (bits) {
			fn(data, i + (size_t)__builtin_ctz(bits));
			bits &= bits - 1;
		}
	}
	return i;
}
#endif

size_t teddy_scan(const struct teddy *t, const unsigned char *p, size_t len,
		  teddy_fn fn, void *data)
{
#ifdef TEDDY_AVX2
	if (t && t->active)
		return scan_avx2(t, p, len, fn, data);
#else
	(void)p;
	(void)len;
	(void)fn;
	(void)data;
#endif
	(void)t;
	return 0;
}
