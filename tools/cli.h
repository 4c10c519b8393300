/* SPDX-License-Identifier: Apache-2.0 */
/* The hipload command-line program: one function per subcommand, each in tools/cmd_<name>.c.
 * Each returns the process exit status (0 success, 1 failure of the work, 2 usage error). */
#ifndef HIPLOAD_TOOLS_CLI_H
#define HIPLOAD_TOOLS_CLI_H
int hl_cmd_info(int argc, char **argv);
int hl_cmd_setup(int argc, char **argv);
int hl_cmd_run(int argc, char **argv);
int hl_cmd_analyze(int argc, char **argv);
int hl_cmd_batch(int argc, char **argv);
#endif
