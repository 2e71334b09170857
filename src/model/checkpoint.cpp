// Checkpoint directories: save as one directory swap (replace_dir_atomic), load with full validation.
// Validation compares the file against the layout that config.json implies, so a checkpoint of a
// different model is an InputError naming the first disagreeing tensor, never a silent misread.
// Saving refuses to replace a directory that does not look like a checkpoint (it would be deleted).
#include "model/checkpoint.h"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <set>

#include "core/check.h"
#include "core/dist.h"
#include "core/fileio.h"
#include "core/json_util.h"
#include "model/gguf_model.h"
#include "model/safetensors.h"

namespace own {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kConfigFile = "config.json";
constexpr const char* kModelFile = "model.safetensors";
constexpr const char* kStateFile = "train_state.safetensors";
constexpr const char* kStateFormat = "ownchat-train-state";
constexpr const char* kStateVersion = "1";
constexpr uintmax_t kMaxConfigBytes = 1 << 20;
constexpr const char* kStateFix = "delete train_state.safetensors or start fresh";

// "ckpt/" -> "ckpt", so that "<dir>.tmp" is a sibling of the directory, not a child.
fs::path clean_dir(const std::string& dir) {
  fs::path p = fs::path(dir).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();
  if (p.empty() || p.filename() == "." || p.filename() == "..")
    input_error("checkpoint directory \"{}\" must name a directory, e.g. out/ckpt", dir);
  return p;
}

fs::path sibling(const fs::path& dir, const char* suffix) { return fs::path(dir.string() + suffix); }

bool exists_quiet(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

// Before deleting a directory we did not just create, make sure it is one of ours.
void check_replaceable(const fs::path& p) {
  std::error_code ec;
  if (!fs::exists(p, ec)) return;
  if (!fs::is_directory(p, ec)) input_error("{}: exists and is not a checkpoint directory; refusing to replace it", p.string());
  if (fs::is_empty(p, ec) || fs::exists(p / kConfigFile, ec) || fs::exists(p / kModelFile, ec)) return;
  input_error("{}: exists and does not look like a checkpoint (no {} or {}); refusing to replace it", p.string(),
              kConfigFile, kModelFile);
}

// The directory to read: `dir`, or `<dir>.old` when a save crashed between its two renames.
fs::path resolve_for_load(const std::string& dir, bool announce) {
  fs::path p = clean_dir(dir);
  std::error_code ec;
  if (fs::is_directory(p, ec)) return p;
  if (fs::exists(p, ec))
    input_error("{}: is not a directory (a checkpoint is a directory with {} and {})", p.string(), kConfigFile,
                kModelFile);
  fs::path old = sibling(p, ".old");
  if (fs::is_directory(old, ec)) {
    if (announce)
      fmt::print(stderr, "ownchat: checkpoint {} is missing but {} exists (a save was interrupted); loading {}\n",
                 p.string(), old.string(), old.string());
    return old;
  }
  input_error("{}: checkpoint directory does not exist", p.string());
}

bool is_float_dtype(Dtype d) { return d == Dtype::F32 || d == Dtype::BF16 || d == Dtype::F16; }

// Every tensor the config needs, with its shape and a float dtype, and nothing else.
void check_model_tensors(const SafetensorsFile& f, const ModelConfig& c, const ParamLayout& layout) {
  if (c.tie_word_embeddings && f.has("lm_head.weight"))
    input_error("{}: has lm_head.weight but config.json says tie_word_embeddings: true; set it to false to use "
                "the separate head, or remove the tensor",
                f.path());
  for (const auto& t : layout.tensors) {
    if (!f.has(t.name)) {
      std::string hint = t.name == "lm_head.weight" ? " (config.json says tie_word_embeddings: false)" : "";
      input_error("{}: missing tensor {}{}", f.path(), t.name, hint);
    }
    const StInfo& info = f.info(t.name);
    if (info.shape != t.shape)
      input_error("{}: {}: shape {} in file, config needs {}", f.path(), t.name, shape_str(info.shape),
                  shape_str(t.shape));
    if (!is_float_dtype(info.dtype))
      input_error("{}: {}: dtype {} is not supported (expected F32, BF16 or F16)", f.path(), t.name,
                  dtype_name(info.dtype));
  }
  std::vector<std::string> extra;
  for (const auto& name : f.names()) {
    // Older HF exports carry RoPE frequencies as a buffer; they follow from rope_theta.
    if (!layout.find(name) && !name.ends_with("rotary_emb.inv_freq")) extra.push_back(name);
  }
  if (!extra.empty()) {
    std::string list;
    for (size_t i = 0; i < extra.size() && i < 5; i++) list += (i ? ", " : "") + extra[i];
    if (extra.size() > 5) list += ", ...";
    input_error("{}: {} unexpected tensor(s) not in the model config.json describes: {} (a checkpoint of a "
                "different model?)",
                f.path(), extra.size(), list);
  }
}

// A config whose parameters cannot fit in the weights file is refused before the file is read
// or the parameter buffer allocated: even at 2 bytes a weight (BF16/F16) the file must hold them.
void check_fits_file(const std::string& model_path, const std::string& config_path, const ParamLayout& layout) {
  std::error_code ec;
  const auto file_bytes = static_cast<int64_t>(fs::file_size(model_path, ec));
  if (ec) input_error("{}: cannot read its size: {}", model_path, ec.message());
  if (layout.total > file_bytes / 2)
    input_error("{}: describes a model of {} parameters (at least {} bytes as BF16), but {} has only {} bytes "
                "(config.json and weights of different models, or a truncated file)",
                config_path, layout.total, 2 * layout.total, model_path, file_bytes);
}

// NaN or Inf weights make every forward NaN, silently; refuse them at load, naming the tensor.
void check_finite(const std::string& model_path, const ParamLayout& layout, const float* params) {
  for (const auto& t : layout.tensors) {
    const float* w = params + t.offset;
    for (int64_t i = 0; i < t.numel; i++) {
      if (!std::isfinite(w[i]))
        input_error("{}: tensor {} holds a non-finite weight ({} at element {}); the checkpoint is corrupt or "
                    "training diverged: load an earlier checkpoint",
                    model_path, t.name, w[i], i);
    }
  }
}

template <typename T>
T parse_decimal(const SafetensorsFile& f, const std::string& key) {
  auto it = f.metadata().find(key);
  if (it == f.metadata().end()) input_error("{}: metadata \"{}\" is missing; {}", f.path(), key, kStateFix);
  const std::string& s = it->second;
  T value{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty())
    input_error("{}: metadata \"{}\" is not a decimal integer: \"{}\"; {}", f.path(), key, s, kStateFix);
  return value;
}

FloatBuffer read_moment(const SafetensorsFile& f, const char* name, const ParamLayout& layout) {
  if (!f.has(name)) input_error("{}: missing tensor {}; {}", f.path(), name, kStateFix);
  const StInfo& info = f.info(name);
  // Moments must be exact for a bit-for-bit resume: F32 only.
  if (info.dtype != Dtype::F32)
    input_error("{}: {} has dtype {}, expected F32; {}", f.path(), name, dtype_name(info.dtype), kStateFix);
  if (info.numel != layout.total || info.shape.size() != 1)
    input_error("{}: {} has shape {}, the model has [{}] parameters (a train state of a different model); {}",
                f.path(), name, shape_str(info.shape), layout.total, kStateFix);
  FloatBuffer buf(layout.total);
  f.read_f32(name, buf.data, layout.total);
  return buf;
}

}  // namespace

void checkpoint_write_files(const std::string& dir, const ModelConfig& c, const ParamLayout& layout,
                            const float* params, const TrainState* state) {
  OWN_CHECK(layout.total == param_layout(c).total, "layout ({} floats) does not match config", layout.total);
  OWN_CHECK(!state || (state->m.size == layout.total && state->v.size == layout.total),
            "train state moments have {} / {} floats, layout has {}", state->m.size, state->v.size, layout.total);
  const fs::path d(dir);
  write_file_atomic((d / kConfigFile).string(), config_to_json(c).dump(2) + "\n");

  std::vector<StTensorRef> weights;
  for (const auto& t : layout.tensors) weights.push_back({t.name, Dtype::F32, t.shape, params + t.offset});
  safetensors_write((d / kModelFile).string(), weights, {{"format", "pt"}});  // "pt": what transformers expects

  if (state) {
    std::vector<StTensorRef> moments = {{"adam.m", Dtype::F32, {layout.total}, state->m.data},
                                        {"adam.v", Dtype::F32, {layout.total}, state->v.data}};
    std::map<std::string, std::string> meta = {
        {"format", kStateFormat},
        {"version", kStateVersion},
        {"step", std::to_string(state->step)},
        {"rng_state", std::to_string(state->rng_state)},
        {"data_cursor", std::to_string(state->data_cursor)},
        {"extra", dump_json(state->extra)},
    };
    safetensors_write((d / kStateFile).string(), moments, meta);
  }
}

void checkpoint_write_subdir(const std::string& set_dir, const std::string& name, const ModelConfig& c,
                             const ParamLayout& layout, const float* params, const TrainState* state) {
  const std::string dir = (fs::path(set_dir) / name).string();
  fs::create_directory(dir);
  checkpoint_write_files(dir, c, layout, params, state);
  fsync_dir(dir);
}

void checkpoint_save_set(const std::string& dir, const std::function<void(const std::string& tmp_dir)>& write) {
  // Data-parallel training (core/dist.h): every rank holds the same weights; rank 0 writes them and
  // the others wait until the checkpoint is complete (if rank 0 fails, it aborts the whole job).
  if (dist::is_root()) {
    const fs::path final_dir = clean_dir(dir);
    check_replaceable(final_dir);
    check_replaceable(sibling(final_dir, ".old"));
    // Atomicity: the whole set (config.json, model.safetensors, train_state.safetensors and any
    // companion directory) is written into <dir>.tmp and swapped in as one directory
    // (replace_dir_atomic), so a kill at any moment leaves the previous complete set or the new one.
    replace_dir_atomic(final_dir.string(), write);
  }
  dist::barrier();
}

void checkpoint_save(const std::string& dir, const ModelConfig& c, const ParamLayout& layout, const float* params,
                     const TrainState* state) {
  OWN_CHECK(layout.total == param_layout(c).total, "layout ({} floats) does not match config", layout.total);
  checkpoint_save_set(dir, [&](const std::string& tmp) { checkpoint_write_files(tmp, c, layout, params, state); });
}

Checkpoint checkpoint_load(const std::string& dir) {
  if (is_gguf_path(dir)) return gguf_read_model(GgufFile(dir));
  const fs::path d = resolve_for_load(dir, /*announce=*/true);
  const std::string config_path = (d / kConfigFile).string(), model_path = (d / kModelFile).string();
  if (!exists_quiet(config_path)) input_error("{}: missing {} (not a checkpoint directory?)", d.string(), kConfigFile);
  if (!exists_quiet(model_path)) input_error("{}: missing {}", d.string(), kModelFile);

  std::error_code ec;
  if (const auto n = fs::file_size(config_path, ec); !ec && n > kMaxConfigBytes)
    input_error("{}: {} bytes; a config.json is a few hundred (limit {}): not a config file", config_path, n,
                kMaxConfigBytes);
  json j;
  try {
    j = json::parse(read_file(config_path));
  } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
    input_error("{}: invalid JSON: {}", config_path, e.what());
  }
  Checkpoint ck;
  ck.config = config_from_json(j, config_path);
  ck.layout = param_layout(ck.config);
  check_fits_file(model_path, config_path, ck.layout);

