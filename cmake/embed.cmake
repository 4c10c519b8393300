# SPDX-License-Identifier: Apache-2.0
# Turn the files of lib/sample into a C source with one byte array each (NUL-terminated).
# Usage: cmake -DOUT=file.c -DSRC_DIR=dir -DFILES=a,b,c -P embed.cmake
string(REPLACE "," ";" FILES "${FILES}")
set(body "/* Generated from lib/sample by cmake/embed.cmake; do not edit. */\n#include <stddef.h>\n\n")
foreach(f ${FILES})
  string(MAKE_C_IDENTIFIER ${f} id)
  file(READ ${SRC_DIR}/${f} hex HEX)
  string(LENGTH "${hex}" n)
  math(EXPR bytes "${n} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," arr "${hex}")
  string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" arr "${arr}")
  string(APPEND body "const unsigned char hl_embedded_${id}[] = {\n${arr}0x00};\nconst size_t hl_embedded_${id}_len = ${bytes};\n\n")
endforeach()
file(WRITE ${OUT}.tmp "${body}")
file(RENAME ${OUT}.tmp ${OUT})
