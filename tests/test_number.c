/* SPDX-License-Identifier: Apache-2.0 */
/* Number text (lib/base/number.c): the reader against glibc's strtod and the "%.17g" writer against
 * glibc's printf, bit for bit and byte for byte, in the C locale; then the same calls under a
 * comma-decimal locale (de_DE.UTF-8) must give the C locale's answers. */
#define _GNU_SOURCE
#include <float.h>
#include <ftw.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "testutil.h"

static uint64_t bits_of(double v) {
  uint64_t b;
  memcpy(&b, &v, sizeof b);
  return b;
}

static double of_bits(uint64_t b) {
  double v;
  memcpy(&v, &b, sizeof v);
  return v;
}

/* One token: hl__parse_double accepts it exactly when strtod consumes all of it, with the same
 * bits (NaN: both NaN with the same sign), and hl__strtod stops where strtod stops. (Plain tests
 * and ck_abort_msg on failure: a Check assertion per token would cost a pipe write each.) */
static void check_token(const char *tok) {
  char *end1, *end2;
  double a = strtod(tok, &end1);
  double b = hl__strtod(tok, &end2);
  if (end1 != end2) ck_abort_msg("'%s': strtod stops at %td, hl__strtod at %td", tok, end1 - tok, end2 - tok);
  if (!(bits_of(a) == bits_of(b) || (isnan(a) && isnan(b) && signbit(a) == signbit(b))))
    ck_abort_msg("'%s': strtod %a, hl__strtod %a", tok, a, b);
  double c = 0;
  int whole = end1 != tok && *end1 == '\0' && !(tok[0] == ' ' || (tok[0] >= '\t' && tok[0] <= '\r'));
  int ok = hl__parse_double(tok, tok + strlen(tok), &c);
  if (ok != whole) ck_abort_msg("'%s': strtod whole %d, hl__parse_double %d", tok, whole, ok);
  if (ok && !(bits_of(a) == bits_of(c) || (isnan(a) && isnan(c)))) ck_abort_msg("'%s': %a vs %a", tok, a, c);
}

static void check_g17(double v) {
  char a[64], b[64];
  snprintf(a, sizeof a, "%.17g", v);
  int n = hl__fmt_g17(v, b);
  if (strcmp(a, b) || n != (int)strlen(a)) ck_abort_msg("%a: printf '%s', hl__fmt_g17 '%s' (%d)", v, a, b, n);
}

START_TEST(test_hard_tokens) {
  static const char *toks[] = {
      "0", "-0", "+0", "0.0", "-0.000", "00", "007", ".5", "-.5", "5.", "+.5e1", "1e", "1e+", "1e-",
      "1.5e", "e5", ".", "-", "+", "", " 1", "\t-2.5", "1 ", "1,5", "1.5.5", "--1", "0x10", "0X1p-3",
      "00x1", "-0x1.8p1", "inf", "-inf", "+INF", "Infinity", "-infinity", "nan", "NaN", "-nan",
      "nan(123)", "1.#INF", "-1.#IND", "1e308", "1.7976931348623157e308", "1.7976931348623159e308",
      "1e309", "-1e400", "4.9406564584124654e-324", "2.4703282292062327e-324",
      "2.4703282292062328e-324", "2.2250738585072011e-308", "2.2250738585072014e-308", "1e-400",
      /* halfway between two doubles, and one digit either side */
      "9007199254740993", "9007199254740992.5", "9007199254740993.0000000001",
      "9007199254740992.9999999999", "9007199254740995", "1.00000000000000011102230246251565404",
      "1.0000000000000001110223024625156540", "1.0000000000000001110223024625156541",
      "0.1000000000000000055511151231257827021181583404541015625",
      "0.1000000000000000055511151231257827021181583404541015624",
      "0.1000000000000000055511151231257827021181583404541015626",
      /* 20+ digit mantissas, Clinger's edges (2^53, 10^22, 10^23) */
      "12345678901234567890123", "0.12345678901234567890123e-5", "9007199254740992",
      "9007199254740992e22", "1e22", "1e23", "123456789e22", "1234567890123456e22",
      "1e-22", "1e-23", "4503599627370496.5", "4503599627370497.5", "8.98846567431158e307",
      "0.000000000000000000000000000000000000001", "1234567890123456789", "12345678901234567891",
      "18446744073709551615", "18446744073709551616", "99999999999999999999", "1e-5", "1E+05",
      "-43.73640472", "0.10000000000000001", "3.1415926535897931", "1e0000000000000000000001",
      "1e-99999999999999999999", "0e99999", "1.5e-2x", "2.5 3.5"};
  for (size_t i = 0; i < sizeof toks / sizeof toks[0]; i++) check_token(toks[i]);
}
END_TEST

