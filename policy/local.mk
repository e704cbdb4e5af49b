# policy/: sources and tests of the policy module
