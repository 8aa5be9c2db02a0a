// Training images/s of the NAS-Bench-201 network: the LibTorch C++ modules of core/nn against
// the same network written in plain PyTorch (train_throughput.py), same batch of fixed random
// inputs, same SGD Nesterov step, same intra-op threads, measured in one invocation. Also
// reports the full Trainer step (index gather, crop/flip augmentation, normalisation), which
// is what the "train" job runs.
//
//   bench_train_throughput [--shape 3x32x32|1x28x28] [--channels 16] [--cells 5] [--batch 64]
//                          [--threads 2] [--warmup 3] [--steps 8] [--rounds 3] [--no-python]
#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <functional>
#include <memory>

#include <sys/wait.h>
#include <unistd.h>

#include "common/Error.h"
#include "common/Json.h"
#include "data/SyntheticDataset.h"
#include "nn/Nb201Network.h"
#include "train/MlInfo.h"
#include "train/Trainer.h"

using namespace nas;
using Clock = std::chrono::steady_clock;

namespace {

struct Config {
  std::string arch =
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|";
  std::string shape = "3x32x32";
  int channels = 16, cells = 5, classes = 10, batch = 64, threads = 2, warmup = 3, steps = 8, rounds = 3;
  bool python = true;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string joinRounds(const std::vector<double>& v) {
  std::string s;
  char buf[32];
  for (double x : v) {
    std::snprintf(buf, sizeof buf, "%.1f", x);
    s += (s.empty() ? "" : " ") + std::string(buf);
  }
  return s;
}

std::string fmt(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", x);
  return buf;
}

// `steps` calls to fn, timed; images/s.
double timedRound(const Config& c, const std::function<void()>& fn) {
  const auto t0 = Clock::now();
  for (int i = 0; i < c.steps; ++i) fn();
  return c.steps * c.batch / std::chrono::duration<double>(Clock::now() - t0).count();
}

Nb201MacroConfig macroOf(const Config& c) {
  Nb201MacroConfig m;
  parseInputShape(c.shape, m);
  m.channels = c.channels;
  m.cellsPerStage = c.cells;
  m.classes = c.classes;
  return m;
}

// The bare step: forward, cross-entropy, backward, SGD Nesterov, on one fixed batch.
struct RawStep {
  RawStep(const Config& c) {
    const Nb201MacroConfig m = macroOf(c);
    torch::manual_seed(0);
    net = Nb201Network(Nb201Cell::parse(c.arch), m);
    net->train();
    opt = std::make_unique<torch::optim::SGD>(
        net->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9).nesterov(true).weight_decay(5e-4));
    x = torch::randn({c.batch, m.inputChannels, m.inputHeight, m.inputWidth});
    y = torch::randint(0, c.classes, {c.batch}, torch::kLong);
  }
  void operator()() {
    opt->zero_grad();
    torch::Tensor loss = torch::nn::functional::cross_entropy(net->forward(x), y);
    loss.backward();
    opt->step();
  }
  Nb201Network net{nullptr};
  std::unique_ptr<torch::optim::SGD> opt;
  torch::Tensor x, y;
};

// Trainer::step on a uint8 set of the same shape, with crop + flip and normalisation.
std::unique_ptr<Trainer> makeTrainer(const Config& c) {
  const Nb201MacroConfig m = macroOf(c);
  SyntheticOptions so;
  so.size = static_cast<std::int64_t>(c.batch) * (c.warmup + c.steps * c.rounds + 1);
  so.channels = m.inputChannels;
  so.height = m.inputHeight;
  so.width = m.inputWidth;
  so.classes = c.classes;
  torch::manual_seed(0);
  Nb201Network net(Nb201Cell::parse(c.arch), m);
  TrainerOptions o;
  o.batchSize = c.batch;
  o.augment = {defaultCropPadding(m.inputHeight), true};
  o.epochs = 1;
  return std::make_unique<Trainer>(net.ptr(), [net](const torch::Tensor& x) mutable { return net->forward(x); },
                                   makeSyntheticDataset(so), o);
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
                                     "--warmup", std::to_string(c.warmup), "--steps", std::to_string(c.steps)};
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
  double round() {
    fputs("round\n", in_);
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

}  // namespace

int main(int argc, char** argv) {
  Config c;
  CLI::App app{"NAS-Bench-201 training throughput: LibTorch C++ vs plain PyTorch"};
  app.add_option("--arch", c.arch, "NAS-Bench-201 cell string");
  app.add_option("--shape", c.shape, "input CxHxW (3x32x32 CIFAR-like, 1x28x28 Fashion-MNIST-like)");
  app.add_option("--channels", c.channels, "C");
  app.add_option("--cells", c.cells, "N, cells per stage");
  app.add_option("--classes", c.classes, "classes");
  app.add_option("--batch", c.batch, "batch size");
  app.add_option("--threads", c.threads, "intra-op threads of both");
  app.add_option("--warmup", c.warmup, "untimed steps");
  app.add_option("--steps", c.steps, "timed steps per round");
  app.add_option("--rounds", c.rounds, "timed rounds (the median is reported)");
  bool noPython = false;
  app.add_flag("--no-python", noPython, "skip the Python baseline");
  CLI11_PARSE(app, argc, argv);
  c.python = !noPython;

  try {
    setTorchThreads(c.threads);
    std::cout << "NAS-Bench-201 training throughput: " << c.arch << "\n  input " << c.shape << ", C=" << c.channels
              << ", N=" << c.cells << ", batch " << c.batch << ", threads " << c.threads << ", " << c.warmup
              << " warm-up + " << c.rounds << " rounds x " << c.steps
              << " timed steps, SGD Nesterov; rounds interleaved C++ / Python / C++ Trainer\n"
              << std::flush;
    RawStep raw(c);
    std::unique_ptr<Trainer> trainer = makeTrainer(c);
    for (int i = 0; i < c.warmup; ++i) {
      raw();
      trainer->step();
    }
    std::unique_ptr<PythonBaseline> py;
    if (c.python) py = std::make_unique<PythonBaseline>(c);
    std::vector<double> rawRounds, trainerRounds, pyRounds;
    for (int r = 0; r < c.rounds; ++r) {
      rawRounds.push_back(timedRound(c, [&] { raw(); }));
      if (py) pyRounds.push_back(py->round());
      trainerRounds.push_back(timedRound(c, [&] { trainer->step(); }));
      std::cout << "  round " << r + 1 << ": C++ " << fmt(rawRounds.back())
                << (py ? ", Python " + fmt(pyRounds.back()) : std::string()) << ", C++ Trainer "
                << fmt(trainerRounds.back()) << " images/s\n"
              << std::flush;
    }
    std::cout << "  C++ raw step      " << fmt(median(rawRounds)) << " images/s (median; " << countParameters(*raw.net)
              << " params)\n";
    std::cout << "  C++ Trainer step  " << fmt(median(trainerRounds))
              << " images/s (median; with gather, crop+flip, normalisation)\n";
    if (py) {
      const double pyRate = median(pyRounds);
      std::cout << "  PyTorch raw step  " << fmt(pyRate) << " images/s (median; torch "
                << py->info().at("torch").get<std::string>() << ", " << py->info().at("params").get<std::int64_t>()
                << " params)\n";
      std::cout << "  ratio C++/Python  raw " << fmt(median(rawRounds) / pyRate) << ", Trainer "
                << fmt(median(trainerRounds) / pyRate) << "\n";
      // Per-round ratios of neighbouring measurements are less sensitive to load swings.
      std::vector<double> ratios;
      for (size_t i = 0; i < rawRounds.size(); ++i) ratios.push_back(rawRounds[i] / pyRounds[i]);
      std::cout << "  per-round ratio   " << joinRounds(ratios) << " (median " << fmt(median(ratios)) << ")\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "bench_train_throughput: " << toError(e).what() << "\n";
    return 1;
  }
  return 0;
}
