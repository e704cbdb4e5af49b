/* SPDX-License-Identifier: Apache-2.0 */
/*
 * create, sign and show for every kind of the commission's signed documents
 * (design §4, §7): cmd_policy.c, cmd_warrant.c, cmd_revocation.c and
 * cmd_ratification.c call these with their kind, so the four share one life
 * cycle and what differs is the kind.
 *
 * create turns the JSON form into a draft (COSE_Sign without signatures),
 * sign adds exactly one signature in place (atomically), and show prints a
 * document for a person or, with --json, as one object. All the rules live
 * in the library; this file reads files, asks for passphrases and prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/doc.h"

void cli_doc_help_init(cli_doc_help *d, int kind, const char *verb)
{
	snprintf(d->schema, sizeof(d->schema), "kansa.%s.%s/1", kansa_doc_kind_name(kind), verb);
	d->h = (cli_help){ d->usage, d->about, d->example, d->schema };
}

/* Read a document file (or stdin for "-"). */
int cli_doc_read(uint8_t **out, size_t *len, const char *path)
{
	return cli_read_input(out, len, path, KANSA_MAX_DOC_BYTES);
}

/*
 * Load the policy chain named by repeated --policy options: the first is
 * verified as version 1 (its own quorum), each next one against the one
 * before. The last one is the policy in force.
 */
int cli_doc_load_policies(kansa_policy **out, const char *const *files, size_t n)
{
	kansa_policy *prev = NULL, *cur = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	int error = 0;

	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		if ((error = cli_doc_read(&buf, &len, files[i])) < 0)
			goto fail;
		error = kansa_policy_load(&cur, buf, len, prev);
		free(buf);
		buf = NULL;
		if (error < 0) {
			char msg[256];

			snprintf(msg, sizeof(msg), "policy %.60s: %.180s", files[i], kansa_error_last()->message);
			kansa_error_set_str(error, msg);
			goto fail;
		}
		kansa_policy_free(prev);
		prev = cur;
		cur = NULL;
	}
	*out = prev;
	return 0;
fail:
	kansa_policy_free(prev);
	return error;
}

/* ---------------------------------------------------------------------- */
/* create                                                                  */
/* ---------------------------------------------------------------------- */

static void help_create(cli_doc_help *d, int kind)
{
	const char *k = kansa_doc_kind_name(kind);

	cli_doc_help_init(d, kind, "create");
	snprintf(d->usage, sizeof(d->usage), "--in %s.json --out %s.cose [--json]", k, k);
	snprintf(d->about, sizeof(d->about),
	    "Make a draft %s (a COSE_Sign document without signatures) from its JSON\n"
	    "form (docs/documents.md). Times may be RFC 3339 (2026-05-01T09:00:00Z) or\n"
	    "relative to now (\"now\", \"+30d\", \"-2h\", \"+15m\"); they are fixed when the\n"
	    "draft is made. The output file is never overwritten.%s", k,
	    kind == KANSA_DOC_POLICY ? "\nEach member's \"public_key\" is a PEM file, relative to the JSON file's\n"
	    "directory, or the PEM text itself."
	    : kind == KANSA_DOC_WARRANT ? "\nThe warrant gets a fresh random id (cti) and issued_at = now." : "");
	snprintf(d->example, sizeof(d->example), "kansa %s create --in %s.json --out %s.cose\n"
	    "kansa %s sign %s.cose --key member-a.key", k, k, k, k, k);
}

