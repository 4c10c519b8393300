/* SPDX-License-Identifier: Apache-2.0 */
/* Small libxml2 helpers shared by the XML readers (setup.c, extloads.c, idtool.c, osim.c).
 *
 * libxml2 reports input encoding errors through its generic error handler (thread-local), which
 * prints to stderr even with XML_PARSE_NOERROR; the library never prints, so every parse runs
 * between hl__xml_quiet_begin and hl__xml_quiet_end, which restores the caller's handler. */
#ifndef HIPLOAD_XMLUTIL_H
#define HIPLOAD_XMLUTIL_H
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <stddef.h>

typedef struct hl__xml_quiet {
  void *ctx;
  xmlGenericErrorFunc fn;
} hl__xml_quiet;
void hl__xml_quiet_begin(hl__xml_quiet *q);
void hl__xml_quiet_end(const hl__xml_quiet *q);

/* n is an element named `name` (any element when name is NULL). */
int hl__xml_is(const xmlNode *n, const char *name);
/* The first child element of `parent` named `name`, NULL when none (or parent is NULL). */
xmlNode *hl__xml_child(const xmlNode *parent, const char *name);
/* The text content of n with leading and trailing white space removed, into buf (cap bytes);
 * "" when n is NULL. Returns buf. */
const char *hl__xml_text(const xmlNode *n, char *buf, size_t cap);
/* The text content of n, trimmed, as a new string ("" when n is NULL); NULL when out of memory. */
char *hl__xml_strdup(const xmlNode *n);
/* hl__xml_text of the child element `name`: its line (≥ 1) when present, 0 when absent. */
int hl__xml_child_text(const xmlNode *parent, const char *name, char *buf, size_t cap);
#endif
