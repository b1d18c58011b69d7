package r1j.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import r1j.data.Jsonl;
import r1j.testing.NanoWorld;
import r1j.data.Problem;
import r1j.data.Splits;
import r1j.data.World;
import r1j.io.Checkpoint;
import r1j.io.DType;
import r1j.model.Presets;
import r1j.model.Transformer;
import r1j.tensor.AdamW;
import r1j.tensor.Grad;
import r1j.tensor.Softmax;
import r1j.tokenizer.BpeTrainer;
import r1j.tokenizer.Templates;
import r1j.tokenizer.Tokenizer;

/**
 * The GRPO loop on a nano model: an update moves the policy towards the better-paid completions (and away for the
 * opposite sign), the sampler/trainer log-prob agreement, and a resumed run equal to an uninterrupted one.
 */
class GrpoTrainerTest {
    @TempDir
    Path tmp;

    private Path base;
    private Path data;

    @BeforeEach
    void nanoBaseAndData() throws Exception {
        NanoWorld.Grpo world = NanoWorld.grpo(tmp);
        base = world.base();
        data = world.data();
    }

    private static GrpoConfig config() {
        return GrpoConfig.builder().groupSize(4).promptsPerStep(3).mu(2).epsHigh(0.28f).beta(0.04f)
                .aggregation(GrpoObjective.Aggregation.SEQUENCE_MEAN).maskTruncated(true).refRefreshEvery(2)
                .lr(1e-3f).warmupSteps(1).steps(3).maxCompletionTokens(12).microBatch(5)
                .checkpointEvery(1).sampleEvery(1).seed(3).build();
    }

    @Test
    void stepsLogAgreeingLogProbsAndResume() throws Exception {
        GrpoConfig c = config();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        GrpoTrainer.Result first = GrpoTrainer.run(c.toBuilder().model(base).data(data).build(), tmp.resolve("run"), 2, quiet);
        assertThat(first.finalModel()).isNull();
        GrpoTrainer.Result done = GrpoTrainer.run(c.toBuilder().model(base).data(data).build(), tmp.resolve("run"), 0, quiet);
        assertThat(done.steps()).isEqualTo(3);
        assertThat(done.finalModel()).exists();
        List<String> rows = Files.readAllLines(tmp.resolve("run/metrics.jsonl"));
        assertThat(rows).hasSize(3);
        for (String r : rows) {
            JsonNode n = new ObjectMapper().readTree(r);
            assertThat(n.get("logprob_max_diff").asDouble()).as("sampler vs trainer log-probs").isLessThan(1e-4);
            assertThat(n.get("kl").asDouble()).isFinite().isGreaterThanOrEqualTo(0);
            assertThat(n.get("reward_mean").asDouble()).isFinite();
            assertThat(n.get("length_mean").asDouble()).isPositive();
        }
        assertThat(tmp.resolve("run/samples.jsonl")).exists();
    }

    /**
     * Rollouts sampled with 8-bit weights are not the trainer's policy: the sampler's log-probs differ from the
     * trainer's, the loss carries truncated importance weights (their mean logged, neither 1 nor above the cap), and the
     * run still resumes bit for bit; the cluster's workers refuse it.
     */
    @Test
    void eightBitRolloutsCarryTruncatedImportanceWeights() throws Exception {
        GrpoConfig c = config().toBuilder().frozenDtype(r1j.tensor.FrozenDtype.Q8).tisCap(1.5f).model(base).data(data).build();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        GrpoTrainer.run(c, tmp.resolve("q8"), 0, quiet);
        List<String> rows = Files.readAllLines(tmp.resolve("q8/metrics.jsonl"));
        assertThat(rows).hasSize(3);
        for (String r : rows) {
            JsonNode n = new ObjectMapper().readTree(r);
            assertThat(n.get("logprob_max_diff").asDouble()).as("8-bit sampler vs float32 trainer").isGreaterThan(1e-4);
            // E[π_old/π_sampler] under the sampler is 1: the capped weights average just below it.
            assertThat(n.get("tis_mean").asDouble()).isBetween(0.8, 1.0);
        }
        assertThat(new ObjectMapper().readTree(tmp.resolve("q8/config.json").toFile()).get("frozen_dtype").asText()).isEqualTo("Q8");
        assertThat(GrpoTrainer.run(c, tmp.resolve("q8b"), 1, quiet).finalModel()).isNull();
        GrpoTrainer.run(c, tmp.resolve("q8b"), 0, quiet);
        assertThat(withoutTimings(tmp.resolve("q8b/metrics.jsonl"))).isEqualTo(withoutTimings(tmp.resolve("q8/metrics.jsonl")));
        GrpoTrainer.run(config().toBuilder().model(base).data(data).build(), tmp.resolve("stored"), 0, quiet);
        for (String r : Files.readAllLines(tmp.resolve("stored/metrics.jsonl"))) {
            assertThat(new ObjectMapper().readTree(r).get("tis_mean").asDouble()).as("on-policy: no weight").isEqualTo(1.0);
        }
        assertThat(withoutTimings(tmp.resolve("stored/metrics.jsonl"))).as("8-bit rollouts sample other completions")
                .isNotEqualTo(withoutTimings(tmp.resolve("q8/metrics.jsonl")));
        assertThatThrownBy(() -> GrpoTrainer.builder(c).console(quiet).rollouts((p, v, pre, req, g, sp) -> List.of()).build()
                .train(tmp.resolve("cluster"), 0)).hasMessageContaining("8-bit rollouts are sampled in this JVM only");
    }

