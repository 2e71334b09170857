// Checkpoint directories: bit-exact save/load (tied and untied), train state round trip, the
// crash-safe directory swap and `.old` recovery, and one test per load validation (each corrupt
// checkpoint is made by saving a good one and rewriting one file).
#include "model/checkpoint.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <set>

#include "core/check.h"
#include "core/fileio.h"
#include "core/rng.h"
#include "model/safetensors.h"
#include "test_util.h"

namespace own {
namespace {

namespace fs = std::filesystem;
using test::ScratchDir;
using test::error_of;




// A tiny model: 2 layers, C = 32, V = 50.
struct Model {
  ModelConfig config;
  ParamLayout layout;
  FloatBuffer params;
  explicit Model(bool tied, uint64_t seed = 1, int depth = 2) {
    ModelOverrides o;
    o.vocab = 50;
    o.n_embd = 32;
    o.tied = tied ? 1 : 0;
    config = config_from_depth(depth, o);
    layout = param_layout(config);
    params = FloatBuffer(layout.total);
    params_init(params.data, layout, config, seed);
  }
  void save(const std::string& dir, const TrainState* state = nullptr) const {
    checkpoint_save(dir, config, layout, params.data, state);
  }
  // Rewrites model.safetensors from the params after `edit` changes the tensor list.
  void rewrite_weights(const std::string& dir, const std::function<void(std::vector<StTensorRef>&)>& edit) const {
    std::vector<StTensorRef> refs;
    for (const auto& t : layout.tensors) refs.push_back({t.name, Dtype::F32, t.shape, params.data + t.offset});
    edit(refs);
    safetensors_write(dir + "/model.safetensors", refs);
  }
};

StTensorRef& find_ref(std::vector<StTensorRef>& refs, const std::string& name) {
  for (auto& r : refs)
    if (r.name == name) return r;
  OWN_CHECK(false, "test bug: no tensor {}", name);
}

std::set<std::string> dir_entries(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

void expect_same_params(const Checkpoint& ck, const Model& m) {
  ASSERT_EQ(ck.layout.total, m.layout.total);
  ASSERT_EQ(ck.params.size, m.layout.total);
  EXPECT_EQ(std::memcmp(ck.params.data, m.params.data, static_cast<size_t>(m.layout.total) * sizeof(float)), 0);
}

TrainState make_state(const ParamLayout& layout) {
  TrainState s;
  s.step = 123;
  s.rng_state = UINT64_MAX - 5;
  s.data_cursor = uint64_t{1} << 40;
  s.extra = {{"lr", 0.1}, {"losses", {4.5, 3.25}}, {"schedule", "cosine"}};
  s.m = FloatBuffer(layout.total);
  s.v = FloatBuffer(layout.total);
  Rng rng(7);
  for (int64_t i = 0; i < layout.total; i++) {
    s.m.data[i] = rng.normal();
    s.v.data[i] = rng.uniform();
  }
  return s;
}

TEST(Checkpoint, SaveLoadIsBitExactTiedAndUntied) {
  ScratchDir d;
  for (bool tied : {true, false}) {
    Model m(tied);
    const std::string dir = d.file(tied ? "tied" : "untied");
    m.save(dir);
    EXPECT_EQ(dir_entries(dir), (std::set<std::string>{"config.json", "model.safetensors"}));
    SafetensorsFile f(dir + "/model.safetensors");
    EXPECT_EQ(f.has("lm_head.weight"), !tied);
    EXPECT_EQ(f.metadata().at("format"), "pt");

    Checkpoint ck = checkpoint_load(dir);
    EXPECT_EQ(ck.config.tie_word_embeddings, tied);
    EXPECT_EQ(ck.config.hidden_size, 32);
    EXPECT_EQ(ck.config.vocab_size, 50);
    EXPECT_EQ(ck.config.num_hidden_layers, 2);
    EXPECT_EQ(ck.config.intermediate_size, m.config.intermediate_size);
    EXPECT_EQ(ck.config.rms_norm_eps, m.config.rms_norm_eps);
    expect_same_params(ck, m);
    EXPECT_FALSE(checkpoint_has_train_state(dir));
  }
}

TEST(Checkpoint, TrainStateRoundTrip) {
  ScratchDir d;
  Model m(true);
  TrainState s = make_state(m.layout);
  const std::string dir = d.file("ck");
  m.save(dir, &s);
  ASSERT_TRUE(checkpoint_has_train_state(dir));

  TrainState back;
  checkpoint_load_train_state(dir, m.layout, back);
  EXPECT_EQ(back.step, 123);
  EXPECT_EQ(back.rng_state, UINT64_MAX - 5);
  EXPECT_EQ(back.data_cursor, uint64_t{1} << 40);
  EXPECT_EQ(back.extra, s.extra);
  ASSERT_EQ(back.m.size, m.layout.total);
  ASSERT_EQ(back.v.size, m.layout.total);
  const size_t bytes = static_cast<size_t>(m.layout.total) * sizeof(float);
  EXPECT_EQ(std::memcmp(back.m.data, s.m.data, bytes), 0);
  EXPECT_EQ(std::memcmp(back.v.data, s.v.data, bytes), 0);

  SafetensorsFile f(dir + "/train_state.safetensors");
  EXPECT_EQ(f.metadata().at("format"), "ownchat-train-state");
  EXPECT_EQ(f.metadata().at("version"), "1");
  EXPECT_EQ(f.metadata().at("rng_state"), "18446744073709551610");
}

TEST(Checkpoint, HalfPrecisionWeightsAreConverted) {
  ScratchDir d;
  Model m(false);
  const std::string dir = d.file("ck");
  m.save(dir);
  // Store every tensor as BF16 (truncated); the load must give exactly those values in F32.
  std::vector<uint16_t> halves(static_cast<size_t>(m.layout.total));
  for (int64_t i = 0; i < m.layout.total; i++) {
    uint32_t bits;
    std::memcpy(&bits, &m.params.data[i], 4);
    halves[static_cast<size_t>(i)] = static_cast<uint16_t>(bits >> 16);
  }
  m.rewrite_weights(dir, [&](std::vector<StTensorRef>& refs) {
    for (auto& r : refs) {
      r.dtype = Dtype::BF16;
      r.data = halves.data() + (static_cast<const float*>(r.data) - m.params.data);
    }
  });
  Checkpoint ck = checkpoint_load(dir);
  for (int64_t i = 0; i < m.layout.total; i++)
    ASSERT_EQ(ck.params.data[i], bf16_to_f32(halves[static_cast<size_t>(i)])) << i;
}

TEST(Checkpoint, RejectsMissingTensor) {
  ScratchDir d;
  Model m(true);
  const std::string dir = d.file("ck");
  m.save(dir);
  m.rewrite_weights(dir, [](std::vector<StTensorRef>& refs) {
    std::erase_if(refs, [](const StTensorRef& r) { return r.name == "model.layers.1.mlp.up_proj.weight"; });
  });
  std::string e = error_of([&] { checkpoint_load(dir); });
  EXPECT_CONTAINS(e, "model.safetensors: missing tensor model.layers.1.mlp.up_proj.weight");
}

TEST(Checkpoint, RejectsMissingUntiedHead) {
  ScratchDir d;
  Model m(false);
  const std::string dir = d.file("ck");
  m.save(dir);
  m.rewrite_weights(dir, [](std::vector<StTensorRef>& refs) {
    std::erase_if(refs, [](const StTensorRef& r) { return r.name == "lm_head.weight"; });
  });
  std::string e = error_of([&] { checkpoint_load(dir); });
  EXPECT_CONTAINS(e, "missing tensor lm_head.weight");
  EXPECT_CONTAINS(e, "tie_word_embeddings: false");
}

TEST(Checkpoint, RejectsWrongShape) {
  ScratchDir d;
  Model m(true);
  const std::string dir = d.file("ck");
  m.save(dir);
  m.rewrite_weights(dir, [](std::vector<StTensorRef>& refs) {
    find_ref(refs, "model.layers.0.self_attn.k_proj.weight").shape = {16, 32};
  });
  std::string e = error_of([&] { checkpoint_load(dir); });
  EXPECT_CONTAINS(e, "model.layers.0.self_attn.k_proj.weight: shape [16, 32] in file, config needs [32, 32]");
}

TEST(Checkpoint, RejectsWrongDtype) {
  ScratchDir d;
  Model m(true);
  const std::string dir = d.file("ck");
  m.save(dir);
  m.rewrite_weights(dir, [](std::vector<StTensorRef>& refs) {
    find_ref(refs, "model.norm.weight").dtype = Dtype::I32;  // same byte size as F32
  });
  std::string e = error_of([&] { checkpoint_load(dir); });
  EXPECT_CONTAINS(e, "model.norm.weight: dtype I32 is not supported");
}

TEST(Checkpoint, RejectsTruncatedWeights) {
  ScratchDir d;
  Model m(true);
  const std::string dir = d.file("ck");
  m.save(dir);
  const std::string path = dir + "/model.safetensors";
  std::string raw = read_file(path);
  write_file_atomic(path, std::string_view(raw).substr(0, raw.size() / 2));
  std::string e = error_of([&] { checkpoint_load(dir); });
  EXPECT_CONTAINS(e, "model.safetensors: truncated");
}

TEST(Checkpoint, RejectsExtraTensors) {
  ScratchDir d;
  Model m(true), deeper(true, 1, 4);
  const std::string dir = d.file("ck");
  m.save(dir);
  // Weights of a 4-layer model under a 2-layer config.json.
  deeper.rewrite_weights(dir, [](std::vector<StTensorRef>&) {});
  std::string e = error_of([&] { checkpoint_load(dir); });
  EXPECT_CONTAINS(e, "18 unexpected tensor(s)");
  EXPECT_CONTAINS(e, "model.layers.2.input_layernorm.weight");
  EXPECT_CONTAINS(e, ", ...");
  EXPECT_CONTAINS(e, "different model");
}

TEST(Checkpoint, RejectsHeadWhenTied) {
  ScratchDir d;
  Model m(true);
  const std::string dir = d.file("ck");
  m.save(dir);
  m.rewrite_weights(dir, [&](std::vector<StTensorRef>& refs) {
    refs.push_back({"lm_head.weight", Dtype::F32, {50, 32}, m.params.data});
  });
  std::string e = error_of([&] { checkpoint_load(dir); });
  EXPECT_CONTAINS(e, "lm_head.weight");
  EXPECT_CONTAINS(e, "tie_word_embeddings: true");
}

TEST(Checkpoint, RejectsMissingOrBadFiles) {
  ScratchDir d;
  Model m(true);
  const std::string dir = d.file("ck");
  EXPECT_CONTAINS(error_of([&] { checkpoint_load(dir); }), "ck: checkpoint directory does not exist");

  m.save(dir);
  fs::remove(dir + "/model.safetensors");
  EXPECT_CONTAINS(error_of([&] { checkpoint_load(dir); }), "missing model.safetensors");

  m.save(dir);
  write_file_atomic(dir + "/config.json", "{\"hidden_size\": 32,");
  std::string e = error_of([&] { checkpoint_load(dir); });
  EXPECT_CONTAINS(e, "config.json: invalid JSON");
  EXPECT_CONTAINS(e, "parse error");

  write_file_atomic(dir + "/config.json", "{\"hidden_size\": 32}");
  EXPECT_CONTAINS(error_of([&] { checkpoint_load(dir); }), "missing key \"vocab_size\"");

  fs::remove(dir + "/config.json");
  EXPECT_CONTAINS(error_of([&] { checkpoint_load(dir); }), "missing config.json");

  write_file_atomic(d.file("file"), "x");
  EXPECT_CONTAINS(error_of([&] { checkpoint_load(d.file("file")); }), "is not a directory");
}

TEST(Checkpoint, RejectsTrainStateOfAnotherModel) {
  ScratchDir d;
  Model m(true), other(false);
  TrainState s = make_state(m.layout);
  const std::string dir = d.file("ck");
  m.save(dir, &s);
  TrainState back;
  std::string e = error_of([&] { checkpoint_load_train_state(dir, other.layout, back); });
  EXPECT_CONTAINS(e, "adam.m has shape");
  EXPECT_CONTAINS(e, "different model");
  EXPECT_CONTAINS(e, "delete train_state.safetensors or start fresh");

  m.save(dir);  // no state
  EXPECT_CONTAINS(error_of([&] { checkpoint_load_train_state(dir, m.layout, back); }), "no train_state.safetensors");
}

TEST(Checkpoint, RejectsTrainStateWithWrongFormatOrVersion) {
  ScratchDir d;
  Model m(true);
  TrainState s = make_state(m.layout);
  const std::string dir = d.file("ck"), path = dir + "/train_state.safetensors";
  m.save(dir, &s);
  std::map<std::string, std::string> meta = SafetensorsFile(path).metadata();
  auto rewrite = [&](const std::string& key, const std::string& value) {
    auto changed = meta;
    changed[key] = value;
    safetensors_write(path,
                      {{"adam.m", Dtype::F32, {m.layout.total}, s.m.data}, {"adam.v", Dtype::F32, {m.layout.total}, s.v.data}},
                      changed);
    TrainState back;
    return error_of([&] { checkpoint_load_train_state(dir, m.layout, back); });
  };
  std::string e = rewrite("format", "something-else");
  EXPECT_CONTAINS(e, "format \"something-else\"");
  EXPECT_CONTAINS(e, "delete train_state.safetensors or start fresh");
  e = rewrite("version", "2");
  EXPECT_CONTAINS(e, "version \"2\" is not supported");
  EXPECT_CONTAINS(e, "delete train_state.safetensors or start fresh");
  EXPECT_CONTAINS(rewrite("step", "12x"), "metadata \"step\" is not a decimal integer");
  EXPECT_CONTAINS(rewrite("rng_state", "-1"), "metadata \"rng_state\" is not a decimal integer");
  EXPECT_CONTAINS(rewrite("extra", "{oops"), "metadata \"extra\" is not valid JSON");
  EXPECT_EQ(rewrite("step", "124"), "<no InputError thrown>");
}

TEST(Checkpoint, SavingTwiceReplacesAtomically) {
  ScratchDir d;
  Model a(true, 1), b(true, 2);
  TrainState s = make_state(a.layout);
  const std::string dir = d.file("ck");
  a.save(dir, &s);
  b.save(dir + "/");  // trailing slash names the same directory
  expect_same_params(checkpoint_load(dir), b);
  EXPECT_FALSE(checkpoint_has_train_state(dir));  // the new save had none: no stale state survives
  EXPECT_EQ(dir_entries(d.path), (std::set<std::string>{"ck"}));
  EXPECT_EQ(dir_entries(dir), (std::set<std::string>{"config.json", "model.safetensors"}));

  // A leftover <dir>.tmp from a crashed save is discarded.
  fs::create_directories(dir + ".tmp");
  write_file_atomic(dir + ".tmp/junk", "x");
  a.save(dir);
  expect_same_params(checkpoint_load(dir), a);
  EXPECT_EQ(dir_entries(d.path), (std::set<std::string>{"ck"}));
}

TEST(Checkpoint, RecoversFromCrashBetweenRenames) {
  ScratchDir d;
  Model a(false, 3), b(false, 4);
  const std::string dir = d.file("ck");
  a.save(dir);
  fs::rename(dir, dir + ".old");  // as if the process died after renaming <dir> away

  testing::internal::CaptureStderr();
  Checkpoint ck = checkpoint_load(dir);
  std::string err = testing::internal::GetCapturedStderr();
  expect_same_params(ck, a);
  EXPECT_CONTAINS(err, "ck.old");
  EXPECT_CONTAINS(err, "interrupted");

  b.save(dir);
  expect_same_params(checkpoint_load(dir), b);
  EXPECT_EQ(dir_entries(d.path), (std::set<std::string>{"ck"}));
}

TEST(Checkpoint, RefusesToReplaceANonCheckpointDirectory) {
  ScratchDir d;
  Model m(true);
  const std::string dir = d.file("data");
  fs::create_directories(dir);
  write_file_atomic(dir + "/notes.txt", "precious");
  EXPECT_CONTAINS(error_of([&] { m.save(dir); }), "does not look like a checkpoint");
  EXPECT_EQ(read_file(dir + "/notes.txt"), "precious");
  EXPECT_CONTAINS(error_of([&] { m.save("."); }), "must name a directory");
}

}  // namespace
}  // namespace own
