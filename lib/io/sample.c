/* SPDX-License-Identifier: Apache-2.0 */
/* The embedded sample: see include/hipload/sample.h. The bytes come from the generated
 * hl_embedded.c (cmake/embed.cmake over lib/sample). */
#include "hipload/sample.h"

extern const unsigned char hl_embedded_hamner2010_s02_osim[];
extern const size_t hl_embedded_hamner2010_s02_osim_len;
extern const unsigned char hl_embedded_hamner2010_s02_q_sto[];
extern const size_t hl_embedded_hamner2010_s02_q_sto_len;
extern const unsigned char hl_embedded_hamner2010_s02_grf_mot[];
extern const size_t hl_embedded_hamner2010_s02_grf_mot_len;
extern const unsigned char hl_embedded_hamner2010_s02_grf_xml[];
extern const size_t hl_embedded_hamner2010_s02_grf_xml_len;

void hl_sample_get(hl_sample *out) {
  if (!out) return;
  hl_sample s;
  s.model = (const char *)hl_embedded_hamner2010_s02_osim;
  s.model_len = hl_embedded_hamner2010_s02_osim_len;
  s.coordinates = (const char *)hl_embedded_hamner2010_s02_q_sto;
  s.coordinates_len = hl_embedded_hamner2010_s02_q_sto_len;
  s.grf = (const char *)hl_embedded_hamner2010_s02_grf_mot;
  s.grf_len = hl_embedded_hamner2010_s02_grf_mot_len;
  s.loads = (const char *)hl_embedded_hamner2010_s02_grf_xml;
  s.loads_len = hl_embedded_hamner2010_s02_grf_xml_len;
  s.t0 = 1.105;
  s.t1 = 1.347;
  s.leg = 'r';
  s.description = "Hamner, Seth & Delp 2010, subject02, treadmill running ~3.9 m/s, right stance";
  *out = s;
}