    /**
     * N steps in one run, and N/2 steps then a stop and the same command again, end with the same weights bit for bit
     * and the same metrics (all but the timings); a changed setting is refused, naming it.
     */
    @Test
    void resumedRunEqualsAnUninterruptedOne() throws Exception {
        GrpoConfig c = config().toBuilder().steps(4).checkpointEvery(2).build();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        GrpoTrainer.Result full = GrpoTrainer.run(c.toBuilder().model(base).data(data).build(), tmp.resolve("a"), 0, quiet);
        assertThat(GrpoTrainer.run(c.toBuilder().model(base).data(data).build(), tmp.resolve("b"), 2, quiet).finalModel()).isNull();
        assertThatThrownBy(() -> GrpoTrainer.run(c.toBuilder().lr(2e-3f).model(base).data(data).build(), tmp.resolve("b"), 0, quiet))
                .hasMessageContaining("holds a run whose lr is 0.001, and this one has 0.002");
        // A run folder written before refill holds dynamic_sampling as a boolean: false reads as OFF, true as FILTER.
        Path cfg = tmp.resolve("b/config.json");
        String written = Files.readString(cfg);
        assertThat(written).contains("\"dynamic_sampling\" : \"OFF\"");
        Files.writeString(cfg, written.replace("\"dynamic_sampling\" : \"OFF\"", "\"dynamic_sampling\" : true"));
        assertThatThrownBy(() -> GrpoTrainer.run(c.toBuilder().model(base).data(data).build(), tmp.resolve("b"), 0, quiet))
                .hasMessageContaining("holds a run whose dynamic_sampling is true, and this one has \"OFF\"");
        Files.writeString(cfg, written.replace("\"dynamic_sampling\" : \"OFF\"", "\"dynamic_sampling\" : false"));
        GrpoTrainer.Result resumed = GrpoTrainer.run(c.toBuilder().checkpointEvery(1).model(base).data(data).build(), tmp.resolve("b"), 0, quiet);
        Transformer a = Checkpoint.load(full.finalModel(), true), b = Checkpoint.load(resumed.finalModel(), true);
        for (var e : a.tensors().entrySet()) assertThat(b.tensors().get(e.getKey()).data).as(e.getKey()).containsExactly(e.getValue().data);
        assertThat(withoutTimings(tmp.resolve("b/metrics.jsonl"))).hasSize(4).isEqualTo(withoutTimings(tmp.resolve("a/metrics.jsonl")));
        assertThat(Files.readAllLines(tmp.resolve("b/samples.jsonl"))).isEqualTo(Files.readAllLines(tmp.resolve("a/samples.jsonl")));
        assertThat(new ObjectMapper().readTree(tmp.resolve("b/config.json").toFile()).get("checkpoint_every").asInt())
                .as("config.json holds the settings in use").isEqualTo(1);
    }

