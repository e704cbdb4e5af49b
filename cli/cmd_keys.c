/* SPDX-License-Identifier: Apache-2.0 */
/* kansa keys generate | show: commission members' Ed25519 keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static void print_key(const kansa_key *key, bool json, const char *schema, json_t *extra)
{
	uint8_t kid[KANSA_KID_LEN], pub[KANSA_PUBKEY_LEN];
	char kid_hex[2 * KANSA_KID_LEN + 1], pub_hex[2 * KANSA_PUBKEY_LEN + 1];
	char *pem = NULL;

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
		if (kansa_key_public_pem(&pem, key) == 0) {
			/* the bare PEM block, without the name line */
			const char *b = strstr(pem, "-----BEGIN");
			json_object_set_new(o, "public_key_pem", json_string(b ? b : pem));
		}
		free(pem);
		cli_json_print(o, schema);
		return;
	}
	if (*kansa_key_name(key))
		printf("name:       %s\n", kansa_key_name(key));
	printf("type:       ed25519 %s key\n", kansa_key_is_private(key) ? "private" : "public");
	printf("kid:        %s\n", kid_hex);
	printf("public key: %s\n", pub_hex);
}

static void help_generate(void)
{
	printf(
	    "usage: kansa keys generate --out FILE [--name NAME] [--no-passphrase]\n"
	    "                           [--passphrase-file PATH] [--json]\n"
	    "\n"
	    "Make a new Ed25519 key pair for a commission member. FILE gets the private\n"
	    "key (PKCS#8 PEM, mode 0600, encrypted with AES-256 under a scrypt-derived key)\n"
	    "and FILE.pub the public key (SubjectPublicKeyInfo PEM). Neither file is\n"
	    "overwritten if it exists. Both can be read by 'openssl pkey'.\n"
	    "\n"
	    "The passphrase is asked twice on the terminal, or read from the first line of\n"
	    "--passphrase-file or $KANSA_PASSPHRASE_FILE (a file of mode 0600); it is never\n"
	    "taken from the command line.\n"
	    "\n"
	    "options:\n"
	    "  --out FILE              private key file to create (required)\n"
	    "  --name NAME             member name recorded in both files\n"
	    "  --no-passphrase         write the private key unencrypted (not recommended)\n"
	    "  --passphrase-file PATH  read the passphrase from PATH\n"
	    "  --json                  print the result as one JSON object\n"
	    "\n"
	    "example:\n"
	    "  kansa keys generate --out member-a.key --name member-a\n");
}

int cmd_keys_generate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "name", required_argument, NULL, 'n' },
		{ "no-passphrase", no_argument, NULL, 'N' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *out = NULL, *name = NULL, *pfile = NULL;
	bool nopass = false, json = false, wrote_private = false;
	kansa_secret *pass = NULL;
	kansa_key *key = NULL;
	char *pubpath = NULL;
	int c, error = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'n': name = optarg; break;
		case 'N': nopass = true; break;
		case 'p': pfile = optarg; break;
		case 'j': json = true; break;
		case 'h': help_generate(); return EXIT_OK;
		default: return cli_usage_error("invalid option");
		}
	}
	if (optind != argc)
		return cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (out == NULL)
		return cli_usage_error("--out FILE is required");
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
		int rc;
		if (wrote_private)
			(void)remove(out); /* no half key pair */
		rc = cli_fail(error, json, "kansa.keys.generate/1");
		error = rc;
	}
	kansa_secret_free(pass);
	kansa_key_free(key);
	free(pubpath);
	return error < 0 ? EXIT_INTERNAL : error;
}

static void help_show(void)
{
	printf(
	    "usage: kansa keys show FILE [--passphrase-file PATH] [--json]\n"
	    "\n"
	    "Print the name, key id (kid) and public key of a private or public key file.\n"
	    "The kid is the first 8 bytes of SHA-256 over the raw public key, in hex.\n"
	    "An encrypted private key needs its passphrase.\n"
	    "\n"
	    "example:\n"
	    "  kansa keys show member-a.key.pub\n"
	    "  kansa keys show member-a.key --json\n");
}

int cmd_keys_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *pfile = NULL;
	bool json = false;
	kansa_key *key = NULL;
	int c, error;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': pfile = optarg; break;
		case 'j': json = true; break;
		case 'h': help_show(); return EXIT_OK;
		default: return cli_usage_error("invalid option");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("expected one key FILE");
	if ((error = cli_load_key(&key, argv[optind], pfile)) < 0)
		return cli_fail(error, json, "kansa.keys.show/1");
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "file", json_string(argv[optind]));
		print_key(key, true, "kansa.keys.show/1", o);
	} else {
		print_key(key, false, NULL, NULL);
	}
	kansa_key_free(key);
	return EXIT_OK;
}
