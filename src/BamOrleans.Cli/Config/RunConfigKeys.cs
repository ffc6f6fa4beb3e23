using BamOrleans.Core.Models;
using BamOrleans.Core.Objective;
using BamOrleans.Core.Objectives;
using BamOrleans.Core.Objectives.Pirl;
using BamOrleans.Core.Objectives.Swav;
using BamOrleans.Core.Training;

namespace BamOrleans.Cli.Config;

/// <summary>
/// The catalogue: every key a run config may set, in the order the rendered document lists them
/// and the loader applies them. Settings not worth tuning per run (augmentation details, norms)
/// are not keys; they keep the values `bam local` gives them for the data's shape.
/// </summary>
internal static class RunConfigKeys
{
    public static IReadOnlyList<ConfigKey> All { get; } =
    [
        new("run.id", ConfigValueKind.Text, "the run's id; a run whose checkpoints are in the store resumes from the latest (unset: a new id)",
            c => c.RunId, (c, v) => c with { RunId = (string?)v }) { Optional = true },
        new("run.steps", ConfigValueKind.LongInteger, "training steps; the schedules span exactly this many",
            c => c.Training.Steps, (c, v) => Train(c, t => t with { Steps = (long)v! })) { CoreNames = [":steps"] },
        new("run.seed", ConfigValueKind.LongInteger, "seed of the weights, the sampling and the augmentations",
            c => c.Training.Seed, (c, v) => Train(c, t => t with { Seed = (long)v! })),
        new("batch", ConfigValueKind.Integer, "images per step over all slots (split evenly over them)",
            c => c.Training.GlobalBatch, (c, v) => Train(c, t => t with { GlobalBatch = (int)v! })) { CoreNames = [":globalBatch"] },

        new("data.kind", ConfigValueKind.Choice, "fashion-mnist (idx files), folder (JPEG/PNG, one sub-folder per class) or store (a dataset prepared in the blob store)",
            c => c.Dataset.Kind, (c, v) => c with { Dataset = c.Dataset with { Kind = (string)v! } }) { Choices = RunDataKinds.All },
        new("data.path", ConfigValueKind.Text, "the images' folder on every silo (absolute), or the prepared dataset's name for store (required)",
            c => c.Dataset.Path, (c, v) => c with { Dataset = c.Dataset with { Path = (string)v! } }) { CoreNames = [":dataset.path"] },
        new("data.imageSize", ConfigValueKind.Integer, "side of the square images (28 for fashion-mnist; a folder is resized to it; required for store)",
            c => c.Dataset.ImageSize, (c, v) => c with { Dataset = c.Dataset with { ImageSize = (int)v! } })
        {
            CoreNames = ["augmentation:GlobalSize", "augmentation:LocalSize", "augmentation:BlurReferenceSize"],
        },
        new("data.channels", ConfigValueKind.Integer, "channels of the images: 1 (fashion-mnist), 3 (folder); 1 or 3 for store (required)",
            c => c.Training.Encoder.InChannels, (c, v) => Encoder(c, e => e with { InChannels = (int)v! })) { CoreNames = ["encoder:InChannels", ":normalizer"] },
        new("data.shards", ConfigValueKind.Integer, "data-shard grains the training set is cut into",
            c => c.DataShards, (c, v) => c with { DataShards = (int)v! }) { CoreNames = [":dataShards"] },

        new("cluster.slotsPerSilo", ConfigValueKind.Integer, "worker slots on each silo (its GPU count; 1 on a CPU silo)",
            c => c.SlotsPerSilo, (c, v) => c with { SlotsPerSilo = (int)v! }),
        new("cluster.silos", ConfigValueKind.Integer, "use only the first this-many active silos (unset: all)",
            c => c.SiloLimit, (c, v) => c with { SiloLimit = (int?)v }) { Optional = true },

        new("method", ConfigValueKind.Choice,
            "the self-supervised objective: bam (balanced self-attention matching), swav (online clustering, swapped prediction) or pirl (invariance against a memory bank)",
            c => c.Training.Method, (c, v) => Train(c, t => t with { Method = (string)v! })) { Choices = ObjectiveCatalog.Methods, CoreNames = [":method"] },

        new("objective.globalViews", ConfigValueKind.Integer, "BAM: large crops per image (G); only they serve as targets",
            c => c.Training.Objective.GlobalViews, (c, v) => Objective(c, o => o with { GlobalViews = (int)v! })) { CoreNames = ["objective:GlobalViews"] },
        new("objective.localViews", ConfigValueKind.Integer, "BAM: small crops per image (L), after the global views",
            c => c.Training.Objective.LocalViews, (c, v) => Objective(c, o => o with { LocalViews = (int)v! })) { CoreNames = ["objective:LocalViews"] },
        new("objective.targetViews", ConfigValueKind.Integer, "BAM: views per image used as attention columns (T ≤ G + L, usually G)",
            c => c.Training.Objective.TargetViews, (c, v) => Objective(c, o => o with { TargetViews = (int)v! })) { CoreNames = ["objective:TargetViews"] },
        new("objective.epsilon", ConfigValueKind.Number, "BAM: entropic regularisation ε of the Sinkhorn targets (smaller is sharper)",
            c => c.Training.Objective.Epsilon, (c, v) => Objective(c, o => o with { Epsilon = (double)v! })) { CoreNames = ["objective:Epsilon"] },
        new("objective.epsilonFinal", ConfigValueKind.Number, "BAM: ε reached after the ε warm-up (unset: ε stays constant)",
            c => c.Training.Objective.EpsilonFinal, (c, v) => Objective(c, o => o with { EpsilonFinal = (double?)v })) { Optional = true, CoreNames = ["objective:EpsilonFinal"] },
        new("objective.epsilonWarmupEpochs", ConfigValueKind.Integer, "BAM: epochs over which ε moves to epsilonFinal",
            c => c.Training.Objective.EpsilonWarmupEpochs, (c, v) => Objective(c, o => o with { EpsilonWarmupEpochs = (int)v! })) { CoreNames = ["objective:EpsilonWarmupEpochs"] },
        new("objective.temperature", ConfigValueKind.Number, "BAM: softmax temperature τ of the predicted attention",
            c => c.Training.Objective.Temperature, (c, v) => Objective(c, o => o with { Temperature = (double)v! })) { CoreNames = ["objective:Temperature"] },
        new("objective.sinkhornIterations", ConfigValueKind.Integer, "BAM: Sinkhorn balancing rounds of the targets",
            c => c.Training.Objective.SinkhornIterations, (c, v) => Objective(c, o => o with { SinkhornIterations = (int)v! })) { CoreNames = ["objective:SinkhornIterations"] },
        new("objective.topK", ConfigValueKind.Integer, "BAM: keep only the k most attended target columns per image (0: all)",
            c => c.Training.Objective.TopK, (c, v) => Objective(c, o => o with { TopK = (int)v! })) { CoreNames = ["objective:TopK", ":objective.topK", ":topK"] },
        new("objective.ema", ConfigValueKind.Boolean, "BAM: take targets and columns from a momentum (EMA) teacher",
            c => c.Training.Objective.UseEmaTeacher, (c, v) => Objective(c, o => o with { UseEmaTeacher = (bool)v! })),

        // SwAV's and PIRL's options are read only when method names them. Their Validate()
        // messages already spell the keys, so each key's Core name is itself.
        new("swav.globalViews", ConfigValueKind.Integer, "large crops per image (G), first in the batch; only their codes are computed (small crops see too little to be targets)",
            c => c.Training.Swav.GlobalViews, (c, v) => Swav(c, o => o with { GlobalViews = (int)v! })) { CoreNames = [":swav.globalViews"] },
        new("swav.localViews", ConfigValueKind.Integer, "multi-crop small crops per image (L), after the global views (6 on ImageNet; fewer suit 28×28 images)",
            c => c.Training.Swav.LocalViews, (c, v) => Swav(c, o => o with { LocalViews = (int)v! })) { CoreNames = [":swav.localViews"] },
        new("swav.prototypes", ConfigValueKind.Integer, "number of prototypes K (3000 on ImageNet)",
            c => c.Training.Swav.Prototypes, (c, v) => Swav(c, o => o with { Prototypes = (int)v! })) { CoreNames = [":swav.prototypes"] },
        new("swav.epsilon", ConfigValueKind.Number, "entropic regularisation ε of the Sinkhorn codes (smaller is sharper)",
            c => c.Training.Swav.Epsilon, (c, v) => Swav(c, o => o with { Epsilon = (double)v! })) { CoreNames = [":swav.epsilon"] },
        new("swav.sinkhornIterations", ConfigValueKind.Integer, "Sinkhorn normalisation rounds over the global batch",
            c => c.Training.Swav.SinkhornIterations, (c, v) => Swav(c, o => o with { SinkhornIterations = (int)v! })) { CoreNames = [":swav.sinkhornIterations"] },
        new("swav.temperature", ConfigValueKind.Number, "softmax temperature τ of the predicted assignments",
            c => c.Training.Swav.Temperature, (c, v) => Swav(c, o => o with { Temperature = (double)v! })) { CoreNames = [":swav.temperature"] },
        new("swav.freezePrototypesSteps", ConfigValueKind.Integer, "steps at the start during which the prototypes do not move, so the encoder settles first (0: they train from the first step)",
            c => c.Training.Swav.FreezePrototypesSteps, (c, v) => Swav(c, o => o with { FreezePrototypesSteps = (int)v! })) { CoreNames = [":swav.freezePrototypesSteps"] },
        new("swav.queueLength", ConfigValueKind.Integer, "rows of past global batches kept per assignment view and put before the scores for Sinkhorn, so small batches still spread over the prototypes (0: no queue)",
            c => c.Training.Swav.QueueLength, (c, v) => Swav(c, o => o with { QueueLength = (int)v! })) { CoreNames = [":swav.queueLength"] },
        new("swav.queueStartsAtStep", ConfigValueKind.Integer, "first step at which the queue is used (and only once it is full)",
            c => c.Training.Swav.QueueStartsAtStep, (c, v) => Swav(c, o => o with { QueueStartsAtStep = (int)v! })) { CoreNames = [":swav.queueStartsAtStep"] },

        new("pirl.negatives", ConfigValueKind.Integer, "memory-bank rows drawn as negatives per step, shared by every image of the global batch",
            c => c.Training.Pirl.Negatives, (c, v) => Pirl(c, o => o with { Negatives = (int)v! })) { CoreNames = [":pirl.negatives"] },
        new("pirl.temperature", ConfigValueKind.Number, "temperature τ of the similarities s/τ",
            c => c.Training.Pirl.Temperature, (c, v) => Pirl(c, o => o with { Temperature = (double)v! })) { CoreNames = [":pirl.temperature"] },
        new("pirl.lambda", ConfigValueKind.Number, "weight λ of the transformed view's term in L = λ·L_NCE(m, g) + (1−λ)·L_NCE(m, f), in [0, 1]",
            c => c.Training.Pirl.Lambda, (c, v) => Pirl(c, o => o with { Lambda = (double)v! })) { CoreNames = [":pirl.lambda"] },
        new("pirl.memoryMomentum", ConfigValueKind.Number, "μ of the memory-bank update m ← normalize(μ·m + (1−μ)·f), in [0, 1): at 1 the bank would never learn",
            c => c.Training.Pirl.MemoryMomentum, (c, v) => Pirl(c, o => o with { MemoryMomentum = (double)v! })) { CoreNames = [":pirl.memoryMomentum"] },

        new("optimizer.kind", ConfigValueKind.Choice, "adamw (the official recipe) or lars",
            c => ConfigChoices.Word(c.Training.Optimization.Optimizer),
            (c, v) => Optimizer(c, o => o with { Optimizer = ConfigChoices.Member<OptimizerKind>(v) })) { Choices = ConfigChoices.Of<OptimizerKind>() },
        new("optimizer.lr", ConfigValueKind.Number, "learning rate per 256 images; the peak applied is lr × batch / 256",
            c => c.Training.Optimization.BaseLearningRate, (c, v) => Optimizer(c, o => o with { BaseLearningRate = (double)v! }))
        {
            CoreNames = [":optimization.baseLearningRate", ":baseLearningRate"],
        },
        new("optimizer.minLearningRate", ConfigValueKind.Number, "learning rate the cosine schedule ends at",
            c => c.Training.Optimization.MinLearningRate, (c, v) => Optimizer(c, o => o with { MinLearningRate = (double)v! })) { CoreNames = [":optimization.minLearningRate"] },
        new("optimizer.warmupSteps", ConfigValueKind.Integer, "steps of linear learning-rate warm-up",
            c => c.Training.Optimization.WarmupSteps, (c, v) => Optimizer(c, o => o with { WarmupSteps = (int)v! })) { CoreNames = [":optimization.warmupSteps"] },
        new("optimizer.weightDecay", ConfigValueKind.Number, "weight decay at the start (cosine to weightDecayEnd; none on biases and norms)",
            c => c.Training.Optimization.WeightDecay, (c, v) => Optimizer(c, o => o with { WeightDecay = (double)v! })) { CoreNames = [":optimization.weightDecay"] },
        new("optimizer.weightDecayEnd", ConfigValueKind.Number, "weight decay at the end of the run",
            c => c.Training.Optimization.WeightDecayEnd, (c, v) => Optimizer(c, o => o with { WeightDecayEnd = (double)v! })) { CoreNames = [":weightDecayEnd"] },
        new("optimizer.gradientClip", ConfigValueKind.Number, "per-parameter gradient-norm clip (0: off)",
            c => c.Training.Optimization.GradientClip, (c, v) => Optimizer(c, o => o with { GradientClip = (double)v! })) { CoreNames = [":optimization.gradientClip"] },
        new("optimizer.emaMomentum", ConfigValueKind.Number, "EMA teacher momentum at the start (cosine to emaMomentumEnd)",
            c => c.Training.Optimization.EmaMomentum, (c, v) => Optimizer(c, o => o with { EmaMomentum = (double)v! })) { CoreNames = [":optimization.emaMomentum"] },
        new("optimizer.emaMomentumEnd", ConfigValueKind.Number, "EMA teacher momentum at the end of the run",
            c => c.Training.Optimization.EmaMomentumEnd, (c, v) => Optimizer(c, o => o with { EmaMomentumEnd = (double)v! })) { CoreNames = [":emaMomentumEnd"] },

        // The architecture comes before the projector sizes: their defaults follow it. A projector
        // size is applied only when it differs from that default, because EncoderOptions keeps an
        // explicit size apart from an unset one: writing the default out would make a config
        // unequal to the same config with the size left out (and a rendered document unequal to
        // the config it was rendered from).
        new("encoder.architecture", ConfigValueKind.Choice, "smallresnet (images up to 64 px), resnet18 or resnet50",
            c => ConfigChoices.Word(c.Training.Encoder.Architecture),
            (c, v) => Encoder(c, e => e with { Architecture = ConfigChoices.Member<EncoderArchitecture>(v) }))
        {
            Choices = ConfigChoices.Of<EncoderArchitecture>(), CoreNames = ["encoder:Architecture"],
        },
        new("encoder.width", ConfigValueKind.Integer, "base width of smallresnet (stages w, 2w, 4w); ignored by the ResNets",
            c => c.Training.Encoder.Width, (c, v) => Encoder(c, e => e with { Width = (int)v! })) { CoreNames = ["encoder:Width"] },
        new("encoder.smallBlocksPerStage", ConfigValueKind.Integer, "residual blocks in each smallresnet stage; ignored by the ResNets",
            c => c.Training.Encoder.SmallBlocksPerStage, (c, v) => Encoder(c, e => e with { SmallBlocksPerStage = (int)v! })) { CoreNames = ["encoder:SmallBlocksPerStage"] },
        new("encoder.projectorHiddenDim", ConfigValueKind.Integer, "width of the projector's hidden layers",
            c => c.Training.Encoder.ProjectorHiddenDim,
            (c, v) => Encoder(c, e => e.ProjectorHiddenDim == (int)v! ? e : e with { ProjectorHiddenDim = (int)v! })) { CoreNames = ["encoder:ProjectorHiddenDim"] },
        new("encoder.projectorOutDim", ConfigValueKind.Integer, "embedding dimension (the projector's output)",
            c => c.Training.Encoder.ProjectorOutDim,
            (c, v) => Encoder(c, e => e.ProjectorOutDim == (int)v! ? e : e with { ProjectorOutDim = (int)v! })) { CoreNames = ["encoder:ProjectorOutDim"] },
        new("encoder.projectorLayers", ConfigValueKind.Integer, "linear layers in the projector (1: no hidden layer)",
            c => c.Training.Encoder.ProjectorLayers,
            (c, v) => Encoder(c, e => e.ProjectorLayers == (int)v! ? e : e with { ProjectorLayers = (int)v! })) { CoreNames = ["encoder:ProjectorLayers"] },

        new("checkpoint.everySteps", ConfigValueKind.Integer, "checkpoint every this many steps (0: not by steps)",
            c => c.Checkpoints.EverySteps, (c, v) => c with { Checkpoints = c.Checkpoints with { EverySteps = (int)v! } }) { CoreNames = [":checkpointEverySteps"] },
        new("checkpoint.everyMinutes", ConfigValueKind.Number, "also checkpoint when this many minutes passed since the last one (0: not by time)",
            c => c.Checkpoints.EveryMinutes, (c, v) => c with { Checkpoints = c.Checkpoints with { EveryMinutes = (double)v! } }) { CoreNames = [":checkpointEveryMinutes"] },
        new("checkpoint.keep", ConfigValueKind.Integer, "complete checkpoints kept in the store; older ones are pruned",
            c => c.Checkpoints.Keep, (c, v) => c with { Checkpoints = c.Checkpoints with { Keep = (int)v! } }) { CoreNames = [":keepCheckpoints"] },
    ];

