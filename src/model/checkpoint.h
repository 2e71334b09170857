// A checkpoint is a directory that opens in the Hugging Face ecosystem as it is:
//   config.json              HF LlamaConfig keys (config_to_json)
//   model.safetensors        one F32 tensor per ParamLayout tensor, HF names (no lm_head when tied)
//   train_state.safetensors  optional: F32 adam.m, adam.v (flat, param-buffer order) + metadata
// Saving writes the whole set into `<dir>.tmp`, then swaps it in as one directory
// (replace_dir_atomic: an exchange, or two renames via `<dir>.old`), so a kill at any moment leaves
// the old complete checkpoint or the new one; loading falls back to `<dir>.old` when `<dir>` is missing.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>

#include "model/config.h"
#include "model/params.h"

namespace own {

struct TrainState {
  int64_t step = 0;          // optimizer steps taken
  uint64_t rng_state = 0;    // own::Rng state to resume sampling/dropout/data order
  uint64_t data_cursor = 0;  // position in the data stream
  nlohmann::json extra;      // e.g. schedule, loss history; stored as a JSON string
  FloatBuffer m, v;          // AdamW moments, each layout.total floats
};

struct Checkpoint {
  ModelConfig config;
  ParamLayout layout;
  FloatBuffer params;  // layout.total floats
};

// Throws InputError on I/O failure (disk full, permissions); the previous checkpoint survives.
void checkpoint_save(const std::string& dir, const ModelConfig& c, const ParamLayout& layout, const float* params,
                     const TrainState* state /* may be null */);
// The files of one checkpoint written into an existing directory, without the swap: for building
// a set (e.g. PPO's policy with its critic in a subdirectory) inside checkpoint_save_set.
void checkpoint_write_files(const std::string& dir, const ModelConfig& c, const ParamLayout& layout,
                            const float* params, const TrainState* state /* may be null */);
// checkpoint_write_files into <set_dir>/<name>, created and fsynced: a companion checkpoint of a set
// (PPO's critic, the trained policy beside the one a judge kept).
void checkpoint_write_subdir(const std::string& set_dir, const std::string& name, const ModelConfig& c,
                             const ParamLayout& layout, const float* params, const TrainState* state /* may be null */);
// `write` fills a temp directory with checkpoint_write_files calls; it replaces `dir` as one unit.
// InputError when `dir` exists and does not look like a checkpoint.
void checkpoint_save_set(const std::string& dir, const std::function<void(const std::string& tmp_dir)>& write);
// Config + params, everything validated against the config (names, shapes, dtypes, no extras).
// F32 is read as is; BF16/F16 weights are converted to F32.
Checkpoint checkpoint_load(const std::string& dir);
bool checkpoint_has_train_state(const std::string& dir);
// Allocates state.m and state.v; InputError when the state belongs to another model or format.
void checkpoint_load_train_state(const std::string& dir, const ParamLayout& layout, TrainState& state);

}  // namespace own
