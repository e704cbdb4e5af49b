# common/: error record, bounded buffers, hex, limits
libkansa_internal_la_SOURCES += common/error.c common/buf.c common/common.h common/kansa_limits.h
