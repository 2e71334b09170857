// Which kernel variant this process runs for each hot path, for `ownchat --version` and the benches.
#pragma once
#include <string>

namespace own {

// lines "  <path>: <variant> ..." after a "cpu: ..." line
std::string kernels_report();

}  // namespace own
