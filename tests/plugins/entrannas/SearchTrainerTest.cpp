// The search loop itself: second-order DARTS (its finite-difference Hessian-vector product
// against the exact one by double backpropagation; the whole unrolled gradient against a numeric
// derivative of the unrolled objective, in double precision on a tiny network), and exact resume
// (a search stopped after epoch k and resumed from its checkpoint ends with the same
// architecture parameters, weights and genotype as an uninterrupted one: darts first and second
// order, EnTranNAS-DST).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "SearchTrainer.h"
#include "common/Error.h"
#include "data/DatasetLoader.h"
#include "data/Split.h"

namespace nas::entrannas {
namespace {

// Makes double the default dtype while alive, so a trainer built inside is all double.
class DoublePrecision {
 public:
  DoublePrecision() : before_(torch::get_default_dtype()) { torch::set_default_dtype(caffe2::TypeMeta::Make<double>()); }
  ~DoublePrecision() { torch::set_default_dtype(before_); }

 private:
  caffe2::TypeMeta before_;
};

SearchOptions tinyDarts() {
  SearchOptions o;
  o.method = "darts";
  o.channels = 2;
  o.layers = 3;
  o.batchSize = 4;
  o.momentum = 0;  // the numeric reference below redoes the virtual step without a momentum buffer
  o.weightDecay = 0.01;
  o.seed = 5;
  return o;
}

double dot(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += (a[i] * b[i]).sum().item<double>();
  return s;
}

TEST(SecondOrderDarts, FiniteDifferenceHessianVectorProductMatchesDoubleBackprop) {
  torch::set_num_threads(1);
  const DoublePrecision dp;
  SearchTrainer t(tinyDarts(), 1, 3);
  t.net()->train();
  torch::manual_seed(11);
  const torch::Tensor x = torch::randn({4, 1, 8, 8}), y = torch::tensor({0, 1, 2, 1}, torch::kLong);
  // Move alpha off its near-uniform start so the product is not tiny.
  {
    torch::NoGradGuard g;
    for (torch::Tensor& a : t.archParameters()) a.copy_(torch::randn_like(a));
  }
  const std::vector<torch::Tensor> w = t.net()->parameters(), arch = t.archParameters();
  std::vector<torch::Tensor> v;
  for (const torch::Tensor& p : w) v.push_back(torch::randn_like(p));
  // Exact: d/da < dL_train/dw, v >.
  const torch::Tensor l = t.loss(x, y, true);
  const std::vector<torch::Tensor> gw = torch::autograd::grad({l}, w, {}, true, true, true);
  torch::Tensor inner = torch::zeros({}, torch::kDouble);
  for (size_t i = 0; i < w.size(); ++i)
    if (gw[i].defined()) inner = inner + (gw[i] * v[i]).sum();
  const std::vector<torch::Tensor> exact = torch::autograd::grad({inner}, arch, {}, false, false, true);
  const std::vector<torch::Tensor> before = t.net()->parameters();
  std::vector<torch::Tensor> weightsBefore;
  for (const torch::Tensor& p : before) weightsBefore.push_back(p.detach().clone());
  // The paper's step (|eps v| = 0.01) crosses ReLU and max-pool kinks of this tiny random network
  // and is only an approximation; a small step in double precision must reproduce the exact
  // product, which checks the formula and its signs.
  const auto relativeError = [&](double epsScale) {
    const std::vector<torch::Tensor> fd = t.hessianVectorProduct(x, y, v, epsScale);
    EXPECT_EQ(exact.size(), fd.size());
    double err = 0, norm = 0;
    for (size_t i = 0; i < fd.size(); ++i) {
      err += (fd[i] - exact[i]).pow(2).sum().item<double>();
      norm += exact[i].pow(2).sum().item<double>();
    }
    EXPECT_GT(norm, 1e-6);
    return std::sqrt(err / norm);
  };
  EXPECT_LT(relativeError(1e-6), 1e-4);
  EXPECT_LT(relativeError(0.01), 1.0);  // the paper's step: an approximation, but of the right thing
  for (size_t i = 0; i < before.size(); ++i) EXPECT_TRUE(torch::equal(before[i], weightsBefore[i]));  // restored
}

TEST(SecondOrderDarts, UnrolledGradientMatchesNumericDerivativeOfUnrolledObjective) {
  torch::set_num_threads(1);
  const DoublePrecision dp;
  SearchTrainer t(tinyDarts(), 1, 3);
  t.net()->train();
  torch::manual_seed(12);
  const torch::Tensor xt = torch::randn({4, 1, 8, 8}), yt = torch::tensor({0, 1, 2, 1}, torch::kLong);
  const torch::Tensor xv = torch::randn({4, 1, 8, 8}), yv = torch::tensor({2, 0, 1, 0}, torch::kLong);
  const std::vector<torch::Tensor> arch = t.archParameters(), w = t.net()->parameters();
  {
    torch::NoGradGuard g;
    for (const torch::Tensor& a : arch) a.copy_(torch::randn_like(a));
  }
  const double xi = 0.05, wd = t.options().weightDecay;  // the second-order term still matters
  std::vector<torch::Tensor> w0;
  for (const torch::Tensor& p : w) w0.push_back(p.detach().clone());
  // f(a) = L_val(w - xi (dL_train(w, a)/dw + wd w), a), computed directly.
  const auto unrolled = [&]() {
    const std::vector<torch::Tensor> g = torch::autograd::grad({t.loss(xt, yt, false)}, w, {}, false, false, true);
    {
      torch::NoGradGuard ng;
      for (size_t i = 0; i < w.size(); ++i)
        w[i].copy_(w0[i] - xi * ((g[i].defined() ? g[i] : torch::zeros_like(w0[i])) + wd * w0[i]));
    }
    torch::NoGradGuard ng;
    const double f = t.loss(xv, yv, false).item<double>();
    for (size_t i = 0; i < w.size(); ++i) w[i].copy_(w0[i]);
    return f;
  };
  std::vector<torch::Tensor> dir, a0;
  for (const torch::Tensor& a : arch) {
    dir.push_back(torch::randn_like(a));
    a0.push_back(a.detach().clone());
  }
  const double h = 1e-6;
  const auto at = [&](double s) {
    {
      torch::NoGradGuard ng;
      for (size_t i = 0; i < arch.size(); ++i) arch[i].copy_(a0[i] + s * dir[i]);
    }
    return unrolled();
  };
  const double numeric = (at(h) - at(-h)) / (2 * h);
  at(0);
  // Second order.
  t.unrolledArchGrad(xt, yt, xv, yv, xi, 1e-6);  // a small finite-difference step: see above
  std::vector<torch::Tensor> g2;
  for (const torch::Tensor& a : arch) g2.push_back(a.grad().clone());
  for (size_t i = 0; i < w.size(); ++i) EXPECT_TRUE(torch::equal(w[i], w0[i]));  // weights restored
  // First order at the same point, for scale: the gradient at w, not at w'.
  const std::vector<torch::Tensor> g1 = torch::autograd::grad({t.loss(xv, yv, true)}, arch, {}, false, false, true);
  const double e2 = std::abs(dot(g2, dir) - numeric), e1 = std::abs(dot(g1, dir) - numeric);
  EXPECT_GT(e1, 1e-3 * std::abs(numeric)) << "the first-order gradient must differ here, or the test shows nothing";
  EXPECT_LT(e2, 1e-2 * e1) << "second order " << dot(g2, dir) << ", first order " << dot(g1, dir)
                                                 << ", numeric " << numeric;
}

// A search of `epochs` epochs on synthetic images; stopAfter > 0: stopped after that epoch (the
// checkpoint of that epoch kept, the next step cancelled) and resumed in a fresh trainer.
struct Finished {
  std::vector<torch::Tensor> arch, weights;
  std::string genotype;
};

Finished search(const SearchOptions& o, int stopAfter) {
  const TrainValSplit data = splitTrainVal(loadImageDataset("synthetic", "", true).head(64), 0.5, 0);
  const ImageDataset &train = data.train, &val = data.val;
  const Normalization norm = datasetNormalization("synthetic", 1);
  std::string checkpoint;
  auto t = std::make_unique<SearchTrainer>(o, 1, 4);
  if (stopAfter > 0) {
    int done = 0;
    try {
      t->run(train, val, norm, [&](std::int64_t, std::int64_t, double) { return done < stopAfter; },
             [&](const SearchEpoch&) {
               ++done;
               checkpoint = t->saveState();
             });
      ADD_FAILURE() << "expected a cancel";
    } catch (const Error& e) {
      EXPECT_EQ(ErrorCode::Cancelled, e.code());
    }
    EXPECT_EQ(stopAfter, done);
    torch::rand({1000});  // the process's generator moved on, as it would in another process
    t = std::make_unique<SearchTrainer>(o, 1, 4);
    t->loadState(checkpoint);
    EXPECT_EQ(stopAfter, t->epoch());
  }
  t->run(train, val, norm, nullptr, nullptr);
  Finished f;
  for (const torch::Tensor& a : t->archParameters()) f.arch.push_back(a.detach().clone());
  for (const torch::Tensor& p : t->net()->parameters()) f.weights.push_back(p.detach().clone());
  f.genotype = t->genotype();
  return f;
}

void expectExactResume(SearchOptions o) {
  torch::set_num_threads(1);
  o.channels = 4;
  o.layers = 3;
  o.epochs = 2;
  o.batchSize = 16;
  o.archLr = 0.05;
  o.valImages = 16;
  o.seed = 7;
  const Finished straight = search(o, 0), resumed = search(o, 1);
  EXPECT_EQ(straight.genotype, resumed.genotype);
  ASSERT_EQ(straight.arch.size(), resumed.arch.size());
  for (size_t i = 0; i < straight.arch.size(); ++i)
    EXPECT_TRUE(torch::equal(straight.arch[i], resumed.arch[i]))
        << "architecture parameter " << i << ": max |diff| " << (straight.arch[i] - resumed.arch[i]).abs().max().item<double>();
  ASSERT_EQ(straight.weights.size(), resumed.weights.size());
  for (size_t i = 0; i < straight.weights.size(); ++i)
    EXPECT_TRUE(torch::equal(straight.weights[i], resumed.weights[i])) << "weight " << i;
}

TEST(SearchResume, DartsStoppedAfterAnEpochEndsExactlyAsUninterrupted) {
  SearchOptions o;
  o.method = "darts";
  expectExactResume(o);
}

TEST(SearchResume, SecondOrderDartsStoppedAfterAnEpochEndsExactlyAsUninterrupted) {
  SearchOptions o;
  o.method = "darts";
  o.order = 2;
  expectExactResume(o);
}

TEST(SearchResume, EntrannasDstStoppedAfterAnEpochEndsExactlyAsUninterrupted) {
  SearchOptions o;
  o.method = "entrannas";
  o.derivation = Derivation::Dst;
  o.thresholdInit = 1.5;  // sparse from the start: Transit-cells and zero-weight ops leave weights unused
  expectExactResume(o);
}

TEST(SearchResume, OrderOutsideOneAndTwoIsRefused) {
  SearchOptions o;
  o.order = 3;
  try {
    SearchTrainer t(o, 1, 4);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(ErrorCode::InvalidArgument, e.code());
    EXPECT_NE(std::string::npos, e.message().find("order")) << e.what();
  }
}

}  // namespace
}  // namespace nas::entrannas
