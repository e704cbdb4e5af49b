# ledger/: sources and tests of the ledger module
