/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Differential test of the pull-reader decoders (kansa_entry__decode,
 * kansa_request__parse) against the tree decoders they replaced
 * (tree_entry.c, tree_request.c): on every file of the fuzz corpora and the
 * vectors, on entries and requests of every shape, and on thousands of
 * mutations of them (bytes flipped, cut or added; and, so that most
 * mutations stay canonical CBOR and reach the shape checks, keys dropped,
 * renamed or added and values swapped, re-encoded canonically), both must
 * give the same result code, the same message and equal structures.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ledger/entry.h"
#include "policy/cbor.h"
#include "policy/doc.h"
#include "tests/unit/diff/tree.h"

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static const char *srcdir(void)
{
	const char *s = getenv("KANSA_SRCDIR");

	return s != NULL ? s : ".";
}

/* ---------------------------------------------------------------------- */
/* Comparing the two decoders                                              */
/* ---------------------------------------------------------------------- */

static size_t n_entry, n_entry_ok, n_request, n_request_ok;

static void same_text(const char *a, const char *b, const char *what)
{
	cr_assert((a == NULL) == (b == NULL), "%s: one NULL", what);
	if (a != NULL)
		cr_assert_str_eq(a, b, "%s", what);
}

static void diff_entry(const uint8_t *in, size_t len)
{
	kansa_entry a, b;
	char msg[512];
	int ea, eb;

	ea = tree_entry_decode(&a, in, len);
	snprintf(msg, sizeof(msg), "%s", ea < 0 ? kansa_error_last()->message : "");
	eb = kansa_entry__decode(&b, in, len);
	n_entry++;
	cr_assert_eq(ea, eb, "entry of %zu bytes: tree %d (%s), pull %d (%s)", len, ea, msg, eb,
	    eb < 0 ? kansa_error_last()->message : "");
	if (ea < 0) {
		cr_assert_str_eq(kansa_error_last()->message, msg, "entry of %zu bytes", len);
		return;
	}
	n_entry_ok++;
	cr_assert_eq(a.seq, b.seq);
	cr_assert_eq(a.time, b.time);
	cr_assert_eq(a.kind, b.kind);
	cr_assert_arr_eq(a.prev, b.prev, sizeof(a.prev));
	cr_assert_eq(a.request_len, b.request_len);
	cr_assert((a.request == NULL) == (b.request == NULL));
	if (a.request != NULL)
		cr_assert_arr_eq(a.request, b.request, a.request_len);
	cr_assert_eq(a.request_hashed, b.request_hashed);
	cr_assert_arr_eq(a.request_hash, b.request_hash, sizeof(a.request_hash));
	cr_assert_eq(a.request_size, b.request_size);
	cr_assert_eq(a.request_form, b.request_form);
	cr_assert_eq(a.has_warrant, b.has_warrant);
	cr_assert_arr_eq(a.warrant, b.warrant, sizeof(a.warrant));
	cr_assert_eq(a.policy_version, b.policy_version);
	cr_assert_eq(a.verdict, b.verdict);
	cr_assert_eq(a.reason, b.reason);
	same_text(a.detail, b.detail, "detail");
	cr_assert_eq(a.uses, b.uses);
	cr_assert_eq(a.ratify_by, b.ratify_by);
	same_text(a.unit, b.unit, "unit");
	cr_assert_arr_eq(a.document, b.document, sizeof(a.document));
	cr_assert_eq(a.version, b.version);
	cr_assert_arr_eq(a.cti, b.cti, sizeof(a.cti));
	cr_assert_arr_eq(a.entry, b.entry, sizeof(a.entry));
	cr_assert_eq(a.approved, b.approved);
	kansa_entry__dispose(&a);
	kansa_entry__dispose(&b);
}

static void same_prefix(const kansa_prefix *a, const kansa_prefix *b)
{
	cr_assert_eq(a->family, b->family);
	cr_assert_eq(a->len, b->len);
	cr_assert_arr_eq(a->addr, b->addr, sizeof(a->addr));
}

