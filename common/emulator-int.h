#ifndef EMULATOR_INT_H
#define EMULATOR_INT_H

/* What the emulator's files share; not for other modules. */

#include "emulator.h"
#include <jansson.h>
#include <pthread.h>
#include <time.h>

enum em_fault_kind {
	EMF_429, EMF_500, EMF_502, EMF_503, EMF_DROP, EMF_SLOW, EMF_LRO_FAIL, EMF_EXPIRE,
	EMF_403, EMF_BROKEN,
};

struct em_fault {
	enum em_fault_kind kind;
	double rate;          /* 0..1, or 0 when by number */
	long nth[16];         /* 1-based numbers of the eligible requests */
	int nth_nr;
	long every;           /* every n-th eligible request */
	long ms;              /* slow: delay */
	long after;           /* 429/503: Retry-After seconds */
	long count;           /* eligible requests seen */
	char *path;           /* only requests whose path contains this */
	char *method;         /* only this method */
};

struct em_workspace {
	char *name;
	json_t *colls;   /* collection key (lower case) -> { lower name -> resource } */
	json_t *side;    /* "coll/lower name" -> emulator-only state */
	json_t *runs;    /* runId -> pipeline run */
	long record_id;
};

struct emulator {
	struct emulator_options o;
	struct MHD_Daemon *daemon;
	int port;
	int tls;
	char *cert_pem, *key_pem;
	pthread_mutex_t lock;
	struct em_workspace **ws;
	size_t ws_nr, ws_alloc;
	json_t *ops;
	struct em_fault *faults;
	size_t faults_nr, faults_alloc;
	unsigned long long rng;
	unsigned long counter;
	long requests;
	int dirty;
	time_t last_save;
	unsigned long long token_key;
};

/* emulator-store.c */
int em_faults_parse(struct emulator *em, const char *spec);
void em_faults_release(struct emulator *em);
/* The fault that hits this request (eligible for kinds in mask), or NULL. */
struct em_fault *em_fault_pick(struct emulator *em, const char *method, const char *path,
			       unsigned kinds_mask);
unsigned long long em_random(struct emulator *em);
void em_guid(struct emulator *em, char out[37], int upper);
void em_new_etag(struct emulator *em, char out[40]);
void em_iso_now(char out[40], time_t t);
struct em_workspace *em_workspace_get(struct emulator *em, const char *name, int create);
json_t *em_coll(struct em_workspace *ws, const char *key, int create);
void em_workspaces_free(struct emulator *em);
int em_load(struct emulator *em);
int em_save(struct emulator *em, int force);
int em_valid_workspace_name(const char *name);

/* emulator-aad.c */
/* 1 when path (split in segs) is a token endpoint and res is filled. */
int em_aad_handle(struct emulator *em, const struct em_request *req,
		  char **segs, int nsegs, struct em_response *res);
/*
 * 0 when the Authorization header carries a valid data-plane token
 * (*principal set, malloc'd); -1 with a 401 in res otherwise.
 */
int em_check_token(struct emulator *em, const char *authorization, struct em_response *res,
		   char **principal);
char *em_issue_token(struct emulator *em, const char *audience, const char *tenant,
		     const char *client_id, long lifetime, time_t *exp);

/* emulator.c */
const char *em_query(const struct em_request *req, const char *name);
const char *em_header(const struct em_request *req, const char *name);
void em_json_answer(struct em_response *res, int status, json_t *body, int pretty);
void em_error(struct em_response *res, int status, int wrapped, const char *code,
	      const char *fmt, ...) PRINTF_LIKE(5, 6);
void em_log(struct emulator *em, const char *fmt, ...) PRINTF_LIKE(2, 3);

#endif
