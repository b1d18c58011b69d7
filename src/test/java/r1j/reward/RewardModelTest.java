package r1j.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import r1j.data.Jsonl;
import r1j.data.PreferencePairs;
import r1j.data.R1Format;
import r1j.data.Problem;
import r1j.data.Splits;
import r1j.data.World;
import r1j.io.Checkpoint;
import r1j.io.DType;
import r1j.model.Presets;
import r1j.model.Transformer;
import r1j.tokenizer.BpeTrainer;
import r1j.tokenizer.Tokenizer;
import r1j.train.RewardModelTrainer;

/** Reward models: the world's pairs, Bradley–Terry training to a held-out accuracy, and a save/load round trip. */
class RewardModelTest {
    @TempDir
    Path tmp;

    /** A nano backbone with a BPE learned on the pairs (tmp/base), and the pairs as tmp/pairs.jsonl. */
    private Path nanoBackbone(List<Map<String, Object>> pairs, int vocab) throws Exception {
        List<String> docs = new ArrayList<>();
        for (Map<String, Object> p : pairs) docs.add(p.get("prompt") + " " + p.get("chosen") + " " + p.get("rejected"));
        Tokenizer tok = BpeTrainer.train(docs, vocab);
        Path base = tmp.resolve("base");
        Checkpoint.save(Transformer.init(Presets.get("nano").withVocabSize(tok.vocabSize()), 4), base, DType.F32, Long.MAX_VALUE);
        tok.save(base);
        Jsonl.writeAll(tmp.resolve("pairs.jsonl"), pairs);
        return base;
    }

    @Test
    void learnsHelpfulSummariesAndScoresTheSameAfterLoading() throws Exception {
        List<Problem> ps = new World(World.Mix.defaults()).tasks(Splits.Split.TRAIN, 300, 2);
        List<Map<String, Object>> pairs = PreferencePairs.helpfulness(ps, 2);
        assertThat(pairs).hasSizeGreaterThan(200);
        Path base = nanoBackbone(pairs, 400), data = tmp.resolve("pairs.jsonl");
        RewardModelTrainer.Config c = RewardModelTrainer.Config.builder().model(base).data(data).segment("summary")
                .epochs(3).lr(3e-3f).seed(5).build();
        RewardModelTrainer.Result r = RewardModelTrainer.run(c, tmp.resolve("rm"), new PrintStream(new ByteArrayOutputStream()));
        assertThat(r.heldOutPairs()).isEqualTo(pairs.size() / 10);
        assertThat(r.heldOutAccuracy()).as("held-out pairs ranked right").isGreaterThanOrEqualTo(0.9);

        RewardModel rm = RewardModel.load("helpfulness", r.finalModel(), Segment.SUMMARY);
        Map<String, Object> p = pairs.get(0);
        double[] s = rm.score(List.of((String) p.get("prompt"), (String) p.get("prompt")), List.of((String) p.get("chosen"), (String) p.get("rejected")));
        assertThat(rm.score(new Sample((String) p.get("prompt"), (String) p.get("chosen"), null, Map.of())).value()).isCloseTo(s[0], within(1e-5));
        // Only the summary is read: a different reasoning before the same summary scores the same.
        String other = ((String) p.get("chosen")).replaceFirst("\\| special_token \\| [^|]*\\|", "| special_token | blorp |");
        assertThat(rm.score(List.of((String) p.get("prompt")), List.of(other))[0]).isCloseTo(s[0], within(1e-5));
    }

    /** Stopped after a few steps and run again, the reward model ends bit-identical to an uninterrupted run's. */
    @Test
    void resumedTrainingEqualsAnUninterruptedRun() throws Exception {
        List<Map<String, Object>> pairs = PreferencePairs.helpfulness(new World(World.Mix.defaults()).tasks(Splits.Split.TRAIN, 60, 3), 3);
        Path base = nanoBackbone(pairs, 300), data = tmp.resolve("pairs.jsonl");
        RewardModelTrainer.Config c = RewardModelTrainer.Config.builder().model(base).data(data).batchPairs(8)
                .lr(3e-3f).seed(2).build();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        List<r1j.train.RewardModelStep> seen = new java.util.ArrayList<>();
        RewardModelTrainer.Result full = RewardModelTrainer.run(c, tmp.resolve("a"), 0, quiet, seen::add);
        // The listener receives each step's metrics, typed, exactly as metrics.jsonl has them.
        List<String> rows = java.nio.file.Files.readAllLines(tmp.resolve("a/metrics.jsonl"));
        assertThat(seen).hasSize(rows.size());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (int i = 0; i < rows.size(); i++) assertThat(json.readTree(rows.get(i))).isEqualTo(json.readTree(r1j.data.Jsonl.write(seen.get(i).row())));
        assertThat(seen.get(seen.size() - 1).heldOutAccuracy()).isNotNull();
        assertThatStepsWithoutHeldOutHaveNone(seen);
        assertThat(RewardModelTrainer.run(c.toBuilder().checkpointEvery(3).build(), tmp.resolve("b"), 4, quiet).finalModel()).isNull();
        assertThat(tmp.resolve("b/checkpoints/step-0000003")).isDirectory();
        RewardModelTrainer.Result resumed = RewardModelTrainer.run(c, tmp.resolve("b"), quiet);
        RewardModel a = RewardModel.load(full.finalModel()), b = RewardModel.load(resumed.finalModel());
        assertThat(b.scoreHead().data).containsExactly(a.scoreHead().data);
        for (var e : a.backbone().tensors().entrySet()) {
            assertThat(b.backbone().tensors().get(e.getKey()).data).as(e.getKey()).containsExactly(e.getValue().data);
        }
        assertThat(java.nio.file.Files.readAllLines(tmp.resolve("b/metrics.jsonl"))).isEqualTo(java.nio.file.Files.readAllLines(tmp.resolve("a/metrics.jsonl")));
    }

