// Training images/s of the `train` job's trainer against the plain PyTorch script a user would
// write for the same network and data (train_throughput.py, Debian's python3-torch), rounds
// alternated in one invocation, same seed, batch and intra-op threads. Two workloads:
//
//   train  core/train's Trainer as TrainMethod drives it: real Fashion-MNIST (the job's 10 %
//          validation split taken off), seeded batches, crop+flip augmentation, normalisation,
//          SGD Nesterov with the per-step cosine rate, loss and accuracy read every step, and
//          the job loop's bookkeeping: train_loss/train_accuracy every 20 batches and progress
//          every batch into a WorkspaceSink on a scratch workspace, a checkpoint every 200
//          batches. Python: a Dataset augmenting per image, a DataLoader, the same optimizer,
//          schedule and per-step .item() reads.
//   net    the model alone: the core/nn network against the same network in PyTorch on one
//          fixed random batch (forward, cross-entropy, backward, SGD step).
//
// Then a phase profile of the trainer's step (a replica of Trainer::step, phase by phase, with
// the same functions), to show where time goes around the model.
//
//   bench_train_throughput [--threads 1] [--rounds 5] [--steps 6] [--warmup 3] [--batch 64]
//                          [--channels 16] [--cells 5] [--shape 1x28x28] [--train-limit 0]
//                          [--profile-steps 12] [--no-python] [--python-channels-last] [--data-dir DIR]
//                          [--precision fp32|bf16] [--compare-bf16]
#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>

#include <sys/wait.h>
#include <unistd.h>

#include "common/Error.h"
#include "common/Json.h"
#include "data/DatasetLoader.h"
#include "data/FashionMnist.h"
#include "data/Split.h"
#include "jobs/WorkspaceSink.h"
#include "nn/Nb201Network.h"
#include "store/Workspace.h"
#include "train/MlInfo.h"
#include "train/Nb201Run.h"
#include "train/Trainer.h"

using namespace nas;
using Clock = std::chrono::steady_clock;