static void diff_request(const uint8_t *in, size_t len)
{
	kansa_request_doc a, b;
	char msg[512];
	int ea, eb;

	ea = tree_request_parse(&a, in, len);
	snprintf(msg, sizeof(msg), "%s", ea < 0 ? kansa_error_last()->message : "");
	eb = kansa_request__parse(&b, in, len);
	n_request++;
	cr_assert_eq(ea, eb, "request of %zu bytes: tree %d (%s), pull %d (%s)", len, ea, msg, eb,
	    eb < 0 ? kansa_error_last()->message : "");
	cr_assert_eq(a.action, b.action);
	if (ea < 0) {
		cr_assert_str_eq(kansa_error_last()->message, msg, "request of %zu bytes", len);
		return;
	}
	n_request_ok++;
	same_text(a.requester, b.requester, "requester");
	same_text(a.officer, b.officer, "officer");
	same_text(a.justification, b.justification, "justification");
	same_text(a.op, b.op, "op");
	cr_assert_eq(a.emergency, b.emergency);
	cr_assert_eq(a.n_targets, b.n_targets);
	for (size_t i = 0; i < a.n_targets; i++)
		same_prefix(&a.targets[i], &b.targets[i]);
	cr_assert_eq(a.n_fields, b.n_fields);
	for (size_t i = 0; i < a.n_fields; i++)
		cr_assert_str_eq(a.fields[i], b.fields[i]);
	cr_assert_eq(a.has_window, b.has_window);
	cr_assert_eq(a.window[0], b.window[0]);
	cr_assert_eq(a.window[1], b.window[1]);
	cr_assert_eq(a.has_host, b.has_host);
	same_prefix(&a.host, &b.host);
	kansa_request__dispose(&a);
	kansa_request__dispose(&b);
}

static void diff_both(const uint8_t *in, size_t len)
{
	diff_entry(in, len);
	diff_request(in, len);
}

/* ---------------------------------------------------------------------- */
/* Seeds                                                                   */
/* ---------------------------------------------------------------------- */

#define MAX_SEEDS 512

struct seeds {
	uint8_t *p[MAX_SEEDS];
	size_t n[MAX_SEEDS];
	size_t count;
};

static void add_seed(struct seeds *s, const uint8_t *p, size_t n)
{
	if (s->count == MAX_SEEDS)
		return;
	s->p[s->count] = malloc(n ? n : 1);
	cr_assert_not_null(s->p[s->count]);
	if (n > 0)
		memcpy(s->p[s->count], p, n);
	s->n[s->count++] = n;
}

static void free_seeds(struct seeds *s)
{
	for (size_t i = 0; i < s->count; i++)
		free(s->p[i]);
	s->count = 0;
}

/* Every regular file under @p dir (recursively), to @p s. */
static void add_files(struct seeds *s, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	cr_assert_not_null(d, "cannot open %s", dir);
	while ((de = readdir(d)) != NULL) {
		char path[2048];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			add_files(s, path);
		} else if (S_ISREG(st.st_mode) && st.st_size <= 65536) {
			FILE *f = fopen(path, "rb");
			uint8_t buf[65536];
			size_t n;

			cr_assert_not_null(f, "cannot read %s", path);
			n = fread(buf, 1, sizeof(buf), f);
			fclose(f);
			add_seed(s, buf, n);
		}
	}
	closedir(d);
}

static void fill(uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v + i);
}

static void add_entry(struct seeds *s, const kansa_entry *e)
{
	uint8_t *out;
	size_t len;

	cr_assert_eq(kansa_entry__encode(&out, &len, e), 0, "%s", kansa_error_last()->message);
	add_seed(s, out, len);
	free(out);
}

