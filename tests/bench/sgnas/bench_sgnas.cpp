// bench_sgnas: how fast a trained SGNAS generator answers, and what a search would pay for
// the same answers.
//   bench_sgnas --workspace FILE --job ID [--calls 1000] [--evolution N] [--eval-images 500]
// 1. Generator latency on one thread: `calls` forward passes (batch 1 and the batch of 2 that
//    generate() uses) and full generate() calls (forward + argmax + exact cost + JSON), cycling
//    over 20 FLOPs targets; p50/p99/max wall ms, and generate()'s thread CPU time.
//   bench_sgnas --profile PRESET [THREADS]: ms of supernet training paths (no workspace).
// 2. With --evolution N (budget per target): for the same 20 targets, regularized evolution
//    on the supernet (fitness = inherited-weight accuracy on `--eval-images` of the job's
//    held-out split of its training images, minus the same hc loss) until its
//    best candidate is within the generator's constraint error at no lower accuracy, or
//    the budget runs out. Prints evaluations and seconds per target next to the generator's,
//    then the end-to-end cost of N constraints counting the generator's training (the job's
//    generator phase seconds) and the crossover N. --threads T (default 1) for evolution.
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <cstring>
#include <deque>
#include <functional>
#include <string>

#include "SgnasEvaluation.h"
#include "SgnasLiveGenerator.h"
#include "SgnasSampling.h"
#include "data/DatasetLoader.h"
#include "data/Split.h"
#include "store/Workspace.h"
#include "train/MlInfo.h"

using namespace nas;
using namespace nas::sgnas;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

// CPU time of this thread: on a shared machine it leaves out the time other processes held
// the core, which is what "p99 on one core" means.
double threadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return 1e3 * static_cast<double>(ts.tv_sec) + 1e-6 * static_cast<double>(ts.tv_nsec);
}

double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

SgnasArch mutate(const SgnasSpace& s, const SgnasArch& a, Rng& rng) {
  SgnasArch m = a;
  const auto l = rng.below(static_cast<std::uint64_t>(s.numLayers()));
  const auto g = rng.below(static_cast<std::uint64_t>(s.groups));
  const int options = g == 0 ? kNumKernels : kNumChoices;
  auto& c = m.choices[l][g];
  c = static_cast<Choice>((static_cast<int>(c) + 1 + static_cast<int>(rng.below(options - 1))) % options);
  return m;
}

}  // namespace

// --profile PRESET: milliseconds of one supernet training path (forward + backward) and of
// one mixed forward + backward at batch 128, on the current thread count (no workspace).
int profile(const std::string& preset, int threads) {
  setTorchThreads(threads);
  const SgnasSpace s = spacePreset(preset, 10);
  SgnasSupernet net(s);
  FairPathSampler sampler(s, 1);
  torch::Tensor x = torch::randn({128, s.inputChannels, s.inputSize, s.inputSize});
  const torch::Tensor y = torch::randint(0, 10, {128}, torch::kLong);
  auto time = [](const char* what, int n, const std::function<void()>& f) {
    f();
    const auto t0 = Clock::now();
    const std::clock_t c0 = std::clock();
    for (int i = 0; i < n; ++i) f();
    std::printf("%-40s %8.1f ms wall %8.1f ms cpu\n", what, ms(t0, Clock::now()) / n,
                1000.0 * static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC / n);
  };
  {
    // The building blocks at layer 0's size: depthwise (mkldnn grouped conv) vs dense 1x1.
    const torch::Tensor h = torch::randn({128, 64, 28, 28}, torch::requires_grad());
    for (int k : {3, 7}) {
      const torch::Tensor w = torch::randn({64, 1, k, k}, torch::requires_grad());
      time(k == 3 ? "dw3 64ch fwd" : "dw7 64ch fwd", 3, [&] { torch::NoGradGuard ng; torch::conv2d(h, w, {}, 1, k / 2, 1, 64); });
      time(k == 3 ? "dw3 64ch fwd+bwd" : "dw7 64ch fwd+bwd", 3, [&] { torch::conv2d(h, w, {}, 1, k / 2, 1, 64).sum().backward(); });
    }
    const torch::Tensor w1 = torch::randn({16, 64, 1, 1}, torch::requires_grad());
    time("pw 64->16 fwd+bwd", 3, [&] { torch::conv2d(h, w1).sum().backward(); });
  }
  net->train();
  time("single path forward", 5, [&] { torch::NoGradGuard ng; net->forward(x, sampler.next()); });
  time("single path forward+backward", 5, [&] {
    torch::nn::functional::cross_entropy(net->forward(x, sampler.next()), y).backward();
  });
  time("maximal path forward+backward", 3, [&] {
    torch::nn::functional::cross_entropy(net->forward(x, maximalArch(s)), y).backward();
  });
  if (std::getenv("SGNAS_TRACE")) {  // a chrome trace of one path's forward+backward
    torch::autograd::profiler::RecordProfile guard(std::getenv("SGNAS_TRACE"));
    torch::nn::functional::cross_entropy(net->forward(x, sampler.next()), y).backward();
  }
  net->eval();
  for (auto& p : net->parameters()) p.set_requires_grad(false);
  torch::Tensor logits = torch::zeros({s.numLayers(), s.groups, kNumChoices}, torch::requires_grad());
  time("mixed forward+backward (batch 128)", 3, [&] {
    torch::nn::functional::cross_entropy(net->forwardMixed(x, torch::softmax(logits, -1)), y).backward();
  });
  return 0;
}

