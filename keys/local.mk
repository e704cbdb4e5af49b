# keys/: Ed25519 keys, SHA-256, secrets, careful file I/O (the only EVP user)
libkansa_internal_la_SOURCES += keys/keys.h keys/crypto.c keys/secret.c keys/file.c keys/key.c
