/* libxml2 reports input encoding errors through its generic error handler (thread-local), which
 * prints to stderr even with XML_PARSE_NOERROR; the library never prints, so every parse runs
 * between hl__xml_quiet_begin and hl__xml_quiet_end, which restores the caller's handler. */
#ifndef HIPLOAD_XMLQUIET_H
#define HIPLOAD_XMLQUIET_H
#include <libxml/xmlerror.h>
typedef struct hl__xml_quiet {
  void *ctx;
  xmlGenericErrorFunc fn;
} hl__xml_quiet;
void hl__xml_quiet_begin(hl__xml_quiet *q);
void hl__xml_quiet_end(const hl__xml_quiet *q);
#endif