/* Random decimals in the shapes the files use and around them: 1..22 digits, point anywhere,
 * exponents -30..30 and extreme. */
START_TEST(test_random_tokens) {
  uint64_t s = 0x9e3779b97f4a7c15ull;
  char tok[64];
  for (int i = 0; i < 400000; i++) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    int nd = 1 + (int)(s % 22), pt = (int)((s >> 8) % (uint64_t)(nd + 1)), k = 0;
    if ((s >> 20) & 1) tok[k++] = '-';
    uint64_t r = s;
    for (int d = 0; d < nd; d++) {
      if (d == pt) tok[k++] = '.';
      r = r * 6364136223846793005ull + 1442695040888963407ull;
      tok[k++] = (char)('0' + (r >> 60) % 10);
    }
    int kind = (int)((s >> 24) % 4);
    if (kind == 1) k += sprintf(tok + k, "e%d", (int)((s >> 30) % 61) - 30);
    if (kind == 2) k += sprintf(tok + k, "E%+d", (int)((s >> 30) % 700) - 350);
    tok[k] = '\0';
    check_token(tok);
  }
  /* every double's own %.17g, %.15g and %.6g text, from random bit patterns */
  for (int i = 0; i < 300000; i++) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    double v = of_bits(s);
    const char *fmts[3] = {"%.17g", "%.15g", "%.6g"};
    snprintf(tok, sizeof tok, fmts[i % 3], v);
    check_token(tok);
  }
}
END_TEST

/* Near and at the midpoint between two neighbouring doubles (the hardest inputs for a fast path):
 * the exact midpoint (x86 long double holds it) printed with 17 to 30 significant digits, and
 * random 16-19 digit mantissas over the exponents the 128-bit table covers and past it. */
START_TEST(test_halfway_tokens) {
  uint64_t s = 0x13198a2e03707344ull;
  char tok[96];
  for (int i = 0; i < 200000; i++) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    double d = of_bits((s >> 2) & 0x7fefffffffffffffull); /* finite, positive */
    if (!(d > 0)) continue;
    long double mid = ((long double)d + (long double)nextafter(d, INFINITY)) / 2;
    snprintf(tok, sizeof tok, "%.*Le", 16 + (int)(s % 15), mid);
    check_token(tok);
  }
  for (int i = 0; i < 300000; i++) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    int nd = 16 + (int)(s % 4);
    uint64_t w = s % 10000000000000000000ull;
    snprintf(tok, sizeof tok, "%.*llue%d", nd, (unsigned long long)w, (int)((s >> 40) % 160) - 80);
    check_token(tok);
  }
}
END_TEST

/* "%.17g": random bit patterns, values of every magnitude the files hold, and ties (the 18th
 * significant digit of the exact binary value is a final 5: round half to even). */
START_TEST(test_g17) {
  uint64_t s = 0x243f6a8885a308d3ull;
  for (int i = 0; i < 300000; i++) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    check_g17(of_bits(s));
    double m = (double)(s >> 11) / 9007199254740992.0; /* [0, 1) */
    int e10 = (int)((s >> 3) % 40) - 20;
    check_g17(m * pow(10, e10));
    check_g17(-m * pow(10, e10));
  }
  for (int i = 0; i < 200000; i++) { /* k + 1/4, k + 3/4, k / 8: 18 digits ending in 5 */
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    double k = (double)(s >> 14); /* < 2^50 */
    check_g17(k + 0.25);
    check_g17(k + 0.75);
    check_g17((double)(s >> 11) / 8);
    check_g17(ldexp((double)(s >> 11), -(int)(s % 60)));
  }
  static const double special[] = {0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1e-5, 1e-4, 9.9999999999999e-5,
                                   1e16, 1e17, 9.999999999999999e16, 1e-11, 1e-12, 123456789.0,
                                   DBL_MAX, -DBL_MAX, DBL_MIN, DBL_TRUE_MIN, 5e-324, INFINITY,
                                   -INFINITY, 2251799813685247.75, 0.30000000000000004};
  for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) check_g17(special[i]);
  char b[64];
  hl__fmt_g17(NAN, b);
  ck_assert_str_eq(b, "nan");
  hl__fmt_g17(-NAN, b);
  ck_assert_str_eq(b, "-nan");
}
END_TEST

/* Every whitespace-, comma- or markup-separated token of every file under the shared data. */
static long n_tokens, n_numbers, n_files;

