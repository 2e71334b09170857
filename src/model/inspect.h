// `ownchat ckpt init|info`: create a randomly initialised checkpoint, or describe one.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "model/config.h"

namespace own {

void checkpoint_init(const std::string& dir, const ModelConfig& c, uint64_t seed);
// Loads and validates the checkpoint; returns its summary (config, parameter counts, train state).
nlohmann::json checkpoint_info(const std::string& dir);

}  // namespace own
