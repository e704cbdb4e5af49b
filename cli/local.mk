# cli/: the kansa program. Uses only include/kansa.h and jansson.
kansa_SOURCES += cli/main.c cli/cli.h cli/options.c cli/options.h cli/util.c cli/json.c cli/passphrase.c \
	cli/cmd_keys.c cli/cmd_ledger.c
# signed documents: {policy|warrant|revocation|ratification} create|sign|show, warrant verify
kansa_SOURCES += cli/cmd_doc.c
# ledger verify, audit replay, audit report
kansa_SOURCES += cli/cmd_audit.c cli/cmd_report.c cli/progress.c
# hardening: ledger rekey, the clock warning of check and ledger info
kansa_SOURCES += cli/cmd_ledger_rekey.c cli/clock.c

# docs/examples/integrator.c: the program an integrator would copy; built
# by make check against the public header and libkansa only.
check_PROGRAMS += docs/examples/integrator
docs_examples_integrator_SOURCES = docs/examples/integrator.c
docs_examples_integrator_CFLAGS = -std=c11 $(TEST_WARN_CFLAGS) -Wpedantic
docs_examples_integrator_CPPFLAGS = -I$(top_srcdir)/include
docs_examples_integrator_LDADD = libkansa.la
# anchoring: anchor push|verify|cosign
kansa_SOURCES += cli/cmd_anchor.c
