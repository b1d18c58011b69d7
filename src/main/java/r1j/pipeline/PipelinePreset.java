package r1j.pipeline;

import r1j.train.PretrainConfig;
import r1j.train.SftConfig;

/**
 * The sizes and settings of a whole pipeline run, by name. {@code tiny} is the run of docs/results.md (docs/world.md's
 * calibrated miniature) and its stages' settings are the commands' defaults ({@link PretrainConfig#defaults()},
 * {@link SftConfig#defaults()}, {@code GrpoConfig.defaults()}), so `r1j sft`, `r1j distill` and `r1j r1-zero` alone do
 * what its stages do. {@code nano} runs every stage in minutes for CI, where only that the stages run and their
 * figures are finite is checked; its base is too small to write cold-start data, so the world's own worked solutions
 * stand in (coldStartWorked). Built by name ({@link #builder()}, {@link #toBuilder()}); each value is defined once,
 * in {@link Builder}, where it is documented; the builder's initial values are the tiny run's.
 */
public record PipelinePreset(
        String name, PretrainConfig base, PretrainConfig studentBase, SftConfig sft, float studentLr, int trainProblems,
        int testProblems, int generalTestProblems, int r1ZeroSteps, int coldStartProblems, int coldStartSamples,
        int coldStartWorked, int reasoningRlSteps, int rejectionProblems, int rejectionSamples, int rmPairs, int rmEpochs,
        int rlAllSteps, int distillProblems, int studentRlSteps, int evalK, int maxCompletionTokens, boolean forceGate,
        int coldStartShots, float coldStartTemperature, float rejectionTemperature, float rejectionTopP, double generalShare,
        float evalTemperature, float evalTopP, int evalBatch, int gateProblems, int rmMinSteps, int harmlessnessSamples) {

    public static PipelinePreset of(String name) {
        return switch (name) {
            case "tiny" -> tiny();
            case "nano" -> nano();
            default -> throw new IllegalArgumentException("unknown pipeline preset '" + name + "' (tiny, nano)");
        };
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these values, to change some by name. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    static PipelinePreset tiny() {
        return builder().build();
    }

    static PipelinePreset nano() {
        PipelinePreset t = tiny();
        PretrainConfig base = t.base().toBuilder().preset("nano").tokens(200_000L).vocabSize(512).seqLen(128).warmupSteps(10).build();
        PretrainConfig student = t.studentBase().toBuilder().preset("nano-student").tokens(100_000L).seqLen(128).warmupSteps(10).build();
        SftConfig sft = t.sft().toBuilder().epochs(1).batchSize(8).seqLen(128).warmupSteps(2).build();
        return t.toBuilder().name("nano").base(base).studentBase(student).sft(sft).trainProblems(400).testProblems(24)
                .generalTestProblems(12).r1ZeroSteps(3).coldStartProblems(12).coldStartSamples(2).coldStartWorked(48)
                .reasoningRlSteps(3).rejectionProblems(24).rejectionSamples(2).rmPairs(64).rmEpochs(1)
                .rlAllSteps(3).distillProblems(24).studentRlSteps(3).evalK(2).maxCompletionTokens(48)
                .forceGate(true).gateProblems(20).build();
    }

    /** A pipeline's sizes and settings by name; a field's initial value is the tiny run's. */
    public static final class Builder {
        private String name = "tiny";
        private PretrainConfig base = PretrainConfig.defaults();
        // The student's own base: the teacher's corpus and tokenizer, half the active size, no router (dense).
        private PretrainConfig studentBase = base.toBuilder().preset("tiny-student").tokens(6_000_000L).vocabSize(0).lr(3e-3f)
                .minLr(3e-4f).biasUpdateSpeed(0f).build();
        private SftConfig sft = SftConfig.defaults();
        private float studentLr = 2e-3f;
        private int trainProblems = 20_000;
        private int testProblems = 500;
        private int generalTestProblems = 200;
        private int r1ZeroSteps = 400;
        private int coldStartProblems = 1000;
        private int coldStartSamples = 4;
        private int coldStartWorked;
        // Reasoning RL 300 steps and RL for all scenarios 100 (were 400 and 200): world K's checked replies are longer, which
        // took the whole run to 61 min; in K seed 1 reasoning RL's training accuracy stayed within 87-91 % in every 40-step
        // window and RL for all scenarios moved no rate of SFT 2's by more than 0.3 points (docs/results.md, world K).
        private int reasoningRlSteps = 300;
        private int rejectionProblems = 4000;
        private int rejectionSamples = 4;
        private int rmPairs = 2000;
        private int rmEpochs = 2;
        private int rlAllSteps = 100;
        private int distillProblems = 4000;
        private int studentRlSteps = 200;
        private int evalK = 8;
        private int maxCompletionTokens = 160;
        private boolean forceGate;
        private int coldStartShots = 2;
        private float coldStartTemperature = 0.8f;
        private float rejectionTemperature = 0.8f;
        private float rejectionTopP = 0.95f;
        private double generalShare = 0.25;
        private float evalTemperature = 0.6f;
        private float evalTopP = 0.95f;
        private int evalBatch = 64;
        private int gateProblems = 200;
        // At least 150 steps: the harmlessness set is small (two or three pairs per distinct safety prompt), and a couple
        // of epochs of it leave the model ranking many held-out pairs wrong (docs/results.md, reward models).
        private int rmMinSteps = 150;
        private int harmlessnessSamples = 8;

        private Builder() {}

        private Builder(PipelinePreset p) {
            name = p.name; base = p.base; studentBase = p.studentBase; sft = p.sft; studentLr = p.studentLr;
            trainProblems = p.trainProblems; testProblems = p.testProblems; generalTestProblems = p.generalTestProblems;
            r1ZeroSteps = p.r1ZeroSteps; coldStartProblems = p.coldStartProblems; coldStartSamples = p.coldStartSamples;
            coldStartWorked = p.coldStartWorked; reasoningRlSteps = p.reasoningRlSteps; rejectionProblems = p.rejectionProblems;
            rejectionSamples = p.rejectionSamples; rmPairs = p.rmPairs; rmEpochs = p.rmEpochs; rlAllSteps = p.rlAllSteps;
            distillProblems = p.distillProblems; studentRlSteps = p.studentRlSteps; evalK = p.evalK;
            maxCompletionTokens = p.maxCompletionTokens; forceGate = p.forceGate; coldStartShots = p.coldStartShots;
            coldStartTemperature = p.coldStartTemperature; rejectionTemperature = p.rejectionTemperature;
            rejectionTopP = p.rejectionTopP; generalShare = p.generalShare; evalTemperature = p.evalTemperature;
            evalTopP = p.evalTopP; evalBatch = p.evalBatch; gateProblems = p.gateProblems; rmMinSteps = p.rmMinSteps;
            harmlessnessSamples = p.harmlessnessSamples;
        }

        public PipelinePreset build() {
            return new PipelinePreset(name, base, studentBase, sft, studentLr, trainProblems, testProblems,
                    generalTestProblems, r1ZeroSteps, coldStartProblems, coldStartSamples, coldStartWorked, reasoningRlSteps,
                    rejectionProblems, rejectionSamples, rmPairs, rmEpochs, rlAllSteps, distillProblems, studentRlSteps, evalK,
                    maxCompletionTokens, forceGate, coldStartShots, coldStartTemperature, rejectionTemperature, rejectionTopP,
                    generalShare, evalTemperature, evalTopP, evalBatch, gateProblems, rmMinSteps, harmlessnessSamples);
        }

        /** The preset's name (job.json records it; a folder of another preset is refused). */
        public Builder name(String v) { name = v; return this; }
        /** The teacher's pretraining. */
        public Builder base(PretrainConfig v) { base = v; return this; }
        /** The student's own pretraining (dense, on the teacher's corpus and tokenizer). */
        public Builder studentBase(PretrainConfig v) { studentBase = v; return this; }
        /** Both SFT stages' settings (cold start, stage 2). */
        public Builder sft(SftConfig v) { sft = v; return this; }
        /**
         * The student's SFT learning rate: 2e-3 (its pretraining's 3e-3 order); at the teacher's 5e-4 its validation
         * loss was still falling after 8 epochs (docs/results.md, distillation).
         */
        public Builder studentLr(float v) { studentLr = v; return this; }
        /** Problems in the world's training split. */
        public Builder trainProblems(int v) { trainProblems = v; return this; }
        /** Problems in the reasoning test split. */
        public Builder testProblems(int v) { testProblems = v; return this; }
        /** Problems in the general (non-reasoning) test split. */
        public Builder generalTestProblems(int v) { generalTestProblems = v; return this; }
        /** GRPO steps of R1-Zero (R1 §2.2). */
        public Builder r1ZeroSteps(int v) { r1ZeroSteps = v; return this; }
        /** Problems per cold-start source (R1 §2.3.1). */
        public Builder coldStartProblems(int v) { coldStartProblems = v; return this; }
        /** Samples per cold-start problem. */
        public Builder coldStartSamples(int v) { coldStartSamples = v; return this; }
        /** The world's worked solutions added to the cold-start data (0: none; nano's base writes none of its own). */
        public Builder coldStartWorked(int v) { coldStartWorked = v; return this; }
        /** GRPO steps of reasoning RL (R1 §2.3.2). */
        public Builder reasoningRlSteps(int v) { reasoningRlSteps = v; return this; }
        /** Prompts for rejection sampling (R1 §2.3.3). */
        public Builder rejectionProblems(int v) { rejectionProblems = v; return this; }
        /** Samples per rejection-sampling prompt. */
        public Builder rejectionSamples(int v) { rejectionSamples = v; return this; }
        /** Preference pairs per reward model. */
        public Builder rmPairs(int v) { rmPairs = v; return this; }
        /** The reward models' least number of epochs (small sets train for at least 150 steps). */
        public Builder rmEpochs(int v) { rmEpochs = v; return this; }
        /** GRPO steps of RL for all scenarios (R1 §2.3.4). */
        public Builder rlAllSteps(int v) { rlAllSteps = v; return this; }
        /** Prompts of the distillation data (R1 §2.4). */
        public Builder distillProblems(int v) { distillProblems = v; return this; }
        /** GRPO steps of the student's own RL (R1 §4.1's comparison). */
        public Builder studentRlSteps(int v) { studentRlSteps = v; return this; }
        /** k of the evaluation's pass@1 over k samples, cons@k and pass@k. */
        public Builder evalK(int v) { evalK = v; return this; }
        /** The longest completion of RL and evaluation, in tokens. */
        public Builder maxCompletionTokens(int v) { maxCompletionTokens = v; return this; }
        /** Go on when the base fails the readiness gate. */
        public Builder forceGate(boolean v) { forceGate = v; return this; }
        /** Worked examples in a few-shot cold-start prompt. */
        public Builder coldStartShots(int v) { coldStartShots = v; return this; }
        /** Sampling temperature of the cold-start sources. */
        public Builder coldStartTemperature(float v) { coldStartTemperature = v; return this; }
        /** Sampling temperature of rejection sampling. */
        public Builder rejectionTemperature(float v) { rejectionTemperature = v; return this; }
        /** Nucleus sampling of rejection sampling. */
        public Builder rejectionTopP(float v) { rejectionTopP = v; return this; }
        /** Share of non-reasoning rows in SFT 2's and the distillation data (R1 §2.3.3: 200 K of 800 K). */
        public Builder generalShare(double v) { generalShare = v; return this; }
        /** Sampling temperature of the evaluation (R1 §3: 0.6). */
        public Builder evalTemperature(float v) { evalTemperature = v; return this; }
        /** Nucleus sampling of the evaluation (R1 §3: 0.95). */
        public Builder evalTopP(float v) { evalTopP = v; return this; }
        /** Sequences decoded together in the evaluation (changes speed, not the result). */
        public Builder evalBatch(int v) { evalBatch = v; return this; }
        /** Problems of the base readiness gate. */
        public Builder gateProblems(int v) { gateProblems = v; return this; }
        /** The reward models' least number of steps (of the default batch of pairs); small sets train more epochs. */
        public Builder rmMinSteps(int v) { rmMinSteps = v; return this; }
        /** Replies sampled per safety prompt from the policy (at temperature 1) for the harmlessness pairs. */
        public Builder harmlessnessSamples(int v) { harmlessnessSamples = v; return this; }
    }
}
