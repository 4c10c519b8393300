/* SPDX-License-Identifier: Apache-2.0 */
#include "xmlutil.h"

#include <ctype.h>
#include <libxml/globals.h>
#include <stdlib.h>
#include <string.h>

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

int hl__xml_is(const xmlNode *n, const char *name) {
  return n && n->type == XML_ELEMENT_NODE && (!name || !strcmp((const char *)n->name, name));
}

xmlNode *hl__xml_child(const xmlNode *parent, const char *name) {
  for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
    if (hl__xml_is(c, name)) return c;
  return NULL;
}

const char *hl__xml_text(const xmlNode *n, char *buf, size_t cap) {
  buf[0] = '\0';
  if (!n) return buf;
  xmlChar *t = xmlNodeGetContent(n);
  if (!t) return buf;
  const char *s = (const char *)t;
  while (*s && isspace((unsigned char)*s)) s++;
  size_t len = strlen(s);
  while (len && isspace((unsigned char)s[len - 1])) len--;
  if (len >= cap) len = cap - 1;
  memcpy(buf, s, len);
  buf[len] = '\0';
  xmlFree(t);
  return buf;
}

char *hl__xml_strdup(const xmlNode *n) {
  xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
  const char *s = t ? (const char *)t : "";
  while (*s && isspace((unsigned char)*s)) s++;
  size_t len = strlen(s);
  while (len && isspace((unsigned char)s[len - 1])) len--;
  char *out = malloc(len + 1);
  if (out) {
    memcpy(out, s, len);
    out[len] = '\0';
  }
  if (t) xmlFree(t);
  return out;
}

int hl__xml_child_text(const xmlNode *parent, const char *name, char *buf, size_t cap) {
  buf[0] = '\0';
  xmlNode *c = hl__xml_child(parent, name);
  if (!c) return 0;
  hl__xml_text(c, buf, cap);
  int line = (int)xmlGetLineNo(c);
  return line > 0 ? line : 1;
}
