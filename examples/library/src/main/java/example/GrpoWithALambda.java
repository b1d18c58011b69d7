package example;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import r1j.data.Datasets;
import r1j.data.Problem;
import r1j.data.Splits;
import r1j.data.World;
import r1j.eval.Evaluator;
import r1j.eval.Report;
import r1j.generate.Completion;
import r1j.generate.GenerationConfig;
import r1j.generate.Generator;
import r1j.generate.SamplingParams;
import r1j.io.Checkpoint;
import r1j.io.DType;
import r1j.model.Presets;
import r1j.model.Transformer;
import r1j.reward.AccuracyReward;
import r1j.reward.Reward;
import r1j.reward.Rewards;
import r1j.rl.GrpoConfig;
import r1j.rl.GrpoTrainer;
import r1j.tokenizer.BpeTrainer;
import r1j.tokenizer.Templates;
import r1j.tokenizer.Tokenizer;

/**
 * GRPO from a Java program: a nano model on the miniature world's problems, rewarded by r1j's accuracy rule and by a
 * reward written here as a lambda; each step's metrics arrive typed. Run it twice and the second run resumes (and,
 * the job being complete, only writes its result).
 */
public final class GrpoWithALambda {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "run");

        // Prompts with reference answers: any Iterable of rows (here the world's problems; Datasets.read for JSONL).
        List<Datasets.Example> prompts = new ArrayList<>();
        List<String> corpus = new ArrayList<>();
        for (Problem p : new World(World.Mix.defaults()).tasks(Splits.Split.TRAIN, 64, 1)) {
            prompts.add(Datasets.Example.of(p.prompt(), p.answer()));
            corpus.add(Templates.R1_ZERO.render(p.prompt()) + " <think> … </think> <answer> " + p.answer() + " </answer>");
        }

        // A model folder: a byte-level BPE and a freshly initialised nano DeepSeek-V3 (MLA + MoE).
        Path model = dir.resolve("model");
        Tokenizer tok = BpeTrainer.train(corpus, 400);
        Checkpoint.save(Transformer.init(Presets.get("nano").withVocabSize(tok.vocabSize()), 1), model, DType.F32, Long.MAX_VALUE);
        tok.save(model);

        // The rewards: a built-in rule and a lambda, each with its weight.
        Reward closesThinking = Reward.of("closes_think", s -> s.completion().contains("</think>") ? 1 : 0);
        Rewards rewards = Rewards.builder().add(new AccuracyReward(true), 1).add(closesThinking, 0.1).build();

        GrpoConfig settings = GrpoConfig.builder().model(model).groupSize(4).promptsPerStep(4).steps(3)
                .maxCompletionTokens(16).lr(1e-3f).warmupSteps(1).seed(1).build();
        GrpoTrainer.Result r = GrpoTrainer.builder(settings)
                .rewards(rewards)
                .prompts(prompts)
                .listener(step -> System.out.printf("step %d: reward %.3f (accuracy %.3f, closes_think %.3f), kl %.4f%n",
                        step.step(), step.rewardMean(), step.accuracy(), step.rewards().parts().get("closes_think"), step.kl()))
                .build()
                .train(dir.resolve("grpo"));
        System.out.println("trained " + r.steps() + " steps: " + r.finalModel());

        // The trained policy: one reply, then pass@1 over 2 samples on 8 of the prompts.
        Transformer policy = Checkpoint.loadFrozen(r.finalModel());
        Tokenizer trained = Tokenizer.load(r.finalModel());
        int[] stop = GenerationConfig.stopTokensOf(policy, trained);
        Completion reply = new Generator(policy, trained, 1).complete(Templates.R1_ZERO, prompts.get(0).prompt(), 1,
                SamplingParams.sample(0.6f, 0.95f, 16, stop), 1L, null).get(0);
        System.out.println("reply: " + reply.text());
        List<Evaluator.ProblemResult> judged = Evaluator.run(policy, trained, prompts.subList(0, 8),
                Evaluator.Options.builder().template(Templates.R1_ZERO).k(2).temperature(0.6f)
                        .topP(0.95f).maxNewTokens(16).maxBatch(16).seed(1L).build());
        System.out.println("pass@1 " + Report.slices(judged, 2, World.SLICES).get(0).get("pass@1"));
    }
}
