/* SPDX-License-Identifier: Apache-2.0 */
/* kansa keys generate | show: commission members' Ed25519 keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* The key's C2SP witness vkey (name+hex(key ID)+base64(0x04 || key)) when
 * it has a name that is a valid note key name; NULL otherwise. free(). */
static char *witness_vkey(const kansa_key *key)
{
	kansa_note_verifier *v = NULL;
	char *vkey = NULL;

	if (*kansa_key_name(key) && kansa_cosig_verifier_from_key(&v, key, kansa_key_name(key)) == 0)
		(void)kansa_note_verifier_format(&vkey, v);
	kansa_note_verifier_free(v);
	return vkey;
}

static void print_key(const kansa_key *key, bool json, const char *schema, json_t *extra)
{
	uint8_t kid[KANSA_KID_LEN], pub[KANSA_PUBKEY_LEN];
	char kid_hex[2 * KANSA_KID_LEN + 1], pub_hex[2 * KANSA_PUBKEY_LEN + 1];
	char *pem = NULL, *vkey = witness_vkey(key);

	kansa_key_kid(kid, key);
	kansa_key_public_raw(pub, key);
	kansa_hex_encode(kid_hex, kid, sizeof(kid));
	kansa_hex_encode(pub_hex, pub, sizeof(pub));
	if (json) {
		json_t *o = extra ? extra : json_object();
		json_object_set_new(o, "ok", json_true());
		json_object_set_new(o, "kid", json_string(kid_hex));
		json_object_set_new(o, "public_key", json_string(pub_hex));
		json_object_set_new(o, "private", json_boolean(kansa_key_is_private(key)));
		if (*kansa_key_name(key))
			json_object_set_new(o, "name", json_string(kansa_key_name(key)));
		if (vkey)
			json_object_set_new(o, "witness_vkey", json_string(vkey));
		if (kansa_key_public_pem(&pem, key) == 0) {
			/* the bare PEM block, without the name line */
			const char *b = strstr(pem, "-----BEGIN");
			json_object_set_new(o, "public_key_pem", json_string(b ? b : pem));
		}
		free(pem);
		free(vkey);
		cli_json_print(o, schema);
		return;
	}
	if (*kansa_key_name(key))
		printf("name:       %s\n", kansa_key_name(key));
	printf("type:       ed25519 %s key\n", kansa_key_is_private(key) ? "private" : "public");
	printf("kid:        %s\n", kid_hex);
	printf("public key: %s\n", pub_hex);
	if (vkey)
		printf("witness vkey: %s\n", vkey);
	free(vkey);
}

static const cli_help help_generate = {
	.usage = "--out FILE [--name NAME] [--no-passphrase]\n"
	    "[--passphrase-file PATH] [--json]",
	.about = "Make a new Ed25519 key pair for a commission member. FILE gets the private\n"
	    "key (PKCS#8 PEM, mode 0600, encrypted with AES-256 under a scrypt-derived key)\n"
	    "and FILE.pub the public key (SubjectPublicKeyInfo PEM). Neither file is\n"
	    "overwritten if it exists. Both can be read by 'openssl pkey'.\n"
	    "\n"
	    "The passphrase is asked twice on the terminal, or read from the first line of\n"
	    "--passphrase-file or $KANSA_PASSPHRASE_FILE (a file of mode 0600); it is never\n"
	    "taken from the command line.",
	.example = "kansa keys generate --out member-a.key --name member-a",
	.schema = "kansa.keys.generate/1",
};

int cmd_keys_generate(int argc, char **argv)
{
	const char *out = NULL, *name = NULL, *pfile = NULL;
	bool nopass = false, json = false, wrote_private = false;
	const cli_option opts[] = {
		CLI_OPT_PATH("out", 'o', &out, "FILE", "private key file to create", CLI_OPT_REQUIRED),
		CLI_OPT_STRING("name", 'n', &name, "NAME", "member name recorded in both files", 0),
		CLI_OPT_FLAG("no-passphrase", 0, &nopass, "write the private key unencrypted (not recommended)"),
		CLI_OPT_PATH("passphrase-file", 0, &pfile, "PATH", "read the passphrase from PATH", 0),
		CLI_OPT_JSON(&json, "print the result as one JSON object"),
		CLI_OPT_END(),
	};
	kansa_secret *pass = NULL;
	kansa_key *key = NULL;
	char *pubpath = NULL;
	int rc, error = 0;

	if ((rc = cli_parse_options(&help_generate, opts, argc, argv)) >= 0)
		return rc;
	if (nopass && pfile)
		return cli_usage_error("--no-passphrase and --passphrase-file exclude each other");
	if ((pubpath = malloc(strlen(out) + 5)) == NULL)
		return cli_fail(KANSA_ENOMEM, json, "kansa.keys.generate/1");
	snprintf(pubpath, strlen(out) + 5, "%s.pub", out);

	if ((error = kansa_key_generate(&key)) < 0)
		goto out;
	if (name && (error = kansa_key_set_name(key, name)) < 0)
		goto out;
	if (!nopass && (error = cli_passphrase(&pass, pfile, "New passphrase for the private key: ", true)) < 0)
		goto out;
	if ((error = kansa_key_save_private(key, out, pass)) < 0)
		goto out;
	wrote_private = true;
	if ((error = kansa_key_save_public(key, pubpath)) < 0)
		goto out;
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "private_file", json_string(out));
		json_object_set_new(o, "public_file", json_string(pubpath));
		json_object_set_new(o, "encrypted", json_boolean(!nopass));
		print_key(key, true, "kansa.keys.generate/1", o);
	} else {
		printf("wrote %s (private key, %s) and %s\n", out,
		    nopass ? "NOT encrypted" : "encrypted", pubpath);
		print_key(key, false, NULL, NULL);
	}
out:
	if (error < 0) {
		if (wrote_private)
			(void)remove(out); /* no half key pair */
		error = cli_fail(error, json, "kansa.keys.generate/1");
	}
	kansa_secret_free(pass);
	kansa_key_free(key);
	free(pubpath);
	return error < 0 ? EXIT_INTERNAL : error;
}

static const cli_help help_show = {
	.usage = "FILE [--passphrase-file PATH] [--json]",
	.about = "Print the name, key id (kid) and public key of a private or public key file.\n"
	    "The kid is the first 8 bytes of SHA-256 over the raw public key, in hex.\n"
	    "An encrypted private key needs its passphrase.",
	.example = "kansa keys show member-a.key.pub\n"
	    "kansa keys show member-a.key --json",
	.schema = "kansa.keys.show/1",
};

int cmd_keys_show(int argc, char **argv)
{
	const char *pfile = NULL, *file = NULL;
	bool json = false;
	const cli_option opts[] = {
		CLI_OPT_OPERAND(&file, "FILE", "expected one key FILE"),
		CLI_OPT_PATH("passphrase-file", 0, &pfile, "PATH", "the passphrase of an encrypted private key", 0),
		CLI_OPT_JSON(&json, "print the result as one JSON object"),
		CLI_OPT_END(),
	};
	kansa_key *key = NULL;
	int rc, error;

	if ((rc = cli_parse_options(&help_show, opts, argc, argv)) >= 0)
		return rc;
	if ((error = cli_load_key(&key, file, pfile)) < 0)
		return cli_fail(error, json, "kansa.keys.show/1");
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "file", json_string(file));
		print_key(key, true, "kansa.keys.show/1", o);
	} else {
		print_key(key, false, NULL, NULL);
	}
	kansa_key_free(key);
	return EXIT_OK;
}