namespace {

struct Config {
  std::string arch =
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|";
  std::string shape = "1x28x28";  // of the "net" workload; "train" has Fashion-MNIST's
  std::string dataDir = kDebianFashionMnistDir;
  int channels = 16, cells = 5, classes = 10, batch = 64, threads = 1, warmup = 3, steps = 6, rounds = 5;
  int seed = 0, profileSteps = 12;
  std::int64_t trainLimit = 0;  // 0 = all 60,000 training images, as the job's default
  double lr = 0.1;              // the job's default
  bool python = true;
  bool pythonChannelsLast = false;  // the PyTorch side in torch.channels_last too (not the plain script)
  std::string precision = "fp32";   // bf16: both sides' forward passes under bf16 autocast
  bool compareBf16 = false;         // also the C++ trainer in bf16, alternated with it in fp32
};

double seconds(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string fmt(double x, const char* f = "%.2f") {
  char buf[32];
  std::snprintf(buf, sizeof buf, f, x);
  return buf;
}

// "median (min-max)" of a series.
std::string spread(const std::vector<double>& v, const char* f = "%.1f") {
  return fmt(median(v), f) + " (" + fmt(*std::min_element(v.begin(), v.end()), f) + "-" +
         fmt(*std::max_element(v.begin(), v.end()), f) + ")";
}

Nb201MacroConfig macroOf(const Config& c) {
  Nb201MacroConfig m;
  parseInputShape(c.shape, m);
  m.channels = c.channels;
  m.cellsPerStage = c.cells;
  m.classes = c.classes;
  return m;
}

// The model alone: forward, cross-entropy, backward, SGD Nesterov, on one fixed batch.
struct NetStep {
  explicit NetStep(const Config& c) {
    const Nb201MacroConfig m = macroOf(c);
    torch::manual_seed(static_cast<std::uint64_t>(c.seed));
    net = Nb201Network(Nb201Cell::parse(c.arch), m);
    net->train();
    opt = std::make_unique<torch::optim::SGD>(
        net->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9).nesterov(true).weight_decay(5e-4));
    x = torch::randn({c.batch, m.inputChannels, m.inputHeight, m.inputWidth});
    precision = parsePrecision(c.precision, "--precision");
    requireAvailable(precision, torch::kCPU);
    y = torch::randint(0, c.classes, {c.batch}, torch::kLong);
  }
  std::int64_t operator()() {
    opt->zero_grad();
    torch::Tensor logits;
    {
      AutocastGuard autocast(torch::kCPU, precision);
      logits = net->forward(x);
    }
    torch::Tensor loss = torch::nn::functional::cross_entropy(logits.to(torch::kFloat), y);
    loss.backward();
    opt->step();
    return x.size(0);
  }
  Nb201Network net{nullptr};
  Precision precision = Precision::Fp32;
  std::unique_ptr<torch::optim::SGD> opt;
  torch::Tensor x, y;
};

// The train job's options for these sizes (TrainMethod's defaults).
TrainerOptions jobOptions(const Config& c, const ImageDataset& data, std::int64_t epochs,
                          const std::string& precision) {
  TrainerOptions o;
  o.lr = c.lr;
  o.epochs = epochs;
  o.batchSize = c.batch;
  o.seed = static_cast<std::uint64_t>(c.seed);
  o.augment = {defaultCropPadding(data.height()), true};
  o.precision = parsePrecision(precision, "--precision");
  return o;
}

// The trainer as TrainMethod's loop drives it, with the loop's per-step bookkeeping.
struct JobStep {
  static constexpr int kMetricEvery = 20, kCheckpointEvery = 200;  // TrainMethod's
  JobStep(const Config& c, const ImageDataset& train, const std::string& workspacePath, const std::string& precision)
      : ws(Workspace::open(workspacePath)), job(ws->createJob("train", "{}")) {
    const Nb201MacroConfig macro = nb201MacroFor(train, c.channels, c.cells);
    // Enough epochs that the bench never reaches the end; the cosine rate is per step either way.
    run = makeNb201Run(Nb201Cell::parse(c.arch), macro, static_cast<std::uint64_t>(c.seed), train,
                       jobOptions(c, train, 1000, precision));
    sink = std::make_unique<WorkspaceSink>(*ws, job, nullptr);
  }
  std::int64_t operator()() {
    Trainer& t = *run.trainer;
    const StepResult r = t.step();
    windowLoss += r.loss;
    windowCorrect += r.correct;
    windowCount += r.count;
    ++windowBatches;
    const std::int64_t step = t.globalStep();
    if (windowBatches == kMetricEvery) {
      sink->metric("train_loss", step, windowLoss / static_cast<double>(windowBatches));
      sink->metric("train_accuracy", step, static_cast<double>(windowCorrect) / static_cast<double>(windowCount));
      windowLoss = 0;
      windowCorrect = windowCount = windowBatches = 0;
    }
    sink->progress(static_cast<double>(step) / static_cast<double>(t.totalSteps()),
                   "epoch " + std::to_string(t.position().epoch + 1) + "/" + std::to_string(t.options().epochs));
    if (t.position().batch % kCheckpointEvery == 0) ws->putArtifact(job, "checkpoint", "train", t.checkpoint("{}"));
    return r.count;
  }
  std::unique_ptr<Workspace> ws;
  JobId job;
  Nb201Run run;
  std::unique_ptr<WorkspaceSink> sink;
  double windowLoss = 0;
  std::int64_t windowCorrect = 0, windowCount = 0, windowBatches = 0;
};

// `steps` calls to fn (each returns its images), timed; images/s.
double timedRound(int steps, const std::function<std::int64_t()>& fn) {
  const auto t0 = Clock::now();
  std::int64_t images = 0;
  for (int i = 0; i < steps; ++i) images += fn();
  return static_cast<double>(images) / seconds(t0);
}

// Trainer::step phase by phase (same functions, same order), each phase timed on its own;
// also one checkpoint's cost, spread over the 200 steps between two.
void profileTrainerStep(const Config& c, const ImageDataset& train) {
  const Nb201MacroConfig macro = nb201MacroFor(train, c.channels, c.cells);
  torch::manual_seed(static_cast<std::uint64_t>(c.seed));
  Nb201Network net(Nb201Cell::parse(c.arch), macro);
  net->train();
  const TrainerOptions o = jobOptions(c, train, 1000, "fp32");
  torch::optim::SGD opt(net->parameters(),
                        torch::optim::SGDOptions(o.lr).momentum(o.momentum).nesterov(true).weight_decay(o.weightDecay));
  Batcher batcher(train.size(), o.batchSize, o.seed, true);
  const Normalization norm = datasetNormalization(train.name, train.channels());
  const std::vector<std::string> names = {"batch order",   "index gather", "augmentation", "normalisation",
                                          "zero_grad",     "forward",      "loss",         "backward",
                                          "optimizer step", "loss/accuracy .item()"};
  std::map<std::string, double> total;
  auto phase = [&](const std::string& name, Clock::time_point& t) {
    const auto now = Clock::now();
    total[name] += std::chrono::duration<double>(now - t).count();
    t = now;
  };
  for (int s = -c.warmup; s < c.profileSteps; ++s) {
    if (s == 0) total.clear();
    auto t = Clock::now();
    Batch b = batcher.next();
    phase(names[0], t);
    torch::Tensor idx = torch::tensor(b.indices, torch::kLong);
    torch::Tensor images = train.images.index_select(0, idx);
    torch::Tensor y = train.labels.index_select(0, idx);
    phase(names[1], t);
    Rng rng(b.seed);
    images = augmentBatch(images, o.augment, rng);
    phase(names[2], t);
    torch::Tensor x = normalizeBatch(images, norm);
    phase(names[3], t);
    opt.zero_grad();
    phase(names[4], t);
    torch::Tensor logits = net->forward(x);
    phase(names[5], t);
    torch::Tensor loss = torch::nn::functional::cross_entropy(logits, y);
    phase(names[6], t);
    loss.backward();
    phase(names[7], t);
    opt.step();
    phase(names[8], t);
    volatile double l = loss.item<double>();
    volatile std::int64_t k = logits.argmax(1).eq(y).sum().item<std::int64_t>();
    (void)l;
    (void)k;
    phase(names[9], t);
  }
  double all = 0;
  for (const auto& [_, v] : total) all += v;
  std::cout << "\nTrainer step by phase (replica of Trainer::step, " << c.profileSteps << " steps after "
            << c.warmup << " warm-up, ms per step):\n";
  for (const auto& n : names)
    std::cout << "  " << n << std::string(24 - n.size(), ' ') << fmt(1000 * total[n] / c.profileSteps, "%8.3f")
              << "  " << fmt(100 * total[n] / all, "%5.1f") << " %\n";
  std::cout << "  step" << std::string(20, ' ') << fmt(1000 * all / c.profileSteps, "%8.3f") << "\n";
  // A checkpoint (model, optimizer, position as bytes) every 200 batches.
  const auto t0 = Clock::now();
  std::ostringstream bytes;
  torch::serialize::OutputArchive a;
  net->save(a);
  opt.save(a);
  a.save_to(bytes);
  std::cout << "  checkpoint bytes " << bytes.str().size() << " in " << fmt(1000 * seconds(t0), "%.1f")
            << " ms = " << fmt(1000 * seconds(t0) / 200, "%.3f") << " ms per step at 200 steps apart\n";
}

// The Python baseline as a child process in --serve mode: one timed round per request, so
// that its rounds interleave with ours and both see the same load on a shared machine.
class PythonBaseline {
 public:
  explicit PythonBaseline(const Config& c) {
    std::vector<std::string> args = {NAS_BENCH_PYTHON, NAS_BENCH_TRAIN_SCRIPT, "--serve", "--arch", c.arch,
                                     "--shape", c.shape, "--channels", std::to_string(c.channels),
                                     "--cells", std::to_string(c.cells), "--classes", std::to_string(c.classes),
                                     "--batch", std::to_string(c.batch), "--threads", std::to_string(c.threads),
                                     "--warmup", std::to_string(c.warmup), "--steps", std::to_string(c.steps),
                                     "--seed", std::to_string(c.seed), "--data-dir", c.dataDir,
                                     "--train-limit", std::to_string(c.trainLimit), "--lr", fmt(c.lr, "%.17g"),
                                     "--epochs", "1000"};
    if (c.pythonChannelsLast) args.push_back("--channels-last");
    args.insert(args.end(), {"--precision", c.precision});
    int toChild[2], fromChild[2];
    if (pipe(toChild) != 0 || pipe(fromChild) != 0) throw Error(ErrorCode::IoError, "pipe() failed");
    pid_ = fork();
    if (pid_ < 0) throw Error(ErrorCode::IoError, "fork() failed");
    if (pid_ == 0) {
      dup2(toChild[0], 0);
      dup2(fromChild[1], 1);
      close(toChild[1]);
      close(fromChild[0]);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(toChild[0]);
    close(fromChild[1]);
    in_ = fdopen(toChild[1], "w");
    out_ = fdopen(fromChild[0], "r");
    info_ = readJson();  // after its warm-up
  }
  ~PythonBaseline() {
    if (in_) {
      fputs("quit\n", in_);
      fclose(in_);
    }
    if (out_) fclose(out_);
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
  }
  const Json& info() const { return info_; }
  double round(const char* workload) {
    fputs((std::string(workload) + "\n").c_str(), in_);
    fflush(in_);
    return readJson().at("images_per_s").get<double>();
  }

 private:
  Json readJson() {
    std::string line;
    char buf[4096];
    while (fgets(buf, sizeof buf, out_)) {
      line += buf;
      if (!line.empty() && line.back() == '\n') break;
    }
    if (line.empty()) throw Error(ErrorCode::IoError, "the Python baseline stopped", NAS_BENCH_TRAIN_SCRIPT);
    return parseJson(line, "train_throughput.py output");
  }

  pid_t pid_ = -1;
  FILE* in_ = nullptr;
  FILE* out_ = nullptr;
  Json info_;
};

// Per-round ratios of neighbouring measurements are less sensitive to load swings.
std::vector<double> ratios(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> r;
  for (size_t i = 0; i < a.size(); ++i) r.push_back(a[i] / b[i]);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  Config c;
  CLI::App app{"Training throughput of the train job's trainer against plain PyTorch, alternating"};
  app.add_option("--arch", c.arch, "NAS-Bench-201 cell string");
  app.add_option("--shape", c.shape, "input CxHxW of the net-only workload (the trainer's is Fashion-MNIST's)");
  app.add_option("--channels", c.channels, "C");
  app.add_option("--cells", c.cells, "N, cells per stage");
  app.add_option("--batch", c.batch, "batch size");
  app.add_option("--threads", c.threads, "intra-op threads of both");
  app.add_option("--warmup", c.warmup, "untimed steps of each workload");
  app.add_option("--steps", c.steps, "timed steps per round");
  app.add_option("--rounds", c.rounds, "timed rounds (median and range reported)");
  app.add_option("--seed", c.seed, "initialisation, split, batch order and augmentation");
  app.add_option("--data-dir", c.dataDir, "Fashion-MNIST IDX folder");
  app.add_option("--train-limit", c.trainLimit, "training images before the validation split (0 = all)");
  app.add_option("--profile-steps", c.profileSteps, "steps of the phase profile (0 = none)");
  bool noPython = false;
  app.add_flag("--no-python", noPython, "skip the Python baseline");
  app.add_flag("--python-channels-last", c.pythonChannelsLast,
               "run the PyTorch side with channels_last models and inputs (what core/nn does), not as the plain script");
  app.add_option("--precision", c.precision, "fp32, or bf16: both sides' forward passes under bf16 autocast")
      ->check(CLI::IsMember({"fp32", "bf16"}));
  app.add_flag("--compare-bf16", c.compareBf16, "also time the C++ trainer in bf16, alternated with the other rounds");
  CLI11_PARSE(app, argc, argv);
  c.python = !noPython;

  try {
    setTorchThreads(c.threads);
    std::cout << "Training throughput, C++ trainer vs plain PyTorch: " << c.arch << "\n  C=" << c.channels
              << ", N=" << c.cells << ", batch " << c.batch << ", " << c.threads << " intra-op thread(s), seed "
              << c.seed << ", " << c.warmup << " warm-up + " << c.rounds << " rounds x " << c.steps
              << " timed steps, rounds alternated (order flipped every round), " << c.precision << "\n"
              << std::flush;
    ImageDataset all = loadImageDataset("fashion-mnist", c.dataDir, true).head(c.trainLimit);
    const ImageDataset train = splitTrainVal(all, 0.1, static_cast<std::uint64_t>(c.seed)).train;
    all = {};
    const std::string wsPath =
        (std::filesystem::temp_directory_path() / ("bench_train_throughput_" + std::to_string(getpid()) + ".nasws"))
            .string();
    struct Cleanup {
      std::string path;
      ~Cleanup() {
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix, ec);
      }
    } cleanup{wsPath};

    NetStep net(c);
    JobStep job(c, train, wsPath, c.precision);
    std::unique_ptr<JobStep> jobBf16;
    if (c.compareBf16) jobBf16 = std::make_unique<JobStep>(c, train, wsPath, "bf16");
    for (int i = 0; i < c.warmup; ++i) {
      net();
      job();
      if (jobBf16) (*jobBf16)();
    }
    std::unique_ptr<PythonBaseline> py;
    if (c.python) py = std::make_unique<PythonBaseline>(c);
    std::cout << "  train: Fashion-MNIST " << train.size() << " training images (" << job.run.trainer->batchesPerEpoch()
              << " batches per epoch), net-only: " << c.shape << " random batch\n"
              << std::flush;

    std::vector<double> cTrain, pTrain, cNet, pNet, cBf16;
    for (int r = 0; r < c.rounds; ++r) {
      // Alternate which side goes first, so neither always follows the other's cache state.
      const bool pyFirst = r % 2 == 1;
      auto both = [&](const char* w, std::vector<double>& cs, std::vector<double>& ps,
                      const std::function<std::int64_t()>& fn) {
        if (py && pyFirst) ps.push_back(py->round(w));
        cs.push_back(timedRound(c.steps, fn));
        if (py && !pyFirst) ps.push_back(py->round(w));
      };
      if (jobBf16 && !pyFirst) cBf16.push_back(timedRound(c.steps, [&] { return (*jobBf16)(); }));
      both("train", cTrain, pTrain, [&] { return job(); });
      if (jobBf16 && pyFirst) cBf16.push_back(timedRound(c.steps, [&] { return (*jobBf16)(); }));
      both("net", cNet, pNet, [&] { return net(); });
      std::cout << "  round " << r + 1 << ": train C++ " << fmt(cTrain.back(), "%.1f")
                << (py ? " / PyTorch " + fmt(pTrain.back(), "%.1f") : std::string()) << ", net C++ "
                << fmt(cNet.back(), "%.1f") << (py ? " / PyTorch " + fmt(pNet.back(), "%.1f") : std::string())
                << " images/s\n"
                << std::flush;
    }
    std::cout << "\nimages/s, median (min-max) over " << c.rounds << " rounds:\n";
    std::cout << "  train  C++ trainer  " << spread(cTrain) << "\n";
    if (jobBf16)
      std::cout << "         C++ bf16     " << spread(cBf16) << "   (bf16 / " << c.precision << " per round: "
                << spread(ratios(cBf16, cTrain), "%.3f") << ")\n";
    if (py) std::cout << "         PyTorch      " << spread(pTrain) << "\n";
    std::cout << "  net    C++ core/nn  " << spread(cNet) << "  (" << countParameters(*net.net) << " params)\n";
    if (py)
      std::cout << "         PyTorch      " << spread(pNet) << "  (torch " << py->info().at("torch").get<std::string>()
                << ", " << py->info().at("params").get<std::int64_t>() << " params"
                << (c.pythonChannelsLast ? ", channels_last" : "") << ")\n";
    if (py) {
      std::cout << "ratio C++ / PyTorch, per round: median (min-max)\n";
      std::cout << "  train  " << spread(ratios(cTrain, pTrain), "%.3f") << "   (ratio of medians "
                << fmt(median(cTrain) / median(pTrain), "%.3f") << ")\n";
      std::cout << "  net    " << spread(ratios(cNet, pNet), "%.3f") << "   (ratio of medians "
                << fmt(median(cNet) / median(pNet), "%.3f") << ")\n";
    }
    if (py)
      std::cout << "PyTorch DataLoader alone (per-image Dataset augmentation, collate): "
                << fmt(py->info().at("loader_ms_per_batch").get<double>(), "%.2f") << " ms per batch\n";
    py.reset();
    std::cout << std::flush;
    if (c.profileSteps > 0) profileTrainerStep(c, train);
  } catch (const std::exception& e) {
    std::cerr << "bench_train_throughput: " << toError(e).what() << "\n";
    return 1;
  }
  return 0;
}