/* Entries of every kind and optional key. */
static void entry_seeds(struct seeds *s)
{
	uint8_t req[40];
	kansa_entry e;

	fill(req, sizeof(req), 0x40);
	for (int v = 0; v < 6; v++) {
		memset(&e, 0, sizeof(e));
		e.seq = v == 0 ? 0 : (uint64_t)1 << (8 * v);
		e.time = v % 2 ? 1767225600 : -5;
		fill(e.prev, sizeof(e.prev), (uint8_t)v);
		e.kind = KANSA_ENTRY_DECISION;
		e.request = req;
		e.request_len = v == 5 ? 0 : sizeof(req);
		e.has_warrant = v % 2 == 0;
		fill(e.warrant, sizeof(e.warrant), 7);
		e.policy_version = (uint64_t)v + 1;
		e.verdict = v % 3 ? KANSA_ALLOW : KANSA_DENY;
		e.reason = v % KANSA_REASON_COUNT;
		e.detail = v == 1 ? "" : "scope covers 203.0.113.0/24 \xc3\xa9";
		e.uses = (uint64_t)v * 1000;
		e.ratify_by = v == 2 ? 1767229200 : 0;
		e.unit = v >= 3 ? "unit-a" : NULL;
		add_entry(s, &e);
		e.request = NULL;
		e.request_len = 0;
		e.request_hashed = true;
		fill(e.request_hash, sizeof(e.request_hash), 9);
		e.request_size = 70000 + (uint64_t)v;
		e.request_form = v % 2 ? KANSA_REQUEST_FORM_JSON : KANSA_REQUEST_FORM_CBOR;
		add_entry(s, &e);
	}
	for (int k = KANSA_ENTRY_POLICY; k <= KANSA_ENTRY_RATIFICATION; k++) {
		for (int v = 0; v < 2; v++) {
			memset(&e, 0, sizeof(e));
			e.seq = 5;
			e.time = 1767225600;
			e.kind = k;
			fill(e.document, sizeof(e.document), 3);
			e.version = (uint64_t)v + 2;
			fill(e.cti, sizeof(e.cti), 4);
			fill(e.entry, sizeof(e.entry), 5);
			e.approved = v == 1;
			add_entry(s, &e);
		}
	}
}

static void add_request_json(struct seeds *s, const char *json)
{
	uint8_t *out;
	size_t len;

	cr_assert_eq(kansa_request__from_json(&out, &len, NULL, json, strlen(json), 1767225600), 0,
	    "%s: %s", json, kansa_error_last()->message);
	add_seed(s, out, len);
	free(out);
}

/* Requests of both actions, addresses and prefixes of both families. */
static void request_seeds(struct seeds *s)
{
	add_request_json(s, "{\"requester\":\"soc\",\"officer\":\"A. Officer\",\"action\":\"metadata-query\","
	    "\"justification\":\"case 7\\nline two\",\"targets\":[\"203.0.113.0/24\",\"198.51.100.7\","
	    "\"2001:db8::/32\",\"2001:db8::1\"],\"fields\":[\"src_ip\",\"dst_ip\"],"
	    "\"window\":[1767225600,1767229200]}");
	add_request_json(s, "{\"requester\":\"soc\",\"officer\":\"B\",\"action\":\"metadata-query\","
	    "\"justification\":\"j\",\"emergency\":true,\"targets\":[\"10.0.0.0/8\"],\"fields\":[\"a\"],"
	    "\"window\":[0,253402300799]}");
	add_request_json(s, "{\"requester\":\"soc\",\"officer\":\"C\",\"action\":\"neutralize\","
	    "\"justification\":\"stop it\",\"host\":\"203.0.113.9\",\"op\":\"isolate\"}");
	add_request_json(s, "{\"requester\":\"soc\",\"officer\":\"D\",\"action\":\"neutralize\","
	    "\"justification\":\"stop it\",\"emergency\":false,\"host\":\"2001:db8::9\",\"op\":\"block.v2\"}");
}

/* ---------------------------------------------------------------------- */
/* Mutations                                                               */
/* ---------------------------------------------------------------------- */

static const char *const known_keys[] = {
	"seq", "time", "kind", "prev", "request", "request_hash", "request_size", "request_form",
	"warrant", "policy", "decision", "reason", "detail", "uses", "ratify_by", "unit",
	"document", "version", "cti", "entry", "approved", "requester", "officer", "action",
	"justification", "emergency", "targets", "fields", "window", "host", "op", "zzz",
};
#define N_KNOWN (sizeof(known_keys) / sizeof(known_keys[0]))

static cbor_item_t *text_n(const char *p, size_t n)
{
	return cbor_build_stringn(p, n);
}