int cli_doc_create(int kind, int argc, char **argv)
{
	const char *in = NULL, *outpath = NULL;
	bool as_json = false;
	const cli_option opts[] = {
		CLI_OPT_PATH("in", 0, &in, "FILE", "the JSON form (- for stdin)", CLI_OPT_REQUIRED),
		CLI_OPT_PATH("out", 0, &outpath, "FILE", "the draft to write (- for stdout)", CLI_OPT_REQUIRED),
		CLI_OPT_JSON(&as_json, "print the result as one JSON object"),
		CLI_OPT_END(),
	};
	cli_doc_help help;
	const char *schema = help.schema;
	char *base = NULL, *shown = NULL;
	uint8_t *json = NULL, *cose = NULL;
	size_t json_len = 0, cose_len = 0;
	kansa_doc *d = NULL;
	int error;

	help_create(&help, kind);
	if ((error = cli_parse_options(&help.h, opts, argc, argv)) >= 0)
		return error;

	/* key files named in a policy are relative to the JSON file */
	if (strcmp(in, "-") == 0 || strrchr(in, '/') == NULL) {
		base = strdup(".");
	} else {
		size_t n = (size_t)(strrchr(in, '/') - in);

		base = strndup(in, n == 0 ? 1 : n);
	}
	if (base == NULL) {
		error = KANSA_ENOMEM;
		goto out;
	}
	if ((error = cli_read_input(&json, &json_len, in, KANSA_MAX_JSON_BYTES)) < 0 ||
	    (error = kansa_doc_create_json(&cose, &cose_len, kind, (const char *)json, json_len, base,
		(int64_t)time(NULL))) < 0)
		goto out;
	if (strcmp(outpath, "-") == 0) {
		if (fwrite(cose, 1, cose_len, stdout) != cose_len || fflush(stdout) != 0) {
			error = kansa_error_set_str(KANSA_EIO, "cannot write to stdout");
			goto out;
		}
	} else if ((error = kansa_file_write(outpath, cose, cose_len, 0644, 0)) < 0) {
		goto out;
	}
	if (strcmp(outpath, "-") == 0)
		goto out; /* the document itself is the output */
	if ((error = kansa_doc_parse(&d, cose, cose_len, kind)) < 0 ||
	    (error = kansa_doc_to_json(&shown, NULL, d, NULL, (int64_t)time(NULL))) < 0)
		goto out;
	{
		json_t *o = json_loads(shown, 0, NULL);
		json_t *cti = o ? json_object_get(o, "cti") : NULL;
		json_t *hash = o ? json_object_get(o, "hash") : NULL;

		if (as_json) {
			json_t *r = json_object();

			json_object_set_new(r, "ok", json_true());
			json_object_set_new(r, "file", json_string(outpath));
			json_object_set_new(r, "kind", json_string(kansa_doc_kind_name(kind)));
			json_object_set_new(r, "signatures", json_integer(0));
			json_object_set(r, "hash", hash ? hash : json_null());
			if (cti)
				json_object_set(r, "cti", cti);
			cli_json_print(r, schema);
		} else {
			printf("wrote %s: draft %s, no signatures yet\n", outpath, kansa_doc_kind_name(kind));
			if (cti)
				printf("  cti:  %s\n", json_string_value(cti));
			if (hash)
				printf("  hash: %s\n", json_string_value(hash));
			printf("next: each member runs 'kansa %s sign %s --key KEY'\n", kansa_doc_kind_name(kind), outpath);
		}
		json_decref(o);
	}
out:
	if (error < 0)
		error = -cli_fail(error, as_json, schema);
	free(base);
	free(json);
	free(cose);
	free(shown);
	kansa_doc_free(d);
	return error < 0 ? -error : EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* sign                                                                    */
/* ---------------------------------------------------------------------- */

static void help_sign(cli_doc_help *d, int kind)
{
	const char *k = kansa_doc_kind_name(kind);

	cli_doc_help_init(d, kind, "sign");
	snprintf(d->usage, sizeof(d->usage),
	    "FILE --key KEY [--policy POLICY]... [--passphrase-file PATH] [--json]");
	snprintf(d->about, sizeof(d->about),
	    "Add one signature with KEY (a member's private key) to the %s in FILE,\n"
	    "in place and atomically. The other signatures are kept byte for byte.\n"
	    "KEY must be a member of the policy whose members sign the document\n"
	    "(--policy: the policy in force, version 1 first when giving a chain;\n"
	    "a policy of version 1 is signed by its own members): a stray signature\n"
	    "would make the document invalid for every verifier, so it is refused\n"
	    "(exit 1). Without --policy membership is not checked (a notice).\n"
	    "Signing twice with the same key changes nothing (a notice, exit 0).\n"
	    "Members sign in turn: two members signing the same file at the same\n"
	    "moment may lose one signature. 'kansa %s unsign' removes one.", k, k);
	snprintf(d->example, sizeof(d->example), "kansa %s sign %s.cose --key member-a.key --policy policy.cose",
	    k, k);
}

/* Refuse a key that is not a member of the policy whose members sign @p d;
 * a notice when that cannot be told (no --policy). */
static int check_member(const char **name, const kansa_doc *d, const kansa_policy *policy,
    const uint8_t kid[KANSA_KID_LEN], const char *file)
{
	char msg[400];
	int error = kansa_doc_member(name, d, policy, kid);

	if (error == KANSA_EINVAL) {
		cli_warn("membership not checked: give --policy POLICY to check that the key is a member");
		return 0;
	}
	if (error == KANSA_ENOTFOUND) {
		snprintf(msg, sizeof(msg), "%.200s: its signature would make %.100s invalid for every "
		    "verifier; sign with a member's key (nothing changed)", kansa_error_last()->message, file);
		return kansa_error_set_str(KANSA_EVERIFY, msg);
	}
	return error;
}

int cli_doc_sign(int kind, int argc, char **argv)
{
	const char *keypath = NULL, *pfile = NULL, *file = NULL, *member = NULL;
	cli_opt_list policies = { { NULL }, 0 };
	bool as_json = false, already = false;
	kansa_policy *policy = NULL;
	const cli_option opts[] = {
		CLI_OPT_OPERAND(&file, "FILE", "expected one document FILE"),
		CLI_OPT_PATH("key", 0, &keypath, "KEY", "the member's private key file", CLI_OPT_REQUIRED),
		CLI_OPT_LIST("policy", 0, &policies, "POLICY",
		    "the policy in force, to check that KEY is a member (version 1 first for a chain)", 0),
		CLI_OPT_PATH("passphrase-file", 0, &pfile, "PATH",
		    "its passphrase (else $KANSA_PASSPHRASE_FILE or a prompt)", 0),
		CLI_OPT_JSON(&as_json, "print the result as one JSON object"),
		CLI_OPT_END(),
	};
	cli_doc_help help;
	const char *schema = help.schema;
	char kid_hex[2 * KANSA_KID_LEN + 1];
	uint8_t *in = NULL, *signed_doc = NULL, kid[KANSA_KID_LEN];
	size_t in_len = 0, out_len = 0, nsig = 0;
	kansa_doc *d = NULL;
	kansa_key *key = NULL;
	int error;

	help_sign(&help, kind);
	if ((error = cli_parse_options(&help.h, opts, argc, argv)) >= 0)
		return error;
	if (strcmp(file, "-") == 0)
		return cli_usage_error("sign changes FILE in place; '-' is not a file");

	if ((error = cli_doc_read(&in, &in_len, file)) < 0 ||
	    (error = kansa_doc_parse(&d, in, in_len, kind)) < 0 ||
	    (policies.n > 0 && (error = cli_doc_load_policies(&policy, policies.v, policies.n)) < 0) ||
	    (error = cli_load_key(&key, keypath, pfile)) < 0)
		goto out;
	if (!kansa_key_is_private(key)) {
		error = kansa_error_set_str(KANSA_EINVAL, "signing needs a private key, not a public key");
		goto out;
	}
	kansa_key_kid(kid, key);
	/* REQ: DOC-SIGN-MEMBER a key that is not a member is refused before signing */
	if ((error = check_member(&member, d, policy, kid, file)) < 0 ||
	    (error = kansa_doc_sign(&signed_doc, &out_len, &already, d, key)) < 0)
		goto out;
	kansa_hex_encode(kid_hex, kid, sizeof(kid));
	nsig = kansa_doc_signature_count(d) + (already ? 0 : 1);
	if (already) {
		cli_warn("%s already carries a signature by kid %s%s%s; nothing changed", file, kid_hex,
		    *kansa_key_name(key) ? " " : "", kansa_key_name(key));
	} else if ((error = kansa_file_write(file, signed_doc, out_len, 0644, KANSA_FILE_REPLACE)) < 0) {
		goto out;
	}
	if (as_json) {
		json_t *r = json_object();

		json_object_set_new(r, "ok", json_true());
		json_object_set_new(r, "file", json_string(file));
		json_object_set_new(r, "kid", json_string(kid_hex));
		json_object_set_new(r, "name", *kansa_key_name(key) ? json_string(kansa_key_name(key)) : json_null());
		json_object_set_new(r, "already", json_boolean(already));
		json_object_set_new(r, "signatures", json_integer((json_int_t)nsig));
		json_object_set_new(r, "member", member ? json_string(member) : json_null());
		cli_json_print(r, schema);
	} else if (!already) {
		printf("signed %s as %s (kid %s): %zu signature%s\n", file,
		    *kansa_key_name(key) ? kansa_key_name(key) : "an unnamed key", kid_hex, nsig,
		    nsig == 1 ? "" : "s");
	}
out:
	if (error < 0)
		error = -cli_fail(error, as_json, schema);
	free(in);
	free(signed_doc);
	kansa_doc_free(d);
	kansa_key_free(key);
	kansa_policy_free(policy);
	return error < 0 ? -error : EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* show                                                                    */
/* ---------------------------------------------------------------------- */

void cli_fmt_duration(char out[32], long long s)
{
	if (s >= 86400)
		snprintf(out, 32, "%lldd %lldh", s / 86400, s / 3600 % 24);
	else if (s >= 3600)
		snprintf(out, 32, "%lldh %lldm", s / 3600, s / 60 % 60);
	else if (s >= 60)
		snprintf(out, 32, "%lldm %llds", s / 60, s % 60);
	else
		snprintf(out, 32, "%llds", s);
}

const char *cli_jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "-";
}

static void print_list(const char *label, const json_t *a)
{
	size_t i;
	json_t *e;

	printf("%-13s", label);
	if (json_array_size(a) == 0)
		printf("(none)");
	json_array_foreach(a, i, e) {
		printf("%s%s", i ? ", " : "", json_is_string(e) ? json_string_value(e) : "?");
	}
	printf("\n");
}

/* An action's emergency bounds (the long form): "neutralize 1d (max_hosts 1,
 * ops stop-process block-c2)". */
static void print_bounds(const char *action, const json_t *b, bool comma)
{
	const char *k;
	json_t *v, *x;
	size_t i;
	bool any = false;

	printf("%s%s %s (", comma ? ", " : "", action, cli_jstr(b, "ratify_within"));
	json_object_foreach((json_t *)(uintptr_t)b, k, v) {
		if (strcmp(k, "ratify_within") == 0)
			continue;
		printf("%s%s", any ? ", " : "", k);
		if (json_is_array(v))
			json_array_foreach(v, i, x)
				printf(" %s", json_string_value(x) ? json_string_value(x) : "?");
		else if (json_is_integer(v))
			printf(" %lld", (long long)json_integer_value(v));
		else
			printf(" %s", json_string_value(v) ? json_string_value(v) : "?");
		any = true;
	}
	printf(")");
}

static void print_per_action(const char *label, const json_t *o)
{
	const char *k;
	json_t *v;
	bool any = false;

	printf("%-13s", label);
	json_object_foreach((json_t *)(uintptr_t)o, k, v) {
		if (json_is_object(v)) {
			print_bounds(k, v, any);
		} else {
			printf("%s%s %s", any ? ", " : "", k, json_string_value(v) ? json_string_value(v) : "?");
		}
		any = true;
	}
	printf("%s\n", any ? "" : "(none)");
}

/* The human form of show, from the library's JSON. */
static void print_doc(const json_t *o, bool with_policy)
{
	const char *kind = cli_jstr(o, "kind");
	json_t *signers = json_object_get(o, "signers"), *e;
	size_t i;

	printf("%-13s%s\n", "kind", kind);
	if (strcmp(kind, "warrant") == 0) {
		json_t *v = json_object_get(o, "validity"), *s = json_object_get(o, "scope");
		const char *state = cli_jstr(v, "state");
		char left[32];

		printf("%-13s%s\n", "cti", cli_jstr(o, "cti"));
		printf("%-13s%s\n", "commission", cli_jstr(o, "commission"));
		printf("%-13s%s\n", "subject", cli_jstr(o, "subject"));
		printf("%-13s%s\n", "action", cli_jstr(o, "action"));
		printf("%-13s%s\n", "case", cli_jstr(o, "case"));
		printf("%-13s%s\n", "basis", cli_jstr(o, "basis"));
		cli_fmt_duration(left, (long long)json_integer_value(json_object_get(v, "seconds_left")));
		printf("%-13s%s to %s (%s", "validity", cli_jstr(v, "not_before"), cli_jstr(v, "expires"), state);
		if (strcmp(state, "valid") == 0)
			printf(", %s left", left);
		printf(")\n");
		if (json_is_integer(json_object_get(o, "max_uses")))
			printf("%-13s%lld\n", "max uses", (long long)json_integer_value(json_object_get(o, "max_uses")));
		else
			printf("%-13s%s\n", "max uses", "no limit");
		if (json_object_get(s, "targets")) {
			json_t *w = json_object_get(s, "window");

			print_list("targets", json_object_get(s, "targets"));
			print_list("fields", json_object_get(s, "fields"));
			printf("%-13s%s to %s\n", "window", json_string_value(json_array_get(w, 0)),
			    json_string_value(json_array_get(w, 1)));
		} else {
			print_list("hosts", json_object_get(s, "hosts"));
			print_list("ops", json_object_get(s, "ops"));
		}
	} else if (strcmp(kind, "policy") == 0) {
		json_t *m = json_object_get(o, "members"), *q = json_object_get(o, "quorum_rules");
		const char *k;
		json_t *v;

		printf("%-13s%s\n", "commission", cli_jstr(o, "commission"));
		printf("%-13s%lld\n", "version", (long long)json_integer_value(json_object_get(o, "version")));
		printf("members\n");
		json_array_foreach(m, i, e)
			printf("  %-20s kid %s\n", cli_jstr(e, "name"), cli_jstr(e, "kid"));
		printf("%-13s", "quorum rules");
		i = 0;
		json_object_foreach(q, k, v)
			printf("%s%s %lld", i++ ? ", " : "", k, (long long)json_integer_value(v));
		printf("\n");
		print_per_action("max validity", json_object_get(o, "max_validity"));
		print_per_action("emergency", json_object_get(o, "emergency"));
		print_per_action("retention", json_object_get(o, "retention"));
		print_list("fields", json_object_get(o, "fields"));
		print_list("forbidden", json_object_get(o, "forbidden_fields"));
		print_list("ops", json_object_get(o, "ops"));
		printf("%-13s%lld\n", "max targets", (long long)json_integer_value(json_object_get(o, "max_targets")));
		printf("%-13s%lld s\n", "receipt ttl", (long long)json_integer_value(json_object_get(o, "receipt_ttl")));
	} else if (strcmp(kind, "revocation") == 0) {
		printf("%-13s%s\n", "commission", cli_jstr(o, "commission"));
		printf("%-13s%s\n", "warrant", cli_jstr(o, "warrant"));
		printf("%-13s%s\n", "reason", cli_jstr(o, "reason"));
	} else {
		printf("%-13s%s\n", "commission", cli_jstr(o, "commission"));
		printf("%-13s%s\n", "entry", cli_jstr(o, "entry"));
		printf("%-13s%s\n", "approved", json_is_true(json_object_get(o, "approved")) ? "yes" : "no");
		printf("%-13s%s\n", "reason", cli_jstr(o, "reason"));
	}
	printf("%-13s%s\n", "hash", cli_jstr(o, "hash"));
	printf("signers      %zu\n", json_array_size(signers));
	json_array_foreach(signers, i, e) {
		json_t *valid = json_object_get(e, "valid");
		const char *name = json_string_value(json_object_get(e, "name"));

		printf("  %-20s kid %s  %s\n", name ? name : (json_is_null(valid) ? "?" : "(not a member)"),
		    cli_jstr(e, "kid"),
		    json_is_null(valid) ? "not checked (no --policy)" : json_is_true(valid) ? "valid" : "INVALID");
	}
	if (json_object_get(o, "quorum")) {
		json_t *q = json_object_get(o, "quorum");

		printf("quorum: %lld of %lld required signatures\n",
		    (long long)json_integer_value(json_object_get(q, "have")),
		    (long long)json_integer_value(json_object_get(q, "need")));
		if (json_is_true(json_object_get(o, "valid")))
			printf("status: valid\n");
		else
			printf("status: invalid: %s\n", cli_jstr(o, "problem"));
	} else if (!with_policy && strcmp(kind, "policy") != 0) {
		printf("(give --policy POLICY.cose to check the signers and the quorum)\n");
	}
}

static void help_show(cli_doc_help *d, int kind)
{
	const char *k = kansa_doc_kind_name(kind);

	cli_doc_help_init(d, kind, "show");
	snprintf(d->usage, sizeof(d->usage), "FILE [--policy POLICY.cose ...] [--json]");
	snprintf(d->about, sizeof(d->about),
	    "Print a %s for a person: its content, its signers (member name, kid,\n"
	    "whether each signature verifies) and, with --policy, the quorum\n"
	    "(\"quorum: 2 of 3 required signatures\") and whether it is valid now.\n"
	    "A policy of version 1 is checked against its own members. Give --policy\n"
	    "once per version, oldest first, to check a later version of the chain.\n"
	    "Exit status 0 when the document could be read, whatever its validity\n"
	    "(use 'kansa warrant verify' for a verdict).", k);
	snprintf(d->example, sizeof(d->example), "kansa %s show %s.cose --policy policy.cose", k, k);
}

int cli_doc_show(int kind, int argc, char **argv)
{
	cli_opt_list policies = { { NULL }, 0 };
	const char *file = NULL;
	bool as_json = false;
	const cli_option opts[] = {
		CLI_OPT_OPERAND(&file, "FILE", "expected one document FILE"),
		CLI_OPT_LIST("policy", 0, &policies, "FILE",
		    "the policy to check against (repeat for a chain: v1, v2, ...)", 0),
		CLI_OPT_JSON(&as_json, "print one JSON object"),
		CLI_OPT_END(),
	};
	cli_doc_help help;
	const char *schema = help.schema;
	char *text = NULL;
	uint8_t *in = NULL;
	size_t in_len = 0;
	kansa_policy *policy = NULL;
	kansa_doc *d = NULL;
	int error;

	help_show(&help, kind);
	if ((error = cli_parse_options(&help.h, opts, argc, argv)) >= 0)
		return error;
	if ((error = cli_doc_read(&in, &in_len, file)) < 0 ||
	    (error = kansa_doc_parse(&d, in, in_len, kind)) < 0 ||
	    (error = cli_doc_load_policies(&policy, policies.v, policies.n)) < 0 ||
	    (error = kansa_doc_to_json(&text, NULL, d, policy, (int64_t)time(NULL))) < 0)
		goto out;
	{
		json_error_t jerr;
		json_t *o = json_loads(text, 0, &jerr);

		if (o == NULL) {
			error = kansa_error_set_str(KANSA_ERROR, "internal error: the document's JSON does not parse");
			goto out;
		}
		if (as_json) {
			json_object_set_new(o, "ok", json_true());
			json_object_set_new(o, "file", json_string(file));
			cli_json_print(o, schema);
		} else {
			print_doc(o, policies.n > 0);
			json_decref(o);
		}
	}
out:
	if (error < 0)
		error = -cli_fail(error, as_json, schema);
	free(in);
	free(text);
	kansa_doc_free(d);
	kansa_policy_free(policy);
	return error < 0 ? -error : EXIT_OK;
}
