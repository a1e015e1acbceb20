/*
 * Many-literal prefilter with nibble lookups (see teddy.h).
 *
 * A byte x at literal position j (0 to 3) maps to the buckets
 * lo[j][x & 15] & hi[j][x >> 4]: the buckets holding a literal whose
 * j-th byte has that low nibble, and one with that high nibble. That is
 * a superset of the buckets that really match, never a subset, so a
 * position is a candidate when some bucket survives all four bytes.
 * Sixteen buckets take two sets of tables.
 *
 * How many false alarms get through depends on how the literals are
 * grouped: literals sharing nibbles should share a bucket. Groups are
 * merged two at a time, cheapest first, then single literals move while
 * that helps, all against a model of how often bytes and common words
 * occur in workspaces.
 */
#include "teddy.h"
#include "usage.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_X86_SIMD 1
#include <immintrin.h>
#endif

#define SETS 2            /* table sets of eight buckets each */
#define BUCKETS (8 * SETS)
#define WIDTH 4
#define FOLD 0x20

enum { TEDDY_NONE, TEDDY_AVX2, TEDDY_AVX512 };

struct lit {
	unsigned char b[WIDTH];
	int n;          /* bytes significant: 2 to WIDTH */
	int bucket;
};

struct teddy {
	struct lit *lits;
	size_t nr, alloc;
	int active;     /* TEDDY_NONE, TEDDY_AVX2, TEDDY_AVX512 */
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

/*
 * The byte model treats neighbours as independent, and so misses words:
 * "type", "data" and "name" are in every other line of a workspace. The
 * commonest 4-grams of letters in public Synapse workspaces (JSON, SQL,
 * notebooks; per million positions) correct it: a group that lets one
 * through pays its rate.
 */
static const struct gram {
	const char g[5];
	double per_million;
} grams[] = {
	{ "type", 3854 }, { "tion", 3378 }, { "name", 3129 }, { "data", 2242 }, { "sour", 1956 },
	{ "ourc", 1956 }, { "urce", 1956 }, { "alse", 1485 }, { "fals", 1483 }, { "atio", 1450 },
	{ "stri", 1449 }, { "ring", 1420 }, { "date", 1416 }, { "trin", 1387 }, { "ties", 1053 },
	{ "able", 1045 }, { "park", 1030 }, { "spar", 1011 }, { "oper", 982 }, { "pert", 964 },
	{ "erti", 964 }, { "prop", 963 }, { "rope", 961 }, { "ions", 949 }, { "rtie", 945 },
	{ "renc", 921 }, { "ence", 905 }, { "sion", 896 }, { "valu", 888 }, { "alue", 878 },
	{ "eren", 875 }, { "fere", 874 }, { "efer", 858 }, { "refe", 856 }, { "null", 853 },
	{ "ount", 852 }, { "ptio", 812 }, { "meta", 791 }, { "adat", 776 }, { "tada", 757 },
	{ "etad", 756 }, { "coun", 747 }, { "ical", 745 }, { "ting", 729 }, { "enam", 693 },
	{ "exec", 658 }, { "ecut", 657 }, { "xecu", 656 }, { "ment", 616 }, { "scri", 605 },
	{ "time", 604 }, { "cati", 601 }, { "ript", 599 }, { "crip", 599 }, { "work", 598 },
	{ "apse", 588 }, { "tabl", 579 }, { "case", 574 }, { "acti", 565 }, { "outp", 539 },
	{ "utpu", 539 }, { "tput", 539 }, { "code", 539 }, { "naps", 538 },
};

/* one bit per gram, four bytes each */
_Static_assert(ARRAY_SIZE(grams) <= 64 && WIDTH == 4, "grams fit a uint64_t");

/* [position][nibble]: the grams with that nibble there, as bits */
static uint64_t gram_lo[WIDTH][16], gram_hi[WIDTH][16];
static double share[256];

static void model_init(void)
{
	static int ready;
	double total = 0;

	if (ready)
		return;
	ready = 1;
	for (unsigned x = 0; x < 256; x++)
		total += weight(x | FOLD);
	for (unsigned x = 0; x < 256; x++)
		share[x] = weight(x) / total * 2;  /* two bytes fold to x */
	for (size_t i = 0; i < ARRAY_SIZE(grams); i++)
		for (int j = 0; j < WIDTH; j++) {
			unsigned char x = (unsigned char)grams[i].g[j] | FOLD;

			gram_lo[j][x & 15] |= (uint64_t)1 << i;
			gram_hi[j][x >> 4] |= (uint64_t)1 << i;
		}
}

/* The share of positions a group lets through, in the model. */
static double group_cost(const struct group *g)
{
	double cost = 1;
	uint64_t words = ~(uint64_t)0;

	for (int j = 0; j < WIDTH; j++) {
		uint64_t lo = 0, hi = 0;
		double sum = 0;

		if (g->wild >> j & 1)
			continue;
		for (unsigned hs = g->hi[j]; hs; hs &= hs - 1) {
			unsigned h = (unsigned)__builtin_ctz(hs);

			hi |= gram_hi[j][h];
			for (unsigned ls = g->lo[j]; ls; ls &= ls - 1)
				sum += share[h << 4 | (unsigned)__builtin_ctz(ls)];
		}
		for (unsigned ls = g->lo[j]; ls; ls &= ls - 1)
			lo |= gram_lo[j][__builtin_ctz(ls)];
		cost *= sum;
		words &= lo & hi;
	}
	for (; words; words &= words - 1)
		cost += grams[__builtin_ctzll(words)].per_million / 1e6;
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

static void lit_group(const struct lit *l, struct group *g)
{
	for (int j = 0; j < WIDTH; j++) {
		if (j < l->n) {
			g->lo[j] |= (uint16_t)(1u << (l->b[j] & 15));
			g->hi[j] |= (uint16_t)(1u << (l->b[j] >> 4));
		} else {
			g->wild |= 1u << j;
		}
	}
}

static void bucket_group(const struct teddy *t, int b, size_t skip, struct group *g)
{
	memset(g, 0, sizeof(*g));
	for (size_t i = 0; i < t->nr; i++)
		if (i != skip && t->lits[i].bucket == b)
			lit_group(&t->lits[i], g);
	g->cost = g->wild == 0 && !g->lo[0] ? 0 : group_cost(g);
}

/*
 * Merging never undoes an early choice; moving single literals to the
 * bucket where they cost least, until none moves, often does better.
 */
static void refine(struct teddy *t)
{
	struct group b[BUCKETS];

	for (int k = 0; k < BUCKETS; k++)
		bucket_group(t, k, (size_t)-1, &b[k]);
	for (int round = 0; round < 4; round++) {
		int moved = 0;

		for (size_t i = 0; i < t->nr; i++) {
			int from = t->lits[i].bucket, to = from;
			struct group without;
			double best = 0;

			bucket_group(t, from, i, &without);
			for (int k = 0; k < BUCKETS; k++) {
				struct group with = k == from ? without : b[k];
				double gain;

				lit_group(&t->lits[i], &with);
				gain = (k == from ? b[from].cost : b[k].cost + b[from].cost - without.cost) -
				       group_cost(&with);
				if (gain > best + 1e-12) {
					best = gain;
					to = k;
				}
			}
			if (to == from)
				continue;
			t->lits[i].bucket = to;
			b[from] = without;
			bucket_group(t, to, (size_t)-1, &b[to]);
			moved = 1;
		}
		if (!moved)
			break;
	}
}

static int lit_cmp(const void *a, const void *b)
{
	const struct lit *x = a, *y = b;

	return memcmp(x->b, y->b, WIDTH);
}

#define MERGE_MAX 160

/*
 * Group the literals into BUCKETS buckets, agglomeratively: start with
 * one group per literal and keep merging the two groups whose union lets
 * through the fewest extra positions. Literals sharing bytes (gh*_,
 * +A..) end up together.
 *
 * Merging costs n^2 memory and about n^3 time: past MERGE_MAX literals
 * (hundreds of user keywords), sorted runs of them start as the buckets.
 */
static void assign_buckets(struct teddy *t)
{
	size_t n = t->nr, groups = n;
	struct group *g;
	int *owner;
	double *delta;
	int bucket = 0;

	model_init();
	if (n > MERGE_MAX) {
		qsort(t->lits, n, sizeof(*t->lits), lit_cmp);
		for (size_t i = 0; i < n; i++)
			t->lits[i].bucket = (int)(i * BUCKETS / n);
		refine(t);
		return;
	}
	g = xcalloc(n, sizeof(*g));
	owner = xcalloc(n, sizeof(*owner));
	delta = xcalloc(n * n, sizeof(*delta));
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
	refine(t);
}

/* The best vector unit here, capped by GIT_SYNAPSE_SIMD (none, avx2). */
static int simd_level(void)
{
	const char *cap = getenv("GIT_SYNAPSE_SIMD");
	int level = TEDDY_NONE;

#ifdef HAVE_X86_SIMD
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512bw"))
		level = TEDDY_AVX512;
	else if (__builtin_cpu_supports("avx2"))
		level = TEDDY_AVX2;
#endif
	if (cap && !strcmp(cap, "none"))
		level = TEDDY_NONE;
	else if (cap && !strcmp(cap, "avx2") && level > TEDDY_AVX2)
		level = TEDDY_AVX2;
	return level;
}

void teddy_compile(struct teddy *t)
{
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
	t->active = simd_level();
}

int teddy_active(const struct teddy *t)
{
	return t && t->active;
}

#ifdef HAVE_X86_SIMD
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

#define TABLE512(x) _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(x)))

/* The same, 64 positions at a time. */
__attribute__((target("avx512f,avx512bw")))
static size_t scan_avx512(const struct teddy *t, const unsigned char *p, size_t len,
			  teddy_fn fn, void *data)
{
	const __m512i fold = _mm512_set1_epi8(FOLD), nib = _mm512_set1_epi8(0x0f);
	__m512i lo[SETS][WIDTH], hi[SETS][WIDTH];
	size_t i;

	for (int s = 0; s < SETS; s++)
		for (int j = 0; j < WIDTH; j++) {
			lo[s][j] = TABLE512(t->lo[s][j]);
			hi[s][j] = TABLE512(t->hi[s][j]);
		}
	for (i = 0; i + 64 + WIDTH - 1 <= len; i += 64) {
		__m512i m[SETS], any;
		uint64_t bits;

		for (int j = 0; j < WIDTH; j++) {
			__m512i v = _mm512_or_si512(_mm512_loadu_si512((const void *)(p + i + j)), fold);
			__m512i l = _mm512_and_si512(v, nib);
			__m512i h = _mm512_and_si512(_mm512_srli_epi16(v, 4), nib);

			for (int s = 0; s < SETS; s++) {
				__m512i r = _mm512_and_si512(_mm512_shuffle_epi8(lo[s][j], l),
							     _mm512_shuffle_epi8(hi[s][j], h));

				m[s] = j ? _mm512_and_si512(m[s], r) : r;
			}
		}
		any = m[0];
		for (int s = 1; s < SETS; s++)
			any = _mm512_or_si512(any, m[s]);
		bits = _mm512_test_epi8_mask(any, any);
		while (bits) {
			fn(data, i + (size_t)__builtin_ctzll(bits));
			bits &= bits - 1;
		}
	}
	return i;
}
#endif

size_t teddy_scan(const struct teddy *t, const unsigned char *p, size_t len,
		  teddy_fn fn, void *data)
{
#ifdef HAVE_X86_SIMD
	if (t && t->active == TEDDY_AVX512)
		return scan_avx512(t, p, len, fn, data);
	if (t && t->active == TEDDY_AVX2)
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