static cbor_item_t *bytes_n(size_t n, uint8_t v)
{
	uint8_t b[64];

	memset(b, v, sizeof(b));
	return cbor_build_bytestring(b, n);
}

static cbor_item_t *array_of(cbor_item_t *a, cbor_item_t *b)
{
	cbor_item_t *arr = kansa_cbor__array();

	if (a != NULL) {
		cbor_array_push(arr, a);
		cbor_decref(&a);
	}
	if (b != NULL) {
		cbor_array_push(arr, b);
		cbor_decref(&b);
	}
	return arr;
}

static cbor_item_t *tagged(uint64_t tag, cbor_item_t *inner)
{
	cbor_item_t *t = cbor_build_tag(tag, inner);

	cbor_decref(&inner);
	return t;
}

/* A value from a pool of the types and edges the decoders tell apart. */
static cbor_item_t *pool_item(void)
{
	static const char longtext[] = "0123456789012345678901234567890123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789";
	uint8_t a4[4] = { 203, 0, 113, 0 };

	switch (rnd() % 34) {
	case 0: return kansa_cbor__uint(0);
	case 1: return kansa_cbor__uint(24);
	case 2: return kansa_cbor__uint(UINT64_C(4294967296));
	case 3: return kansa_cbor__uint(UINT64_MAX);
	case 4: return kansa_cbor__int(-1);
	case 5: return kansa_cbor__int(INT64_MIN);
	case 6: return cbor_build_negint64(UINT64_MAX);
	case 7: return text_n("", 0);
	case 8: return text_n("x", 1);
	case 9: return text_n(rnd() % 2 ? "allow" : "deny", rnd() % 2 ? 4 : 5);
	case 10: return text_n(rnd() % 2 ? "cbor" : "json", 4);
	case 11: return kansa_cbor__text(kansa_entry__kind_name(1 + (int)(rnd() % 5)));
	case 12: return kansa_cbor__text(rnd() % 2 ? "metadata-query" : "neutralize");
	case 13: return kansa_cbor__text(kansa_reason_name((int)(rnd() % (KANSA_REASON_COUNT + 1))));
	case 14: return text_n("  \t", 3);
	case 15: return text_n("a\nb", 3);
	case 16: return text_n("a\0b", 3);
	case 17: return text_n(longtext, rnd() % 2 ? 64 : 65 + rnd() % (sizeof(longtext) - 66));
	case 18: return text_n("bad name!", 9);
	case 19: return bytes_n(rnd() % 2 ? 32 : 16, (uint8_t)rnd());
	case 20: return bytes_n(rnd() % 40, 0);
	case 21: return cbor_build_bool(rnd() % 2);
	case 22: return cbor_new_null();
	case 23: return kansa_cbor__array();
	case 24: return kansa_cbor__map();
	case 25: return array_of(kansa_cbor__text("a"), rnd() % 2 ? kansa_cbor__text("a") : kansa_cbor__text("b"));
	case 26: return array_of(kansa_cbor__int(rnd() % 2 ? -1 : 5), kansa_cbor__uint(rnd() % 2 ? 7 : UINT64_C(253402300800)));
	case 27: return tagged(52, cbor_build_bytestring(a4, rnd() % 2 ? 4 : 3));
	case 28: return tagged(54, bytes_n(rnd() % 2 ? 16 : 4, 0x20));
	case 29: return tagged(rnd() % 2 ? 52 : 54, array_of(kansa_cbor__uint(rnd() % 40), cbor_build_bytestring(a4, rnd() % 5)));
	case 30: return tagged(rnd() % 2 ? 1 : 99, bytes_n(4, 1));
	case 31: return array_of(tagged(52, cbor_build_bytestring(a4, 4)), rnd() % 2 ? kansa_cbor__uint(3) : NULL);
	case 32: return kansa_cbor__int(1767225600);
	default: return array_of(NULL, NULL);
	}
}

static cbor_item_t *pool_key(void)
{
	switch (rnd() % 8) {
	case 0: return rnd() % 2 ? kansa_cbor__int((int64_t)(rnd() % 4) - 1) : bytes_n(1, 0x61);
	case 1: return pool_item(); /* texts long or with NUL, containers, tags */
	default: break;
	}
	return kansa_cbor__text(known_keys[rnd() % N_KNOWN]);
}