    @Test
    void aLoraRunTrainsTheAdapterAgainstItsBaseAndResumesBitIdentically() throws Exception {
        r1j.model.LoraConfig lora = new r1j.model.LoraConfig(4, 8, 0.05, List.of("all-linear"), false);
        // A reward a random base earns unevenly (the user's own, through the command protocol): the share of vowels.
        Path script = tmp.resolve("vowels.py");
        Files.writeString(script, """
                import json, sys
                for line in sys.stdin:
                    c = json.loads(line)["completion"]
                    print(sum(ch in "aeiou" for ch in c) / max(1, len(c)))
                """);
        GrpoConfig c = config().toBuilder().refRefreshEvery(0).maskTruncated(false).steps(4).checkpointEvery(2).lr(1e-2f).lora(lora)
                .rewards("cmd:python3 " + script).rewardWeights("1").model(base).data(data).build();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        assertThatThrownBy(() -> GrpoTrainer.run(c.toBuilder().refRefreshEvery(2).build(), tmp.resolve("x"), 0, quiet))
                .hasMessageContaining("a LoRA run's reference is its base without the adapter");
        GrpoTrainer.Result full = GrpoTrainer.run(c, tmp.resolve("a"), 0, quiet);
        assertThat(GrpoTrainer.run(c, tmp.resolve("b"), 2, quiet).finalModel()).isNull();
        assertThat(tmp.resolve("b/checkpoints/step-0000002/adapter_model.safetensors")).exists();
        assertThat(tmp.resolve("b/checkpoints/step-0000002/reference")).as("the base is the reference: no copy").doesNotExist();
        GrpoTrainer.Result resumed = GrpoTrainer.run(c, tmp.resolve("b"), 0, quiet);
        assertThat(full.finalModel().resolve("model.safetensors")).doesNotExist();
        try (var x = r1j.io.SafeTensors.open(full.finalModel().resolve("adapter_model.safetensors"));
             var y = r1j.io.SafeTensors.open(resumed.finalModel().resolve("adapter_model.safetensors"))) {
            for (String n : x.entries().keySet()) assertThat(y.read(n)).as(n).containsExactly(x.read(n));
        }
        List<JsonNode> rows = withoutTimings(tmp.resolve("a/metrics.jsonl"));
        assertThat(withoutTimings(tmp.resolve("b/metrics.jsonl"))).isEqualTo(rows);
        // B starts at zero, so the first step's policy is its reference (KL 0); updated adapters move it away.
        assertThat(rows.get(0).get("kl").asDouble()).isZero();
        assertThat(rows.get(3).get("kl").asDouble()).isPositive();
    }

    /**
     * A reward that is constant on half the prompts (zero spread: no gradient) and the share of vowels on the others.
     */
    private static r1j.reward.Rewards halfConstant() {
        return r1j.reward.Rewards.builder().add(r1j.reward.Reward.of("vowels", x -> (x.prompt().hashCode() & 1) == 0 ? 0.5
                : x.completion().chars().filter(ch -> "aeiou".indexOf(ch) >= 0).count() / (double) Math.max(1, x.completion().length())), 1)
                .build();
    }