int main(int argc, char** argv) {
  if (argc >= 3 && !std::strcmp(argv[1], "--profile")) return profile(argv[2], argc >= 4 ? std::atoi(argv[3]) : 2);
  std::string wsPath;
  long long job = 0;
  int calls = 1000, evolution = 0, evalImages = 500, evoThreads = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--workspace")) wsPath = argv[i + 1];
    else if (!std::strcmp(argv[i], "--job")) job = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--calls")) calls = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--evolution")) evolution = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--eval-images")) evalImages = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--threads")) evoThreads = std::atoi(argv[i + 1]);
  }
  if (wsPath.empty() || job <= 0) {
    std::fprintf(stderr, "usage: bench_sgnas --workspace FILE --job ID [--calls N] [--evolution BUDGET]\n");
    return 64;
  }
  try {
    setTorchThreads(1);
    auto ws = Workspace::openForReading(wsPath);
    LoadedGenerator lg = loadGeneratorArtifact(*ws->artifact(job, "generator", "best"));
    auto live = SgnasLiveGenerator::open(*ws, job);
    const GeneratorSetup& s = lg.setup;
    const std::vector<double> targets = targetGrid(s.constraints[0], 20);

    // ---- 1. latency
    std::vector<torch::Tensor> priors, conds;
    for (double t : targets) {
      Targets req(s.constraints.size());
      req[0] = t;
      priors.push_back(torch::tensor(archOneHot(s.pool.nearest(s.constraints, req).arch))
                           .view({1, s.config.layers, s.config.groups * kNumChoices}));
      conds.push_back(torch::tensor(conditionRow(s.constraints, req)).view({1, -1}));
    }
    // Batch 1 is LibTorch's im2col + system-BLAS path; generate() sends the request twice,
    // which takes oneDNN (see generateArch). Both are timed; generate() is what users get.
    std::vector<double> fwd1, fwd2, full, fullCpu;
    {
      torch::NoGradGuard ng;
      for (int i = 0; i < 20; ++i) lg.generator->forward(priors[0].repeat({2, 1, 1}), conds[0].repeat({2, 1}));
      for (int i = 0; i < calls; ++i) {
        auto t0 = Clock::now();
        lg.generator->forward(priors[i % 20], conds[i % 20]);
        fwd1.push_back(ms(t0, Clock::now()));
        t0 = Clock::now();
        lg.generator->forward(priors[i % 20].repeat({2, 1, 1}), conds[i % 20].repeat({2, 1}));
        fwd2.push_back(ms(t0, Clock::now()));
      }
    }
    for (int i = 0; i < calls; ++i) {
      const double c0 = threadCpuMs();
      const auto t0 = Clock::now();
      live->generate(Json{{"flops", targets[static_cast<size_t>(i % 20)]}});
      full.push_back(ms(t0, Clock::now()));
      fullCpu.push_back(threadCpuMs() - c0);
    }
    auto row = [](const char* what, const std::vector<double>& v) {
      std::printf("%-46s p50 %7.3f ms  p99 %7.3f ms  max %7.3f ms\n", what, percentile(v, 0.5), percentile(v, 0.99),
                  percentile(v, 1.0));
    };
    std::printf("1 thread, %d calls cycling over 20 FLOPs targets\n", calls);
    row("generator forward, batch 1 (im2col+BLAS)", fwd1);
    row("generator forward, batch 2 (oneDNN)", fwd2);
    row("generate(): forward+argmax+exact cost+JSON", full);
    row("generate(), thread CPU time", fullCpu);
    if (evolution <= 0) return 0;

    // ---- 2. regularized evolution on the supernet for the same targets
    setTorchThreads(evoThreads);  // as the job's generator phase ran (threads=1 in run_presets.sh)
    SgnasSupernet net = loadSupernetArtifact(*ws->artifact(job, "supernet", "supernet"));
    const Json spec = parseJson(ws->job(job).specJson, "job spec");
    const std::string dataset = spec.at("params").value("dataset", std::string("fashion-mnist"));
    const std::string dataDir = spec.at("params").value("data_dir", std::string());
    // Evolution's fitness (and the generated architecture's accuracy it must match) on the
    // job's own held-out split of its training images, never on test images: fitness selects.
    const Json& params = spec.at("params");
    const ImageDataset all = loadImageDataset(dataset, dataDir, true).head(params.at("train_limit").get<std::int64_t>());
    const TrainValSplit split =
        splitTrainVal(all, params.at("val_fraction").get<double>(), params.at("seed").get<std::uint64_t>());
    const ImageDataset eval = split.val.head(evalImages);
    std::printf("\nevolution's fitness: %lld of the job's %lld held-out training images (never test images)\n",
                static_cast<long long>(eval.size()), static_cast<long long>(split.val.size()));
    const Normalization norm = datasetNormalization(dataset, eval.channels());
    AccuracyOptions acc;
    acc.calibrationBatches = 0;  // shared BN statistics: the cheapest honest fitness
    HcLossOptions hc;
    Rng rng(1);
    std::printf("\n%-12s %-9s %-9s | %-10s %-9s %-9s %-8s\n", "target", "gen_err%", "gen_acc", "evo_evals", "evo_err%",
                "evo_acc", "evo_s");
    double genTotalMs = 0, evoTotalS = 0;
    int reached = 0;
    for (double t : targets) {
      const auto g0 = Clock::now();
      Targets req(s.constraints.size());
      req[0] = t;
      const Generated gen = generateArch(lg.generator, s, req);
      genTotalMs += ms(g0, Clock::now());
      const double genErr = std::abs(gen.cost.flops - t) / t;
      const double genAcc = pathAccuracy(net, gen.arch, eval, norm, eval, acc);
      // RE: population 20, tournament 5, one-group mutations.
      const auto e0 = Clock::now();
      auto fitness = [&](const SgnasArch& a, double& err, double& accuracy) {
        const double f = exactCost(s.table, a).flops;
        err = std::abs(f - t) / t;
        accuracy = pathAccuracy(net, a, eval, norm, eval, acc);
        return accuracy - hcLossValue(f, t, s.constraints[0], hc);
      };
      struct Member {
        SgnasArch arch;
        double fit, err, acc;
      };
      std::deque<Member> pop;
      int evals = 0;
      bool done = false;
      double bestErr = 1e9, bestAcc = 0;
      while (evals < evolution && !done) {
        SgnasArch cand;
        if (pop.size() < 20) {
          cand = randomArchAtLevel(s.space, rng.uniform(), rng);
        } else {
          const Member* best = nullptr;
          for (int k = 0; k < 5; ++k) {
            const Member& m = pop[rng.below(pop.size())];
            if (!best || m.fit > best->fit) best = &m;
          }
          cand = mutate(s.space, best->arch, rng);
        }
        Member m{cand, 0, 0, 0};
        m.fit = fitness(cand, m.err, m.acc);
        ++evals;
        pop.push_back(m);
        if (pop.size() > 20) pop.pop_front();
        if (m.err <= std::max(genErr, 0.005) && m.acc >= genAcc) done = true, bestErr = m.err, bestAcc = m.acc;
      }
      const double evoS = std::chrono::duration<double>(Clock::now() - e0).count();
      evoTotalS += evoS;
      reached += done;
      std::printf("%-12.0f %-9.2f %-9.4f | %-10d %-9s %-9s %-8.1f\n", t, 100 * genErr, genAcc, evals,
                  done ? std::to_string(100 * bestErr).substr(0, 5).c_str() : "-",
                  done ? std::to_string(bestAcc).substr(0, 6).c_str() : "-", evoS);
    }
    std::printf("\ngenerator: 20 targets in %.1f ms total; evolution: %d/20 reached the generator's error and "
                "accuracy within %d evaluations each, %.1f s total\n",
                genTotalMs, reached, evolution, evoTotalS);
    // ---- 3. the end-to-end cost of serving N constraints on this supernet (issue 20): the
    // generator pays its training once, evolution pays a search per constraint. The supernet
    // is common to both and left out. Evolution's time per constraint is a lower bound on
    // what it needs to match the generator: the searches that ran out of budget did not.
    const Json result = parseJson(ws->job(job).resultJson, "job result");
    const double trainS = result.at("phase_seconds").at("generator").get<double>();
    const double genS = genTotalMs / 1000.0 / static_cast<double>(targets.size());
    const double evoS = evoTotalS / static_cast<double>(targets.size());
    std::printf("\nend to end, this job's supernet shared: generator training %.1f s (the job's generator phase), "
                "%.2f ms per generated constraint; evolution %.2f s per constraint (%d/%zu matched within %d evaluations)\n",
                trainS, 1000 * genS, evoS, reached, targets.size(), evolution);
    std::printf("%-8s %-16s %-16s %s\n", "N", "generator_s", "evolution_s", "evolution/generator");
    for (double n : {1.0, 10.0, 20.0, 100.0, 1000.0}) {
      const double g = trainS + n * genS, e = n * evoS;
      std::printf("%-8.0f %-16.1f %-16.1f %.2f\n", n, g, e, e / g);
    }
    if (evoS > genS)
      std::printf("crossover: the generator is cheaper from N = %.0f constraints on (training / (evolution - generation) "
                  "per constraint = %.2f)\n", std::floor(trainS / (evoS - genS)) + 1, trainS / (evoS - genS));
    else
      std::printf("crossover: none, evolution per constraint is not slower than generating\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_sgnas: %s\n", e.what());
    return 1;
  }
  return 0;
}
