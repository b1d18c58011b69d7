package r1j.reward;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import r1j.io.Checkpoint;
import r1j.io.DType;
import r1j.io.SafeTensors;
import r1j.model.Transformer;
import r1j.tensor.Grad;
import r1j.tensor.Init;
import r1j.tensor.MatMul;
import r1j.tensor.Rows;
import r1j.tensor.Tensor;
import r1j.tokenizer.Templates;
import r1j.tokenizer.Tokenizer;

/**
 * A reward model (DeepSeek-R1 §2.3.4; InstructGPT's recipe): a transformer backbone whose final hidden state at the
 * reply's last token goes through a scalar head, {@code score.weight} [1, hidden] as in Hugging Face's
 * sequence-classification models. The text scored is the prompt in the chat format followed by the reply (or the part
 * of it the reward looks at: the helpfulness model sees the summary only). A folder holds the backbone as a model
 * folder plus score.safetensors and reward_model.json (its name and segment). As a {@link Reward} it scores a
 * list of samples in batches of 32 rows.
 */
public final class RewardModel implements Reward {
    public static final String SCORE = "score.weight";
    public static final String FILE = "score.safetensors";
    public static final String INFO = "reward_model.json";

    private final String name;
    private final Transformer backbone;
    private final Tensor score;
    private final Tokenizer tok;
    private final Segment segment;

    public RewardModel(String name, Transformer backbone, Tensor score, Tokenizer tok, Segment segment) {
        this.name = name;
        this.backbone = backbone;
        this.score = score;
        this.tok = tok;
        this.segment = segment;
    }

    /** A new reward model on a copy of a model folder's weights, the head drawn from N(0, 0.02²) with the seed. */
    public static RewardModel fromBackbone(String name, Path model, Segment segment, long seed) throws IOException {
        Transformer b = Checkpoint.load(model, false);
        Tensor s = Tensor.param(SCORE, 1, b.config().hidden_size());
        Init.normal(s.data, 0.02f, new SplittableRandom(seed));
        return new RewardModel(name, b, s, Tokenizer.load(model), segment);
    }

    /** A reward model folder as saved, with the name and segment it was trained for. */
    public static RewardModel load(Path dir) throws IOException {
        Path info = dir.resolve(INFO);
        if (!Files.isRegularFile(info)) throw new IllegalArgumentException(dir + ": not a reward model (no " + INFO + ")");
        var n = r1j.data.Jsonl.mapper().readTree(info.toFile());
        return load(n.path("name").asText(), dir, Segment.valueOf(n.path("segment").asText("ALL")));
    }

    public static RewardModel load(String name, Path dir, Segment segment) throws IOException {
        if (!Files.isRegularFile(dir.resolve(FILE))) throw new IllegalArgumentException(dir + ": not a reward model (no " + FILE + ")");
        Transformer b = Checkpoint.load(dir, false);
        try (SafeTensors st = SafeTensors.open(dir.resolve(FILE))) {
            Tensor s = Tensor.param(SCORE, st.read(SCORE), 1, b.config().hidden_size());
            return new RewardModel(name, b, s, Tokenizer.load(dir), segment);
        }
    }

    public void save(Path dir) throws IOException {
        Checkpoint.save(backbone, dir, DType.F32, Long.MAX_VALUE);
        tok.save(dir);
        SafeTensors.write(dir.resolve(FILE), Map.of(SCORE, new SafeTensors.Item(score.data, score.shape())), DType.F32, Map.of());
        r1j.io.AtomicFiles.writeString(dir.resolve(INFO), r1j.data.Jsonl.write(r1j.data.Jsonl.object("name", name, "segment", segment.name())) + "\n");
    }

    /** Every tensor training updates: the backbone's and the head. */
    public List<Tensor> trainable() {
        List<Tensor> t = new ArrayList<>(backbone.trainable());
        t.add(score);
        return t;
    }

    public Transformer backbone() {
        return backbone;
    }

    public Tensor scoreHead() {
        return score;
    }

    public Segment segment() {
        return segment;
    }

    /** Token ids of a (prompt, reply) pair as the model reads it: the chat prompt, then the reply's scored part. */
    public int[] encode(String prompt, String reply) {
        int[] p = Templates.CHAT.encodePrompt(tok, prompt), r = tok.encode(segment.select(reply.replace(r1j.tokenizer.SpecialTokens.EOS, "")), false);
        int[] out = java.util.Arrays.copyOf(p, p.length + r.length);
        System.arraycopy(r, 0, out, p.length, r.length);
        return out;
    }

    /** Scores [rows, 1] of token rows (right-padded to one length), read at each row's last real token. */
    public Tensor scores(List<int[]> rows) {
        int seq = 0;
        for (int[] r : rows) seq = Math.max(seq, r.length);
        seq = Math.min(seq, backbone.config().max_position_embeddings());
        int[] ids = new int[rows.size() * seq], last = new int[rows.size()];
        int pad = tok.eosId();
        java.util.Arrays.fill(ids, pad);
        for (int i = 0; i < rows.size(); i++) {
            int[] r = rows.get(i);
            // A row longer than the context keeps its end: the reply is what is scored.
            int from = Math.max(0, r.length - seq), n = r.length - from;
            System.arraycopy(r, from, ids, i * seq, n);
            last[i] = i * seq + n - 1;
        }
        Tensor h = backbone.hiddenStates(ids, rows.size(), seq);
        backbone.resetExpertLoads();
        return MatMul.linear(Rows.gather(h, last), score);
    }

    /** Scores of many (prompt, reply) pairs, without gradients, in batches. */
    public double[] score(List<String> prompts, List<String> replies) {
        double[] out = new double[prompts.size()];
        try (var g = Grad.noGrad()) {
            for (int i = 0; i < out.length; i += 32) {
                List<int[]> rows = new ArrayList<>();
                for (int j = i; j < Math.min(out.length, i + 32); j++) rows.add(encode(prompts.get(j), replies.get(j)));
                Tensor s = scores(rows);
                for (int j = 0; j < rows.size(); j++) out[i + j] = s.data[j];
                s.releaseGraph();
            }
        }
        return out;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Score> scoreAll(List<Sample> samples) {
        List<String> ps = new ArrayList<>(), cs = new ArrayList<>();
        for (Sample s : samples) {
            ps.add(s.prompt());
            cs.add(s.completion());
        }
        double[] v = score(ps, cs);
        List<Score> out = new ArrayList<>();
        for (double x : v) out.add(new Score(x, String.format("%s model: %.3f", name, x)));
        return out;
    }

    @Override
    public Score score(Sample s) {
        return scoreAll(List.of(s)).get(0);
    }
}