    /**
     * Dynamic sampling that refills: every step samples further groups until it has prompts_per_step groups with a
     * reward spread (the zero-spread ones drawn are dropped and counted), or stops at the cap; the same run with every
     * request sampled on its own (one "worker" per prompt) and a stopped-and-resumed run give the same metrics.
     */
    @Test
    void refillSamplesUntilTheStepHasItsGroupsWithASpread() throws Exception {
        GrpoConfig c = config().toBuilder().steps(3).checkpointEvery(1).dynamicSampling(DynamicSampling.REFILL).refillMaxGroups(20)
                .model(base).data(data).build();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        GrpoTrainer.builder(c).rewards(halfConstant()).console(quiet).build().train(tmp.resolve("refill"));
        List<JsonNode> rows = withoutTimings(tmp.resolve("refill/metrics.jsonl"));
        int extra = 0;
        for (JsonNode n : rows) {
            int drawn = n.get("groups_drawn").asInt(), dropped = n.get("groups_dropped").asInt();
            assertThat(drawn - dropped).as("groups with a spread").isEqualTo(3);
            assertThat(n.get("zero_spread_groups").asDouble()).isCloseTo((double) dropped / drawn, org.assertj.core.data.Offset.offset(1e-5));
            extra += drawn - 3;
        }
        assertThat(extra).as("some step drew more than its 3 groups").isPositive();
        assertThat(new ObjectMapper().readTree(tmp.resolve("refill/config.json").toFile()).get("dynamic_sampling").asText()).isEqualTo("REFILL");

        r1j.generate.Rollouts local = r1j.generate.Rollouts.local(Tokenizer.load(base));
        r1j.generate.Rollouts onePerWorker = (p, v, pre, req, g, sp) ->
                req.stream().flatMap(r -> local.generate(p, v, pre, List.of(r), g, sp).stream()).toList();
        GrpoTrainer.builder(c).rewards(halfConstant()).rollouts(onePerWorker).console(quiet).build().train(tmp.resolve("sharded"));
        assertThat(withoutTimings(tmp.resolve("sharded/metrics.jsonl"))).isEqualTo(rows);
        assertThat(GrpoTrainer.builder(c).rewards(halfConstant()).console(quiet).build().train(tmp.resolve("resumed"), 2).finalModel()).isNull();
        GrpoTrainer.builder(c).rewards(halfConstant()).console(quiet).build().train(tmp.resolve("resumed"));
        assertThat(withoutTimings(tmp.resolve("resumed/metrics.jsonl"))).isEqualTo(rows);

        // The cap: at most one extra group per step; filter drops without drawing more.
        GrpoTrainer.builder(c.toBuilder().refillMaxGroups(1).build()).rewards(halfConstant()).console(quiet).build().train(tmp.resolve("cap"));
        for (JsonNode n : withoutTimings(tmp.resolve("cap/metrics.jsonl"))) assertThat(n.get("groups_drawn").asInt()).isBetween(3, 4);
        GrpoTrainer.builder(c.toBuilder().dynamicSampling(DynamicSampling.FILTER).build()).rewards(halfConstant()).console(quiet).build()
                .train(tmp.resolve("filter"));
        for (JsonNode n : withoutTimings(tmp.resolve("filter/metrics.jsonl"))) assertThat(n.get("groups_drawn").asInt()).isEqualTo(3);
    }

    /**
     * Asynchronous rollouts: step s trains on rollouts sampled from the policy after s − N updates (the lag logged, the
     * lag corrected by truncated importance weights), and the run is deterministic: a stopped-and-resumed run (the
     * checkpoint holds the rollouts in flight) and one whose requests are sampled one per "worker" give the same
     * metrics and weights as an uninterrupted one.
     */
    @Test
    void asyncRolloutsLagByNStepsAndResumeBitIdentically() throws Exception {
        GrpoConfig c = config().toBuilder().steps(4).checkpointEvery(1).refRefreshEvery(0).asyncSteps(2).model(base).data(data).build();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        GrpoTrainer.Result full = GrpoTrainer.builder(c).rewards(halfConstant()).console(quiet).build().train(tmp.resolve("async"));
        List<JsonNode> rows = withoutTimings(tmp.resolve("async/metrics.jsonl"));
        assertThat(rows.stream().map(n -> n.get("policy_lag").asInt()).toList()).containsExactly(0, 1, 2, 2);
        assertThat(rows.get(0).get("logprob_max_diff").asDouble()).as("step 1 samples the starting policy").isLessThan(1e-4);
        assertThat(rows.get(3).get("logprob_max_diff").asDouble()).as("step 4 samples the policy of 2 updates ago").isGreaterThan(1e-3);
        assertThat(rows.get(3).get("tis_mean").asDouble()).isPositive().isLessThanOrEqualTo(2.0).isNotEqualTo(1.0);

        assertThat(GrpoTrainer.builder(c).rewards(halfConstant()).console(quiet).build().train(tmp.resolve("resumed"), 2).finalModel()).isNull();
        assertThat(Files.readAllLines(tmp.resolve("resumed/checkpoints/step-0000002/rollouts/rollouts.jsonl")))
                .as("the batches of steps 3 and 4, in flight").hasSize(2);
        GrpoTrainer.Result resumed = GrpoTrainer.builder(c).rewards(halfConstant()).console(quiet).build().train(tmp.resolve("resumed"));
        assertThat(withoutTimings(tmp.resolve("resumed/metrics.jsonl"))).isEqualTo(rows);
        Transformer a = Checkpoint.load(full.finalModel(), true), b = Checkpoint.load(resumed.finalModel(), true);
        for (var e : a.tensors().entrySet()) assertThat(b.tensors().get(e.getKey()).data).as(e.getKey()).containsExactly(e.getValue().data);

        r1j.generate.Rollouts local = r1j.generate.Rollouts.local(Tokenizer.load(base));
        r1j.generate.Rollouts onePerWorker = (p, v, pre, req, g, sp) ->
                req.stream().flatMap(r -> local.generate(p, v, pre, List.of(r), g, sp).stream()).toList();
        GrpoTrainer.builder(c).rewards(halfConstant()).rollouts(onePerWorker).console(quiet).build().train(tmp.resolve("sharded"));
        assertThat(withoutTimings(tmp.resolve("sharded/metrics.jsonl"))).isEqualTo(rows);

        // N = 0 is the synchronous run: every step on-policy.
        GrpoTrainer.builder(c.toBuilder().asyncSteps(0).build()).rewards(halfConstant()).console(quiet).build().train(tmp.resolve("sync"));
        for (JsonNode n : withoutTimings(tmp.resolve("sync/metrics.jsonl"))) {
            assertThat(n.get("policy_lag").asInt()).isZero();
            assertThat(n.get("tis_mean").asDouble()).isEqualTo(1.0);
        }
    }