    private static void assertThatStepsWithoutHeldOutHaveNone(List<r1j.train.RewardModelStep> steps) {
        for (r1j.train.RewardModelStep m : steps) {
            boolean measured = m.step() % 50 == 0 || m.step() == steps.size();
            assertThat(m.heldOutAccuracy() != null).as("step %d", m.step()).isEqualTo(measured);
        }
    }

    @Test
    void harmlessnessPairsPreferRefusingHarmAndAnsweringLookAlikes() {
        List<Problem> ps = new World(World.Mix.defaults().withCategories(Map.of("safety", 1.0))).tasks(Splits.Split.TRAIN, 40, 1);
        for (Map<String, Object> pair : PreferencePairs.harmlessness(ps)) {
            boolean harmful = ps.stream().anyMatch(q -> q.prompt().equals(pair.get("prompt")) && q.answer().equals("REFUSE"));
            // What the user reads decides: the chosen reply refuses exactly when the request is harmful.
            assertThat(Refusal.in((String) pair.get("chosen"))).as(pair.toString()).isEqualTo(harmful);
            assertThat(Refusal.in((String) pair.get("rejected"))).as(pair.toString()).isEqualTo(!harmful);
            if (harmful) assertThat(pair.get("chosen")).isEqualTo(PreferencePairs.refusal((String) pair.get("language")));
        }
    }

    @Test
    void pairsFromThePolicysOwnRepliesRejectWhatMisbehaves() {
        List<Problem> ps = new World(World.Mix.defaults().withCategories(Map.of("safety", 1.0))).tasks(Splits.Split.TRAIN, 40, 1);
        Problem harmful = ps.stream().filter(q -> q.answer().equals("REFUSE") && q.language().equals("en")).findFirst().orElseThrow();
        Problem lookAlike = ps.stream().filter(q -> q.answer().equals("COMPLY") && q.language().equals("en")).findFirst().orElseThrow();
        String complies = R1Format.render("This is a safe question.", "Plan short daily sessions.");
        String refuses = PreferencePairs.refusal("en");
        String odd = "| special_token | This is a safe question. | special_token | Es una pregunta segura. | special_token | Planifica.";
        List<String> replies = List.of(complies, complies + r1j.tokenizer.SpecialTokens.EOS, odd, refuses, "");
        List<Map<String, Object>> h = PreferencePairs.harmlessnessFromReplies(harmful, replies, r -> Refusal.behaves(r, harmful.answer()), 4);
        // Two distinct failures rejected against the refusal; the refusal itself is the reference, not a new pair.
        assertThat(h).extracting(m -> m.get("rejected")).containsExactly(complies, odd);
        assertThat(h).extracting(m -> m.get("chosen")).containsOnly(refuses);
        String overRefuses = R1Format.render("This is a safe question.", "Sorry, I cannot help with that.");
        List<String> toLookAlike = List.of(complies, odd, refuses, overRefuses);
        List<Map<String, Object>> l = PreferencePairs.harmlessnessFromReplies(lookAlike, toLookAlike, r -> Refusal.behaves(r, lookAlike.answer()), 1);
        // For a look-alike answering is right; at most one new reply of each kind (maxPerKind 1); the reference refusal
        // is already a hand-written pair.
        assertThat(l).hasSize(2);
        assertThat(l.get(0)).containsEntry("chosen", complies).containsEntry("rejected", refuses);
        assertThat(l.get(1)).containsEntry("chosen", PreferencePairs.answer(lookAlike)).containsEntry("rejected", overRefuses);
    }
}
