# ledger/: sources and tests of the ledger module

# Merkle tree (RFC 9162), signed notes and checkpoints (C2SP). keys/base64.c
