# service/: kansa serve (HTTPS with client certificates, design §10) on
# libevent's evhttp over OpenSSL bufferevents, and its client on libcurl.
# It uses the ledger through kansa.h, and keys/ and common/ below it.
libkansa_internal_la_SOURCES += service/service.h service/tls.c service/server.c service/routes.c service/routes_proof.c service/routes_docs.c \
	service/metrics.c service/workers.c service/client.c service/witness_client.c service/witness_collect.c \
	service/checkpointer.c
libkansa_internal_la_CFLAGS += $(LIBSSL_CFLAGS) $(LIBEVENT_CFLAGS) $(LIBCURL_CFLAGS)
libkansa_internal_la_LIBADD += $(LIBSSL_LIBS) $(LIBEVENT_LIBS) $(LIBCURL_LIBS)
libkansa_la_LIBADD += $(LIBSSL_LIBS) $(LIBEVENT_LIBS) $(LIBCURL_LIBS)

# kansa serve and kansa check --server end to end (certificates made by openssl in the test)
TESTS += tests/cli/serve.sh tests/cli/serve-proofs.sh
EXTRA_DIST += tests/cli/serve.sh tests/cli/serve-proofs.sh
# kansa witness serve (C2SP tlog-witness) end to end
TESTS += tests/cli/witness-serve.sh tests/cli/witness-store.sh
EXTRA_DIST += tests/cli/witness-serve.sh tests/cli/witness-store.sh
# CBOR checks and commission documents through the service
TESTS += tests/cli/serve-api.sh
EXTRA_DIST += tests/cli/serve-api.sh tests/cli/lib-serve.sh tests/cbor_mini.py
# the service killed with SIGKILL and stopped with SIGTERM under load
TESTS += tests/cli/serve-crash.sh
# kansa serve signing checkpoints and collecting cosignatures on its own thread
TESTS += tests/cli/serve-witness.sh
EXTRA_DIST += tests/cli/serve-witness.sh
EXTRA_DIST += tests/cli/serve-crash.sh
check_PROGRAMS += tests/unit/test_service
tests_unit_test_service_SOURCES = tests/unit/service/test_service.c tests/unit/ledger/fixture.h
tests_unit_test_service_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_service_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_service
