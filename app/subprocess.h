// Running another program (pg_dump, pg_restore) as a child process, without a shell, so no
// argument is ever parsed as shell syntax.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace agora::app {

struct ProgramResult {
  int exit_status = 0;  // the exit code, or 128 + N when signal N ended the program
  std::string output;   // standard output
  std::string errors;   // standard error
};

// Runs `argv` (argv[0] a path, or a name looked up on PATH) with standard input from /dev/null
// and the environment of this process, and waits for it. An error only when it could not be
// started; a program that cannot be found exits 127, saying so on its standard error.
Result<ProgramResult> RunProgram(const std::vector<std::string>& argv);

}  // namespace agora::app