static void scan_text(const char *p, size_t len) {
  char tok[1100];
  size_t i = 0;
  while (i < len) {
    while (i < len && strchr(" \t\r\n,<>\"=;", p[i]) && p[i]) i++;
    size_t j = i;
    while (j < len && p[j] && !strchr(" \t\r\n,<>\"=;", p[j])) j++;
    if (j > i && j - i < sizeof tok) {
      memcpy(tok, p + i, j - i);
      tok[j - i] = '\0';
      if (tok[0] == '-' || tok[0] == '+' || tok[0] == '.' || (tok[0] >= '0' && tok[0] <= '9') ||
          tok[0] == 'i' || tok[0] == 'I' || tok[0] == 'n' || tok[0] == 'N') {
        char *end;
        double v = strtod(tok, &end);
        (void)v;
        n_tokens++;
        n_numbers += *end == '\0';
        check_token(tok);
      }
    }
    i = j + 1;
  }
}

static int scan_file(const char *path, const struct stat *st, int type, struct FTW *ftw) {
  (void)ftw;
  if (type != FTW_F || st->st_size <= 0) return 0;
  const char *dot = strrchr(path, '.');
  if (!dot || !(strstr(".sto.mot.trc.csv.osim.xml.txt", dot))) return 0;
  FILE *f = fopen(path, "rb");
  if (!f) ck_abort_msg("cannot open %s", path);
  char *buf = malloc((size_t)st->st_size + 1);
  size_t got = fread(buf, 1, (size_t)st->st_size, f);
  fclose(f);
  buf[got] = '\0';
  scan_text(buf, got);
  free(buf);
  n_files++;
  return 0;
}

START_TEST(test_every_value_of_the_data) {
  if (!tu_require_data()) return;
  char root[1024];
  tu_data(root, sizeof root, "");
  ck_assert_int_eq(nftw(root, scan_file, 16, FTW_PHYS), 0);
  printf("number text: %ld files, %ld tokens, %ld numbers: strtod's bits\n", n_files, n_tokens, n_numbers);
  ck_assert_int_gt(n_numbers, 2900000); /* the shared data holds ~2.9 M numbers in .sto/.mot */
}
END_TEST

/* Under a comma-decimal locale: strtod itself stops at the '.', ours does not; printf writes a
 * comma, ours a point. */
START_TEST(test_comma_locale) {
  char tiny[64];
  snprintf(tiny, sizeof tiny, "%.17g", 1.5e-300); /* in the C locale, before the switch */
  if (!setlocale(LC_ALL, "de_DE.UTF-8")) {
    ck_assert_msg(!getenv("CI") || strcmp(getenv("CI"), "true"), "CI: locale de_DE.UTF-8 missing");
    return;
  }
  char *end;
  ck_assert_double_eq(strtod("9.80665", &end), 9.0); /* the trap the library must avoid */
  ck_assert_double_eq(hl__strtod("9.80665", &end), 9.80665);
  ck_assert_int_eq(*end, '\0');
  ck_assert_double_eq(hl__strtod("1.5e400", NULL), INFINITY);          /* slow path too */
  ck_assert_double_eq(hl__strtod("0.1000000000000000000001", NULL), 0.1); /* > 19 digits */
  double v;
  ck_assert_int_eq(hl__parse_double("0,5", "0,5" + 3, &v), 0);
  ck_assert_int_eq(hl__parse_double("-1.25", "-1.25" + 5, &v), 1);
  ck_assert_double_eq(v, -1.25);
  char b[64];
  hl__fmt_g17(0.1, b);
  ck_assert_str_eq(b, "0.10000000000000001");
  hl__fmt_g17(1.5e-300, b);
  ck_assert_str_eq(b, tiny); /* slow path */
  hl__snprintf_c(b, sizeof b, "%.3f|%g", 2.5, 0.25);
  ck_assert_str_eq(b, "2.500|0.25");
  snprintf(b, sizeof b, "%g", 0.25);
  ck_assert_str_eq(b, "0,25"); /* the locale really is active */
  setlocale(LC_ALL, "C");
}
END_TEST

int main(void) {
  Suite *s = suite_create("number");
  TCase *tc = tcase_create("number");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_hard_tokens);
  tcase_add_test(tc, test_random_tokens);
  tcase_add_test(tc, test_halfway_tokens);
  tcase_add_test(tc, test_g17);
  tcase_add_test(tc, test_every_value_of_the_data);
  tcase_add_test(tc, test_comma_locale);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
