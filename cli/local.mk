# cli/: the kansa program. Uses only include/kansa.h and jansson.
# The command table (main.c), the option parser, and the shared pieces:
kansa_SOURCES += cli/main.c cli/cli.h cli/options.c cli/options.h cli/util.c cli/json.c cli/passphrase.c \
	cli/db.c cli/receipt.c cli/progress.c cli/clock.c
# One file per group (cmd_<group>.c) or command (cmd_<group>_<verb>.c):
kansa_SOURCES += cli/cmd_keys.c cli/cmd_check.c cli/cmd_serve.c cli/cmd_ledger.c cli/cmd_ledger_rekey.c cli/cmd_ledger_migrate.c \
	cli/cmd_audit.c cli/anchor.h cli/cmd_anchor.c cli/cmd_anchor_cosign.c cli/cmd_receipt.c \
	cli/cmd_witness_serve.c cli/cmd_ledger_witness.c cli/ledger_witness.h \
	cli/cmd_receipt_prove.c cli/cmd_receipt_get.c
# the signed documents: {policy|warrant|revocation|ratification} create|sign|unsign|show,
# warrant verify; doc.c and doc_unsign.c do them for every kind
kansa_SOURCES += cli/doc.c cli/doc_unsign.c cli/doc.h cli/cmd_policy.c cli/cmd_warrant.c cli/cmd_revocation.c \
	cli/cmd_ratification.c
# the audit pass of ledger verify and audit replay
kansa_SOURCES += cli/audit.c
# what auditors and the commission see (design §12)
kansa_SOURCES += cli/cmd_audit_entries.c cli/cmd_audit_stats.c cli/report_html.c \
	cli/cmd_audit_acts.c

# docs/examples/integrator.c: the program an integrator would copy; built
# by make check against the public header and libkansa only.
check_PROGRAMS += docs/examples/integrator
docs_examples_integrator_SOURCES = docs/examples/integrator.c
docs_examples_integrator_CFLAGS = -std=c11 $(TEST_WARN_CFLAGS) -Wpedantic
docs_examples_integrator_CPPFLAGS = -I$(top_srcdir)/include
docs_examples_integrator_LDADD = libkansa.la

# docs/examples/gateway.c: the data holder's side (design §9), the public
# header and libkansa's receipt verifier only; tests/cli/gateway.sh runs it.
check_PROGRAMS += docs/examples/gateway
docs_examples_gateway_SOURCES = docs/examples/gateway.c
docs_examples_gateway_CFLAGS = -std=c11 $(TEST_WARN_CFLAGS) -Wpedantic
docs_examples_gateway_CPPFLAGS = -I$(top_srcdir)/include
docs_examples_gateway_LDADD = libkansa.la
TESTS += tests/cli/gateway.sh
EXTRA_DIST += tests/cli/gateway.sh

# every command of the table: --help, and usage errors under --json
TESTS += tests/cli/help.sh
EXTRA_DIST += tests/cli/help.sh