static cbor_item_t *mutate(cbor_item_t *it, int depth);

/* A copy of a map with one pair dropped, replaced, renamed or descended into, or one added. */
static cbor_item_t *mutate_map(cbor_item_t *it, int depth)
{
	size_t n = cbor_map_size(it), target = n ? rnd() % n : 0;
	struct cbor_pair *pairs = cbor_map_handle(it);
	cbor_item_t *m = kansa_cbor__map();
	unsigned op = n ? rnd() % 6 : 4;

	for (size_t i = 0; i < n; i++) {
		cbor_item_t *key = cbor_incref(pairs[i].key), *val = cbor_incref(pairs[i].value);

		if (i == target && op == 0) {
			cbor_decref(&key);
			cbor_decref(&val);
			continue;
		}
		if (i == target && op == 1) {
			cbor_decref(&val);
			val = pool_item();
		} else if (i == target && (op == 2 || op == 5)) {
			cbor_item_t *v = mutate(val, depth + 1);

			cbor_decref(&val);
			val = v;
		} else if (i == target && op == 3) {
			cbor_decref(&key);
			key = pool_key();
		}
		cbor_map_add(m, (struct cbor_pair){ .key = key, .value = val });
		cbor_decref(&key);
		cbor_decref(&val);
	}
	if (op == 4) {
		cbor_item_t *key = pool_key(), *val = pool_item();

		cbor_map_add(m, (struct cbor_pair){ .key = key, .value = val });
		cbor_decref(&key);
		cbor_decref(&val);
	}
	return m;
}

static cbor_item_t *mutate_array(cbor_item_t *it, int depth)
{
	size_t n = cbor_array_size(it), target = n ? rnd() % n : 0;
	cbor_item_t *a = kansa_cbor__array();
	unsigned op = n ? rnd() % 4 : 3;

	for (size_t i = 0; i < n; i++) {
		cbor_item_t *v = cbor_incref(cbor_array_handle(it)[i]);

		if (i == target && op == 0) {
			cbor_decref(&v);
			continue;
		}
		if (i == target && op == 1) {
			cbor_decref(&v);
			v = pool_item();
		} else if (i == target && op == 2) {
			cbor_item_t *w = mutate(v, depth + 1);

			cbor_decref(&v);
			v = w;
		}
		cbor_array_push(a, v);
		cbor_decref(&v);
	}
	if (op == 3) {
		cbor_item_t *v = rnd() % 2 && n > 0 ? cbor_incref(cbor_array_handle(it)[0]) : pool_item();

		cbor_array_push(a, v);
		cbor_decref(&v);
	}
	return a;
}

/* A new reference to a mutated copy of @p it. */
static cbor_item_t *mutate(cbor_item_t *it, int depth)
{
	if (depth < 4 && cbor_isa_map(it))
		return mutate_map(it, depth);
	if (depth < 4 && cbor_isa_array(it))
		return mutate_array(it, depth);
	if (depth < 4 && cbor_isa_tag(it) && rnd() % 2) {
		cbor_item_t *inner = cbor_tag_item(it), *m = mutate(inner, depth + 1);

		cbor_decref(&inner);
		return tagged(rnd() % 4 ? cbor_tag_value(it) : 52 + rnd() % 4, m);
	}
	return pool_item();
}

/* One to three structural mutations, re-encoded canonically; false when
 * the result cannot be encoded (duplicate keys). */
static bool tree_mutant(uint8_t **out, size_t *out_len, const uint8_t *in, size_t len)
{
	struct cbor_load_result res;
	cbor_item_t *t = cbor_load(in, len, &res);
	int rounds = 1 + (int)(rnd() % 3);
	bool ok;

	if (t == NULL)
		return false;
	for (int i = 0; i < rounds; i++) {
		cbor_item_t *m = mutate(t, 0);

		cbor_decref(&t);
		t = m;
	}
	ok = kansa_cbor__encode(out, out_len, t) == 0;
	cbor_decref(&t);
	return ok;
}

