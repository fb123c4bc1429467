/*
 * A drain record: what nh_drain0 writes of a native event into the agent's direct buffer, laid out as
 * jh_contract.h's JH_REC_* say (NativeDrain reads it).
 */
#ifndef JHTRACE_DRAIN_RECORD_H
#define JHTRACE_DRAIN_RECORD_H

#include "fd_ring.h"

#include <stddef.h>

/* The bytes jh_record_write writes for e: the header, its path padded to JH_REC_PATH_ALIGN, its frames. */
size_t jh_record_size(const jh_event *e);

/* Writes e's record at out (room for jh_record_size(e) bytes). */
void jh_record_write(const jh_event *e, char *out);

#endif
