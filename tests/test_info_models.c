/* SPDX-License-Identifier: Apache-2.0 */
/* `hipload info` on every .osim under ../shared/data: its coordinate and muscle counts equal an
 * independent count of the XML elements (libxml2 here, outside any <defaults> block). */
#include <dirent.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

static int ends_with(const char *s, const char *suf) {
  size_t a = strlen(s), b = strlen(suf);
  return a >= b && !strcmp(s + a - b, suf);
}

/* Count <Coordinate> and muscle elements (names ending in "Muscle") outside <defaults>, and
 * muscles switched off by <isDisabled>true / <appliesForce>false (the loader leaves those out). */
static void count(xmlNode *n, int in_defaults, int *ncoord, int *nmus) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    const char *nm = (const char *)n->name;
    int def = in_defaults || !strcmp(nm, "defaults");
    if (!def && !strcmp(nm, "Coordinate")) (*ncoord)++;
    if (!def && ends_with(nm, "Muscle")) {
      int off = 0;
      for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        xmlChar *t = xmlNodeGetContent(c);
        const char *v = t ? (const char *)t : "";
        while (*v == ' ' || *v == '\t' || *v == '\n') v++;
        if (!strcmp((const char *)c->name, "isDisabled") && !strncmp(v, "true", 4)) off = 1;
        if (!strcmp((const char *)c->name, "appliesForce") && !strncmp(v, "false", 5)) off = 1;
        xmlFree(t);
      }
      if (!off) (*nmus)++;
    }
    count(n->children, def, ncoord, nmus);
  }
}

static int json_int(const char *js, const char *key) {
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *p = strstr(js, pat);
  ck_assert_msg(p != NULL, "no %s in %s", key, js);
  return atoi(p + strlen(pat));
}

static int check_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char p[2048];
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    if (ends_with(e->d_name, ".osim")) {
      xmlDoc *doc = xmlReadFile(p, NULL, XML_PARSE_NONET | XML_PARSE_HUGE);
      ck_assert_msg(doc != NULL, "%s is not XML", p);
      int nc = 0, nm = 0;
      count(xmlDocGetRootElement(doc), 0, &nc, &nm);
      xmlFreeDoc(doc);
      char cmd[2300], out[1 << 16];
      snprintf(cmd, sizeof cmd, "%s info '%s' 2>&1", tu_cli(), p);
      FILE *f = popen(cmd, "r");
      ck_assert_ptr_nonnull(f);
      size_t k = fread(out, 1, sizeof out - 1, f);
      out[k] = 0;
      ck_assert_int_eq(pclose(f), 0);
      ck_assert_msg(json_int(out, "coordinates") == nc, "%s: info says %d coordinates, the file has %d", p,
                    json_int(out, "coordinates"), nc);
      ck_assert_msg(json_int(out, "muscles") == nm, "%s: info says %d muscles, the file has %d", p,
                    json_int(out, "muscles"), nm);
      n++;
    } else {
      struct stat st;
      if (stat(p, &st) || !S_ISDIR(st.st_mode)) continue;
      n += check_dir(p);
    }
  }
  closedir(d);
  return n;
}

START_TEST(test_info_every_model) {
  if (!tu_require_data()) return;
  int n = check_dir(HIPLOAD_DATA_DIR);
  ck_assert_int_ge(n, 16); /* the data README lists 16 model files */
  fprintf(stderr, "hipload info agreed on %d .osim files\n", n);
}
END_TEST

int main(void) {
  Suite *s = suite_create("info_models");
  TCase *tc = tcase_create("data");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_info_every_model);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
