// The "train" method's description, parameters and result keys: data only, no torch use.
#include "data/DatasetLoader.h"
#include "jobs/DeviceParam.h"
#include "jobs/Method.h"
#include "train/TrainMethod.h"
#include "train/TrainMethods.h"

namespace nas {

void registerTrainMethods(MethodRegistry& registry) { registry.add(std::make_unique<TrainMethod>()); }

std::string TrainMethod::description() const {
  return "Trains one NAS-Bench-201 cell from scratch in the benchmark's macro network (stem, three stages "
         "of N cells at C, 2C, 4C channels, residual reduction blocks) with SGD, Nesterov momentum, weight "
         "decay and a cosine learning rate per step; random-crop and flip augmentation. Reports validation "
         "and test accuracy per epoch, writes the architecture and its accuracies to the workspace, and "
         "resumes from its last checkpoint when run again.";
}

ParamSchema TrainMethod::schema() const {
  ParamSchema s;
  ParamSpec space = paramSpec("space", ParamType::Choice, "nb201", "Search space", "Architecture space of 'arch'.");
  space.choices = {"nb201"};
  s.add(space);
  s.add(paramSpec("arch", ParamType::String,
             "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|",
             "Architecture", "NAS-Bench-201 cell string; the default is the benchmark's CIFAR-10 optimum."));
  ParamSpec dataset = paramSpec("dataset", ParamType::Choice, "fashion-mnist", "Data set",
                           "fashion-mnist (1x28x28), cifar10 (3x32x32) or synthetic (1x16x16, 4 classes, for tests).");
  dataset.choices = imageDatasetNames();
  s.add(dataset);
  s.add(paramSpec("data_dir", ParamType::Path, "", "Data folder",
             "Folder of the data files; empty = /usr/share/datasets/fashion-mnist for Fashion-MNIST. Required "
             "for CIFAR-10 (data_batch_1..5.bin, test_batch.bin)."));
  s.add(withRange(paramSpec("epochs", ParamType::Int, 1, "Epochs", "Passes over the training split."), 1, 1000, "epochs"));
  s.add(withRange(paramSpec("batch_size", ParamType::Int, 64, "Batch size", "Images per optimizer step."), 2, 4096,
               "images"));
  s.add(withRange(paramSpec("lr", ParamType::Float, 0.1, "Learning rate", "Initial rate; cosine-annealed to 0 per step."),
               0.0, 10.0));
  s.add(withRange(paramSpec("momentum", ParamType::Float, 0.9, "Momentum", "SGD momentum."), 0.0, 0.999));
  s.add(paramSpec("nesterov", ParamType::Bool, true, "Nesterov", "Nesterov momentum."));
  s.add(withRange(paramSpec("weight_decay", ParamType::Float, 5e-4, "Weight decay", "L2 penalty of SGD."), 0.0, 1.0));
  s.add(withRange(paramSpec("label_smoothing", ParamType::Float, 0.0, "Label smoothing",
                    "Cross-entropy label smoothing (0 = off)."),
               0.0, 0.5));
  s.add(withRange(paramSpec("train_limit", ParamType::Int, 0, "Training images",
                    "Use only the first N training images (before the validation split); 0 = all."),
               0, 1e9, "images"));
  s.add(withRange(paramSpec("val_fraction", ParamType::Float, 0.1, "Validation fraction",
                    "Share of the training images held out for validation (seeded split)."),
               0.0, 0.5));
  s.add(withRange(paramSpec("channels", ParamType::Int, 16, "Channels C", "Channels of the first stage (then 2C, 4C)."),
               1, 512));
  s.add(withRange(paramSpec("cells", ParamType::Int, 5, "Cells per stage N", "Cells in each of the three stages."), 1, 20));
  s.add(withRange(paramSpec("threads", ParamType::Int, 2, "Threads", "LibTorch intra-op threads; 0 = all cores."), 0, 256));
  ParamSpec device = deviceParamSpec("Data-parallel ranks (--nproc, torchrun) train on the CPU over Gloo.");
  s.add(device);
  ParamSpec precision = paramSpec("precision", ParamType::Choice, "fp32", "Precision",
                                  "fp32, or bf16: forward passes under bf16 autocast, with weights, gradients and the "
                                  "optimizer in float. Faster on GPUs and on CPUs with bf16 arithmetic (AVX512-BF16, "
                                  "AMX), slower elsewhere.");
  precision.choices = {"fp32", "bf16"};
  s.add(precision);
  s.add(paramSpec("augment", ParamType::Bool, true, "Augment",
             "Random crop (padding 4 at 32x32, 2 below) and horizontal flip."));
  s.add(withRange(paramSpec("seed", ParamType::Int, 0, "Seed", "Initialisation, split, batch order and augmentation."), 0,
               2147483647.0));
  s.add(withRange(paramSpec("checkpoint_every", ParamType::Int, 200, "Checkpoint every",
                    "Batches between checkpoints (one is also written at each epoch end)."),
               1, 1e9, "batches"));
  return s;
}

std::vector<std::string> TrainMethod::resultKeys() const {
  return {"test_accuracy", "val_accuracy", "train_images_per_s", "params", "flops",
          "epochs",        "arch",         "seconds",            "dataset", "train_images", "resumed",
          "ranks",         "rank_param_max_diff", "device", "precision"};
}

}  // namespace nas