  SafetensorsFile f(model_path);
  check_model_tensors(f, ck.config, ck.layout);
  ck.params = FloatBuffer(ck.layout.total);
  for (const auto& t : ck.layout.tensors) f.read_f32(t.name, ck.params.data + t.offset, t.numel);
  check_finite(model_path, ck.layout, ck.params.data);
  return ck;
}

bool checkpoint_has_train_state(const std::string& dir) {
  try {
    return exists_quiet(resolve_for_load(dir, /*announce=*/false) / kStateFile);
  } catch (const InputError&) {
    return false;
  }
}

void checkpoint_load_train_state(const std::string& dir, const ParamLayout& layout, TrainState& state) {
  const fs::path d = resolve_for_load(dir, /*announce=*/false);  // checkpoint_load already said so
  const fs::path path = d / kStateFile;
  if (!exists_quiet(path))
    input_error("{}: no {} (saved without optimizer state); start training fresh from the weights instead of "
                "resuming",
                d.string(), kStateFile);
  SafetensorsFile f(path.string());
  auto meta = [&](const char* key) {
    auto it = f.metadata().find(key);
    return it == f.metadata().end() ? std::string("<missing>") : it->second;
  };
  if (meta("format") != kStateFormat)
    input_error("{}: format \"{}\" is not \"{}\"; {}", f.path(), meta("format"), kStateFormat, kStateFix);
  if (meta("version") != kStateVersion)
    input_error("{}: version \"{}\" is not supported (this build reads version {}); {}", f.path(), meta("version"),
                kStateVersion, kStateFix);

  TrainState s;
  s.step = parse_decimal<int64_t>(f, "step");
  s.rng_state = parse_decimal<uint64_t>(f, "rng_state");
  s.data_cursor = parse_decimal<uint64_t>(f, "data_cursor");
  if (auto it = f.metadata().find("extra"); it != f.metadata().end()) {
    try {
      s.extra = json::parse(it->second);
    } catch (const json::exception& e) {
      input_error("{}: metadata \"extra\" is not valid JSON: {}; {}", f.path(), e.what(), kStateFix);
    }
  }
  s.m = read_moment(f, "adam.m", layout);
  s.v = read_moment(f, "adam.v", layout);
  state = std::move(s);
}

}  // namespace own
