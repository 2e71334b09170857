#include "model/inspect.h"

#include "model/checkpoint.h"
#include "model/params.h"

namespace own {

void checkpoint_init(const std::string& dir, const ModelConfig& c, uint64_t seed) {
  ParamLayout layout = param_layout(c);
  FloatBuffer params(layout.total);
  params_init(params.data, layout, c, seed);
  checkpoint_save(dir, c, layout, params.data, nullptr);
}

nlohmann::json checkpoint_info(const std::string& dir) {
  Checkpoint ck = checkpoint_load(dir);
  nlohmann::json j = {{"dir", dir},
                      {"config", config_to_json(ck.config)},
                      {"parameters", ck.layout.total},
                      {"matmul_parameters", matmul_param_count(ck.config)},
                      {"tensors", ck.layout.tensors.size()}};
  if (checkpoint_has_train_state(dir)) {
    TrainState st;
    checkpoint_load_train_state(dir, ck.layout, st);
    j["train_state"] = {{"step", st.step}, {"data_cursor", st.data_cursor}, {"extra", st.extra}};
  }
  return j;
}

}  // namespace own
