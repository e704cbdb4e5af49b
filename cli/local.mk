# cli/: the kansa program. Uses only include/kansa.h and jansson.
# The command table (main.c), the option parser, and the shared pieces:
kansa_SOURCES += cli/main.c cli/cli.h cli/options.c cli/options.h cli/util.c cli/json.c cli/passphrase.c \
	cli/db.c cli/receipt.c cli/progress.c cli/clock.c
# One file per group (cmd_<group>.c) or command (cmd_<group>_<verb>.c):
kansa_SOURCES += cli/cmd_keys.c cli/cmd_check.c cli/cmd_serve.c cli/cmd_ledger.c cli/cmd_ledger_rekey.c \
	cli/cmd_audit.c cli/cmd_anchor.c
# the signed documents: {policy|warrant|revocation|ratification} create|sign|show,
# warrant verify; doc.c does create, sign and show for every kind
kansa_SOURCES += cli/doc.c cli/doc.h cli/cmd_policy.c cli/cmd_warrant.c cli/cmd_revocation.c \
	cli/cmd_ratification.c
# the audit pass of ledger verify and audit replay
kansa_SOURCES += cli/audit.c

# docs/examples/integrator.c: the program an integrator would copy; built
# by make check against the public header and libkansa only.
check_PROGRAMS += docs/examples/integrator
docs_examples_integrator_SOURCES = docs/examples/integrator.c
docs_examples_integrator_CFLAGS = -std=c11 $(TEST_WARN_CFLAGS) -Wpedantic
docs_examples_integrator_CPPFLAGS = -I$(top_srcdir)/include
docs_examples_integrator_LDADD = libkansa.la

# every command of the table: --help, and usage errors under --json
TESTS += tests/cli/help.sh
EXTRA_DIST += tests/cli/help.sh