    private static readonly Dictionary<string, ConfigKey> ByName = All.ToDictionary(k => k.Name, StringComparer.Ordinal);

    /// <summary>The key of exactly this name (names are case-sensitive), or null.</summary>
    public static ConfigKey? Find(string name) => ByName.GetValueOrDefault(name);

    // The keys that size the run (its data kind and image shape): the loader reads them first and
    // builds the base config from them, since the defaults of the others depend on them.
    public static ConfigKey DataKind => ByName["data.kind"];
    public static ConfigKey ImageSize => ByName["data.imageSize"];
    public static ConfigKey Channels => ByName["data.channels"];

    public static IReadOnlyList<ConfigKey> Sizing { get; } = [DataKind, ImageSize, Channels];

    private static RunConfig Train(RunConfig c, Func<TrainingConfig, TrainingConfig> change) => c with { Training = change(c.Training) };

    private static RunConfig Objective(RunConfig c, Func<BamOptions, BamOptions> change) =>
        Train(c, t => t with { Objective = change(t.Objective) });

    private static RunConfig Swav(RunConfig c, Func<SwavOptions, SwavOptions> change) =>
        Train(c, t => t with { Swav = change(t.Swav) });

    private static RunConfig Pirl(RunConfig c, Func<PirlOptions, PirlOptions> change) =>
        Train(c, t => t with { Pirl = change(t.Pirl) });

    private static RunConfig Optimizer(RunConfig c, Func<OptimizationOptions, OptimizationOptions> change) =>
        Train(c, t => t with { Optimization = change(t.Optimization) });

    private static RunConfig Encoder(RunConfig c, Func<EncoderOptions, EncoderOptions> change) =>
        Train(c, t => t with { Encoder = change(t.Encoder) });
}
