package r1j.cluster;

import java.io.IOException;
import r1j.model.Transformer;
import r1j.tokenizer.Tokenizer;

/** What a worker JVM holds between tasks: the model of the run it serves and the weights version it has. */
final class WorkerState {
    private static ModelSpec spec;
    private static Transformer model;
    private static Tokenizer tokenizer;
    private static String version;

    private WorkerState() {}

    static synchronized void load(ModelSpec s, String v, Weights w) throws IOException {
        if (!s.equals(spec)) {
            model = s.build();
            tokenizer = s.tokenizer();
            spec = s;
        }
        w.into(model);
        version = v;
    }

    /** The model at version v, or a StaleWeights failure that tells the trainer to send them. */
    static synchronized Transformer model(ModelSpec s, String v) {
        if (!s.equals(spec) || !v.equals(version)) throw new StaleWeights("worker holds " + version + ", not " + v);
        return model;
    }

    static synchronized Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The worker lacks the weights a rollout asks for (it joined late, or missed a sync). */
    static final class StaleWeights extends IllegalStateException {
        StaleWeights(String message) {
            super(message);
        }
    }
}
