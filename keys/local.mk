# keys/: Ed25519 keys, SHA-256, secrets, careful file I/O (the only EVP user)
libkansa_internal_la_SOURCES += keys/keys.h keys/crypto.c keys/secret.c keys/file.c keys/key.c \
	keys/base64.c keys/kdf.c keys/aead.c

check_PROGRAMS += tests/unit/test_keys
tests_unit_test_keys_SOURCES = tests/unit/keys/test_vectors.c tests/unit/keys/test_files.c \
	tests/unit/keys/test_pubkey.c tests/unit/keys/test_base64.c tests/unit/keys/test_aead.c tests/unit/keys/helpers.h
tests_unit_test_keys_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_keys_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_keys tests/cli/keys.sh tests/cli/small-order-keys.sh
EXTRA_DIST += tests/cli/keys.sh tests/cli/small-order-keys.sh
