#include "SgnasCheckpoint.h"

#include <torch/torch.h>

#include <sstream>

#include "common/Error.h"
#include "nn/ModuleBytes.h"

namespace nas::sgnas {
namespace {
constexpr std::int64_t kFormat = 1;
}  // namespace

std::string SgnasCheckpoint::save() const {
  torch::serialize::OutputArchive a;
  a.write("format", c10::IValue(kFormat));
  a.write("phase", c10::IValue(static_cast<std::int64_t>(phase)));
  a.write("state", c10::IValue(state.dump()));
  a.write("supernet", bytesToTensor(supernet));
  a.write("trainer", bytesToTensor(trainer));
  std::ostringstream out(std::ios::binary);
  a.save_to(out);
  return out.str();
}

SgnasCheckpoint SgnasCheckpoint::load(const std::string& bytes) {
  const char* ctx = "sgnas checkpoint";
  SgnasCheckpoint c;
  try {
    torch::serialize::InputArchive a;
    std::istringstream in(bytes, std::ios::binary);
    a.load_from(in);
    c10::IValue format, phase, state;
    if (!a.try_read("format", format) || !format.isInt() || format.toInt() != kFormat)
      throw Error(ErrorCode::CorruptData, "not a supported checkpoint format", ctx);
    if (!a.try_read("phase", phase) || !phase.isInt() || phase.toInt() < kSupernetPhase ||
        phase.toInt() > kEvaluatePhase)
      throw Error(ErrorCode::CorruptData, "bad phase", ctx);
    if (!a.try_read("state", state) || !state.isString()) throw Error(ErrorCode::CorruptData, "lacks its state", ctx);
    c.phase = static_cast<int>(phase.toInt());
    c.state = parseJson(state.toStringRef(), ctx);
    torch::Tensor s, t;
    a.read("supernet", s);
    a.read("trainer", t);
    c.supernet = tensorToBytes(s);
    c.trainer = tensorToBytes(t);
  } catch (const c10::Error& e) {
    throw Error(ErrorCode::CorruptData, std::string("unreadable: ") + e.what_without_backtrace(), ctx);
  }
  return c;
}

}  // namespace nas::sgnas
