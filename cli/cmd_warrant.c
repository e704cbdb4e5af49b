/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa warrant create | sign | show | verify. create, sign and show are
 * cli/doc.c's, as for every kind; verify says whether a warrant is valid
 * now under a policy, by the library's one rule (kansa_doc_verify's verdict,
 * which kansa_doc_to_json reports from the pass that describes the signers).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/doc.h"

int cmd_warrant_create(int argc, char **argv) { return cli_doc_create(KANSA_DOC_WARRANT, argc, argv); }
int cmd_warrant_sign(int argc, char **argv) { return cli_doc_sign(KANSA_DOC_WARRANT, argc, argv); }
int cmd_warrant_unsign(int argc, char **argv) { return cli_doc_unsign(KANSA_DOC_WARRANT, argc, argv); }
int cmd_warrant_show(int argc, char **argv) { return cli_doc_show(KANSA_DOC_WARRANT, argc, argv); }

static const cli_help help_verify = {
	.usage = "FILE --policy POLICY.cose [--policy NEXT.cose ...]\n"
	    "[--at TIME] [--json]",
	.about = "Say whether the warrant in FILE is valid now under the policy: every\n"
	    "signature verifies and is by a member, the commission is the policy's,\n"
	    "enough distinct members signed for its action, now is within\n"
	    "[not_before, expires), and its validity is within the policy's\n"
	    "max_validity. Revocations are in the ledger, not checked here.\n"
	    "The policy in force alone suffices: with one --policy of version 2 or\n"
	    "later, who signed that policy is not checked (say so in the output);\n"
	    "give every version, oldest first, to check the chain too.\n"
	    "\n"
	    "exit status: 0 valid now; 1 invalid, expired, not yet valid or no quorum;\n"
	    "3 a warrant or policy file that is malformed, missing or unreadable.",
	.example = "kansa warrant verify warrant.cose --policy policy-v2.cose\n"
	    "kansa warrant verify warrant.cose --policy policy-v1.cose --policy policy-v2.cose",
	.schema = "kansa.warrant.verify/1",
};

/* The policy in force: the chain when given (checked), or one file alone,
 * whose own signers are then not checked unless it is version 1. */
static int load_in_force(kansa_policy **out, bool *chain_checked, const char *const *files, size_t n)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int error;

	*chain_checked = true;
	if (n != 1)
		return cli_doc_load_policies(out, files, n);
	if ((error = cli_doc_read(&buf, &len, files[0])) < 0)
		return error;
	error = kansa_policy_load_unverified(out, buf, len);
	free(buf);
	if (error < 0) {
		char msg[256];

		snprintf(msg, sizeof(msg), "policy %.60s: %.180s", files[0], kansa_error_last()->message);
		return kansa_error_set_str(error, msg);
	}
	*chain_checked = kansa_policy_version(*out) == 1;
	return 0;
}

int cmd_warrant_verify(int argc, char **argv)
{
	const char *schema = help_verify.schema;
	cli_opt_list policies = { { NULL }, 0 };
	const char *at = NULL, *file = NULL;
	bool as_json = false;
	const cli_option opts[] = {
		CLI_OPT_OPERAND(&file, "FILE", "expected one warrant FILE"),
		CLI_OPT_LIST("policy", 0, &policies, "FILE",
		    "the policy in force (or the chain, version 1 first)", CLI_OPT_REQUIRED),
		CLI_OPT_STRING("at", 0, &at, "TIME", "verify at TIME instead of now (RFC 3339 or +/-offset)", 0),
		CLI_OPT_JSON(&as_json, "print one JSON object"),
		CLI_OPT_END(),
	};
	char *text = NULL, reason[256];
	uint8_t *in = NULL;
	size_t in_len = 0;
	kansa_policy *policy = NULL;
	kansa_doc *d = NULL;
	int64_t now = (int64_t)time(NULL);
	bool chain_checked = true;
	int error, verdict;
	json_t *o = NULL;

	if ((error = cli_parse_options(&help_verify, opts, argc, argv)) >= 0)
		return error;
	if (at != NULL && kansa_time_parse(&now, at, now) < 0)
		return cli_usage_error("--at: %s", kansa_error_last()->message);

	if ((error = cli_doc_read(&in, &in_len, file)) < 0 ||
	    (error = kansa_doc_parse(&d, in, in_len, KANSA_DOC_WARRANT)) < 0 ||
	    (error = load_in_force(&policy, &chain_checked, policies.v, policies.n)) < 0)
		goto out;
	/* one parse, one signature pass: the verdict comes with the description */
	if ((error = kansa_doc_to_json(&text, &verdict, d, policy, now)) < 0)
		goto out;
	if ((o = json_loads(text, 0, NULL)) == NULL) {
		error = kansa_error_set_str(KANSA_ERROR, "internal error: the document's JSON does not parse");
		goto out;
	}
	snprintf(reason, sizeof(reason), "%s", verdict == 0 ? "" : cli_jstr(o, "problem"));
	if (as_json) {
		json_object_set_new(o, "ok", json_boolean(verdict == 0));
		json_object_set_new(o, "valid", json_boolean(verdict == 0));
		json_object_set_new(o, "file", json_string(file));
		cli_json_time(o, "verified_at", now);
		json_object_set_new(o, "policy_chain", json_string(chain_checked ? "checked" : "not-checked"));
		if (verdict < 0)
			json_object_set_new(o, "error", json_pack("{s:s, s:s}", "code",
			    kansa_error_name(verdict), "message", reason));
		cli_json_print(o, schema);
		o = NULL;
	} else if (verdict == 0) {
		json_t *q = json_object_get(o, "quorum");
		char left[32];

		cli_fmt_duration(left, (long long)json_integer_value(
		    json_object_get(json_object_get(o, "validity"), "seconds_left")));
		printf("valid: warrant %s (%s for %s, case %s)\n", cli_jstr(o, "cti"), cli_jstr(o, "action"),
		    cli_jstr(o, "subject"), cli_jstr(o, "case"));
		printf("quorum: %lld of %lld required signatures\n",
		    (long long)json_integer_value(json_object_get(q, "have")),
		    (long long)json_integer_value(json_object_get(q, "need")));
		printf("expires %s (%s left)\n", cli_jstr(o, "expires"), left);
	} else {
		printf("invalid: %s\n", reason);
	}
	if (verdict < 0)
		cli_warn("%s", reason);
	if (!chain_checked && !as_json)
		cli_warn("note: policy version %llu taken as in force; who signed it was not checked "
		    "(give every version, oldest first, to check that too)",
		    (unsigned long long)kansa_policy_version(policy));
	error = 0;
	json_decref(o);
	o = NULL;
	if (verdict < 0) {
		free(in);
		free(text);
		kansa_doc_free(d);
		kansa_policy_free(policy);
		return cli_exit_code(verdict);
	}
out:
	json_decref(o);
	if (error < 0)
		error = -cli_fail(error, as_json, schema);
	free(in);
	free(text);
	kansa_doc_free(d);
	kansa_policy_free(policy);
	return error < 0 ? -error : EXIT_OK;
}
