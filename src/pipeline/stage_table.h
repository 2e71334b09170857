// The speedrun's stage table: the pipeline's stages in order and, per preset, each stage's flags
// and what to expect from it on 2 cores (data size, time, the key metric). It is the one place
// those expectations are written: `ownchat speedrun --table` prints it, and the README and
// scripts/speedrun.sh point to it. It is data only: speedrun_plan.h turns it into command lines,
// speedrun.h runs them.
#pragma once
#include <array>
#include <cstddef>
#include <string_view>

namespace own {

// One stage of the pipeline. A training stage's first checkpoint is where it resumes from
// (--resume). Data stages overwrite their outputs on a rerun.
struct SpeedrunStage {
  const char* name;      // --from and RUN/speedrun/<name>.done
  const char* command;   // after `ownchat`
  bool threads;          // takes --threads
  const char* ckpts;     // space-separated RUN/ckpt/<name>, removed by --from
  const char* data_sets; // space-separated RUN/data/<set>, removed by --from
  const char* about;     // what the stage makes
};

inline constexpr size_t kSpeedrunStages = 14;
extern const std::array<SpeedrunStage, kSpeedrunStages> kSpeedrunPipeline;

// A preset: per stage (kSpeedrunPipeline order) the flags after `--run RUN`, and what to expect on
// 2 cores. {run} is the run directory, {npm} the node_modules directory.
struct SpeedrunPreset {
  const char* name;
  const char* about;
  std::array<const char*, kSpeedrunStages> flags;
  std::array<const char*, kSpeedrunStages> expect;
};

extern const std::array<SpeedrunPreset, 4> kSpeedrunPresets;

// The preset of that name; nullptr when there is none.
const SpeedrunPreset* speedrun_preset(std::string_view name);

}  // namespace own
