# cli/: the kansa program. Uses only include/kansa.h and jansson.
kansa_SOURCES += cli/main.c cli/cli.h cli/util.c cli/json.c cli/passphrase.c \
	cli/cmd_keys.c cli/cmd_ledger.c
# signed documents: {policy|warrant|revocation|ratification} create|sign|show, warrant verify
kansa_SOURCES += cli/cmd_doc.c
