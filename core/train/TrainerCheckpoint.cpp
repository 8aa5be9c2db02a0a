// Trainer::checkpoint / restore: one torch archive serialised to a byte string, so the job
// runner can keep it as a BLOB in the workspace.
#include <torch/torch.h>

#include <sstream>

#include "common/Error.h"
#include "train/Trainer.h"

namespace nas {
namespace {

constexpr std::int64_t kFormat = 1;

std::int64_t readInt(torch::serialize::InputArchive& in, const char* key) {
  c10::IValue v;
  if (!in.try_read(key, v) || !v.isInt())
    throw Error(ErrorCode::CorruptData, std::string("checkpoint lacks '") + key + "'");
  return v.toInt();
}

}  // namespace

std::string Trainer::checkpoint(const std::string& extra) const {
  torch::serialize::OutputArchive archive;
  archive.write("format", c10::IValue(kFormat));
  torch::serialize::OutputArchive modelArchive, optimArchive;
  model_->save(modelArchive);
  optimizer_->save(optimArchive);
  archive.write("model", modelArchive);
  archive.write("optimizer", optimArchive);
  archive.write("epoch", c10::IValue(position().epoch));
  archive.write("batch", c10::IValue(position().batch));
  // The schedule is a function of the global step; storing it (and the total) lets restore
  // refuse a checkpoint taken under another schedule length instead of silently drifting.
  archive.write("global_step", c10::IValue(globalStep()));
  archive.write("total_steps", c10::IValue(totalSteps()));
  archive.write("batcher_seed", c10::IValue(static_cast<std::int64_t>(batcher_.seed())));
  {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    archive.write("torch_cpu_rng", gen.get_state());
  }
  archive.write("extra", c10::IValue(extra));
  std::ostringstream out(std::ios::binary);
  archive.save_to(out);
  return out.str();
}

std::string Trainer::restore(const std::string& bytes) {
  torch::serialize::InputArchive archive;
  try {
    std::istringstream in(bytes, std::ios::binary);
    archive.load_from(in);
  } catch (const c10::Error& e) {
    throw Error(ErrorCode::CorruptData, std::string("not a training checkpoint: ") + e.what_without_backtrace());
  }
  if (readInt(archive, "format") != kFormat)
    throw Error(ErrorCode::CorruptData, "checkpoint format " + std::to_string(readInt(archive, "format")) +
                                            " is not the supported " + std::to_string(kFormat));
  if (static_cast<std::uint64_t>(readInt(archive, "batcher_seed")) != batcher_.seed())
    throw Error(ErrorCode::CorruptData, "checkpoint was taken with another seed");
  if (readInt(archive, "total_steps") != totalSteps())
    throw Error(ErrorCode::CorruptData, "checkpoint was taken with " + std::to_string(readInt(archive, "total_steps")) +
                                            " total steps, this run has " + std::to_string(totalSteps()) +
                                            " (epochs, batch size or data changed)");
  try {
    torch::serialize::InputArchive modelArchive, optimArchive;
    archive.read("model", modelArchive);
    archive.read("optimizer", optimArchive);
    model_->load(modelArchive);
    model_->to(options_.device);
    optimizer_->load(optimArchive);
    torch::Tensor rng;
    archive.read("torch_cpu_rng", rng);
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(rng.cpu());
  } catch (const c10::Error& e) {
    throw Error(ErrorCode::CorruptData,
                std::string("checkpoint does not fit this model: ") + e.what_without_backtrace());
  }
  batcher_.setPosition({readInt(archive, "epoch"), readInt(archive, "batch")});
  if (globalStep() != readInt(archive, "global_step"))
    throw Error(ErrorCode::CorruptData, "checkpoint position and step disagree");
  c10::IValue extra;
  if (archive.try_read("extra", extra) && extra.isString()) return extra.toStringRef();
  return {};
}

}  // namespace nas
