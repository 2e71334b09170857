#include "pipeline/speedrun_plan.h"

#include <fmt/format.h>

#include "core/check.h"
#include "core/run_dir.h"
#include "data/sources.h"
#include "pipeline/stage_table.h"

namespace own {

namespace {

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') i++;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') j++;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

const SpeedrunPreset& known_preset(const std::string& name) {
  const SpeedrunPreset* preset = speedrun_preset(name);
  if (preset) return *preset;
  std::string names;
  for (const SpeedrunPreset& p : kSpeedrunPresets) names += names.empty() ? p.name : std::string("|") + p.name;
  input_error("--preset {}: unknown; expected {}", name, names);
}

// The preset's flags for one stage, with {run} and {npm} filled in.
std::string stage_flags(const char* flags, const SpeedrunOptions& o) {
  std::string out = replace_all(flags, "{run}", o.run_dir);
  if (out.find("{npm}") == std::string::npos) return out;
  const std::string npm = find_node_modules();
  if (npm.empty())
    input_error("speedrun --preset {}: no node_modules directory found (its text is an npm package); run "
                "scripts/setup.sh in the ownchat checkout, or set OWN_NODE_MODULES",
                o.preset);
  return replace_all(out, "{npm}", npm);
}

}  // namespace

std::vector<std::string> speedrun_stage_names() {
  std::vector<std::string> out;
  for (const SpeedrunStage& s : kSpeedrunPipeline) out.push_back(s.name);
  return out;
}

std::string speedrun_command_line(const std::vector<std::string>& args) {
  std::string s = "ownchat";
  for (const std::string& a : args) {
    const bool plain = !a.empty() && a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                         "0123456789-_./=:,@+") == std::string::npos;
    s += ' ';
    if (plain) {
      s += a;
    } else {
      s += '\'';
      s += replace_all(a, "'", "'\\''");
      s += '\'';
    }
  }
  return s;
}

std::vector<SpeedrunCommand> speedrun_plan(const SpeedrunOptions& o) {
  const SpeedrunPreset& preset = known_preset(o.preset);
  if (o.run_dir.empty()) input_error("--run must not be empty");
  const RunDir run(o.run_dir);
  std::vector<SpeedrunCommand> plan;
  for (size_t i = 0; i < kSpeedrunStages; i++) {
    const SpeedrunStage& s = kSpeedrunPipeline[i];
    SpeedrunCommand c;
    c.stage = s.name;
    c.about = s.about;
    if (*preset.expect[i]) c.about += fmt::format(" ({})", preset.expect[i]);
    c.args = split_words(s.command);
    c.args.push_back("--run");
    c.args.push_back(o.run_dir);
    for (std::string& w : split_words(stage_flags(preset.flags[i], o))) c.args.push_back(std::move(w));
    if (s.threads && o.threads > 0) {
      c.args.push_back("--threads");
      c.args.push_back(std::to_string(o.threads));
    }
    for (const std::string& name : split_words(s.ckpts)) c.outputs.push_back(run.ckpt(name).string());
    for (const std::string& set : split_words(s.data_sets)) c.outputs.push_back(run.data(set).string());
    c.resumable = !c.outputs.empty();
    plan.push_back(std::move(c));
  }
  return plan;
}

std::string speedrun_table(const std::string& preset_name) {
  const SpeedrunPreset& preset = known_preset(preset_name);
  std::string out = fmt::format("speedrun --preset {}: {}\n\n", preset.name, preset.about);
  out += "| stage | command | makes | on 2 cores |\n|---|---|---|---|\n";
  for (size_t i = 0; i < kSpeedrunStages; i++) {
    const SpeedrunStage& s = kSpeedrunPipeline[i];
    out += fmt::format("| {} | `ownchat {}` | {} | {} |\n", s.name, s.command, s.about, preset.expect[i]);
  }
  return out;
}

}  // namespace own