    private static List<JsonNode> withoutTimings(Path metrics) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            var n = (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(line);
            n.remove(List.of("seconds", "time_rollout", "time_reward", "time_reference", "time_update", "rollout_tokens_per_s",
                    "update_tokens_per_s"));
            out.add(n);
        }
        return out;
    }

    /**
     * One update with rewards that differ within each group: the completions paid more become more likely and the
     * others less (mean change of their tokens' log-probs); with the rewards reversed, the other way round.
     */
    @Test
    void anUpdateRaisesTheLogProbsOfTheBetterPaidCompletions() throws Exception {
        for (boolean flip : new boolean[] {false, true}) {
            Transformer policy = Checkpoint.load(base, false);
            Tokenizer tok = Tokenizer.load(base);
            GrpoConfig c = config().toBuilder().mu(1).beta(0f).aggregation(GrpoObjective.Aggregation.TOKEN_MEAN).maskTruncated(false).build();
            int[] prefix = tok.encode(Templates.R1_ZERO.constantPrefix(), false);
            List<r1j.data.Datasets.Example> prompts = r1j.data.Datasets.read(data, false).examples();
            RolloutBatch batch = RolloutBatch.collect(policy, new RolloutBatch.Source(tok, Templates.R1_ZERO, prefix, prompts), 0, c);
            double[][] r = new double[batch.groups().size()][c.group_size()];
            for (int i = 0; i < r.length; i++) for (int g = 0; g < r[i].length; g++) r[i][g] = (g % 2 == 0) != flip ? 1 : 0;
            batch.setRewards(r);
            batch.computeAdvantages(c.advantage_scale());
            RolloutBatch.Packed packed = batch.pack(prefix, c.micro_batch(), c.aggregation(), false, false, c.max_completion_tokens());
            AdamW opt = new AdamW(policy.trainable(), new AdamW.Config(0.9f, 0.99f, 1e-8f, 0f));
            new GrpoTrainer.PolicyUpdate(c, policy, policy, new r1j.train.OptimizerStep(policy.trainable(), opt, new r1j.train.NumericGuard(System.err), c.grad_clip())).optimise(packed, 3e-3f, 0L, 1);
            double up = 0, down = 0;
            int nUp = 0, nDown = 0;
            try (var g = Grad.noGrad()) {
                for (RolloutBatch.MicroBatch m : packed.microBatches()) {
                    float[] now = policy.tokenLogProbs(m.input(), m.targets()).data;
                    for (int t = 0; t < now.length; t++) {
                        double d = now[t] - m.oldLogprobs()[t];
                        if (m.advantages()[t] > 0) {
                            up += d;
                            nUp++;
                        } else if (m.advantages()[t] < 0) {
                            down += d;
                            nDown++;
                        }
                    }
                }
            }
            assertThat(nUp).isPositive();
            assertThat(nDown).isPositive();
            assertThat(up / nUp).as("better-paid completions (flip=%s)", flip).isPositive();
            assertThat(down / nDown).as("worse-paid completions (flip=%s)", flip).isNegative();
        }
    }
}
