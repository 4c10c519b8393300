#include "xmlquiet.h"

#include <libxml/globals.h>

static void quiet(void *ctx, const char *msg, ...) {
  (void)ctx;
  (void)msg;
}

void hl__xml_quiet_begin(hl__xml_quiet *q) {
  q->ctx = xmlGenericErrorContext;
  q->fn = xmlGenericError;
  xmlSetGenericErrorFunc(NULL, quiet);
}

void hl__xml_quiet_end(const hl__xml_quiet *q) { xmlSetGenericErrorFunc(q->ctx, q->fn); }