/* A byte-level mutant into @p buf (room for len + 8). */
static size_t byte_mutant(uint8_t *buf, const uint8_t *in, size_t len)
{
	size_t n = len, at = len ? rnd() % len : 0;

	memcpy(buf, in, len);
	switch (rnd() % 5) {
	case 0:
		if (len)
			buf[at] ^= (uint8_t)(1u << (rnd() % 8));
		break;
	case 1:
		if (len)
			buf[at] = (uint8_t)rnd();
		break;
	case 2:
		n = at;
		break;
	case 3:
		memmove(buf + at + 1, buf + at, len - at);
		buf[at] = (uint8_t)rnd();
		n = len + 1;
		break;
	default:
		if (len) {
			memmove(buf + at, buf + at + 1, len - at - 1);
			n = len - 1;
		}
		break;
	}
	return n;
}

static void run_mutants(const struct seeds *s, void (*diff)(const uint8_t *, size_t), size_t rounds)
{
	for (size_t i = 0; i < rounds; i++) {
		size_t k = rnd() % s->count;
		uint8_t *out;
		size_t len;

		if (tree_mutant(&out, &len, s->p[k], s->n[k])) {
			diff(out, len);
			free(out);
		}
		if (s->n[k] < 4096) {
			uint8_t buf[4096 + 8];

			len = byte_mutant(buf, s->p[k], s->n[k]);
			diff(buf, len);
		}
	}
}

static size_t rounds(void)
{
	const char *v = getenv("KANSA_VALGRIND");

	return v != NULL && v[0] == '1' ? 1000 : 20000;
}

Test(decode_diff, corpora_and_vectors)
{
	struct seeds s = { 0 };
	char dir[1024];

	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus", srcdir());
	add_files(&s, dir);
	snprintf(dir, sizeof(dir), "%s/tests/vectors", srcdir());
	add_files(&s, dir);
	cr_assert_gt(s.count, 100, "only %zu files", s.count);
	for (size_t i = 0; i < s.count; i++)
		diff_both(s.p[i], s.n[i]);
	run_mutants(&s, diff_both, rounds() / 4);
	cr_assert_gt(n_entry_ok, 0);
	cr_assert_gt(n_request_ok, 0);
	cr_log_info("%zu files; %zu entries (%zu decoded), %zu requests (%zu parsed)", s.count, n_entry,
	    n_entry_ok, n_request, n_request_ok);
	free_seeds(&s);
}

Test(decode_diff, entries)
{
	struct seeds s = { 0 };
	char dir[1024];

	entry_seeds(&s);
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/entry", srcdir());
	add_files(&s, dir);
	for (size_t i = 0; i < s.count; i++)
		diff_entry(s.p[i], s.n[i]);
	cr_assert_geq(n_entry_ok, 18, "every seed entry decodes (%zu)", n_entry_ok);
	run_mutants(&s, diff_entry, rounds());
	/* the structural mutants reach the shape checks, on both sides of them */
	cr_assert_gt(n_entry_ok, rounds() / 50, "%zu of %zu mutants decoded", n_entry_ok, n_entry);
	cr_assert_lt(n_entry_ok, n_entry / 2, "%zu of %zu mutants decoded", n_entry_ok, n_entry);
	cr_log_info("%zu entries, %zu decoded", n_entry, n_entry_ok);
	free_seeds(&s);
}

Test(decode_diff, requests)
{
	struct seeds s = { 0 };
	char dir[1024];

	request_seeds(&s);
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/request", srcdir());
	add_files(&s, dir);
	for (size_t i = 0; i < s.count; i++)
		diff_request(s.p[i], s.n[i]);
	cr_assert_geq(n_request_ok, 6, "the seed requests decode (%zu)", n_request_ok);
	run_mutants(&s, diff_request, rounds());
	cr_assert_gt(n_request_ok, rounds() / 50, "%zu of %zu mutants decoded", n_request_ok, n_request);
	cr_assert_lt(n_request_ok, n_request / 2, "%zu of %zu mutants decoded", n_request_ok, n_request);
	cr_log_info("%zu requests, %zu parsed", n_request, n_request_ok);
	free_seeds(&s);
}
